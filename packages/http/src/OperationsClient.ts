/**
 * The operations API of any Google service that serves `google.longrunning` over REST (Dataproc v1
 * first): start an operation with any method of the API, then get, list, cancel and delete operations, as
 * Effects with typed errors. Every call goes through one sender: request, exchange, decode, typed error,
 * retry.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as Any from "@longrunning/schema/Any"
import * as Operation from "@longrunning/schema/Operation"
import * as Code from "@longrunning/schema/Code"
import * as OperationName from "@longrunning/schema/OperationName"
import * as Status from "@longrunning/schema/Status"
import * as Chunk from "effect/Chunk"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Credentials from "./Credentials.js"
import * as Endpoint from "./Endpoint.js"
import * as HttpExchange from "./HttpExchange.js"
import * as internal from "./internal/decode.js"
import * as Errors from "./internal/errors.js"
import * as Sender from "./internal/sender.js"
import * as Tracing from "./internal/tracing.js"
import * as OperationsError from "./OperationsError.js"
import * as RetryPolicy from "./RetryPolicy.js"
import * as ServiceProfile from "./ServiceProfile.js"

/**
 * What an operations call can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type Error = OperationsError.OperationsError | Credentials.CredentialsError

/**
 * Options of a `list` call.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListOptions {
  /** A filter in the service's syntax, e.g. `status.state = DONE` (Dataproc). */
  readonly filter?: string | undefined
  /** The largest page the server may send. */
  readonly pageSize?: number | undefined
  /** The `nextPageToken` of the page before. */
  readonly pageToken?: string | undefined
  /** Return what can be read when some locations are unreachable (they are listed in `unreachable`). */
  readonly returnPartialSuccess?: boolean | undefined
}

/**
 * Options of a `wait` call.
 *
 * @since 0.1.0
 * @category models
 */
export interface WaitOptions {
  /**
   * The longest the server may hold the request before it answers with the operation as it is. The client
   * asks for less than this when one attempt (its `timeout`) is shorter, leaving 2 seconds for the answer
   * (`ServiceProfile.waitTimeout`); under a second left, it sends a plain get instead. Defaults to as long as
   * one attempt allows.
   */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * The schema of a typed operation, as `Operation.schema(...)` makes it.
 *
 * @since 0.1.0
 * @category models
 */
export type OperationSchema<M, R, I = unknown> = Schema.Schema<Operation.Operation<M, R>, I>

/**
 * A call to any method of the API that answers with an Operation (`clusters.create`, `batches.create` ...).
 *
 * @since 0.1.0
 * @category models
 */
export interface StartRequest {
  /** The HTTP method. Defaults to `POST`. */
  readonly method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | undefined
  /**
   * The path relative to the API's version root, e.g. `projects/p/regions/us-central1/clusters` or
   * `projects/p/regions/us-central1/clusters/c:start`. Checked before sending: segments of URL-safe
   * characters, no `.` or `..`, a `:verb` only at the end.
   */
  readonly path: string
  /** Query parameters; an array is sent as the parameter repeated. */
  readonly query?: Readonly<Record<string, string | number | boolean | ReadonlyArray<string> | undefined>> | undefined
  /** The body, a JSON value (sent as `application/json`). */
  readonly body?: unknown
  /**
   * Where the method takes a request id that makes it idempotent (AIP-155): unless the query or the body
   * already holds one, the client sets a fresh UUID there, once per call, and every retry of the call
   * carries the same id. A call with a request id (or a GET) is retried as the retry policy says; any other
   * call only when it provably never reached the server (reason `Connect`).
   */
  readonly requestId?: RequestIdLocation | undefined
}

/**
 * Where a method takes its request id: a query parameter (`clusters.create`) or a field of the JSON body
 * (`clusters.start`, whose body is a `StartClusterRequest`).
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestIdLocation {
  readonly in: "query" | "body"
  /** The parameter's or field's name. Defaults to `requestId`. */
  readonly name?: string | undefined
}

/**
 * A start call once checked: what a transport sends.
 *
 * @since 0.1.0
 * @category models
 */
export interface ValidStartRequest {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
  readonly path: string
  /** The query, the request id included, as name-value pairs in order. */
  readonly query: ReadonlyArray<readonly [string, string]>
  /** The body as JSON text. */
  readonly body: string | undefined
  /** Whether every attempt may be retried (a GET, or a request id is set). */
  readonly idempotent: boolean
}

