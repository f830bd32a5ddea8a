import type * as Any from "@longrunning/schema/Any"
import type * as Dataproc from "@longrunning/schema/Dataproc"
import * as Operation from "@longrunning/schema/Operation"
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

/** How an operation ends. */
export type Outcome =
  | { readonly _tag: "Succeed"; readonly response?: Any.Any | undefined }
  | { readonly _tag: "Fail"; readonly error: Status.Status }
  | { readonly _tag: "DoneWithoutResult" }

/** A script for an operation: an outcome after a delay, or no end at all. */
export type Scenario =
  | { readonly _tag: "Succeed"; readonly after: Duration.Duration; readonly response?: Any.Any | undefined }
  | { readonly _tag: "Fail"; readonly after: Duration.Duration; readonly error: Status.Status }
  | { readonly _tag: "DoneWithoutResult"; readonly after: Duration.Duration }
  | { readonly _tag: "Never" }

export type Metadata = Dataproc.OperationMetadata

export type EmulatedOperation = Operation.Operation<Metadata, Any.Any>

export interface Entry {
  readonly name: string
  readonly kind: Kind
  readonly project: string
  readonly location: string
  readonly resourceId: string
  readonly resourceUuid: string
  readonly createdAt: number
  readonly pendingMillis: number
  readonly scenario: Scenario
  readonly labels: Readonly<Record<string, string>>
  readonly warnings: ReadonlyArray<string>
  readonly description: string
  /** Set by complete/fail/cancel from the control API or the REST cancel method. */
  override?: { readonly at: number; readonly outcome: Outcome } | undefined
}

const timestamp = (millis: number): Proto.TimestampValue => Proto.timestampFromMillis(millis)
const iso = (millis: number): string => Proto.timestampFromMillis(millis).toJSON()

/** When and how an entry ends, if it does. */
export const finish = (entry: Entry): { readonly at: number; readonly outcome: Outcome } | undefined => {
  if (entry.override !== undefined) return entry.override
  const scenario = entry.scenario
  switch (scenario._tag) {
    case "Never":
      return undefined
    case "Succeed":
      return {
        at: entry.createdAt + Duration.toMillis(scenario.after),
        outcome: { _tag: "Succeed", response: scenario.response }
      }
    case "Fail":
      return { at: entry.createdAt + Duration.toMillis(scenario.after), outcome: { _tag: "Fail", error: scenario.error } }
    case "DoneWithoutResult":
      return { at: entry.createdAt + Duration.toMillis(scenario.after), outcome: { _tag: "DoneWithoutResult" } }
  }
}

/** The outcome of an entry at `now`, or undefined while it runs. */
export const outcomeAt = (entry: Entry, now: number): { readonly at: number; readonly outcome: Outcome } | undefined => {
  const end = finish(entry)
  return end !== undefined && now >= end.at ? end : undefined
}

export const isRunningAt = (entry: Entry, now: number): boolean => outcomeAt(entry, now) === undefined

export const clusterName = (entry: Entry): string => entry.resourceId

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

const clusterMetadata = (entry: Entry, now: number): Dataproc.ClusterOperationMetadata => {
  const end = outcomeAt(entry, now)
  const runningAt = entry.createdAt + Math.min(entry.pendingMillis, end === undefined ? Infinity : end.at - entry.createdAt)
  const pending = clusterStatus("PENDING", entry.createdAt, "PENDING")
  const running = clusterStatus("RUNNING", runningAt, "RUNNING")
  let status: Dataproc.ClusterOperationStatus
  let history: ReadonlyArray<Dataproc.ClusterOperationStatus>
  if (end !== undefined) {
    const outcome = end.outcome
    status = outcome._tag === "Fail"
      ? clusterStatus("DONE", end.at, "FAILED", outcome.error.message)
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

export const batchName = (entry: Entry): string =>
  `projects/${entry.project}/locations/${entry.location}/batches/${entry.resourceId}`

const batchMetadata = (entry: Entry, now: number): Dataproc.BatchOperationMetadata => {
  const end = outcomeAt(entry, now)
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

const clusterResponse = (entry: Entry, at: number, state: "RUNNING" | "STOPPED"): Any.Any => ({
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

const batchResponse = (entry: Entry, at: number): Any.Any => ({
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

const defaultResponse = (entry: Entry, at: number): Any.Any => {
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

const workflowMetadata = (entry: Entry, now: number): Dataproc.WorkflowMetadata => {
  const end = outcomeAt(entry, now)
  const runningAt = entry.createdAt + Math.min(entry.pendingMillis, end === undefined ? Infinity : end.at - entry.createdAt)
  const state = end !== undefined ? "DONE" : now >= runningAt ? "RUNNING" : "PENDING"
  const failed = end !== undefined && end.outcome._tag === "Fail" ? end.outcome.error.message : undefined
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

const metadataOf = (entry: Entry, now: number): Metadata => {
  switch (entry.kind) {
    case "Batch":
      return batchMetadata(entry, now)
    case "Workflow":
      return workflowMetadata(entry, now)
    case "ClusterCreate":
    case "ClusterDelete":
    case "ClusterStart":
    case "ClusterStop":
      return clusterMetadata(entry, now)
  }
}

/** The operation as a client reading it at `now` sees it. */
export const render = (entry: Entry, now: number): EmulatedOperation => {
  const metadata = metadataOf(entry, now)
  const end = outcomeAt(entry, now)
  if (end === undefined) return Operation.running({ name: entry.name, metadata })
  const outcome = end.outcome
  switch (outcome._tag) {
    case "Succeed":
      return Operation.succeeded({
        name: entry.name,
        metadata,
        response: outcome.response ?? defaultResponse(entry, end.at)
      })
    case "Fail":
      return Operation.failed({ name: entry.name, metadata, error: outcome.error })
    case "DoneWithoutResult":
      return Operation.doneWithoutResult({ name: entry.name, metadata })
  }
}

// Google's JSON printers write these keys first; the rest keep their order.
const operationKeyOrder = ["name", "metadata", "done", "error", "response"]

const typeFirst = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(typeFirst)
  if (value === null || typeof value !== "object") return value
  const out: Record<string, unknown> = {}
  if ("@type" in value) out["@type"] = value["@type"]
  for (const [key, field] of Object.entries(value)) {
    if (key !== "@type") out[key] = typeFirst(field)
  }
  return out
}

/** Orders an encoded operation's keys as Google writes them (`@type` first in every Any). */
export const orderOperation = (json: { readonly [key: string]: unknown }): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const key of operationKeyOrder) {
    if (json[key] !== undefined) out[key] = typeFirst(json[key])
  }
  for (const [key, value] of Object.entries(json)) {
    if (!operationKeyOrder.includes(key)) out[key] = typeFirst(value)
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
