/**
 * The operations API of any Google service that serves `google.longrunning` over REST (Dataproc v1
 * first): get, list, cancel and delete as Effects with typed errors.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as Any from "@longrunning/schema/Any"
import * as Operation from "@longrunning/schema/Operation"
import * as OperationName from "@longrunning/schema/OperationName"
import * as Chunk from "effect/Chunk"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Credentials from "./Credentials.js"
import * as Endpoint from "./Endpoint.js"
import * as internal from "./internal/request.js"
import * as OperationsError from "./OperationsError.js"
import * as Tracing from "./internal/tracing.js"
import * as RetryPolicy from "./RetryPolicy.js"

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
 * The schema of a typed operation, as `Operation.schema(...)` makes it.
 *
 * @since 0.1.0
 * @category models
 */
export type OperationSchema<M, R, I = unknown> = Schema.Schema<Operation.Operation<M, R>, I>

/**
 * The operations client.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
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
  /** Where requests go. Defaults to `https://dataproc.googleapis.com/`. */
  readonly endpoint?: Endpoint.Endpoint | undefined
  /** The API version path segment. Defaults to `v1`. */
  readonly apiVersion?: string | undefined
  /** The project billed for quota (`x-goog-user-project`). */
  readonly quotaProject?: string | undefined
  /** Prepended to the `user-agent` header. */
  readonly userAgent?: string | undefined
  /** Added to the `x-goog-api-client` header. */
  readonly apiClient?: string | undefined
  /** The time one attempt may take, reading the body included. Defaults to 30 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
  /** Which failures are retried and when. Defaults to `RetryPolicy.defaultPolicy`. */
  readonly retryPolicy?: RetryPolicy.RetryPolicy | undefined
  /** The largest body read, in bytes; a larger one fails as a `TransportError`. Defaults to 4 MiB. */
  readonly maxResponseBytes?: number | undefined
}

const version = "0.1.0"

const apiVersionPattern = /^v[0-9][a-z0-9]*$/