/**
 * The operations client.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Sends any method of the API that answers with an Operation and decodes the answer, with a schema when
   * given (`Operation.schema({ metadata: Dataproc.ClusterOperationMetadata })`). An answer that is already
   * done is a done snapshot. Same credentials, endpoint, errors, spans and retry rules as `get`.
   */
  readonly start: {
    (request: StartRequest): Effect.Effect<Operation.Operation, Error>
    <M, R, I>(request: StartRequest, schema: OperationSchema<M, R, I>): Effect.Effect<Operation.Operation<M, R>, Error>
  }
  /**
   * `GET /v1/{name}`: the operation's current state. With a schema, metadata and response are decoded
   * with it (`Operation.schema({ metadata: Dataproc.ClusterOperationMetadata })`).
   */
  readonly get: {
    (name: string): Effect.Effect<Operation.Operation, Error>
    <M, R, I>(name: string, schema: OperationSchema<M, R, I>): Effect.Effect<Operation.Operation<M, R>, Error>
  }
  /** `GET /v1/{collection}`: one page of operations. */
  readonly list: {
    (collection: string, options?: ListOptions): Effect.Effect<Operation.ListOperationsResponse, Error>
    <M, R, I>(
      collection: string,
      options: ListOptions & { readonly schema: OperationSchema<M, R, I> }
    ): Effect.Effect<Operation.ListOperationsResponse<M, R>, Error>
  }
  /** Every operation of a collection, across all pages, as a Stream that fetches pages as it is pulled. */
  readonly listAll: {
    (collection: string, options?: Omit<ListOptions, "pageToken">): Stream.Stream<Operation.Operation, Error>
    <M, R, I>(
      collection: string,
      options: Omit<ListOptions, "pageToken"> & { readonly schema: OperationSchema<M, R, I> }
    ): Stream.Stream<Operation.Operation<M, R>, Error>
  }
  /** `POST /v1/{name}:cancel`: asks the server to cancel; the operation later ends with CANCELLED. */
  readonly cancel: (name: string) => Effect.Effect<void, Error>
  /** `DELETE /v1/{name}`: forgets the operation (it is not cancelled). */
  readonly delete: (name: string) => Effect.Effect<void, Error>
  /**
   * `POST {name}:wait`, where the profile has it (Cloud Run v2, Translation v3, Vertex AI): a long poll that
   * answers when the operation is done or the timeout passes, decoded and checked as `get`'s answer. A
   * service without it fails with `Unsupported` before any request. Best effort on the server's side: it
   * may answer UNIMPLEMENTED, or early.
   */
  readonly wait: {
    (name: string, options?: WaitOptions): Effect.Effect<Operation.Operation, Error>
    <M, R, I>(
      name: string,
      options: WaitOptions & { readonly schema: OperationSchema<M, R, I> }
    ): Effect.Effect<Operation.Operation<M, R>, Error>
  }
}

