import type * as Any from "@longrunning/schema/Any"
import type * as Dataproc from "@longrunning/schema/Dataproc"
import * as Proto from "@longrunning/schema/Proto"
import type * as Status from "@longrunning/schema/Status"
import * as Duration from "effect/Duration"

/** What the emulator simulates: the operation kinds Dataproc v1 returns most. */
export type Kind = "ClusterCreate" | "ClusterDelete" | "ClusterStart" | "ClusterStop" | "Batch" | "Workflow"

/** How long each kind runs when nothing says otherwise (a scenario, a fault). */
export const defaultRun: Readonly<Record<Kind, Duration.Duration>> = {
  ClusterCreate: Duration.seconds(90),
  ClusterDelete: Duration.seconds(30),
  ClusterStart: Duration.seconds(45),
  ClusterStop: Duration.seconds(30),
  Batch: Duration.seconds(90),
  Workflow: Duration.minutes(3)
}

/** Dataproc's description of each kind of operation, in its metadata. */
export const defaultDescription: Readonly<Record<Kind, string>> = {
  ClusterCreate: "Create cluster with 2 workers",
  ClusterDelete: "Delete cluster",
  ClusterStart: "Start cluster",
  ClusterStop: "Stop cluster",
  Batch: "Batch",
  Workflow: "Instantiate inline workflow template"
}

const operationTypes: Readonly<Record<Kind, string>> = {
  ClusterCreate: "CREATE",
  ClusterDelete: "DELETE",
  ClusterStart: "START",
  ClusterStop: "STOP",
  Batch: "BATCH",
  Workflow: "WORKFLOW"
}

/** How an operation ends, as the store keeps it: the response and the error as JSON. */
export type Outcome =
  | { readonly _tag: "Succeed"; readonly response?: unknown }
  | { readonly _tag: "Fail"; readonly error: unknown }
  | { readonly _tag: "DoneWithoutResult" }

/** When an operation ended, and how. */
export interface End {
  readonly at: number
  readonly outcome: Outcome
}

/** A script for an operation: an outcome after a delay, or no end at all. */
export type Scenario =
  | { readonly _tag: "Succeed"; readonly after: Duration.Duration; readonly response?: Any.Any | undefined }
  | { readonly _tag: "Fail"; readonly after: Duration.Duration; readonly error: Status.Status }
  | { readonly _tag: "DoneWithoutResult"; readonly after: Duration.Duration }
  | { readonly _tag: "Never" }

export type Metadata = Dataproc.OperationMetadata

/** What a simulated Dataproc operation is about: its metadata and default response are computed from it. */
export interface Simulation {
  readonly kind: Kind
  readonly project: string
  readonly location: string
  readonly resourceId: string
  readonly resourceUuid: string
  readonly createdAt: number
  readonly pendingMillis: number
  readonly labels: Readonly<Record<string, string>>
  readonly warnings: ReadonlyArray<string>
  readonly description: string
}

const timestamp = (millis: number): Proto.TimestampValue => Proto.timestampFromMillis(millis)
const iso = (millis: number): string => Proto.timestampFromMillis(millis).toJSON()

const errorMessage = (error: unknown): string | undefined => {
  if (error === null || typeof error !== "object" || !("message" in error)) return undefined
  return typeof error.message === "string" ? error.message : undefined
}

const clusterStatus = (
  state: "PENDING" | "RUNNING" | "DONE",
  at: number,
  innerState: string,
  details?: string
): Dataproc.ClusterOperationStatus => ({
  state,
  innerState,
  stateStartTime: timestamp(at),
  ...(details === undefined ? {} : { details })
})

