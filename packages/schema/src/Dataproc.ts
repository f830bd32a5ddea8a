/**
 * Dataproc v1 (`google.cloud.dataproc.v1`): every message of the API, generated from its discovery
 * document (`pnpm codegen`), an operation schema per long-running method (`Dataproc.Operations`), and
 * `DataprocOperation` for an operation of any of them.
 *
 * @example
 * ```ts
 * import { Dataproc } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * const op = Schema.decodeUnknownSync(Dataproc.Operations.clustersCreate)({
 *   name: "projects/p/regions/us-central1/operations/1",
 *   metadata: {
 *     "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
 *     status: { state: "RUNNING" }
 *   }
 * })
 * ```
 *
 * @since 0.1.0
 */
import type * as Any from "./Any.js"
import * as Generated from "./generated/DataprocV1.js"
import * as Operation from "./Operation.js"

export * from "./generated/DataprocV1.js"

/**
 * The state of a cluster operation (`ClusterOperationStatus.State`); the generated name is
 * `ClusterOperationStatusState`.
 *
 * @since 0.1.0
 * @category enums
 */
export const ClusterOperationState = Generated.ClusterOperationStatusState

/**
 * The type of a batch operation; the generated name is `BatchOperationMetadataOperationType`.
 *
 * @since 0.1.0
 * @category enums
 */
export const BatchOperationType = Generated.BatchOperationMetadataOperationType

/**
 * The type of a session operation; the generated name is `SessionOperationMetadataOperationType`.
 *
 * @since 0.1.0
 * @category enums
 */
export const SessionOperationType = Generated.SessionOperationMetadataOperationType

/**
 * The type of a node group operation; the generated name is `NodeGroupOperationMetadataOperationType`.
 *
 * @since 0.1.0
 * @category enums
 */
export const NodeGroupOperationType = Generated.NodeGroupOperationMetadataOperationType

/**
 * The state of a workflow (`WorkflowMetadata.State`); the generated name is `WorkflowMetadataState`.
 *
 * @since 0.1.0
 * @category enums
 */
export const WorkflowState = Generated.WorkflowMetadataState

/**
 * The state of a job (`JobStatus.State`); the generated name is `JobStatusState`.
 *
 * @since 0.1.0
 * @category enums
 */
export const JobState = Generated.JobStatusState

/**
 * The substate of a running job (`JobStatus.Substate`); the generated name is `JobStatusSubstate`.
 *
 * @since 0.1.0
 * @category enums
 */
export const JobSubstate = Generated.JobStatusSubstate

/**
 * A cluster operation a workflow started (`google.cloud.dataproc.v1.ClusterOperation`); the generated
 * name is `ClusterOperation`.
 *
 * @since 0.1.0
 * @category messages
 */
export const WorkflowClusterOperation = Generated.ClusterOperation

/**
 * The metadata of any Dataproc operation, or an Any of another type kept as it came.
 *
 * @since 0.1.0
 * @category models
 */
export type OperationMetadata = (typeof Generated.operationMetadata)[number]["Type"] | Any.Any

/**
 * The schema of a Dataproc operation of any long-running method: its metadata decoded by `@type` into the
 * Dataproc metadata messages (`Dataproc.operationMetadata`), an Any of another type kept as it came; its
 * response kept as an Any (the operation schema of each method, `Dataproc.Operations.<method>`, types
 * the response too).
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
export const DataprocOperation = Operation.schema({ metadata: Generated.operationMetadata })
