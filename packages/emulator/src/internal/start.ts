import * as Code from "@longrunning/schema/Code"
import * as Status from "@longrunning/schema/Status"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { CreateOptions, Kind } from "../Emulator.js"
import type * as Routes from "./routes.js"

// The Dataproc methods that start an operation: what each checks, what it creates, and requestId dedupe.

/** How a start ends: the operation to answer, or a Status to refuse with. */
export type Outcome =
  | { readonly _tag: "Started"; readonly name: string }
  | { readonly _tag: "Refused"; readonly status: Status.Status }

const refuse = (code: number, message: string): Outcome => ({
  _tag: "Refused",
  status: Status.make({ code, message })
})

const invalid = (message: string): Outcome => refuse(Code.codes.INVALID_ARGUMENT, message)

// Dataproc's rules for request ids, cluster names and batch ids (v1 discovery document).
const requestIdShape = /^[A-Za-z0-9_-]{1,40}$/
const clusterNameShape = /^[a-z](?:[-a-z0-9]{0,49}[a-z0-9])?$/
const batchIdShape = /^[a-z0-9][a-z0-9-]{2,61}[a-z0-9]$/

const kinds: Readonly<Record<Routes.StartTag, Kind>> = {
  CreateCluster: "ClusterCreate",
  DeleteCluster: "ClusterDelete",
  StartCluster: "ClusterStart",
  StopCluster: "ClusterStop",
  CreateBatch: "Batch",
  InstantiateInlineWorkflowTemplate: "Workflow"
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? { ...value } : undefined

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)

const labelsOf = (value: unknown): Readonly<Record<string, string>> => {
  const labels: Record<string, string> = {}
  for (const [key, label] of Object.entries(record(value) ?? {})) {
    if (typeof label === "string") labels[key] = label
  }
  return labels
}

/** Reads a JSON request body: empty is `{}`; anything but an object is INVALID_ARGUMENT. */
export const readBody = (body: string): Either.Either<Record<string, unknown>, Outcome> => {
  if (body.trim() === "") return Either.right({})
  return Either.flatMap(
    Either.try({
      try: (): unknown => JSON.parse(body),
      catch: (error) => invalid(`Invalid JSON payload received. ${error instanceof Error ? error.message : String(error)}`)
    }),
    (parsed) =>
      Either.fromNullable(
        record(parsed),
        () => invalid("Invalid JSON payload received. The request body must be a JSON object.")
      )
  )
}

/** A failure a fault asks the started operation to end with. */
export interface Failure {
  readonly error: Status.Status
  readonly after: Duration.Duration
}

/** A cluster or batch the store knows of: its UUID, and the delete operation that removes it, once one was started. */
export interface Resource {
  readonly uuid: string
  readonly labels: Readonly<Record<string, string>>
  deletedBy?: string | undefined
}

/** What a start needs of the store. */
export interface Host {
  readonly now: Effect.Effect<number>
  /** Starts simulating an operation; answers its name, resource id and resource UUID. */
  readonly simulate: (
    options: CreateOptions
  ) => Effect.Effect<{ readonly name: string; readonly resourceId: string; readonly resourceUuid: string; readonly labels: Readonly<Record<string, string>> }>
  readonly exists: (name: string) => boolean
  /** Whether the operation has succeeded by `now`. */
  readonly succeeded: (name: string, now: number) => boolean
  /** Clusters and batches by resource name (`projects/p/regions/r/clusters/c`, `.../batches/b`). */
  readonly resources: Map<string, Resource>
  /** The operation a request id started, if it was seen within the window before `now`. */
  readonly started: (key: string, now: number) => string | undefined
  /** Remembers the operation a request id started. */
  readonly remember: (key: string, name: string, now: number) => void
}

/**
 * Runs a method that starts an operation. A request id seen within the window for the same method and
 * target answers the operation it started, and starts nothing.
 */