/**
 * The operations client service.
 *
 * @example
 * ```ts
 * import { Credentials, Endpoint, OperationsClient } from "@longrunning/http"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* OperationsClient.OperationsClient
 *   return yield* client.get("projects/demo/regions/us-central1/operations/op-1")
 * })
 *
 * program.pipe(
 *   Effect.provide(OperationsClient.layer({ endpoint: Endpoint.fixed("http://127.0.0.1:8085") })),
 *   Effect.provide(Layer.merge(Credentials.unauthenticated, FetchHttpClient.layer))
 * )
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class OperationsClient extends Context.Tag("@longrunning/http/OperationsClient")<OperationsClient, Service>() {}

/**
 * Options of the client.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * The service: its hosts, versions, operations paths, the methods it offers and the grammar of its names
   * (`ServiceProfile.vertexAi`, or one of your own). Defaults to Dataproc; when it is not given, a full
   * operation URL's host chooses the profile (`https://us-central1-aiplatform.googleapis.com/v1/...` is
   * Vertex AI's).
   */
  readonly profile?: ServiceProfile.ServiceProfile | undefined
  /**
   * Where requests go. Defaults to the profile's host rule (`ServiceProfile.endpoint`):
   * `https://dataproc.googleapis.com/` for Dataproc, `https://{location}-aiplatform.googleapis.com/` for a
   * Vertex AI name in a location. `Endpoint.regional`, `Endpoint.universe` or `Endpoint.fixed` send them
   * elsewhere.
   */
  readonly endpoint?: Endpoint.Endpoint | undefined
  /**
   * The API version: the profile's paths of that version are used (Resource Manager's `v2` polls at `v1/`),
   * and `start`'s path is relative to `{apiVersion}/`. Defaults to the profile's first version (`v1` for
   * Dataproc). A full operation URL's own version wins. An operations call in a version the profile does not
   * know fails with `Unsupported`; `start` takes any version.
   */
  readonly apiVersion?: string | undefined
  /** The universe domain of the profile's hosts. Defaults to `googleapis.com`. */
  readonly universeDomain?: string | undefined
  /** The project billed for quota (`x-goog-user-project`). */
  readonly quotaProject?: string | undefined
  /** Prepended to the `user-agent` header. */
  readonly userAgent?: string | undefined
  /** Added to the `x-goog-api-client` header. */
  readonly apiClient?: string | undefined
  /** More headers for every request. Names and values are checked when the client is made (`InvalidHeader`). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** The time one attempt may take, reading the body included. Defaults to {@link defaultTimeout} (30 seconds). */
  readonly timeout?: Duration.DurationInput | undefined
  /**
   * The time one call may take, every attempt and wait between them included. Defaults to
   * {@link defaultTotalTimeout} (3 minutes). A retry whose wait would pass it is not made: the call ends at
   * once with the failure at hand.
   */
  readonly totalTimeout?: Duration.DurationInput | undefined
  /** Which failures are retried and when. Defaults to `RetryPolicy.defaultPolicy`. */
  readonly retryPolicy?: RetryPolicy.RetryPolicy | undefined
  /**
   * The longest delay a server may ask for before a retry (RetryInfo, `Retry-After`); a longer one is cut
   * to it. Defaults to `RetryPolicy.defaultMaxServerDelay` (2 minutes).
   */
  readonly maxRetryDelay?: Duration.DurationInput | undefined
  /** The largest body read, in bytes; a larger one fails as a `TransportError` (`BodyTooLarge`). Defaults to 4 MiB. */
  readonly maxResponseBytes?: number | undefined
  /**
   * Whether each call runs in a client span (`OperationsClient.get` ...) and sends `traceparent`. Off by
   * default: a span per poll costs a good part of a poll's CPU.
   */
  readonly spans?: boolean | undefined
}

