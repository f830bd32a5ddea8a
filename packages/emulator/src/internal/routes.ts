import * as Code from "@longrunning/schema/Code"
import * as OperationName from "@longrunning/schema/OperationName"
import * as Status from "@longrunning/schema/Status"
import * as Either from "effect/Either"

/** What a request asks for, once its method and path are read. */
export type Route =
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

/**
 * Reads the Dataproc v1 operations surface from a raw request path (not URL-normalized, so `..` and `%2F`
 * reach the name check and are refused there):
 * `GET /v1/{name}`, `GET /v1/{collection}`, `POST /v1/{name}:cancel`, `DELETE /v1/{name}`.
 */
export const parse = (method: string, path: string): Route => {
  if (!path.startsWith("/v1/")) return notFound(method, path)
  const rest = path.slice(4)
  const slash = rest.lastIndexOf("/")
  const colon = rest.indexOf(":", slash + 1)
  const base = colon === -1 ? rest : rest.slice(0, colon)
  const verb = colon === -1 ? undefined : rest.slice(colon + 1)
  const match = shape.exec(base)
  if (match === null) return notFound(method, path)
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
  }
}