export const start = (
  engine: Host,
  route: Routes.Start,
  query: URLSearchParams,
  rawBody: string,
  failure: Failure | undefined
): Effect.Effect<Outcome> =>
  Effect.gen(function*() {
    const now = yield* engine.now
    const parsed = readBody(rawBody)
    if (Either.isLeft(parsed)) return parsed.left
    const body = parsed.right
    const inBody = route._tag === "StartCluster" || route._tag === "StopCluster"
    const requestId = inBody ? text(body.requestId) : query.get("requestId") ?? query.get("request_id") ?? undefined
    if (requestId !== undefined && requestId !== "" && !requestIdShape.test(requestId)) {
      return invalid(
        "request_id must contain only letters (a-z, A-Z), numbers (0-9), underscores (_), and hyphens (-), " +
          `and be at most 40 characters; got ${JSON.stringify(requestId)}`
      )
    }
    const key = requestId === undefined || requestId === "" ? undefined : `${route._tag} ${route.target} ${requestId}`
    if (key !== undefined) {
      const seen = engine.started(key, now)
      if (seen !== undefined && engine.exists(seen)) return { _tag: "Started", name: seen }
    }

    const base: CreateOptions = {
      kind: kinds[route._tag],
      project: route.project,
      region: route.location,
      collection: "regions",
      ...(failure === undefined
        ? {}
        : { scenario: { _tag: "Fail", after: failure.after, error: failure.error } })
    }
    const resourceLive = (name: string) => {
      const resource = engine.resources.get(name)
      if (resource === undefined) return undefined
      if (resource.deletedBy === undefined) return resource
      // A deleted resource is gone once its delete succeeds; until then it still exists.
      return engine.succeeded(resource.deletedBy, now) ? undefined : resource
    }

    let options: CreateOptions
    switch (route._tag) {
      case "CreateCluster": {
        const clusterName = text(body.clusterName)
        if (clusterName === undefined || !clusterNameShape.test(clusterName)) {
          return invalid(
            "Cluster name must start with a lowercase letter followed by up to 51 lowercase letters, numbers, or " +
              `hyphens, and cannot end with a hyphen; got ${JSON.stringify(clusterName ?? "")}`
          )
        }
        const projectId = text(body.projectId)
        if (projectId !== undefined && projectId !== "" && projectId !== route.project) {
          return invalid(`The cluster's projectId ${JSON.stringify(projectId)} is not the project of the request path`)
        }
        const name = `${route.target}/${clusterName}`
        if (resourceLive(name) !== undefined) {
          return refuse(Code.codes.ALREADY_EXISTS, `Already exists: Failed to create cluster: Cluster ${name}`)
        }
        options = { ...base, resourceId: clusterName, labels: labelsOf(body.labels) }
        break
      }
      case "DeleteCluster":
      case "StartCluster":
      case "StopCluster": {
        const cluster = route.cluster ?? ""
        const resource = resourceLive(route.target)
        const uuid = inBody ? text(body.clusterUuid) : query.get("clusterUuid") ?? query.get("cluster_uuid") ?? undefined
        if (resource === undefined || resource.deletedBy !== undefined || (uuid !== undefined && uuid !== "" && uuid !== resource.uuid)) {
          return refuse(Code.codes.NOT_FOUND, `Not found: Cluster ${route.target}`)
        }
        options = { ...base, resourceId: cluster, resourceUuid: resource.uuid, labels: resource.labels }
        break
      }
      case "CreateBatch": {
        const batchId = query.get("batchId") ?? query.get("batch_id") ?? undefined
        if (batchId !== undefined && !batchIdShape.test(batchId)) {
          return invalid(
            `Batch id must be 4-63 characters of lowercase letters, numbers and hyphens; got ${JSON.stringify(batchId)}`
          )
        }
        if (batchId !== undefined && resourceLive(`${route.target}/${batchId}`) !== undefined) {
          return refuse(Code.codes.ALREADY_EXISTS, `Already exists: Batch ${route.target}/${batchId}`)
        }
        options = { ...base, ...(batchId === undefined ? {} : { resourceId: batchId }), labels: labelsOf(body.labels) }
        break
      }
      case "InstantiateInlineWorkflowTemplate": {
        const id = text(body.id)
        options = { ...base, ...(id === undefined || id === "" ? {} : { resourceId: id }), labels: labelsOf(body.labels) }
        break
      }
    }

    const entry = yield* engine.simulate(options)
    switch (route._tag) {
      case "CreateCluster":
        engine.resources.set(`${route.target}/${entry.resourceId}`, { uuid: entry.resourceUuid, labels: entry.labels })
        break
      case "CreateBatch":
        engine.resources.set(`${route.target}/${entry.resourceId}`, { uuid: entry.resourceUuid, labels: entry.labels })
        break
      case "DeleteCluster": {
        const resource = engine.resources.get(route.target)
        if (resource !== undefined) resource.deletedBy = entry.name
        break
      }
      default:
        break
    }
    if (key !== undefined) engine.remember(key, entry.name, now)
    return { _tag: "Started", name: entry.name }
  })