/**
 * The default time one attempt may take, reading the body included: 30 seconds.
 *
 * @example
 * ```ts
 * import { OperationsClient } from "@longrunning/http"
 * import { Duration } from "effect"
 *
 * Duration.toSeconds(OperationsClient.defaultTimeout) // 30
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTimeout: Duration.Duration = Duration.seconds(30)

/**
 * The default time one call may take, retries included: 3 minutes.
 *
 * @example
 * ```ts
 * import { OperationsClient } from "@longrunning/http"
 * import { Duration } from "effect"
 *
 * Duration.toMinutes(OperationsClient.defaultTotalTimeout) // 3
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTotalTimeout: Duration.Duration = Duration.minutes(3)

const version = "0.1.0"

const apiVersionPattern = /^v[0-9][a-z0-9]*$/

/**
 * Makes the client from the `Credentials` and the `HttpExchange` in the context, or, when there is none,
 * an exchange over the `HttpClient` of the context (`HttpExchange.fromHttpClient`). `UndiciHttpClient`'s
 * layers provide both.
 *
 * @example
 * ```ts
 * import { OperationsClient } from "@longrunning/http"
 * import { Effect } from "effect"
 *
 * const client = OperationsClient.make({ quotaProject: "my-project" }) // needs HttpClient and Credentials
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.fnUntraced(function*(options: Options = {}) {
  const exchange = yield* Effect.serviceOption(HttpExchange.HttpExchange).pipe(
    Effect.flatMap(Option.match({
      onSome: Effect.succeed,
      onNone: () => Effect.map(HttpClient.HttpClient, HttpExchange.fromHttpClient)
    }))
  )
  return yield* makeWith(exchange, options)
})

/**
 * Makes the client over the given exchange, with the `Credentials` in the context.
 *
 * @example
 * ```ts
 * import { OperationsClient } from "@longrunning/http"
 * import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
 * import { Pool } from "undici"
 *
 * const client = OperationsClient.makeWith(UndiciHttpClient.exchange(new Pool("http://127.0.0.1:8085")))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWith = Effect.fnUntraced(function*(exchange: HttpExchange.Service, options: Options = {}) {
  const credentials = yield* Credentials.Credentials
  const lines = requests(options)
  const endpoint = options.endpoint ?? ServiceProfile.endpoint(lines.profile, { universeDomain: options.universeDomain })
  if (endpoint._tag === "Fixed" || endpoint._tag === "Global") {
    yield* Endpoint.baseUrl(endpoint, Option.none())
  }
  if (!apiVersionPattern.test(lines.version)) {
    return yield* new Endpoint.InvalidEndpoint({ reason: `${JSON.stringify(lines.version)} is not an API version` })
  }
  const nodeVersion = globalThis.process?.versions?.node
  const apiClient = [
    nodeVersion === undefined ? undefined : `gl-node/${nodeVersion}`,
    `longrunning/${version}`,
    options.apiClient
  ].filter((part) => part !== undefined).join(" ")
  const headers: Record<string, string> = {
    ...options.headers,
    "accept": "application/json",
    "user-agent": options.userAgent === undefined ? `longrunning/${version}` : `${options.userAgent} longrunning/${version}`,
    "x-goog-api-client": apiClient,
    ...(options.quotaProject === undefined ? {} : { "x-goog-user-project": options.quotaProject })
  }
  for (const name in headers) yield* Errors.checkHeader(name, headers[name]!)
  const spans = options.spans === true
  const attemptTimeout = Duration.decode(options.timeout ?? defaultTimeout)
  const send = Sender.make({
    exchange,
    credentials,
    headers,
    timeoutMillis: Duration.toMillis(attemptTimeout),
    totalMillis: Duration.toMillis(Duration.decode(options.totalTimeout ?? defaultTotalTimeout)),
    retryPolicy: options.retryPolicy ?? RetryPolicy.defaultPolicy,
    maxRetryDelay: Duration.decode(options.maxRetryDelay ?? RetryPolicy.defaultMaxServerDelay),
    maxResponseBytes: options.maxResponseBytes ?? 4 * 1024 * 1024,
    spans
  })

  // Every URL comes from the builder (`requests`), as a dry run gets it. A checked name, collection or path
  // holds only characters a URL path segment carries as they are (RFC 3986 pchar, less "%"), so it goes into
  // the path unchanged: no name can reach another URL, and sub-delimiters ("$&+,;=@") are not escaped into
  // forms some servers refuse to read back. Cancelling or deleting an operation twice has the effect of
  // doing it once: every operations call is retried as the policy says.
  const sendLine = (
    method: "get" | "list" | "cancel" | "delete" | "wait",
    target: ServiceProfile.Target,
    lineOptions?: ServiceProfile.LineOptions
  ): Effect.Effect<Answer, Error> => {
    const line = lines.line(method, target, lineOptions)
    return Either.isLeft(line)
      ? Effect.fail(lineError(method, line.left))
      : send({
        method,
        operation: target.input,
        httpMethod: line.right.method,
        url: line.right.url,
        body: line.right.body === undefined ? undefined : JSON.stringify(line.right.body),
        retry: "policy"
      })
  }

  return fromTransport({
    get: (_, target) => sendLine("get", target),
    list: (_, listOptions, target) => sendLine("list", target, listOptions),
    cancel: (_, target) => sendLine("cancel", target),
    delete: (_, target) => sendLine("delete", target),
    // The server is asked to answer while the attempt still has time for the answer to arrive.
    wait: (_, target, requested) =>
      Option.match(ServiceProfile.waitTimeout({ remaining: requested ?? Duration.infinity, attemptTimeout }), {
        onNone: () => sendLine("get", target),
        onSome: (timeout) => sendLine("wait", target, { timeout })
      }),
    start: (request) =>
      Either.match(startUrl(lines, request), {
        onLeft: Effect.fail,
        onRight: (url) =>
          send({
            method: "start",
            operation: request.path,
            httpMethod: request.method,
            url,
            body: request.body,
            retry: request.idempotent ? "policy" : "unsent"
          })
      })
  }, { spans, requests: lines })
})

/**
 * The builder of the request lines a client made with these options sends: the same profile, version,
 * endpoint and universe domain, so a dry run (`lro get --dry-run`) prints exactly what a call would send.
 *
 * @example
 * ```ts
 * import { OperationsClient, ServiceProfile } from "@longrunning/http"
 * import * as Either from "effect/Either"
 *
 * const lines = OperationsClient.requests({ profile: ServiceProfile.speechV1 })
 * Either.map(lines.requestLine("get", "8254262642733152416"), ServiceProfile.formatRequestLine)
 * // Either.right("GET https://speech.googleapis.com/v1/operations/8254262642733152416")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const requests = (options: Options = {}): ServiceProfile.Requests =>
  ServiceProfile.requests({
    profile: options.profile,
    version: options.apiVersion,
    endpoint: options.endpoint,
    universeDomain: options.universeDomain
  })

const startUrl = (lines: ServiceProfile.Requests, request: ValidStartRequest) =>
  Either.mapLeft(lines.url(request.path, request.query), (error) => internal.invalidName("start", request.path, error.reason))

/**
 * The request a start call would send with these options, as the client builds it: the path, query and
 * body checked, a request id set where the call says the method takes one (a fresh one on each call, as
 * the client draws it), the URL from {@link requests}. Nothing is sent.
 *
 * @example
 * ```ts
 * import { OperationsClient } from "@longrunning/http"
 *
 * OperationsClient.startLine({}, { path: "projects/p/regions/us-central1/clusters", body: { clusterName: "c" } })
 * // Either.right({ method: "POST", url: "https://dataproc.googleapis.com/v1/projects/p/regions/us-central1/clusters",
 * //                body: '{"clusterName":"c"}', idempotent: false, ... })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const startLine = (
  options: Options,
  request: StartRequest
): Either.Either<ValidStartRequest & { readonly url: string }, OperationsError.InvalidName> =>
  Either.flatMap(validStart(request), (valid) => Either.map(startUrl(requests(options), valid), (url) => ({ ...valid, url })))

// A request line that cannot be made: the name (or the endpoint for it) is refused, or the service does not
// offer the call.
const lineError = (method: OperationsError.Method, error: ServiceProfile.RequestLineError): OperationsError.OperationsError =>
  error.reason === "Unsupported" || error.reason === "UnknownVersion"
    ? new OperationsError.Unsupported({
      reason: error.reason === "Unsupported" ? "Method" : "Version",
      method,
      operation: error.input,
      service: error.service,
      detail: error.detail
    })
    : internal.invalidName(method, error.input, error.detail)

const segment = "[A-Za-z0-9._~!$&'()*+,;=@-]+"
const pathPattern = new RegExp(`^${segment}(?:/${segment})*(?::[A-Za-z][A-Za-z0-9]*)?$`)

/** Checks a start request: the path, the query, the body; adds the request id. */
const validStart = (request: StartRequest): Either.Either<ValidStartRequest, OperationsError.InvalidName> => {
  const fail = (reason: string) => Either.left(internal.invalidName("start", request.path, reason))
  if (!pathPattern.test(request.path)) {
    return fail("expected a path relative to the version root, such as projects/p/regions/r/clusters or .../clusters/c:start")
  }
  if (request.path.split("/").some((part) => part === "." || part === ".." || part.startsWith(".:"))) {
    return fail("a path has no . or .. segments")
  }
  const method = request.method ?? "POST"
  const query: Array<readonly [string, string]> = []
  for (const key in request.query) {
    const value = request.query[key]
    if (value === undefined) continue
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      query.push([key, String(value)])
    } else {
      for (const item of value) query.push([key, item])
    }
  }
  let json = request.body
  let hasId = false
  if (request.requestId !== undefined) {
    const idName = request.requestId.name ?? "requestId"
    if (request.requestId.in === "query") {
      hasId = query.some(([key, value]) => key === idName && value !== "")
      if (!hasId) query.push([idName, globalThis.crypto.randomUUID()])
    } else {
      if (json !== undefined && !Predicate.isRecord(json)) return fail("a request id goes into a body that is a JSON object")
      const given = json?.[idName]
      if (given !== undefined && (typeof given !== "string" || given === "")) {
        return fail(`the body's ${idName} is not a non-empty string`)
      }
      if (given === undefined) json = { ...json, [idName]: globalThis.crypto.randomUUID() }
    }
    hasId = true
  }
  let body: string | undefined
  if (json !== undefined) {
    try {
      body = JSON.stringify(json)
    } catch (error) {
      return fail(`the body is not JSON: ${error instanceof globalThis.Error ? error.message : String(error)}`)
    }
  }
  return Either.right({ method, path: request.path, query, body, idempotent: method === "GET" || hasId })
}

