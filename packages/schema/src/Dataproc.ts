/**
 * Dataproc v1 operation metadata (`google.cloud.dataproc.v1`), as packed in an operation's `metadata`.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import * as Any from "./Any.js"
import * as Operation from "./Operation.js"
import * as Proto from "./Proto.js"

const str = Proto.optional(Schema.String)
const strings = Proto.optional(Schema.Array(Schema.String))
const labels = Proto.optional(Proto.StringMap)
const time = Proto.optional(Proto.Timestamp)

/**
 * The state of a cluster operation (`ClusterOperationStatus.State`).
 *
 * @since 0.1.0
 * @category enums
 */
export const ClusterOperationState = Proto.Enum("ClusterOperationStatus.State", {
  UNKNOWN: 0,
  PENDING: 1,
  RUNNING: 2,
  DONE: 3
})

/**
 * The status of a cluster or node group operation at one moment.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ClusterOperationStatus = Proto.message("google.cloud.dataproc.v1.ClusterOperationStatus", {
  state: Proto.optional(ClusterOperationState),
  innerState: str,
  details: str,
  stateStartTime: time
})

/**
 * @since 0.1.0
 * @category models
 */
export interface ClusterOperationStatus extends Schema.Schema.Type<typeof ClusterOperationStatus> {}

/**
 * The metadata of cluster operations (create, update, delete, start, stop, diagnose...).
 *
 * @example
 * ```ts
 * import { Dataproc, Operation } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * const ClusterOperation = Operation.schema({ metadata: Dataproc.ClusterOperationMetadata })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ClusterOperationMetadata = Any.message("google.cloud.dataproc.v1.ClusterOperationMetadata", {
  clusterName: str,
  clusterUuid: str,
  status: Proto.optional(ClusterOperationStatus),
  statusHistory: Proto.optional(Schema.Array(ClusterOperationStatus)),
  operationType: str,
  description: str,
  labels,
  warnings: strings,
  childOperationIds: strings
})

/**
 * @since 0.1.0
 * @category models
 */
export interface ClusterOperationMetadata extends Schema.Schema.Type<typeof ClusterOperationMetadata> {}

/**
 * The type of a batch operation.
 *
 * @since 0.1.0
 * @category enums
 */
export const BatchOperationType = Proto.Enum("BatchOperationMetadata.BatchOperationType", {
  BATCH_OPERATION_TYPE_UNSPECIFIED: 0,
  BATCH: 1
})

/**
 * The metadata of serverless batch operations.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BatchOperationMetadata = Any.message("google.cloud.dataproc.v1.BatchOperationMetadata", {
  batch: str,
  batchUuid: str,
  createTime: time,
  doneTime: time,
  operationType: Proto.optional(BatchOperationType),
  description: str,
  labels,
  warnings: strings
})

/**
 * @since 0.1.0
 * @category models
 */
export interface BatchOperationMetadata extends Schema.Schema.Type<typeof BatchOperationMetadata> {}

/**
 * The type of a session operation.
 *
 * @since 0.1.0
 * @category enums
 */
export const SessionOperationType = Proto.Enum("SessionOperationMetadata.SessionOperationType", {
  SESSION_OPERATION_TYPE_UNSPECIFIED: 0,
  CREATE: 1,
  TERMINATE: 2,
  DELETE: 3
})

/**
 * The metadata of interactive session operations.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SessionOperationMetadata = Any.message("google.cloud.dataproc.v1.SessionOperationMetadata", {
  session: str,
  sessionUuid: str,
  createTime: time,
  doneTime: time,
  operationType: Proto.optional(SessionOperationType),
  description: str,
  labels,
  warnings: strings
})

/**
 * @since 0.1.0
 * @category models
 */
export interface SessionOperationMetadata extends Schema.Schema.Type<typeof SessionOperationMetadata> {}

/**
 * The type of a node group operation.
 *
 * @since 0.1.0
 * @category enums
 */
export const NodeGroupOperationType = Proto.Enum("NodeGroupOperationMetadata.NodeGroupOperationType", {
  NODE_GROUP_OPERATION_TYPE_UNSPECIFIED: 0,
  CREATE: 1,
  UPDATE: 2,
  DELETE: 3,
  RESIZE: 4,
  REPAIR: 5,
  UPDATE_LABELS: 6,
  START: 7,
  STOP: 8,
  UPDATE_METADATA_CONFIG: 9
})

/**
 * The metadata of node group operations.
 *
 * @since 0.1.0
 * @category schemas
 */
export const NodeGroupOperationMetadata = Any.message("google.cloud.dataproc.v1.NodeGroupOperationMetadata", {
  nodeGroupId: str,
  clusterUuid: str,
  status: Proto.optional(ClusterOperationStatus),
  statusHistory: Proto.optional(Schema.Array(ClusterOperationStatus)),
  operationType: Proto.optional(NodeGroupOperationType),
  description: str,
  labels,
  warnings: strings
})

/**
 * @since 0.1.0
 * @category models
 */
export interface NodeGroupOperationMetadata extends Schema.Schema.Type<typeof NodeGroupOperationMetadata> {}

