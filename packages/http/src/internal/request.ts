import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Code from "@longrunning/schema/Code"
import * as Status from "@longrunning/schema/Status"
import * as Cause from "effect/Cause"
import * as Any from "@longrunning/schema/Any"
import * as Operation from "@longrunning/schema/Operation"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Runtime from "effect/Runtime"
import type * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import type * as Credentials from "../Credentials.js"
import * as OperationsError from "../OperationsError.js"
import * as RetryPolicy from "../RetryPolicy.js"
import * as Internal from "./credentials.js"
import * as Tracing from "./tracing.js"

/** @internal */
export const invalidName = (method: OperationsError.Method, input: string, reason: string) =>
  new OperationsError.InvalidName({ method, input, reason })

/** @internal */
export const parseReason = (error: ParseResult.ParseError): string => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  return issues.length === 0 ? error.message : issues.map((issue) => issue.message).join("; ")
}

const renderPath = (path: ReadonlyArray<PropertyKey>): string =>
  "$" + path.map((key) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`)).join("")

/** What a decoder reports when a 2xx body is not what was promised. */
export interface Malformed {
  readonly path: string
  readonly detail: string
  readonly cause?: unknown
}

/** @internal */
export type Decoder<A> = (json: unknown) => Either.Either<A, Malformed>

// Hostile bodies can nest thousands of levels deep: decoding them, or describing where they fail (the
// formatter prints the offending value), can overflow the stack. That ends as a MalformedResponse, not a
// defect, and without the ParseError as its cause, since printing that would overflow again.
const stackOverflow = (thrown: unknown): RangeError | undefined => {
  if (thrown instanceof RangeError) return thrown
  // the formatter runs an Effect synchronously, which wraps what it throws in a FiberFailure
  if (Runtime.isFiberFailure(thrown)) {
    const died = Cause.dieOption(thrown[Runtime.FiberFailureCauseId])
    if (Option.isSome(died) && died.value instanceof RangeError) return died.value
  }
  return undefined
}

const fromSchema = <A, I>(schema: Schema.Schema<A, I>): Decoder<A> => {
  const decode = Schema.decodeUnknownEither(schema, { errors: "first" })
  return (json) => {
    try {
      return Either.mapLeft(decode(json), (error): Malformed => {
        const [issue] = ParseResult.ArrayFormatter.formatErrorSync(error)
        return issue === undefined
          ? { path: "$", detail: error.message, cause: error }
          : { path: renderPath(issue.path), detail: issue.message, cause: error }
      })
    } catch (thrown) {
      const overflow = stackOverflow(thrown)
      if (overflow === undefined) throw thrown
      return Either.left({ path: "$", detail: `the body is nested too deeply to decode (${overflow.message})` })
    }
  }
}

const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && Object.getPrototypeOf(u) === Object.prototype

/**
 * The untyped `Operation.Operation` decoded by hand, for the shapes that need no checking beyond their
 * types: Anys for metadata and response, no `error`, no `_tag`. It builds what the schema builds (the same
 * fields in the same order, the Anys by reference); any other input is left to the schema, which then also
 * reports the errors. A poll decodes in a fraction of a JSON.parse instead of three.
 */
const fastUntyped = (json: unknown): Operation.Operation | undefined => {
  if (!isPlainObject(json) || Object.hasOwn(json, "_tag")) return undefined
  const { done, error, metadata, name, response } = json
  if (name != null && typeof name !== "string") return undefined
  if (metadata != null && !Any.isAny(metadata)) return undefined
  if (done != null && typeof done !== "boolean") return undefined
  if (error != null) return undefined
  if (response != null && (done !== true || !Any.isAny(response))) return undefined
  const rest: Record<string, unknown> = {}
  for (const key in json) {
    if (key !== "name" && key !== "metadata" && key !== "done" && key !== "error" && key !== "response") {
      rest[key] = json[key]
    }
  }
  const common = { name: name ?? "", ...(metadata == null ? {} : { metadata }) }
  if (done !== true) return { ...rest, _tag: "Running", ...common }
  if (response != null) return { ...rest, _tag: "Succeeded", ...common, response }
  return { ...rest, _tag: "DoneWithoutResult", ...common }
}

const untypedDecoder = fromSchema(Operation.Operation)

const decodeUntyped: Decoder<Operation.Operation> = (json) => {
  const fast = fastUntyped(json)
  return fast === undefined ? untypedDecoder(json) : Either.right(fast)
}

// The operation must be the one asked for: a proxy or a bug must not hand us another one's state.
const checkName = <M, R>(decode: Decoder<Operation.Operation<M, R>>, name: string): Decoder<Operation.Operation<M, R>> =>
(json) =>
  Either.flatMap(decode(json), (operation) =>
    operation.name !== "" && operation.name !== name
      ? Either.left({
        path: "$.name",
        detail: `expected the operation asked for, ${JSON.stringify(name)}, got ${JSON.stringify(operation.name)}`
      })
      : Either.right(operation))

/** @internal The decoder of untyped operations (`Operation.Operation`), with its fast path. */
export const untypedOperationDecoder = (name: string): Decoder<Operation.Operation> => checkName(decodeUntyped, name)

/** @internal */
export const operationDecoder = <M, R, I>(
  schema: Schema.Schema<Operation.Operation<M, R>, I>,
  name: string
): Decoder<Operation.Operation<M, R>> => checkName(fromSchema(schema), name)

/** @internal */
export const listDecoder = <M, R, I>(
  schema: Schema.Schema<Operation.ListOperationsResponse<M, R>, I>
): Decoder<Operation.ListOperationsResponse<M, R>> => fromSchema(schema)

/** google.protobuf.Empty: `{}` (or an empty body); other fields are ignored as proto3 parsers do. */
export const emptyDecoder: Decoder<void> = (json) =>
  json === undefined || (typeof json === "object" && json !== null && !Array.isArray(json))
    ? Either.right(undefined)
    : Either.left({ path: "$", detail: "expected an object (google.protobuf.Empty)" })

/** @internal */
export interface SenderOptions {
  readonly httpClient: HttpClient.HttpClient
  readonly credentials: Credentials.Credentials["Type"]
  readonly headers: Record<string, string>
  readonly timeout: Duration.Duration
  readonly retrySchedule: Schedule.Schedule<unknown, unknown>
  readonly maxResponseBytes: number
}

/** @internal */
export interface Call {
  readonly method: OperationsError.Method
  readonly name: string
  readonly request: HttpClientRequest.HttpClientRequest
}

const excerptLength = 200

const excerpt = (text: string): string => {
  const collapsed = text.replace(/\s+/g, " ").trim()
  return collapsed.length > excerptLength ? `${collapsed.slice(0, excerptLength)}…` : collapsed
}

const parseRetryAfter = (value: string | undefined, now: number): Option.Option<Duration.Duration> => {
  if (value === undefined) return Option.none()
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Option.some(Duration.seconds(Number(trimmed)))
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? Option.none() : Option.some(Duration.millis(Math.max(0, date - now)))
}

const decodeErrorBody = Schema.decodeUnknownEither(Status.ErrorBody)

const apiError = (
  call: Call,
  httpStatus: number,
  text: string,
  retryAfterHeader: string | undefined,
  now: number
): OperationsError.ApiError => {
  let status: Status.Status | undefined
  if (text !== "") {
    try {
      const decoded = decodeErrorBody(JSON.parse(text))
      if (Either.isRight(decoded)) status = Status.fromEnvelope(decoded.right, httpStatus)
    } catch {
      // not JSON: reported through the excerpt below
    }
  }
  const resolved = status ?? Status.make({ code: Code.fromHttpStatus(httpStatus) })
  return new OperationsError.ApiError({
    method: call.method,
    operation: call.name,
    httpStatus,
    status: resolved,
    retryAfter: Option.orElse(Status.retryDelay(resolved), () => parseRetryAfter(retryAfterHeader, now)),
    ...(status === undefined ? { bodyExcerpt: excerpt(text) } : {})
  })
}

// The platform error holds the request, and so its headers: keep only what caused it, so that no token
// travels with the error.
const transportError = (call: Call, error: HttpClientError.HttpClientError) =>
  new OperationsError.TransportError({
    method: call.method,
    operation: call.name,
    reason: error._tag === "RequestError" ? "Connection" : "Body",
    detail: error.description ?? (error.cause instanceof Error ? error.cause.message : error.reason),
    cause: error.cause
  })

const readBody = (
  call: Call,
  response: HttpClientResponse.HttpClientResponse,
  maxBytes: number
): Effect.Effect<string, OperationsError.TransportError> => {
  const tooLarge = () =>
    new OperationsError.TransportError({
      method: call.method,
      operation: call.name,
      reason: "Body",
      detail: `the response body is larger than ${maxBytes} bytes`
    })
  const declared = response.headers["content-length"]
  if (declared !== undefined && /^\d+$/.test(declared)) {
    if (Number(declared) > maxBytes) return Effect.fail(tooLarge())
    return Effect.mapError(response.text, (error) => transportError(call, error))
  }
  return response.stream.pipe(
    Stream.catchAll((error) =>
      error._tag === "ResponseError" && error.reason === "EmptyBody"
        ? Stream.empty
        : Stream.fail(transportError(call, error))
    ),
    Stream.runFoldEffect({ size: 0, chunks: Chunk.empty<Uint8Array>() }, (acc, chunk) => {
      const size = acc.size + chunk.byteLength
      return size > maxBytes ? Effect.fail(tooLarge()) : Effect.succeed({ size, chunks: Chunk.append(acc.chunks, chunk) })
    }),
    Effect.map(({ chunks, size }) => {
      const bytes = new Uint8Array(size)
      let offset = 0
      for (const chunk of chunks) {
        bytes.set(chunk, offset)
        offset += chunk.byteLength
      }
      return new TextDecoder().decode(bytes)
    })
  )
}

// -----------------------------------------------------------------------------
// deadlines
// -----------------------------------------------------------------------------

/**
 * @internal
 * The key of a method by which an HttpClient bounds one exchange, headers and body, by a time limit
 * itself. `Effect.timeoutFail` forks two fibers per attempt, more CPU than the rest of a poll; a client
 * that owns its sockets can arm one timer instead.
 */
export const deadlineKey = "~@longrunning/http/deadline"

/** @internal */
export interface DeadlineAware {
  readonly [deadlineKey]: (
    request: HttpClientRequest.HttpClientRequest,
    millis: number
  ) => Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>
}

/** @internal The cause of the error a DeadlineAware client fails with when its time limit passes. */
export class DeadlineExceeded extends Error {
  constructor(readonly millis: number) {
    super(`no complete answer within ${millis} ms`)
  }
}

/**
 * @internal
 * The key of a method by which an HttpClient runs one whole exchange in one step: the request with the
 * given headers, the body read up to `maxBytes` and decoded as text, all under one timer of `millis`. What
 * comes back is handed to `on.answer` (its result is the exchange's) and what goes wrong to `on.failed`.
 * The sender uses it on the live clock when no span is made and the token is at hand; it saves the
 * response object and the steps of the runtime between headers, body and answer.
 */
export const exchangeKey = "~@longrunning/http/exchange"

/** @internal What can go wrong in a whole exchange, as the generic path would report it. */
export type ExchangeFailure =
  | { readonly _tag: "Timeout" }
  | { readonly _tag: "TooLarge" }
  /** no answer: the request could not be sent, or the connection failed before the headers */
  | { readonly _tag: "Connection"; readonly reason: string; readonly cause: unknown }
  /** the body could not be read */
  | { readonly _tag: "Body"; readonly cause: unknown }

/** @internal */
export interface ExchangeHandlers<A, E> {
  /** The answer, with the response's headers as undici gives them (lower-case names). */
  answer(status: number, text: string, headers: Record<string, string | Array<string> | undefined>): Effect.Effect<A, E>
  failed(failure: ExchangeFailure): E
}

/** @internal */
export interface Exchanging {
  readonly [exchangeKey]: <A, E>(
    /** The fiber that runs the exchange: when it ends (interrupted), the exchange is aborted. */
    fiber: Fiber.RuntimeFiber<unknown, unknown>,
    request: HttpClientRequest.HttpClientRequest,
    headers: Record<string, string>,
    millis: number,
    maxBytes: number,
    on: ExchangeHandlers<A, E>
  ) => Effect.Effect<A, E>
}

/** @internal The client's whole-exchange method, if it has one. */
export const exchanging = (client: HttpClient.HttpClient): Exchanging | undefined => {
  if (!Predicate.hasProperty(client, exchangeKey)) return undefined
  const method = client[exchangeKey]
  return typeof method === "function"
    ? {
      [exchangeKey]: (fiber, request, headers, millis, maxBytes, on) =>
        method.call(client, fiber, request, headers, millis, maxBytes, on)
    }
    : undefined
}

const deadlineAware = (client: HttpClient.HttpClient): DeadlineAware | undefined => {
  if (!Predicate.hasProperty(client, deadlineKey)) return undefined
  const method = client[deadlineKey]
  return typeof method === "function"
    ? { [deadlineKey]: (request, millis) => method.call(client, request, millis) }
    : undefined
}

// Native timers only run on real time: under another Clock (TestClock) the generic timeout is used.
const liveClock = Context.get(DefaultServices.liveServices, Clock.Clock)

/** @internal */
export const makeSender = (options: SenderOptions) => {
  const { credentials, httpClient } = options
  const timeoutMillis = Duration.toMillis(options.timeout)
  const native = Duration.isFinite(options.timeout) && timeoutMillis > 0 ? deadlineAware(httpClient) : undefined

  const timeoutError = (call: Call) =>
    new OperationsError.TransportError({
      method: call.method,
      operation: call.name,
      reason: "Timeout",
      detail: `no complete answer within ${Duration.format(options.timeout)}`
    })

  const mapError = (call: Call, error: HttpClientError.HttpClientError) =>
    error.cause instanceof DeadlineExceeded ? timeoutError(call) : transportError(call, error)

  // The request with our headers and the token; one headers object per token, not one per call.
  let lastToken: Option.Option<Redacted.Redacted<string>> | undefined
  let lastHeaders: Record<string, string> = options.headers
  const withHeaders = (call: Call, token: Option.Option<Redacted.Redacted<string>>) => {
    if (token !== lastToken) {
      lastToken = token
      lastHeaders = Option.isSome(token)
        ? { ...options.headers, authorization: `Bearer ${Redacted.value(token.value)}` }
        : options.headers
    }
    return HttpClientRequest.setHeaders(call.request, lastHeaders)
  }

  const exchange = (
    call: Call,
    execute: (request: HttpClientRequest.HttpClientRequest) => Effect.Effect<
      HttpClientResponse.HttpClientResponse,
      HttpClientError.HttpClientError
    >
  ): Effect.Effect<
    { readonly json: unknown; readonly httpStatus: number },
    OperationsError.OperationsError | Credentials.CredentialsError
  > =>
    // A chain of flatMaps rather than a generator: this runs once per poll.
    Effect.flatMap(credentials.token, (token) =>
      Effect.flatMap(
        Effect.mapError(execute(withHeaders(call, token)), (error) => mapError(call, error)),
        (response) =>
          Effect.flatMap(
            Effect.mapError(
              readBody(call, response, options.maxResponseBytes),
              (error) => error.cause instanceof DeadlineExceeded ? timeoutError(call) : error
            ),
            (text) => Effect.zipRight(Tracing.annotate("http.status", response.status), answer(call, response, text))
          )
      ))

  const answer = (
    call: Call,
    response: HttpClientResponse.HttpClientResponse,
    text: string
  ): Effect.Effect<{ readonly json: unknown; readonly httpStatus: number }, OperationsError.OperationsError> => {
    if (response.status < 200 || response.status >= 300) {
      return Effect.flatMap(
        Clock.currentTimeMillis,
        (now) => Effect.fail(apiError(call, response.status, text, response.headers["retry-after"], now))
      )
    }
    return parsed(call, response.status, text)
  }

  const parsed = (
    call: Call,
    httpStatus: number,
    text: string
  ): Effect.Effect<{ readonly json: unknown; readonly httpStatus: number }, OperationsError.MalformedResponse> => {
    let json: unknown = undefined
    if (text !== "") {
      try {
        json = JSON.parse(text)
      } catch (cause) {
        return Effect.fail(
          new OperationsError.MalformedResponse({
            method: call.method,
            operation: call.name,
            httpStatus,
            path: "$",
            detail: `the body is not JSON: ${excerpt(text)}`,
            cause
          })
        )
      }
    }
    return Effect.succeed({ json, httpStatus })
  }

  const generic = (call: Call) =>
    Effect.timeoutFail(exchange(call, (request) => httpClient.execute(request)), {
      duration: options.timeout,
      onTimeout: () => timeoutError(call)
    })

  // The whole exchange in one step, when the client can (UndiciHttpClient): what `exchange` and `answer`
  // do, with the same errors, without a response object or a step of the runtime between them.
  const whole = native === undefined ? undefined : exchanging(httpClient)
  const peek = Internal.peeker(credentials)
  const tooLarge = (call: Call) =>
    new OperationsError.TransportError({
      method: call.method,
      operation: call.name,
      reason: "Body",
      detail: `the response body is larger than ${options.maxResponseBytes} bytes`
    })
  const failed = (call: Call, failure: ExchangeFailure): OperationsError.OperationsError => {
    switch (failure._tag) {
      case "Timeout":
        return timeoutError(call)
      case "TooLarge":
        return tooLarge(call)
      case "Connection":
      case "Body":
        return new OperationsError.TransportError({
          method: call.method,
          operation: call.name,
          reason: failure._tag,
          detail: failure.cause instanceof Error
            ? failure.cause.message
            : failure._tag === "Connection"
            ? failure.reason
            : "Decode",
          cause: failure.cause
        })
    }
  }
  // The handlers of one call: a class, so that a call allocates one object and no closures.
  class Handlers implements ExchangeHandlers<{ readonly json: unknown; readonly httpStatus: number }, OperationsError.OperationsError> {
    constructor(readonly call: Call) {}
    answer(status: number, text: string, headers: Record<string, string | Array<string> | undefined>) {
      if (status >= 200 && status < 300) return parsed(this.call, status, text)
      const retryAfter = headers["retry-after"]
      // the live clock's time: the fused path only runs on it
      return Effect.fail(
        apiError(this.call, status, text, Array.isArray(retryAfter) ? retryAfter.join(", ") : retryAfter, Date.now())
      )
    }
    failed(failure: ExchangeFailure) {
      return failed(this.call, failure)
    }
  }
  const fused = (
    fiber: Fiber.RuntimeFiber<unknown, unknown>,
    call: Call,
    fast: Exchanging,
    token: Option.Option<Redacted.Redacted<string>>
  ): Effect.Effect<{ readonly json: unknown; readonly httpStatus: number }, OperationsError.OperationsError> => {
    if (token !== lastToken) {
      lastToken = token
      lastHeaders = Option.isSome(token)
        ? { ...options.headers, authorization: `Bearer ${Redacted.value(token.value)}` }
        : options.headers
    }
    return fast[exchangeKey](fiber, call.request, lastHeaders, timeoutMillis, options.maxResponseBytes, new Handlers(call))
  }

  const hasNoHeaders = (request: HttpClientRequest.HttpClientRequest): boolean => {
    for (const _ in request.headers) return false
    return true
  }

  const attempt = (call: Call) =>
    native === undefined
      ? generic(call)
      : Effect.withFiberRuntime<
        { readonly json: unknown; readonly httpStatus: number },
        OperationsError.OperationsError | Credentials.CredentialsError
      >((fiber) => {
        if (Context.get(fiber.currentDefaultServices, Clock.Clock) !== liveClock) return generic(call)
        if (whole !== undefined && !Tracing.tracing(fiber) && hasNoHeaders(call.request)) {
          const token = peek?.()
          if (token !== undefined) return fused(fiber, call, whole, token)
        }
        return exchange(call, (request) => native[deadlineKey](request, timeoutMillis))
      })

  // One fresh token after a 401, then the error stands.
  const refresh = (call: Call, error: OperationsError.OperationsError) =>
    Effect.flatMap(credentials.token, (token) =>
      Option.isNone(token) ? Effect.fail(error) : Effect.zipRight(credentials.invalidate, attempt(call)))
  const attemptWithRefresh = (call: Call) =>
    Effect.catchIf(attempt(call), OperationsError.isUnauthenticated, (error) => refresh(call, error))

  // `Effect.retry` from the first failure on: the schedule sees the same errors at the same times, and a
  // call that succeeds at once pays nothing for it.
  const retryFrom = (call: Call, first: OperationsError.OperationsError | Credentials.CredentialsError) =>
    FiberRef.getWith(RetryPolicy.currentOverride, (override) => {
      let replayed = false
      return Effect.retry(
        Effect.suspend(() => {
          if (replayed) return attemptWithRefresh(call)
          replayed = true
          return Effect.fail(first)
        }),
        Option.isSome(override) ? RetryPolicy.toSchedule(override.value) : options.retrySchedule
      )
    })

  // attemptWithRefresh, then the retries, with one handler on the way of a call that succeeds at once
  return (
    call: Call
  ): Effect.Effect<{ readonly json: unknown; readonly httpStatus: number }, OperationsError.OperationsError | Credentials.CredentialsError> =>
    Effect.catchAll(attempt(call), (error) =>
      OperationsError.isUnauthenticated(error)
        ? Effect.catchAll(refresh(call, error), (first) => retryFrom(call, first))
        : retryFrom(call, error))
}