/**
 * An answer of a transport: the body as parsed JSON (`undefined` for an empty body) and its HTTP status.
 *
 * @since 0.1.0
 * @category models
 */
export interface Answer {
  readonly json: unknown
  readonly httpStatus: number
}

/**
 * What the client needs below it: the four calls on names that are already valid, answering JSON. The HTTP
 * client is one transport; test doubles (`@longrunning/testing`) are others, and they get the same name
 * checks, decoding and spans.
 *
 * @since 0.1.0
 * @category models
 */
export interface Transport {
  readonly get: (name: OperationName.OperationName, target: Target) => Effect.Effect<Answer, Error>
  readonly list: (
    collection: OperationName.OperationCollection,
    options: ListOptions,
    target: ServiceProfile.Target<OperationName.OperationCollection>
  ) => Effect.Effect<Answer, Error>
  readonly cancel: (name: OperationName.OperationName, target: Target) => Effect.Effect<Answer, Error>
  readonly delete: (name: OperationName.OperationName, target: Target) => Effect.Effect<Answer, Error>
  /**
   * `:wait`, the server holding the request up to `timeout` (as long as the transport allows when
   * undefined). A transport without it fails `wait` with UNIMPLEMENTED.
   */
  readonly wait?:
    | ((name: OperationName.OperationName, target: Target, timeout: Duration.Duration | undefined) => Effect.Effect<Answer, Error>)
    | undefined
  /** Any method answering an Operation; a transport without it fails `start` with UNIMPLEMENTED. */
  readonly start?: ((request: ValidStartRequest) => Effect.Effect<Answer, Error>) | undefined
}

