/**
 * Typed calls that start Dataproc v1 operations: each builds the request of one LRO method (path
 * parameters from their names, the body as JSON, where its request id goes) with the method's Operation
 * schema (`Dataproc.Operations` of `@longrunning/schema`: typed metadata and response), and {@link start}
 * sends it through `OperationsClient.start`. Every method here takes a
 * request id (AIP-155): the client sets a fresh one per call unless you give yours, and retries carry it.
 *
 * @since 0.1.0
 */
import * as SchemaDataproc from "@longrunning/schema/Dataproc"
import * as Operation from "@longrunning/schema/Operation"
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import * as OperationsClient from "./OperationsClient.js"
import * as OperationsError from "./OperationsError.js"

/**
 * A start call ready to send: the request, the schema its answer decodes with, and the path parameters as
 * given (each checked to be one URL path segment before anything is sent).
 *
 * @since 0.1.0
 * @category models
 */
export interface Start<M, R, I = unknown> {
  /** The REST method, e.g. `clusters.create`. */
  readonly method: string
  readonly request: OperationsClient.StartRequest
  readonly schema: OperationsClient.OperationSchema<M, R, I>
  readonly parameters: Readonly<Record<string, string>>
}

/**
 * The `Start` of calls whose answers decode with the operation schema `S`.
 *
 * @since 0.1.0
 * @category models
 */
export type StartOf<S> = S extends Schema.Schema<Operation.Operation<infer M, infer R>, infer I> ? Start<M, R, I> : never

/**
 * A JSON body: a Dataproc message as Google's REST API takes it (`Cluster`, `Batch`, `StartClusterRequest`
 * ...). A typed message encodes to it with `Schema.encode`.
 *
 * @since 0.1.0
 * @category models
 */
export type Body = Readonly<Record<string, unknown>>

const Operations = SchemaDataproc.Operations

