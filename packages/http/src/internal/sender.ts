import * as HttpTraceContext from "@effect/platform/HttpTraceContext"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import type * as Credentials from "../Credentials.js"
import type * as HttpExchange from "../HttpExchange.js"
import * as OperationsError from "../OperationsError.js"
import * as RetryPolicy from "../RetryPolicy.js"
import * as Decode from "./decode.js"
import * as Errors from "./errors.js"

/** What the sender needs, worked out once when the client is made. */
export interface SenderOptions {
  readonly exchange: HttpExchange.Service
  readonly credentials: Credentials.Credentials["Type"]
  /** The headers of every request, checked (the token is added per call). */
  readonly headers: Readonly<Record<string, string>>
  /** One attempt, headers and body. */
  readonly timeoutMillis: number
  /** The whole call, retries and their waits included. */
  readonly totalMillis: number
  readonly retryPolicy: RetryPolicy.RetryPolicy
  /** The longest server-given delay honoured before a retry. */
  readonly maxRetryDelay: Duration.Duration
  readonly maxResponseBytes: number
  /** Whether calls make spans (and send `traceparent`). */
  readonly spans: boolean
}

/** One logical call: every attempt sends the same request. */
export interface Call {
  readonly method: OperationsError.Method
  /** The name, collection or path, for errors. */
  readonly operation: string
  readonly httpMethod: HttpExchange.Request["method"]
  readonly url: string
  readonly body: string | undefined
  /**
   * `"policy"`: the retry policy decides (idempotent calls). `"unsent"`: only a failure that provably never
   * reached the server (reason `Connect`) may be retried, and then as the policy says.
   */
  readonly retry: "policy" | "unsent"
}

/** A 2xx answer: the body as JSON (`undefined` when empty) and the HTTP status. */
export interface Answer {
  readonly json: unknown
  readonly httpStatus: number
}

type Failure = OperationsError.OperationsError | Credentials.CredentialsError

/**
 * The one sender of every call: request -> exchange -> decode (JSON, or the typed error of a non-2xx
 * answer) -> typed error -> retry, within the call's deadline.
 */
