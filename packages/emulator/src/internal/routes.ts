import * as Code from "@longrunning/schema/Code"
import * as OperationName from "@longrunning/schema/OperationName"
import * as Status from "@longrunning/schema/Status"
import * as Either from "effect/Either"

/** A Dataproc method that starts an operation, as the request log names it (the RPC's name). */
export type StartTag =
  | "CreateCluster"
  | "DeleteCluster"
  | "StartCluster"
  | "StopCluster"
  | "CreateBatch"
  | "InstantiateInlineWorkflowTemplate"

/** A request for a method that starts an operation: where, and on which cluster for delete/start/stop. */
export interface Start {
  readonly _tag: StartTag
  readonly project: string
  /** The region (clusters, workflows under `regions`) or location (batches, workflows under `locations`). */
  readonly location: string
  /** The cluster of a delete, start or stop. */
  readonly cluster?: string | undefined
  /** The collection or resource the request is about: `projects/p/regions/r/clusters[/c]`, `.../batches`... */
  readonly target: string
}

const startTags: ReadonlySet<string> = new Set<StartTag>([
  "CreateCluster",
  "DeleteCluster",
  "StartCluster",
  "StopCluster",
  "CreateBatch",
  "InstantiateInlineWorkflowTemplate"
])

/** Whether a route starts an operation. */
export const isStart = (route: Route): route is Start => startTags.has(route._tag)

/** What a request asks for, once its method and path are read. */
export type Route =
  | Start
  | { readonly _tag: "Get"; readonly name: string }
  | { readonly _tag: "List"; readonly collection: string }
  | { readonly _tag: "Cancel"; readonly name: string }
  | { readonly _tag: "Delete"; readonly name: string }
  | {
    readonly _tag: "Refused"
    readonly status: Status.Status
    /** The HTTP status when it is not the code's own (405 for a wrong method). */
    readonly httpStatus?: number | undefined
    readonly allow?: string | undefined
  }

const shape = /^projects\/[^/]*\/(?:regions|locations)\/[^/]*\/operations(?:\/([^/]*))?$/

const notFound = (method: string, path: string): Route => ({
  _tag: "Refused",
  status: Status.make({
    code: Code.codes.NOT_FOUND,
    message: `The requested URL ${path} was not found on this server (method ${method}).`
  })
})

const wrongMethod = (method: string, path: string, allow: string): Route => ({
  _tag: "Refused",
  status: Status.make({
    code: Code.codes.UNIMPLEMENTED,
    message: `Method ${method} is not allowed on ${path}; allowed: ${allow}.`
  }),
  httpStatus: 405,
  allow
})

const invalid = (what: string, value: string, reason: string): Route => ({
  _tag: "Refused",
  status: Status.make({
    code: Code.codes.INVALID_ARGUMENT,
    message: `Invalid ${what} ${JSON.stringify(value)}: ${reason}`
  })
})

const firstLine = (text: string): string => text.split("\n").filter((line) => line.trim() !== "").pop()?.trim() ?? text

const checkName = (name: string, route: (name: string) => Route): Route =>
  Either.match(OperationName.parse(name), {
    onLeft: (error) => invalid("operation name", name, firstLine(error.message)),
    onRight: (valid) => route(valid)
  })

// A path segment the emulator accepts as a project, region or cluster: what Google's ids use, nothing that
// could change the path's meaning (`..`, an escaped slash).
const segment = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/

const startShape =
  /^projects\/([^/]*)\/(regions|locations)\/([^/]*)\/(clusters|batches|workflowTemplates)(?:\/([^/]*))?$/

const parseStart = (method: string, path: string, base: string, verb: string | undefined): Route | undefined => {
  const match = startShape.exec(base)
  if (match === null) return undefined
  const [, project = "", collection = "", location = "", resources = "", resource] = match
  for (const [what, value] of [["project", project], ["location", location], ["resource", resource]] as const) {
    if (value !== undefined && !segment.test(value)) return invalid(what, value, "not a valid resource id")
  }
  const parent = `projects/${project}/${collection}/${location}`
  // Other methods on these paths (clusters.get, clusters.list, clusters.patch...) are not emulated: 404.
  const post = (route: Route): Route => (method === "POST" ? route : notFound(method, path))
  if (resources === "clusters" && collection === "regions") {
    if (resource === undefined) {
      return verb === undefined
        ? post({ _tag: "CreateCluster", project, location, target: `${parent}/clusters` })
        : notFound(method, path)
    }
    const target = `${parent}/clusters/${resource}`
    if (verb === undefined) {
      return method === "DELETE"
        ? { _tag: "DeleteCluster", project, location, cluster: resource, target }
        : notFound(method, path)
    }
    if (verb === "start") return post({ _tag: "StartCluster", project, location, cluster: resource, target })
    if (verb === "stop") return post({ _tag: "StopCluster", project, location, cluster: resource, target })
    return notFound(method, path)
  }
  if (resources === "batches" && collection === "locations" && resource === undefined && verb === undefined) {
    return post({ _tag: "CreateBatch", project, location, target: `${parent}/batches` })
  }
  if (resources === "workflowTemplates" && resource === undefined && verb === "instantiateInline") {
    return post({ _tag: "InstantiateInlineWorkflowTemplate", project, location, target: `${parent}/workflowTemplates` })
  }
  return notFound(method, path)
}

/**
 * Reads the Dataproc v1 operations surface from a raw request path (not URL-normalized, so `..` and `%2F`
 * reach the name check and are refused there):
 * `GET /v1/{name}`, `GET /v1/{collection}`, `POST /v1/{name}:cancel`, `DELETE /v1/{name}`, and the methods
 * that start operations (paths as in Dataproc's v1 discovery document).
 */
export const parse = (method: string, path: string): Route => {
  if (!path.startsWith("/v1/")) return notFound(method, path)
  const rest = path.slice(4)
  const slash = rest.lastIndexOf("/")
  const colon = rest.indexOf(":", slash + 1)
  const base = colon === -1 ? rest : rest.slice(0, colon)
  const verb = colon === -1 ? undefined : rest.slice(colon + 1)
  const match = shape.exec(base)
  if (match === null) return parseStart(method, path, base, verb) ?? notFound(method, path)
  const isCollection = match[1] === undefined
  if (verb !== undefined) {
    if (isCollection || verb !== "cancel") return notFound(method, path)
    if (method !== "POST") return wrongMethod(method, path, "POST")
    return checkName(base, (name) => ({ _tag: "Cancel", name }))
  }
  if (isCollection) {
    if (method !== "GET") return wrongMethod(method, path, "GET")
    return Either.match(OperationName.parseCollection(base), {
      onLeft: (error) => invalid("operation collection", base, firstLine(error.message)),
      onRight: (collection) => ({ _tag: "List", collection })
    })
  }
  if (method === "GET") return checkName(base, (name) => ({ _tag: "Get", name }))
  if (method === "DELETE") return checkName(base, (name) => ({ _tag: "Delete", name }))
  return wrongMethod(method, path, "GET, DELETE")
}

/** The name a request is about, for matching per-operation faults: an operation or a collection. */
export const target = (route: Route): string | undefined => {
  switch (route._tag) {
    case "Get":
    case "Cancel":
    case "Delete":
      return route.name
    case "List":
      return route.collection
    case "Refused":
      return undefined
    default:
      return route.target
  }
}