const segment = /^[A-Za-z0-9._~!$&'()*+,;=@-]+$/

const make = <M, R, I>(
  method: string,
  httpMethod: "POST" | "PATCH" | "DELETE",
  parameters: Readonly<Record<string, string>>,
  path: string,
  schema: OperationsClient.OperationSchema<M, R, I>,
  options: {
    readonly body?: Body | undefined
    readonly query?: Readonly<Record<string, string | number | boolean | undefined>> | undefined
    readonly requestIdIn: "query" | "body"
    readonly requestId?: string | undefined
  }
): Start<M, R, I> => {
  const id = options.requestId
  const body = options.requestIdIn === "body"
    ? (id === undefined ? { ...options.body } : { ...options.body, requestId: id })
    : options.body
  const params = options.requestIdIn === "query" && id !== undefined ? { ...options.query, requestId: id } : options.query
  return {
    method,
    parameters,
    schema,
    request: {
      method: httpMethod,
      path,
      ...(params === undefined ? {} : { query: params }),
      ...(body === undefined ? {} : { body }),
      requestId: { in: options.requestIdIn }
    }
  }
}

/** Your request id; a fresh UUID per call otherwise. */
interface Idempotent {
  readonly requestId?: string | undefined
}

/** A region of a project, where clusters live. */
export interface RegionRef extends Idempotent {
  readonly projectId: string
  readonly region: string
}

/** A cluster. */
export interface ClusterRef extends RegionRef {
  readonly clusterName: string
}

/** A node group of a cluster. */
export interface NodeGroupRef extends ClusterRef {
  readonly nodeGroup: string
}

/** A location of a project, where batches and sessions live. */
export interface LocationRef extends Idempotent {
  readonly projectId: string
  readonly location: string
}

/** A session. */
export interface SessionRef extends LocationRef {
  readonly session: string
}

/** A workflow template, in a region. */
export interface TemplateRef extends RegionRef {
  readonly template: string
}


const regionOf = (p: RegionRef) => ({ projectId: p.projectId, region: p.region })
const clustersOf = (p: RegionRef) => `projects/${p.projectId}/regions/${p.region}/clusters`
const clusterOf = (p: ClusterRef) => `${clustersOf(p)}/${p.clusterName}`
const locationOf = (p: LocationRef) => `projects/${p.projectId}/locations/${p.location}`

/**
 * The cluster methods: `create`, `update` (PATCH), `delete`, `start`, `stop`, `repair`. Their
 * operations carry `ClusterOperationMetadata`; their responses a `Cluster` (`delete`: `Empty`).
 *
 * @example
 * ```ts
 * import * as Dataproc from "@longrunning/http/Dataproc"
 *
 * const create = Dataproc.clusters.create(
 *   { projectId: "my-project", region: "us-central1" },
 *   { clusterName: "analytics", config: {} }
 * )
 * const stop = Dataproc.clusters.stop({ projectId: "my-project", region: "us-central1", clusterName: "analytics" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const clusters = {
  /** `POST .../clusters` with a `Cluster`; the request id is a query parameter. */
  create: (p: RegionRef & { readonly actionOnFailedPrimaryWorkers?: string | undefined }, cluster: Body): StartOf<typeof Operations.clustersCreate> =>
    make("clusters.create", "POST", regionOf(p), clustersOf(p), Operations.clustersCreate, {
      body: cluster,
      query: { actionOnFailedPrimaryWorkers: p.actionOnFailedPrimaryWorkers },
      requestIdIn: "query",
      requestId: p.requestId
    }),
  /** `PATCH .../clusters/{clusterName}?updateMask=...` with the changed fields of a `Cluster`. */
  update: (
    p: ClusterRef & { readonly updateMask: string; readonly gracefulDecommissionTimeout?: string | undefined },
    cluster: Body
  ): StartOf<typeof Operations.clustersPatch> =>
    make("clusters.patch", "PATCH", { ...regionOf(p), clusterName: p.clusterName }, clusterOf(p), Operations.clustersPatch, {
      body: cluster,
      query: { updateMask: p.updateMask, gracefulDecommissionTimeout: p.gracefulDecommissionTimeout },
      requestIdIn: "query",
      requestId: p.requestId
    }),
  /** `DELETE .../clusters/{clusterName}`. */
  delete: (
    p: ClusterRef & { readonly clusterUuid?: string | undefined; readonly gracefulTerminationTimeout?: string | undefined }
  ): StartOf<typeof Operations.clustersDelete> =>
    make("clusters.delete", "DELETE", { ...regionOf(p), clusterName: p.clusterName }, clusterOf(p), Operations.clustersDelete, {
      query: { clusterUuid: p.clusterUuid, gracefulTerminationTimeout: p.gracefulTerminationTimeout },
      requestIdIn: "query",
      requestId: p.requestId
    }),
  /** `POST .../clusters/{clusterName}:start` with a `StartClusterRequest`; the request id is in the body. */
  start: (p: ClusterRef, body?: Body): StartOf<typeof Operations.clustersStart> =>
    make("clusters.start", "POST", { ...regionOf(p), clusterName: p.clusterName }, `${clusterOf(p)}:start`, Operations.clustersStart, {
      body,
      requestIdIn: "body",
      requestId: p.requestId
    }),
  /** `POST .../clusters/{clusterName}:stop` with a `StopClusterRequest`; the request id is in the body. */
  stop: (p: ClusterRef, body?: Body): StartOf<typeof Operations.clustersStop> =>
    make("clusters.stop", "POST", { ...regionOf(p), clusterName: p.clusterName }, `${clusterOf(p)}:stop`, Operations.clustersStop, {
      body,
      requestIdIn: "body",
      requestId: p.requestId
    }),
  /** `POST .../clusters/{clusterName}:repair` with a `RepairClusterRequest`; the request id is in the body. */
  repair: (p: ClusterRef, body: Body): StartOf<typeof Operations.clustersRepair> =>
    make("clusters.repair", "POST", { ...regionOf(p), clusterName: p.clusterName }, `${clusterOf(p)}:repair`, Operations.clustersRepair, {
      body,
      requestIdIn: "body",
      requestId: p.requestId
    })
}

/**
 * The node group methods: `create`, `resize`, `repair`. Their operations carry
 * `NodeGroupOperationMetadata`.
 *
 * @example
 * ```ts
 * import * as Dataproc from "@longrunning/http/Dataproc"
 *
 * const resize = Dataproc.nodeGroups.resize(
 *   { projectId: "my-project", region: "us-central1", clusterName: "analytics", nodeGroup: "workers" },
 *   { size: 4 }
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const nodeGroups = {
  /** `POST .../clusters/{clusterName}/nodeGroups` with a `NodeGroup`; the request id is a query parameter. */
  create: (
    p: ClusterRef & { readonly nodeGroupId?: string | undefined; readonly parentOperationId?: string | undefined },
    nodeGroup: Body
  ): StartOf<typeof Operations.nodeGroupsCreate> =>
    make("nodeGroups.create", "POST", { ...regionOf(p), clusterName: p.clusterName }, `${clusterOf(p)}/nodeGroups`, Operations.nodeGroupsCreate, {
      body: nodeGroup,
      query: { nodeGroupId: p.nodeGroupId, parentOperationId: p.parentOperationId },
      requestIdIn: "query",
      requestId: p.requestId
    }),
  /** `POST .../nodeGroups/{nodeGroup}:resize` with a `ResizeNodeGroupRequest`; the request id is in the body. */
  resize: (p: NodeGroupRef, body: Body): StartOf<typeof Operations.nodeGroupsResize> =>
    make(
      "nodeGroups.resize",
      "POST",
      { ...regionOf(p), clusterName: p.clusterName, nodeGroup: p.nodeGroup },
      `${clusterOf(p)}/nodeGroups/${p.nodeGroup}:resize`,
      Operations.nodeGroupsResize,
      { body, requestIdIn: "body", requestId: p.requestId }
    ),
  /** `POST .../nodeGroups/{nodeGroup}:repair` with a `RepairNodeGroupRequest`; the request id is in the body. */
  repair: (p: NodeGroupRef, body: Body): StartOf<typeof Operations.nodeGroupsRepair> =>
    make(
      "nodeGroups.repair",
      "POST",
      { ...regionOf(p), clusterName: p.clusterName, nodeGroup: p.nodeGroup },
      `${clusterOf(p)}/nodeGroups/${p.nodeGroup}:repair`,
      Operations.nodeGroupsRepair,
      { body, requestIdIn: "body", requestId: p.requestId }
    )
}