/**
 * Makes the client from the `HttpClient` and `Credentials` in the context.
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
  const httpClient = yield* HttpClient.HttpClient
  const credentials = yield* Credentials.Credentials
  const endpoint = options.endpoint ?? Endpoint.defaultEndpoint
  if (endpoint._tag === "Fixed" || endpoint._tag === "Global") {
    yield* Endpoint.baseUrl(endpoint, Option.none())
  }
  const apiVersion = options.apiVersion ?? "v1"
  if (!apiVersionPattern.test(apiVersion)) {
    return yield* new Endpoint.InvalidEndpoint({ reason: `${JSON.stringify(apiVersion)} is not an API version` })
  }
  const nodeVersion = globalThis.process?.versions?.node
  const apiClient = [
    nodeVersion === undefined ? undefined : `gl-node/${nodeVersion}`,
    `longrunning/${version}`,
    options.apiClient
  ].filter((part) => part !== undefined).join(" ")
  const headers: Record<string, string> = {
    "accept": "application/json",
    "user-agent": options.userAgent === undefined ? `longrunning/${version}` : `${options.userAgent} longrunning/${version}`,
    "x-goog-api-client": apiClient,
    ...(options.quotaProject === undefined ? {} : { "x-goog-user-project": options.quotaProject })
  }
  const send = internal.makeSender({
    httpClient,
    credentials,
    headers,
    timeout: Duration.decode(options.timeout ?? Duration.seconds(30)),
    retrySchedule: RetryPolicy.toSchedule(options.retryPolicy ?? RetryPolicy.defaultPolicy),
    maxResponseBytes: options.maxResponseBytes ?? 4 * 1024 * 1024
  })

  // A global or fixed endpoint has one base URL, worked out once; the others depend on the name's region.
  const fixedBase = endpoint._tag === "Fixed" || endpoint._tag === "Global"
    ? Either.getOrUndefined(Endpoint.baseUrl(endpoint, Option.none()))
    : undefined
  // A checked name or collection holds only characters a URL path segment carries as they are (RFC 3986
  // pchar, less ":" and "%"), so it goes into the path unchanged: no name can reach another URL, and
  // sub-delimiters ("$&+,;=@") are not escaped into forms some servers refuse to read back.
  const url = (
    method: OperationsError.Method,
    input: OperationName.OperationName | OperationName.OperationCollection,
    region: () => Option.Option<string>,
    suffix = ""
  ): Either.Either<string, OperationsError.InvalidName> => {
    const path = `${apiVersion}/${input}${suffix}`
    if (fixedBase !== undefined) return Either.right(fixedBase + path)
    return Either.match(Endpoint.baseUrl(endpoint, region()), {
      onLeft: (error) => Either.left(internal.invalidName(method, input, error.reason)),
      onRight: (base) => Either.right(base + path)
    })
  }

  // Either and Effect compose without a step for the URL when it is right.
  const sendTo = (
    target: Either.Either<string, OperationsError.InvalidName>,
    f: (url: string) => Effect.Effect<Answer, Error>
  ): Effect.Effect<Answer, Error> => (Either.isLeft(target) ? Effect.fail(target.left) : f(target.right))

  return fromTransport({
    get: (name) =>
      sendTo(url("get", name, () => OperationName.region(name)), (target) =>
        send({ method: "get", name, request: HttpClientRequest.get(target) })),
    list: (collection, options) =>
      sendTo(url("list", collection, () => collectionRegion(collection)), (target) => {
        const params: Array<[string, string]> = []
        if (options.filter !== undefined) params.push(["filter", options.filter])
        if (options.pageSize !== undefined) params.push(["pageSize", String(options.pageSize)])
        if (options.pageToken !== undefined && options.pageToken !== "") params.push(["pageToken", options.pageToken])
        if (options.returnPartialSuccess !== undefined) {
          params.push(["returnPartialSuccess", String(options.returnPartialSuccess)])
        }
        return send({
          method: "list",
          name: collection,
          request: HttpClientRequest.get(target).pipe(HttpClientRequest.setUrlParams(params))
        })
      }),
    cancel: (name) =>
      sendTo(url("cancel", name, () => OperationName.region(name), ":cancel"), (target) =>
        send({ method: "cancel", name, request: HttpClientRequest.post(target) })),
    delete: (name) =>
      sendTo(url("delete", name, () => OperationName.region(name)), (target) =>
        send({ method: "delete", name, request: HttpClientRequest.del(target) }))
  })
})

const collectionRegion = (collection: OperationName.OperationCollection): Option.Option<string> => {
  const parts = OperationName.collectionParts(collection)
  return parts._tag === "Regional"
    ? Option.some(parts.region)
    : parts._tag === "Locational"
    ? Option.some(parts.location)
    : Option.none()
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
  readonly get: (name: OperationName.OperationName) => Effect.Effect<Answer, Error>
  readonly list: (collection: OperationName.OperationCollection, options: ListOptions) => Effect.Effect<Answer, Error>
  readonly cancel: (name: OperationName.OperationName) => Effect.Effect<Answer, Error>
  readonly delete: (name: OperationName.OperationName) => Effect.Effect<Answer, Error>
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
export const fromTransport = (transport: Transport): Service => {
  const validName = (method: OperationsError.Method, input: string) =>
    Either.match(OperationName.parse(input), {
      onLeft: (error) => Effect.fail(internal.invalidName(method, input, internal.parseReason(error))),
      onRight: Effect.succeed
    })

  const decode = <A>(method: OperationsError.Method, name: string, decoder: internal.Decoder<A>) => (answer: Answer) =>
    Either.match(decoder(answer.json), {
      onLeft: (malformed) =>
        Effect.fail(
          new OperationsError.MalformedResponse({ method, operation: name, httpStatus: answer.httpStatus, ...malformed })
        ),
      onRight: (value) => Effect.succeed(value)
    })

  // Spans only when a real tracer is installed: a poll with no one watching pays nothing for them.
  // The poll path: the name is checked before any effect runs, so a valid name costs no step for it.
  const getWith = <M, R>(
    name: string,
    decoder: (name: string) => internal.Decoder<Operation.Operation<M, R>>
  ): Effect.Effect<Operation.Operation<M, R>, Error> => {
    const valid = OperationName.parse(name)
    return Either.isLeft(valid)
      ? Effect.fail(internal.invalidName("get", name, internal.parseReason(valid.left)))
      : Tracing.spanned(
        "OperationsClient.get",
        { "operation.name": name },
        Effect.flatMap(transport.get(valid.right), decode("get", name, decoder(name)))
      )
  }

  const listWith = <M, R, I>(
    collection: string,
    options: ListOptions | undefined,
    schema: Schema.Schema<Operation.ListOperationsResponse<M, R>, I>
  ) => Tracing.spanned("OperationsClient.list", { "operation.collection": collection }, Effect.gen(function*() {
    const valid = yield* Either.match(OperationName.parseCollection(collection), {
      onLeft: (error) => Effect.fail(internal.invalidName("list", collection, internal.parseReason(error))),
      onRight: Effect.succeed
    })
    const { filter, pageSize, pageToken, returnPartialSuccess } = options ?? {}
    return yield* Effect.flatMap(
      transport.list(valid, { filter, pageSize, pageToken, returnPartialSuccess }),
      decode("list", collection, internal.listDecoder(schema))
    )
  }))

  const listAllWith = <M, R, I>(
    collection: string,
    options: Omit<ListOptions, "pageToken"> | undefined,
    schema: Schema.Schema<Operation.ListOperationsResponse<M, R>, I>
  ): Stream.Stream<Operation.Operation<M, R>, Error> =>
    Stream.paginateChunkEffect("", (pageToken: string) =>
      Effect.map(listWith(collection, { ...options, pageToken }, schema), (page) =>
        [
          Chunk.fromIterable(page.operations),
          page.nextPageToken === "" ? Option.none<string>() : Option.some(page.nextPageToken)
        ] as const))

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
      `OperationsClient.${method}`,
      { "operation.name": name },
      Effect.flatMap(validName(method, name), (valid) =>
        Effect.flatMap(transport[method](valid), decode(method, name, internal.emptyDecoder)))
    )

  return OperationsClient.of({ get, list, listAll, cancel: emptyCall("cancel"), delete: emptyCall("delete") })
}

/**
 * A layer of the client. It needs an `HttpClient` (`UndiciHttpClient.layer()` on Node, or any other such
 * as `FetchHttpClient.layer`) and `Credentials`; it bundles neither.
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
): Layer.Layer<OperationsClient, Endpoint.InvalidEndpoint, HttpClient.HttpClient | Credentials.Credentials> =>
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
  Endpoint.InvalidEndpoint | ConfigError.ConfigError,
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
): Layer.Layer<OperationsClient, Endpoint.InvalidEndpoint, HttpClient.HttpClient> =>
  layer({ ...options, endpoint: Endpoint.fixed(url) }).pipe(Layer.provide(Credentials.unauthenticated))

/**
 * The type of metadata and response when no schema is given.
 *
 * @since 0.1.0
 * @category models
 */
export type Untyped = Any.Any