/**
 * The state of a workflow (`WorkflowMetadata.State`).
 *
 * @since 0.1.0
 * @category enums
 */
export const WorkflowState = Proto.Enum("WorkflowMetadata.State", { UNKNOWN: 0, PENDING: 1, RUNNING: 2, DONE: 3 })

/**
 * The state of a workflow node (`WorkflowNode.NodeState`).
 *
 * @since 0.1.0
 * @category enums
 */
export const WorkflowNodeState = Proto.Enum("WorkflowNode.NodeState", {
  NODE_STATE_UNSPECIFIED: 0,
  BLOCKED: 1,
  RUNNABLE: 2,
  RUNNING: 3,
  COMPLETED: 4,
  FAILED: 5
})

/**
 * A cluster operation a workflow started.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WorkflowClusterOperation = Proto.message("google.cloud.dataproc.v1.ClusterOperation", {
  operationId: str,
  error: str,
  done: Proto.optional(Schema.Boolean)
})

/**
 * One step of a workflow's graph.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WorkflowNode = Proto.message("google.cloud.dataproc.v1.WorkflowNode", {
  stepId: str,
  prerequisiteStepIds: strings,
  jobId: str,
  state: Proto.optional(WorkflowNodeState),
  error: str
})

/**
 * The metadata of workflow template instantiation.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WorkflowMetadata = Any.message("google.cloud.dataproc.v1.WorkflowMetadata", {
  template: str,
  version: Proto.optional(Proto.Int32),
  createCluster: Proto.optional(WorkflowClusterOperation),
  graph: Proto.optional(
    Proto.message("google.cloud.dataproc.v1.WorkflowGraph", { nodes: Proto.optional(Schema.Array(WorkflowNode)) })
  ),
  deleteCluster: Proto.optional(WorkflowClusterOperation),
  state: Proto.optional(WorkflowState),
  clusterName: str,
  parameters: labels,
  startTime: time,
  endTime: time,
  clusterUuid: str,
  dagTimeout: Proto.optional(Proto.Duration),
  dagStartTime: time,
  dagEndTime: time
})

/**
 * @since 0.1.0
 * @category models
 */
export interface WorkflowMetadata extends Schema.Schema.Type<typeof WorkflowMetadata> {}

/**
 * The state of a job (`JobStatus.State`). Its numbers are not in name order.
 *
 * @since 0.1.0
 * @category enums
 */
export const JobState = Proto.Enum("JobStatus.State", {
  STATE_UNSPECIFIED: 0,
  PENDING: 1,
  SETUP_DONE: 8,
  RUNNING: 2,
  CANCEL_PENDING: 3,
  CANCEL_STARTED: 7,
  CANCELLED: 4,
  DONE: 5,
  ERROR: 6,
  ATTEMPT_FAILURE: 9
})

/**
 * The substate of a running job (`JobStatus.Substate`).
 *
 * @since 0.1.0
 * @category enums
 */
export const JobSubstate = Proto.Enum("JobStatus.Substate", { UNSPECIFIED: 0, SUBMITTED: 1, QUEUED: 2, STALE_STATUS: 3 })

/**
 * The status of a Dataproc job.
 *
 * @since 0.1.0
 * @category schemas
 */
export const JobStatus = Proto.message("google.cloud.dataproc.v1.JobStatus", {
  state: Proto.optional(JobState),
  details: str,
  stateStartTime: time,
  substate: Proto.optional(JobSubstate)
})

/**
 * The metadata of job operations (`jobs.submitAsOperation`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const JobMetadata = Any.message("google.cloud.dataproc.v1.JobMetadata", {
  jobId: str,
  status: Proto.optional(JobStatus),
  operationType: str,
  startTime: time
})

/**
 * @since 0.1.0
 * @category models
 */
export interface JobMetadata extends Schema.Schema.Type<typeof JobMetadata> {}

/**
 * Every Dataproc v1 operation metadata message.
 *
 * @since 0.1.0
 * @category schemas
 */
export const operationMetadata = [
  ClusterOperationMetadata,
  BatchOperationMetadata,
  SessionOperationMetadata,
  NodeGroupOperationMetadata,
  WorkflowMetadata,
  JobMetadata
] as const

/**
 * The metadata of any Dataproc operation, or an Any of another type kept as it came.
 *
 * @since 0.1.0
 * @category models
 */
export type OperationMetadata =
  | ClusterOperationMetadata
  | BatchOperationMetadata
  | SessionOperationMetadata
  | NodeGroupOperationMetadata
  | WorkflowMetadata
  | JobMetadata
  | Any.Any

/**
 * The schema of a Dataproc operation: its metadata decoded by `@type` into the Dataproc metadata
 * messages, its response kept as an Any.
 *
 * @example
 * ```ts
 * import { Dataproc } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * const op = Schema.decodeUnknownSync(Dataproc.DataprocOperation)({
 *   name: "projects/p/regions/us-central1/operations/1",
 *   metadata: {
 *     "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
 *     status: { state: "RUNNING" }
 *   }
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const DataprocOperation = Operation.schema({ metadata: operationMetadata })