/**
 * `batches.create`: `POST projects/{projectId}/locations/{location}/batches` with a `Batch`. Its operation
 * carries `BatchOperationMetadata`.
 *
 * @example
 * ```ts
 * import * as Dataproc from "@longrunning/http/Dataproc"
 *
 * const create = Dataproc.batches.create(
 *   { projectId: "my-project", location: "us-central1", batchId: "nightly-42" },
 *   { pysparkBatch: { mainPythonFileUri: "gs://bucket/job.py" } }
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const batches = {
  create: (p: LocationRef & { readonly batchId?: string | undefined }, batch: Body): StartOf<typeof Operations.batchesCreate> =>
    make("batches.create", "POST", { projectId: p.projectId, location: p.location }, `${locationOf(p)}/batches`, Operations.batchesCreate, {
      body: batch,
      query: { batchId: p.batchId },
      requestIdIn: "query",
      requestId: p.requestId
    })
}

/**
 * The session methods: `create`, `terminate`, `delete`. Their operations carry `SessionOperationMetadata`.
 *
 * @example
 * ```ts
 * import * as Dataproc from "@longrunning/http/Dataproc"
 *
 * const terminate = Dataproc.sessions.terminate({ projectId: "my-project", location: "us-central1", session: "s-1" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const sessions = {
  /** `POST .../sessions?sessionId=...` with a `Session`; the request id is a query parameter. */
  create: (p: LocationRef & { readonly sessionId: string }, session: Body): StartOf<typeof Operations.sessionsCreate> =>
    make("sessions.create", "POST", { projectId: p.projectId, location: p.location }, `${locationOf(p)}/sessions`, Operations.sessionsCreate, {
      body: session,
      query: { sessionId: p.sessionId },
      requestIdIn: "query",
      requestId: p.requestId
    }),
  /** `POST .../sessions/{session}:terminate` with a `TerminateSessionRequest`; the request id is in the body. */
  terminate: (p: SessionRef): StartOf<typeof Operations.sessionsTerminate> =>
    make(
      "sessions.terminate",
      "POST",
      { projectId: p.projectId, location: p.location, session: p.session },
      `${locationOf(p)}/sessions/${p.session}:terminate`,
      Operations.sessionsTerminate,
      { requestIdIn: "body", requestId: p.requestId }
    ),
  /** `DELETE .../sessions/{session}`; the request id is a query parameter. */
  delete: (p: SessionRef): StartOf<typeof Operations.sessionsDelete> =>
    make(
      "sessions.delete",
      "DELETE",
      { projectId: p.projectId, location: p.location, session: p.session },
      `${locationOf(p)}/sessions/${p.session}`,
      Operations.sessionsDelete,
      { requestIdIn: "query", requestId: p.requestId }
    )
}

/**
 * The workflow template methods: `instantiate` and `instantiateInline` (regional). Their operations carry
 * `WorkflowMetadata`.
 *
 * @example
 * ```ts
 * import * as Dataproc from "@longrunning/http/Dataproc"
 *
 * const run = Dataproc.workflowTemplates.instantiate(
 *   { projectId: "my-project", region: "us-central1", template: "etl" },
 *   { parameters: { DAY: "2024-05-01" } }
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const workflowTemplates = {
  /** `POST .../workflowTemplates/{template}:instantiate` with an `InstantiateWorkflowTemplateRequest`; the request id is in the body. */
  instantiate: (p: TemplateRef, body?: Body): StartOf<typeof Operations.workflowTemplatesInstantiate> =>
    make(
      "workflowTemplates.instantiate",
      "POST",
      { ...regionOf(p), template: p.template },
      `projects/${p.projectId}/regions/${p.region}/workflowTemplates/${p.template}:instantiate`,
      Operations.workflowTemplatesInstantiate,
      { body, requestIdIn: "body", requestId: p.requestId }
    ),
  /** `POST .../workflowTemplates:instantiateInline` with a `WorkflowTemplate`; the request id is a query parameter. */
  instantiateInline: (p: RegionRef, template: Body): StartOf<typeof Operations.workflowTemplatesInstantiateInline> =>
    make(
      "workflowTemplates.instantiateInline",
      "POST",
      regionOf(p),
      `projects/${p.projectId}/regions/${p.region}/workflowTemplates:instantiateInline`,
      Operations.workflowTemplatesInstantiateInline,
      { body: template, requestIdIn: "query", requestId: p.requestId }
    )
}