/**
 * A checked operation name and where its request goes (the profile, the version, a full URL's origin), as
 * a transport receives it beside the name.
 *
 * @since 0.1.0
 * @category models
 */
export type Target = ServiceProfile.Target<OperationName.OperationName>

/**
 * Options of {@link fromTransport}.
 *
 * @since 0.1.0
 * @category models
 */
export interface TransportOptions {
  /** Whether each call runs in a client span. Defaults to false. */
  readonly spans?: boolean | undefined
  /**
   * What names are checked against before the transport sees them: the profile's grammar, the methods it
   * offers, full URLs. Defaults to `ServiceProfile.requests()` (Dataproc's, a URL's host choosing another).
   */
  readonly requests?: ServiceProfile.Requests | undefined
}

/**
 * Makes a client over a transport: names are checked before the transport sees them, answers decoded after.
 *
 * @example
 * ```ts
 * import { OperationsClient } from "@longrunning/http"
 * import { Effect } from "effect"
 *
 * const client = OperationsClient.fromTransport({
 *   get: (name) => Effect.succeed({ json: { name, done: true }, httpStatus: 200 }),
 *   list: () => Effect.succeed({ json: {}, httpStatus: 200 }),
 *   cancel: () => Effect.succeed({ json: {}, httpStatus: 200 }),
 *   delete: () => Effect.succeed({ json: {}, httpStatus: 200 })
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromTransport = (transport: Transport, options?: TransportOptions): Service => {
  const spans = options?.spans === true
  const lines = options?.requests ?? ServiceProfile.requests()

  const decode = <A>(method: OperationsError.Method, name: string, decoder: internal.Decoder<A>) => (answer: Answer) => {
    const decoded = internal.decodeBody(answer.json, decoder)
    return Either.isRight(decoded)
      ? Effect.succeed(decoded.right)
      : Effect.fail(
        new OperationsError.MalformedResponse({ method, operation: name, httpStatus: answer.httpStatus, ...decoded.left })
      )
  }

  // Spans only when a real tracer is installed: a poll with no one watching pays nothing for them.
  // The poll path: the name is checked before any effect runs, so a valid name costs no step for it.
  const getWith = <M, R>(
    name: string,
    decoder: (name: string) => internal.Decoder<Operation.Operation<M, R>>
  ): Effect.Effect<Operation.Operation<M, R>, Error> => {
    const valid = lines.target("get", name)
    return Either.isLeft(valid)
      ? Effect.fail(lineError("get", valid.left))
      : Tracing.spanned(
        spans,
        "OperationsClient.get",
        { "operation.name": name },
        Effect.flatMap(transport.get(valid.right.name, valid.right), decode("get", name, decoder(valid.right.name)))
      )
  }

  const listWith = <M, R, I>(
    collection: string,
    options: ListOptions | undefined,
    schema: Schema.Schema<Operation.ListOperationsResponse<M, R>, I>
  ) => Tracing.spanned(spans, "OperationsClient.list", { "operation.collection": collection }, Effect.gen(function*() {
    const valid = yield* Either.match(lines.collection(collection), {
      onLeft: (error) => Effect.fail(lineError("list", error)),
      onRight: Effect.succeed
    })
    const { filter, pageSize, pageToken, returnPartialSuccess } = options ?? {}
    return yield* Effect.flatMap(
      transport.list(valid.name, { filter, pageSize, pageToken, returnPartialSuccess }, valid),
      decode("list", collection, internal.listDecoder(schema))
    )
  }))

  // A server that sends a page token twice would be followed forever: the stream ends with a typed error.
  const listAllWith = <M, R, I>(
    collection: string,
    options: Omit<ListOptions, "pageToken"> | undefined,
    schema: Schema.Schema<Operation.ListOperationsResponse<M, R>, I>
  ): Stream.Stream<Operation.Operation<M, R>, Error> =>
    Stream.paginateChunkEffect({ pageToken: "", seen: new Set<string>() }, ({ pageToken, seen }) =>
      Effect.flatMap(listWith(collection, { ...options, pageToken }, schema), (page) => {
        const operations = Chunk.fromIterable(page.operations)
        const next = page.nextPageToken
        if (next === "") return Effect.succeed([operations, Option.none()] as const)
        if (seen.has(next) || next === pageToken) {
          return Effect.fail(
            new OperationsError.MalformedResponse({
              method: "list",
              operation: collection,
              httpStatus: 200,
              path: "$.nextPageToken",
              detail: `the server sent a page token it had sent before (after ${seen.size + 1} pages)`
            })
          )
        }
        seen.add(next)
        return Effect.succeed([operations, Option.some({ pageToken: next, seen })] as const)
      }))

  function get(name: string): Effect.Effect<Operation.Operation, Error>
  function get<M, R, I>(
    name: string,
    schema: Schema.Schema<Operation.Operation<M, R>, I>
  ): Effect.Effect<Operation.Operation<M, R>, Error>
  function get<M, R, I>(name: string, schema?: Schema.Schema<Operation.Operation<M, R>, I>) {
    return schema === undefined
      ? getWith(name, internal.untypedOperationDecoder)
      : getWith(name, (n) => internal.operationDecoder(schema, n))
  }

  function list(collection: string, options?: ListOptions): Effect.Effect<Operation.ListOperationsResponse, Error>
  function list<M, R, I>(
    collection: string,
    options: ListOptions & { readonly schema: Schema.Schema<Operation.Operation<M, R>, I> }
  ): Effect.Effect<Operation.ListOperationsResponse<M, R>, Error>
  function list<M, R, I>(
    collection: string,
    options?: ListOptions & { readonly schema?: Schema.Schema<Operation.Operation<M, R>, I> }
  ) {
    return options?.schema === undefined
      ? listWith(collection, options, Operation.ListOperationsResponse)
      : listWith(collection, options, Operation.listResponse(options.schema))
  }

  function listAll(
    collection: string,
    options?: Omit<ListOptions, "pageToken">
  ): Stream.Stream<Operation.Operation, Error>
  function listAll<M, R, I>(
    collection: string,
    options: Omit<ListOptions, "pageToken"> & { readonly schema: Schema.Schema<Operation.Operation<M, R>, I> }
  ): Stream.Stream<Operation.Operation<M, R>, Error>
  function listAll<M, R, I>(
    collection: string,
    options?: Omit<ListOptions, "pageToken"> & { readonly schema?: Schema.Schema<Operation.Operation<M, R>, I> }
  ) {
    return options?.schema === undefined
      ? listAllWith(collection, options, Operation.ListOperationsResponse)
      : listAllWith(collection, options, Operation.listResponse(options.schema))
  }

  // cancel and delete: a name in, google.protobuf.Empty out.
  const emptyCall = (method: "cancel" | "delete") => (name: string): Effect.Effect<void, Error> =>
    Tracing.spanned(
      spans,
      `OperationsClient.${method}`,
      { "operation.name": name },
      Either.match(lines.target(method, name), {
        onLeft: (error) => Effect.fail(lineError(method, error)),
        onRight: (valid) => Effect.flatMap(transport[method](valid.name, valid), decode(method, name, internal.emptyDecoder))
      })
    )

  const waitWith = <M, R>(
    name: string,
    options: WaitOptions | undefined,
    decoder: (name: string) => internal.Decoder<Operation.Operation<M, R>>
  ): Effect.Effect<Operation.Operation<M, R>, Error> => {
    const valid = lines.target("wait", name)
    if (Either.isLeft(valid)) return Effect.fail(lineError("wait", valid.left))
    const send = transport.wait
    const timeout = options?.timeout === undefined ? undefined : Duration.decode(options.timeout)
    return Tracing.spanned(
      spans,
      "OperationsClient.wait",
      { "operation.name": name },
      send === undefined
        ? Effect.fail(unimplemented("wait", name, "this transport does not wait"))
        : Effect.flatMap(send(valid.right.name, valid.right, timeout), decode("wait", name, decoder(valid.right.name)))
    )
  }

  function wait(name: string, options?: WaitOptions): Effect.Effect<Operation.Operation, Error>
  function wait<M, R, I>(
    name: string,
    options: WaitOptions & { readonly schema: Schema.Schema<Operation.Operation<M, R>, I> }
  ): Effect.Effect<Operation.Operation<M, R>, Error>
  function wait<M, R, I>(
    name: string,
    options?: WaitOptions & { readonly schema?: Schema.Schema<Operation.Operation<M, R>, I> }
  ) {
    const schema = options?.schema
    return schema === undefined
      ? waitWith(name, options, internal.untypedOperationDecoder)
      : waitWith(name, options, (n) => internal.operationDecoder(schema, n))
  }

  const startWith = <M, R>(
    request: StartRequest,
    decoder: internal.Decoder<Operation.Operation<M, R>>
  ): Effect.Effect<Operation.Operation<M, R>, Error> => {
    const valid = validStart(request)
    if (Either.isLeft(valid)) return Effect.fail(valid.left)
    const send = transport.start
    return Tracing.spanned(
      spans,
      "OperationsClient.start",
      { "http.request.method": valid.right.method, "operation.path": request.path },
      send === undefined
        ? Effect.fail(unimplemented("start", request.path, "this transport does not start operations"))
        : Effect.flatMap(send(valid.right), decode("start", request.path, decoder))
    )
  }

  function start(request: StartRequest): Effect.Effect<Operation.Operation, Error>
  function start<M, R, I>(
    request: StartRequest,
    schema: Schema.Schema<Operation.Operation<M, R>, I>
  ): Effect.Effect<Operation.Operation<M, R>, Error>
  function start<M, R, I>(request: StartRequest, schema?: Schema.Schema<Operation.Operation<M, R>, I>) {
    return schema === undefined
      ? startWith(request, internal.untypedDecoder)
      : startWith(request, internal.typedDecoder(schema))
  }

  return OperationsClient.of({ start, get, list, listAll, cancel: emptyCall("cancel"), delete: emptyCall("delete"), wait })
}

// What a call the transport cannot make fails with, as a server without the method would answer.
const unimplemented = (method: OperationsError.Method, operation: string, message: string) =>
  new OperationsError.ApiError({
    method,
    operation,
    httpStatus: 501,
    status: Status.make({ code: Code.codes.UNIMPLEMENTED, message }),
    retryAfter: Option.none()
  })

/**
 * A layer of the client. It needs an `HttpClient` (`UndiciHttpClient.layer()` on Node, or any other such
 * as `FetchHttpClient.layer`) and `Credentials`; it bundles neither. It sends through the `HttpExchange` of
 * the context when there is one (`UndiciHttpClient`'s layers provide theirs), else over the `HttpClient`.
 *
 * @example
 * ```ts
 * import { Credentials, OperationsClient } from "@longrunning/http"
 * import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
 * import { Layer } from "effect"
 *
 * const Live = OperationsClient.layer().pipe(
 *   Layer.provide(Credentials.layerConfig()),
 *   Layer.provide(UndiciHttpClient.layer())
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options?: Options
): Layer.Layer<
  OperationsClient,
  Endpoint.InvalidEndpoint | OperationsError.InvalidHeader,
  HttpClient.HttpClient | Credentials.Credentials
> =>
  Layer.effect(OperationsClient, make(options))

/**
 * A layer of the client whose options come from `Config`.
 *
 * @example
 * ```ts
 * import { Endpoint, OperationsClient } from "@longrunning/http"
 * import { Config } from "effect"
 *
 * const layer = OperationsClient.layerConfig({
 *   endpoint: Config.string("LRO_ENDPOINT").pipe(Config.map(Endpoint.fixed), Config.withDefault(Endpoint.defaultEndpoint)),
 *   quotaProject: Config.option(Config.string("QUOTA_PROJECT")).pipe(Config.map((o) => o._tag === "Some" ? o.value : undefined))
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config.Wrap<Options>
): Layer.Layer<
  OperationsClient,
  Endpoint.InvalidEndpoint | OperationsError.InvalidHeader | ConfigError.ConfigError,
  HttpClient.HttpClient | Credentials.Credentials
> => Layer.effect(OperationsClient, Effect.flatMap(Config.unwrap(options), make))

/**
 * A layer for a local emulator: a fixed loopback endpoint, no credentials, and only the given
 * `HttpClient` to provide.
 *
 * @example
 * ```ts
 * import { OperationsClient } from "@longrunning/http"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer } from "effect"
 *
 * const Local = OperationsClient.layerEmulator("http://127.0.0.1:8085").pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerEmulator = (
  url: string,
  options?: Omit<Options, "endpoint">
): Layer.Layer<OperationsClient, Endpoint.InvalidEndpoint | OperationsError.InvalidHeader, HttpClient.HttpClient> =>
  layer({ ...options, endpoint: Endpoint.fixed(url) }).pipe(Layer.provide(Credentials.unauthenticated))

/**
 * The type of metadata and response when no schema is given.
 *
 * @since 0.1.0
 * @category models
 */
export type Untyped = Any.Any