const clusterMetadata = (entry: Simulation, now: number, end: End | undefined): Dataproc.ClusterOperationMetadata => {
  const runningAt = entry.createdAt + Math.min(entry.pendingMillis, end === undefined ? Infinity : end.at - entry.createdAt)
  const pending = clusterStatus("PENDING", entry.createdAt, "PENDING")
  const running = clusterStatus("RUNNING", runningAt, "RUNNING")
  let status: Dataproc.ClusterOperationStatus
  let history: ReadonlyArray<Dataproc.ClusterOperationStatus>
  if (end !== undefined) {
    const outcome = end.outcome
    status = outcome._tag === "Fail"
      ? clusterStatus("DONE", end.at, "FAILED", errorMessage(outcome.error))
      : clusterStatus("DONE", end.at, "DONE")
    history = [pending, running]
  } else if (now >= runningAt) {
    status = running
    history = [pending]
  } else {
    status = pending
    history = []
  }
  return {
    "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
    clusterName: entry.resourceId,
    clusterUuid: entry.resourceUuid,
    status,
    ...(history.length === 0 ? {} : { statusHistory: history }),
    operationType: operationTypes[entry.kind],
    description: entry.description,
    ...(Object.keys(entry.labels).length === 0 ? {} : { labels: entry.labels }),
    ...(entry.warnings.length === 0 ? {} : { warnings: entry.warnings })
  }
}

export const batchName = (entry: Simulation): string =>
  `projects/${entry.project}/locations/${entry.location}/batches/${entry.resourceId}`

const batchMetadata = (entry: Simulation, end: End | undefined): Dataproc.BatchOperationMetadata => {
  return {
    "@type": "type.googleapis.com/google.cloud.dataproc.v1.BatchOperationMetadata",
    batch: batchName(entry),
    batchUuid: entry.resourceUuid,
    createTime: timestamp(entry.createdAt),
    ...(end === undefined ? {} : { doneTime: timestamp(end.at) }),
    operationType: "BATCH",
    description: entry.description,
    ...(Object.keys(entry.labels).length === 0 ? {} : { labels: entry.labels }),
    ...(entry.warnings.length === 0 ? {} : { warnings: entry.warnings })
  }
}

const clusterResponse = (entry: Simulation, at: number, state: "RUNNING" | "STOPPED"): Any.Any => ({
  "@type": "type.googleapis.com/google.cloud.dataproc.v1.Cluster",
  projectId: entry.project,
  clusterName: entry.resourceId,
  config: {
    configBucket: `dataproc-staging-${entry.location}-000000000000-abcdefgh`,
    masterConfig: { numInstances: 1, machineTypeUri: "n2-standard-4" },
    workerConfig: { numInstances: 2, machineTypeUri: "n2-standard-4" }
  },
  ...(Object.keys(entry.labels).length === 0 ? {} : { labels: entry.labels }),
  status: { state, stateStartTime: iso(at) },
  statusHistory: [
    { state: state === "RUNNING" ? (entry.kind === "ClusterStart" ? "STARTING" : "CREATING") : "STOPPING", stateStartTime: iso(entry.createdAt) }
  ],
  clusterUuid: entry.resourceUuid
})

const batchResponse = (entry: Simulation, at: number): Any.Any => ({
  "@type": "type.googleapis.com/google.cloud.dataproc.v1.Batch",
  name: batchName(entry),
  uuid: entry.resourceUuid,
  createTime: iso(entry.createdAt),
  sparkBatch: { mainClass: "org.apache.spark.examples.SparkPi", jarFileUris: ["file:///usr/lib/spark/examples/jars/spark-examples.jar"] },
  runtimeConfig: { version: "2.2" },
  state: "SUCCEEDED",
  stateTime: iso(at),
  ...(Object.keys(entry.labels).length === 0 ? {} : { labels: entry.labels }),
  stateHistory: [
    { state: "PENDING", stateStartTime: iso(entry.createdAt) },
    { state: "RUNNING", stateStartTime: iso(entry.createdAt + Math.min(entry.pendingMillis, at - entry.createdAt)) }
  ]
})