// The start methods above, by HTTP method and path: one pattern each, where the method takes its request id.
const segmentOf = "[^/:]+"
const regionPath = `projects/${segmentOf}/regions/${segmentOf}`
const locationPath = `projects/${segmentOf}/locations/${segmentOf}`
const clusterPath = `${regionPath}/clusters/${segmentOf}`
const startPaths: ReadonlyArray<readonly ["POST" | "PATCH" | "DELETE", RegExp, "query" | "body"]> = [
  ["POST", new RegExp(`^${regionPath}/clusters$`), "query"],
  ["PATCH", new RegExp(`^${clusterPath}$`), "query"],
  ["DELETE", new RegExp(`^${clusterPath}$`), "query"],
  ["POST", new RegExp(`^${clusterPath}:(?:start|stop|repair)$`), "body"],
  ["POST", new RegExp(`^${clusterPath}/nodeGroups$`), "query"],
  ["POST", new RegExp(`^${clusterPath}/nodeGroups/${segmentOf}:(?:resize|repair)$`), "body"],
  ["POST", new RegExp(`^${locationPath}/batches$`), "query"],
  ["POST", new RegExp(`^${locationPath}/sessions$`), "query"],
  ["POST", new RegExp(`^${locationPath}/sessions/${segmentOf}:terminate$`), "body"],
  ["DELETE", new RegExp(`^${locationPath}/sessions/${segmentOf}$`), "query"],
  ["POST", new RegExp(`^${regionPath}/workflowTemplates/${segmentOf}:instantiate$`), "body"],
  ["POST", new RegExp(`^${regionPath}/workflowTemplates:instantiateInline$`), "query"]
]

/**
 * Where a Dataproc start method takes its request id, found by its HTTP method and path (relative to the
 * version root, as a `StartRequest`'s): the same place the calls of this module put it. `undefined` for a
 * request that is not one of them, e.g. a call of `lro start` to another method.
 *
 * @example
 * ```ts
 * import * as Dataproc from "@longrunning/http/Dataproc"
 *
 * Dataproc.requestIdLocation("POST", "projects/p/regions/r/clusters/c:stop") // { in: "body" }
 * Dataproc.requestIdLocation("POST", "projects/p/regions/r/clusters") // { in: "query" }
 * Dataproc.requestIdLocation("GET", "projects/p/regions/r/clusters") // undefined
 * ```
 *
 * @since 0.2.0
 * @category utils
 */
export const requestIdLocation = (
  method: string,
  path: string
): OperationsClient.RequestIdLocation | undefined => {
  for (const [httpMethod, pattern, place] of startPaths) {
    if (httpMethod === method && pattern.test(path)) return { in: place }
  }
  return undefined
}

/**
 * Sends a start call with the client of the context: its path parameters are checked first (each one URL
 * path segment, else `InvalidName` and nothing is sent), then `OperationsClient.start` sends it and decodes
 * the answer with the call's schema. An answer that is already done is a done snapshot.
 *
 * @example
 * ```ts
 * import * as Dataproc from "@longrunning/http/Dataproc"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const operation = yield* Dataproc.start(
 *     Dataproc.clusters.create({ projectId: "my-project", region: "us-central1" }, { clusterName: "analytics" })
 *   )
 *   return operation.name
 * })
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const start = <M, R, I>(
  call: Start<M, R, I>
): Effect.Effect<Operation.Operation<M, R>, OperationsClient.Error, OperationsClient.OperationsClient> => {
  for (const name in call.parameters) {
    const value = call.parameters[name]!
    if (!segment.test(value) || value === "." || value === "..") {
      return Effect.fail(
        new OperationsError.InvalidName({
          method: "start",
          input: value,
          reason: `${call.method}: ${name} must be one URL path segment (letters, digits, -._~ and sub-delimiters)`
        })
      )
    }
  }
  return Effect.flatMap(OperationsClient.OperationsClient, (client) => client.start(call.request, call.schema))
}