export const make = (options: SenderOptions): (call: Call) => Effect.Effect<Answer, Failure> => {
  const { credentials, exchange } = options
  const defaultSchedule = RetryPolicy.toSchedule(options.retryPolicy, { maxServerDelay: options.maxRetryDelay })

  // One headers object per token, not one per call.
  let lastToken: Option.Option<Redacted.Redacted<string>> | undefined
  let lastHeaders: Readonly<Record<string, string>> = options.headers
  const headersFor = (token: Option.Option<Redacted.Redacted<string>>) => {
    if (token !== lastToken) {
      lastToken = token
      lastHeaders = Option.isSome(token)
        ? { ...options.headers, authorization: `Bearer ${Redacted.value(token.value)}` }
        : options.headers
    }
    return lastHeaders
  }

  const malformed = (call: Call, httpStatus: number, detail: Decode.Malformed) =>
    new OperationsError.MalformedResponse({ method: call.method, operation: call.operation, httpStatus, ...detail })

  const answer = (call: Call, response: HttpExchange.Response): Effect.Effect<Answer, Failure> => {
    if (response.status >= 200 && response.status < 300) {
      const json = Decode.parseJson(response.text)
      return Either.isRight(json)
        ? Effect.succeed({ json: json.right, httpStatus: response.status })
        : Effect.fail(malformed(call, response.status, json.left))
    }
    return Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.fail(
        Errors.apiError(call.method, call.operation, response.status, response.text, response.retryAfter, now)
      ))
  }

  const exchanged = (call: Call, response: HttpExchange.Response) =>
    options.spans
      ? Effect.zipRight(Effect.annotateCurrentSpan("http.status", response.status), answer(call, response))
      : answer(call, response)

  const request = (
    call: Call,
    headers: Readonly<Record<string, string>>,
    timeoutMillis: number
  ): HttpExchange.Request => ({
    method: call.httpMethod,
    url: call.url,
    headers,
    body: call.body,
    timeoutMillis,
    maxBytes: options.maxResponseBytes
  })

  const traced = (call: Call, headers: Readonly<Record<string, string>>, timeoutMillis: number) =>
    Effect.flatMap(Effect.option(Effect.currentSpan), (span) =>
      exchange.exchange(
        request(call, Option.isSome(span) ? { ...headers, ...HttpTraceContext.toHeaders(span.value) } : headers, timeoutMillis)
      ))

  /** One attempt, at `now`, bounded by the attempt's time and what is left of the call's. */
  const attempt = (call: Call, now: number, deadlineAt: number): Effect.Effect<Answer, Failure | HttpExchange.ExchangeError> =>
    Effect.flatMap(credentials.token, (token) => {
      const timeoutMillis = Math.min(options.timeoutMillis, deadlineAt - now)
      const headers = headersFor(token)
      return Effect.flatMap(
        options.spans ? traced(call, headers, timeoutMillis) : exchange.exchange(request(call, headers, timeoutMillis)),
        (response) => exchanged(call, response)
      )
    })

  const typed = (call: Call, error: Failure | HttpExchange.ExchangeError): Failure =>
    error._tag === "ExchangeError" ? Errors.transportError(call.method, call.operation, error) : error

  const attemptAt = (call: Call, deadlineAt: number) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.mapError(attempt(call, now, deadlineAt), (error) => typed(call, error)))

  // One fresh token after a 401, then the error stands.
  const refresh = (call: Call, error: Failure, deadlineAt: number) =>
    Effect.flatMap(credentials.token, (token) =>
      Option.isNone(token) ? Effect.fail(error) : Effect.zipRight(credentials.invalidate, attemptAt(call, deadlineAt)))
  const attemptWithRefresh = (call: Call, deadlineAt: number) =>
    Effect.catchIf(attemptAt(call, deadlineAt), OperationsError.isUnauthenticated, (error) => refresh(call, error, deadlineAt))

  // The schedule sees each failure (the policy's predicate, the server's delay clamped); the wait before the
  // next attempt is at most the longest timer, and a wait that would pass the call's deadline ends the call
  // at once with the failure at hand.
  const retryFrom = (call: Call, first: Failure, deadlineAt: number) =>
    FiberRef.getWith(RetryPolicy.currentOverride, (override) => {
      const schedule: Schedule.Schedule<unknown, unknown> = Option.isSome(override)
        ? RetryPolicy.toSchedule(override.value, { maxServerDelay: options.maxRetryDelay })
        : defaultSchedule
      let state: unknown = schedule.initial
      const loop = (error: Failure): Effect.Effect<Answer, Failure> => {
        if (call.retry === "unsent" && !(error._tag === "TransportError" && error.reason === "Connect")) {
          return Effect.fail(error)
        }
        return Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.flatMap(schedule.step(now, error, state), ([next, , decision]) => {
            if (ScheduleDecision.isDone(decision)) return Effect.fail(error)
            state = next
            const delay = Math.min(
              Math.max(0, ScheduleIntervals.start(decision.intervals) - now),
              Errors.maxTimerMillis
            )
            if (now + delay >= deadlineAt) return Effect.fail(error)
            return Effect.zipRight(
              Effect.sleep(Duration.millis(delay)),
              Effect.catchAll(attemptWithRefresh(call, deadlineAt), loop)
            )
          }))
      }
      return loop(first)
    })

  const recover = (call: Call, error: Failure, deadlineAt: number): Effect.Effect<Answer, Failure> =>
    OperationsError.isUnauthenticated(error)
      ? Effect.catchAll(refresh(call, error, deadlineAt), (next) => retryFrom(call, next, deadlineAt))
      : retryFrom(call, error, deadlineAt)

  // The clock is read once, synchronously, when the call starts; a call that succeeds at once pays for
  // nothing else.
  return (call) =>
    Effect.withFiberRuntime((fiber) => {
      const now = Context.get(fiber.currentDefaultServices, Clock.Clock).unsafeCurrentTimeMillis()
      const deadlineAt = now + options.totalMillis
      return Effect.catchAll(attempt(call, now, deadlineAt), (error) => recover(call, typed(call, error), deadlineAt))
    })
}