/** The response of a simulated operation that succeeds at `at` without one given. */
export const defaultResponse = (entry: Simulation, at: number): Any.Any => {
  switch (entry.kind) {
    case "ClusterCreate":
    case "ClusterStart":
      return clusterResponse(entry, at, "RUNNING")
    case "ClusterStop":
      return clusterResponse(entry, at, "STOPPED")
    case "ClusterDelete":
    case "Workflow":
      return { "@type": "type.googleapis.com/google.protobuf.Empty" }
    case "Batch":
      return batchResponse(entry, at)
  }
}

const workflowMetadata = (entry: Simulation, now: number, end: End | undefined): Dataproc.WorkflowMetadata => {
  const runningAt = entry.createdAt + Math.min(entry.pendingMillis, end === undefined ? Infinity : end.at - entry.createdAt)
  const state = end !== undefined ? "DONE" : now >= runningAt ? "RUNNING" : "PENDING"
  const failed = end !== undefined && end.outcome._tag === "Fail" ? errorMessage(end.outcome.error) : undefined
  return {
    "@type": "type.googleapis.com/google.cloud.dataproc.v1.WorkflowMetadata",
    template: `projects/${entry.project}/regions/${entry.location}/workflowTemplates/${entry.resourceId}`,
    version: 1,
    createCluster: {
      operationId: `projects/${entry.project}/regions/${entry.location}/operations/${entry.resourceUuid}`,
      ...(failed === undefined ? {} : { error: failed }),
      ...(now >= runningAt || end !== undefined ? { done: true } : {})
    },
    state,
    clusterName: `${entry.resourceId}-cluster`,
    startTime: timestamp(entry.createdAt),
    ...(end === undefined ? {} : { endTime: timestamp(end.at) }),
    clusterUuid: entry.resourceUuid,
    ...(Object.keys(entry.labels).length === 0 ? {} : { parameters: entry.labels })
  }
}

/** The metadata of a simulated operation at `now`, given how (and whether) it has ended by then. */
export const metadataOf = (entry: Simulation, now: number, end: End | undefined): Metadata => {
  switch (entry.kind) {
    case "Batch":
      return batchMetadata(entry, end)
    case "Workflow":
      return workflowMetadata(entry, now, end)
    case "ClusterCreate":
    case "ClusterDelete":
    case "ClusterStart":
    case "ClusterStop":
      return clusterMetadata(entry, now, end)
  }
}

/** `@type` first in every Any, as Google writes them. */
export const typeFirst = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(typeFirst)
  if (value === null || typeof value !== "object") return value
  const out: Record<string, unknown> = {}
  if ("@type" in value) out["@type"] = value["@type"]
  for (const [key, field] of Object.entries(value)) {
    if (key !== "@type") out[key] = typeFirst(field)
  }
  return out
}

const clusterStates: Record<string, number> = { UNKNOWN: 0, PENDING: 1, RUNNING: 2, DONE: 3 }
const batchTypes: Record<string, number> = { BATCH_OPERATION_TYPE_UNSPECIFIED: 0, BATCH: 1 }

const withIntState = (status: unknown): unknown => {
  if (status === null || typeof status !== "object" || !("state" in status)) return status
  const state = status.state
  return typeof state === "string" && state in clusterStates ? { ...status, state: clusterStates[state] } : status
}

/**
 * Writes enums as numbers, as Google does when a request asks for `$alt=json;enum-encoding=int` (the REST
 * transport of Google's own client libraries does).
 */
export const intEnums = (json: Record<string, unknown>): Record<string, unknown> => {
  const metadata = json.metadata
  if (metadata === null || typeof metadata !== "object") return json
  const m: Record<string, unknown> = { ...metadata }
  if ("status" in m) m.status = withIntState(m.status)
  if (Array.isArray(m.statusHistory)) m.statusHistory = m.statusHistory.map(withIntState)
  if (m["@type"] === "type.googleapis.com/google.cloud.dataproc.v1.BatchOperationMetadata") {
    const type = m.operationType
    if (typeof type === "string" && type in batchTypes) m.operationType = batchTypes[type]
  }
  return { ...json, metadata: m }
}
