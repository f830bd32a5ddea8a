import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Code from "@longrunning/schema/Code"
import type * as Operation from "@longrunning/schema/Operation"
import * as Status from "@longrunning/schema/Status"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Runtime from "effect/Runtime"
import type * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type * as Credentials from "../Credentials.js"
import * as OperationsError from "../OperationsError.js"

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

/** @internal */
export const operationDecoder = <M, R, I>(
  schema: Schema.Schema<Operation.Operation<M, R>, I>,
  name: string
): Decoder<Operation.Operation<M, R>> => {
  const decode = fromSchema(schema)
  return (json) =>
    Either.flatMap(decode(json), (operation) =>
      operation.name !== "" && operation.name !== name
        ? Either.left({
          path: "$.name",
          detail: `expected the operation asked for, ${JSON.stringify(name)}, got ${JSON.stringify(operation.name)}`
        })
        : Either.right(operation))
}

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
    name: call.name,
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
    name: call.name,
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
      name: call.name,
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

/** @internal */
export const makeSender = (options: SenderOptions) => {
  const { credentials, httpClient } = options

  const attempt = (
    call: Call
  ): Effect.Effect<{ readonly json: unknown; readonly httpStatus: number }, OperationsError.OperationsError | Credentials.CredentialsError> =>
    Effect.gen(function*() {
      const token = yield* credentials.token
      const base = HttpClientRequest.setHeaders(call.request, options.headers)
      const request = Option.isSome(token) ? HttpClientRequest.bearerToken(base, token.value) : base
      const response = yield* Effect.mapError(httpClient.execute(request), (error) => transportError(call, error))
      const text = yield* readBody(call, response, options.maxResponseBytes)
      yield* Effect.annotateCurrentSpan("http.status", response.status)
      if (response.status < 200 || response.status >= 300) {
        return yield* apiError(
          call,
          response.status,
          text,
          response.headers["retry-after"],
          yield* Clock.currentTimeMillis
        )
      }
      let json: unknown = undefined
      if (text !== "") {
        try {
          json = JSON.parse(text)
        } catch (cause) {
          return yield* new OperationsError.MalformedResponse({
            method: call.method,
            name: call.name,
            httpStatus: response.status,
            path: "$",
            detail: `the body is not JSON: ${excerpt(text)}`,
            cause
          })
        }
      }
      return { json, httpStatus: response.status }
    }).pipe(
      Effect.timeoutFail({
        duration: options.timeout,
        onTimeout: () =>
          new OperationsError.TransportError({
            method: call.method,
            name: call.name,
            reason: "Timeout",
            detail: `no complete answer within ${Duration.format(options.timeout)}`
          })
      })
    )

  // One fresh token after a 401, then the error stands.
  const attemptWithRefresh = (call: Call) =>
    Effect.catchIf(
      attempt(call),
      OperationsError.isUnauthenticated,
      (error) =>
        Effect.flatMap(credentials.token, (token) =>
          Option.isNone(token) ? Effect.fail(error) : Effect.zipRight(credentials.invalidate, attempt(call)))
    )

  return (
    call: Call
  ): Effect.Effect<{ readonly json: unknown; readonly httpStatus: number }, OperationsError.OperationsError | Credentials.CredentialsError> =>
    Effect.retry(attemptWithRefresh(call), options.retrySchedule)
}
