import type * as OperationsClient from "@longrunning/http/OperationsClient"
import * as OperationsError from "@longrunning/http/OperationsError"
import * as ServiceProfile from "@longrunning/http/ServiceProfile"
import * as OperationName from "@longrunning/schema/OperationName"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Exit from "./exit.js"
import * as Format from "./format.js"

// `--service`, `--api-version` and a full operation URL given as the name: which API a command talks to,
// settled before anything is sent.

/** The flags that choose the API, as given. */
export interface Flags {
  readonly service: Option.Option<string>
  readonly apiVersion: Option.Option<string>
}

/** The API a command talks to. */
export interface Target {
  readonly profile: ServiceProfile.ServiceProfile
  /** The API version: `--api-version`, a full URL's own, or the profile's first. */
  readonly version: string
  /** `https://{host}[:{port}]` of a full-URL name; the requests go there. */
  readonly origin: Option.Option<string>
}

const quoted = (text: string): string => Format.escape(JSON.stringify(text))

const usage = (message: string) => new Exit.UsageError({ message })

/** `scheme://user:password@host`: refused before parsing, as a URL that fails to parse would be echoed whole. */
export const hasUserinfo = /^[^:/?#]*:\/\/[^/?#]*@/

const apiVersionPattern = /^v[0-9][a-z0-9]*$/

// For reading a URL's host and version only: the name itself is checked later under the service's grammar.
const anyShape = OperationName.grammar({ nestedIds: true, colons: true, encodedSlashes: true, bareIds: true })

/** The ids `--service` takes, as an unknown one lists them. */
const known = (): string => ServiceProfile.all.map((profile) => profile.id).join(", ")

const byFlag = (service: Option.Option<string>) =>
  Option.match(service, {
    onNone: () => Effect.succeed(Option.none<ServiceProfile.ServiceProfile>()),
    onSome: (id) =>
      Option.match(ServiceProfile.byId(id), {
        onNone: () => Effect.fail(usage(`--service: unknown service ${quoted(id)}; known services: ${Format.escape(known())}`)),
        onSome: (profile) => Effect.succeed(Option.some(profile))
      })
  })

/**
 * The API the flags and the name (an operation name or collection, the full URL of one, or nothing for
 * `start`) describe. A URL's host names its service (`us-central1-aiplatform.googleapis.com` is Vertex AI) and its
 * first segment the version; a `--service` or `--api-version` that says otherwise is a usage error, as is a
 * service or version the profiles do not know.
 */
export const resolve = (flags: Flags, reference: string | undefined): Effect.Effect<Target, Exit.UsageError> =>
  Effect.gen(function*() {
    if (reference !== undefined && hasUserinfo.test(reference)) {
      return yield* usage("the name is a URL that carries credentials (user:password@): give the name without them")
    }
    const given = yield* byFlag(flags.service)
    const version = Option.getOrUndefined(flags.apiVersion)
    if (version !== undefined && !apiVersionPattern.test(version)) {
      return yield* usage(`--api-version: ${quoted(version)} is not an API version (such as v1, v1beta1)`)
    }
    // A URL that does not parse is left to the name check, which says what is wrong with it.
    const parsed = reference === undefined ? undefined : Either.getOrUndefined(
      Either.orElse(
        OperationName.parseReference(reference, anyShape),
        () => OperationName.parseCollectionReference(reference, anyShape)
      )
    )
    const url = parsed !== undefined && Option.isSome(parsed.host) && Option.isSome(parsed.version) && Option.isSome(parsed.origin)
      ? { host: parsed.host.value, version: parsed.version.value, origin: parsed.origin.value }
      : undefined
    let profile = Option.getOrElse(given, () => ServiceProfile.dataproc)
    if (url !== undefined) {
      const inferred = ServiceProfile.forHost(url.host, url.version)
      if (Option.isSome(given) && Option.isSome(inferred) && !isHostOf(given.value, url.host)) {
        return yield* usage(
          `--service ${given.value.id} conflicts with the URL's host ${Format.escape(url.host)} (${inferred.value.id}); ` +
            `drop --service, or give the name without the host`
        )
      }
      if (Option.isNone(given) && Option.isSome(inferred)) profile = inferred.value
      if (version !== undefined && version !== url.version) {
        return yield* usage(
          `--api-version ${version} conflicts with the URL's version ${Format.escape(url.version)}; ` +
            `drop --api-version, or give the name without the host and version`
        )
      }
    }
    const chosen = url?.version ?? version ?? profile.versions[0].version
    if (!profile.versions.some((entry) => entry.version === chosen)) {
      return yield* usage(
        `${version === undefined ? "the URL's version" : "--api-version"}: ${profile.title} (${profile.id}) has no version ${
          quoted(chosen)
        }; known: ${profile.versions.map((entry) => entry.version).join(", ")}`
      )
    }
    return { profile, version: chosen, origin: url === undefined ? Option.none() : Option.some(url.origin) }
  })

/**
 * The operation name a reference gives: the name itself, or the name inside a full URL (so that a durable
 * wait on the URL and one on the name are the same execution).
 */
export const operationNameOf = (reference: string): string =>
  Either.match(OperationName.parseReference(reference, anyShape), {
    onLeft: () => reference,
    onRight: (parsed) => parsed.name
  })

// Speech v1 and v2 share a host: a host is a profile's when its first label is the profile's service.
const isHostOf = (profile: ServiceProfile.ServiceProfile, host: string): boolean =>
  Option.isSome(ServiceProfile.forHost(host, undefined, [profile]))

/** A request as `--dry-run` prints it. */
export interface Request {
  readonly method: string
  readonly url: string
  /** The JSON body, for `start`. */
  readonly body?: unknown
}

/** What a list call adds to its request line. */
export interface LineOptions {
  readonly filter?: string | undefined
  readonly pageSize?: number | undefined
}

/**
 * The request an operations method would send, from the client's own builder (`OperationsClient.requests`
 * of the options the client is made with): the name checked under the service's grammar, the path of the
 * service's version, the host of its rule (or the endpoint given, or a full URL's own). A name the service
 * refuses is `InvalidName`, as the client says it; a method the service lacks is a usage error. Nothing is sent.
 */
export const operationRequest = (
  requests: ServiceProfile.Requests,
  method: "get" | "list" | "cancel" | "delete",
  name: string,
  options: LineOptions = {}
): Either.Either<Request, Exit.UsageError | OperationsError.InvalidName> =>
  Either.mapLeft(
    requests.requestLine(method, name, { filter: options.filter, pageSize: options.pageSize }),
    (error): Exit.UsageError | OperationsError.InvalidName =>
      error.reason === "InvalidName"
        ? new OperationsError.InvalidName({ method, input: name, reason: error.detail })
        : usage(Format.escape(`${error.detail} (service ${error.service})`))
  )

/**
 * The first request of `lro wait`, sent at once: where the service has `:wait`, the long poll the poller
 * makes first (`POST {name}:wait`, asking for one attempt less 2 s, bounded by `--timeout`, as the client
 * computes it); a get otherwise, and for a durable wait, which polls with get.
 */
export const waitRequest = (
  requests: ServiceProfile.Requests,
  name: string,
  options: {
    readonly longPoll: boolean
    readonly timeout: Duration.Duration | undefined
    readonly attemptTimeout: Duration.Duration
  }
): Either.Either<Request, Exit.UsageError | OperationsError.InvalidName> => {
  const target = options.longPoll ? requests.target("wait", name) : undefined
  if (target !== undefined && Either.isRight(target)) {
    const timeout = ServiceProfile.waitTimeout({
      remaining: options.timeout ?? Duration.infinity,
      attemptTimeout: options.attemptTimeout
    })
    if (Option.isSome(timeout)) {
      const line = requests.line("wait", target.right, { timeout: timeout.value })
      if (Either.isRight(line)) return Either.right(line.right)
    }
  }
  // A service without `:wait`, or a name it refuses: the poller falls back to get, which says what is wrong.
  return operationRequest(requests, "get", name)
}

/** A request line as printed: `GET https://...`, the body's JSON after the URL when there is one. */
export const formatRequest = (format: "text" | "json", request: Request): string =>
  Format.escape(
    Format.safeJson(
      format === "json"
        ? JSON.stringify(request)
        : request.body === undefined
        ? `${request.method} ${request.url}`
        : `${request.method} ${request.url} ${JSON.stringify(request.body)}`
    )
  )

// The client's check of a start path (URL-safe segments, a `:verb` only at the end), said before the dry
// run prints a URL the client would refuse.
const segment = "[A-Za-z0-9._~!$&'()*+,;=@-]+"
const startPath = new RegExp(`^${segment}(?:/${segment})*(?::[A-Za-z][A-Za-z0-9]*)?$`)

/** A start call's query as the client sends it: in the order given, an array as the parameter repeated. */
const queryPairs = (query: OperationsClient.StartRequest["query"]): ReadonlyArray<readonly [string, string]> => {
  const pairs: Array<readonly [string, string]> = []
  for (const key in query) {
    const value = query[key]
    if (value === undefined) continue
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      pairs.push([key, String(value)])
    } else {
      for (const item of value) pairs.push([key, item])
    }
  }
  return pairs
}

/** The request `lro start` would send, its URL from the client's builder: the method, the URL, the body. */
export const startRequest = (
  requests: ServiceProfile.Requests,
  request: OperationsClient.StartRequest
): Either.Either<Request, Exit.UsageError | OperationsError.InvalidName> => {
  if (!startPath.test(request.path)) {
    return Either.left(
      new OperationsError.InvalidName({
        method: "start",
        input: request.path,
        reason: "expected a path relative to the version root, such as projects/p/regions/r/clusters or .../clusters/c:start"
      })
    )
  }
  const url = requests.url(request.path, queryPairs(request.query))
  if (Either.isLeft(url)) return Either.left(usage(Format.escape(url.left.message)))
  const method = request.method ?? "POST"
  return Either.right(request.body === undefined ? { method, url: url.right } : { method, url: url.right, body: request.body })
}
