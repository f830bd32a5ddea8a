import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as Code from "@longrunning/schema/Code"
import * as Status from "@longrunning/schema/Status"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { ExchangeError } from "../HttpExchange.js"
import * as OperationsError from "../OperationsError.js"

/** The longest timer Node arms; a longer one fires at once (and Effect treats such a sleep as endless). */
export const maxTimerMillis = 2 ** 31 - 1

/** A time limit a timer can arm. */
export const armable = (millis: number): number => Math.max(0, Math.min(millis, maxTimerMillis))

// The errors below are built from values this module made or decoded, so they skip the constructor's
// validation: an error with a transformed field (a Status, a Duration, a defect) compiles a validator each time.

/** The one body-too-large error. */
export const tooLarge = (maxBytes: number): ExchangeError =>
  new ExchangeError({ reason: "BodyTooLarge", detail: `the response body is larger than ${maxBytes} bytes` }, true)

/** The one time-out error. */
export const timedOut = (millis: number): ExchangeError =>
  new ExchangeError({ reason: "Timeout", detail: `no complete answer within ${Duration.format(Duration.millis(millis))}` }, true)

const codeOf = (u: unknown): string | undefined =>
  typeof u === "object" && u !== null && "code" in u && typeof u.code === "string" ? u.code : undefined

const connect = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT"
])
const reset = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "UND_ERR_SOCKET", "UND_ERR_CLOSED"])
const timeout = new Set(["ETIMEDOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"])
const protocol = new Set(["UND_ERR_HEADERS_OVERFLOW", "UND_ERR_RES_CONTENT_LENGTH_MISMATCH", "UND_ERR_INFO"])
const invalid = new Set([
  "UND_ERR_INVALID_ARG",
  "ERR_INVALID_CHAR",
  "ERR_INVALID_HTTP_TOKEN",
  "ERR_INVALID_URL",
  "ERR_INVALID_ARG_VALUE",
  "UND_ERR_NOT_SUPPORTED"
])

/**
 * The reason of a failure of the HTTP stack, from its error code (Node's, undici's, llhttp's), looking
 * through `cause` chains (fetch wraps its cause in a TypeError).
 */
export const reasonOf = (cause: unknown): OperationsError.TransportReason => {
  let current: unknown = cause
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const code = codeOf(current)
    if (code !== undefined) {
      if (connect.has(code)) return "Connect"
      if (reset.has(code)) return "Reset"
      if (timeout.has(code)) return "Timeout"
      if (protocol.has(code) || code.startsWith("HPE_")) return "Protocol"
      if (invalid.has(code)) return "InvalidRequest"
    }
    // llhttp's parse errors may come without a code
    if (current instanceof Error && current.name === "HTTPParserError") return "Protocol"
    current = typeof current === "object" && "cause" in current ? current.cause : undefined
  }
  return "Unknown"
}

/** An error of the HTTP stack as an ExchangeError with its reason. */
export const fromCause = (cause: unknown): ExchangeError =>
  new ExchangeError({
    reason: reasonOf(cause),
    detail: cause instanceof Error ? cause.message : String(cause),
    cause
  }, true)

// The platform error holds the request, and so its headers: keep only what caused it, so that no token
// travels with the error.
export const fromPlatform = (error: HttpClientError.HttpClientError): ExchangeError => {
  const reason = error._tag === "RequestError" && (error.reason === "InvalidUrl" || error.reason === "Encode")
    ? "InvalidRequest"
    : reasonOf(error.cause)
  return new ExchangeError({
    reason,
    detail: error.description ?? (error.cause instanceof Error ? error.cause.message : error.reason),
    cause: error.cause
  }, true)
}

/** An ExchangeError as the typed error of a call. */
export const transportError = (
  method: OperationsError.Method,
  operation: string,
  error: ExchangeError
): OperationsError.TransportError =>
  new OperationsError.TransportError({
    method,
    operation,
    reason: error.reason,
    detail: error.detail,
    ...(error.cause === undefined ? {} : { cause: error.cause })
  }, true)

const excerptLength = 200

/** The first characters of a body, whitespace collapsed. */
export const excerpt = (text: string): string => {
  const collapsed = text.replace(/\s+/g, " ").trim()
  return collapsed.length > excerptLength ? `${collapsed.slice(0, excerptLength)}…` : collapsed
}

/**
 * `Retry-After` as seconds or an HTTP date; anything else (negative, fractional, unparsable, too far to
 * express) is no hint at all.
 */
export const parseRetryAfter = (value: string | undefined, now: number): Option.Option<Duration.Duration> => {
  if (value === undefined) return Option.none()
  const trimmed = value.trim()
  if (/^\d{1,15}$/.test(trimmed)) return Option.some(Duration.seconds(Number(trimmed)))
  if (!/[a-z]/i.test(trimmed)) return Option.none()
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? Option.none() : Option.some(Duration.millis(Math.max(0, date - now)))
}

const decodeErrorBody = Schema.decodeUnknownEither(Status.ErrorBody)

/** A non-2xx answer as the typed error of a call. */
export const apiError = (
  method: OperationsError.Method,
  operation: string,
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
      // not JSON (or nested too deeply to decode): reported through the excerpt below
    }
  }
  const resolved = status ?? Status.make({ code: Code.fromHttpStatus(httpStatus) })
  return new OperationsError.ApiError({
    method,
    operation,
    httpStatus,
    status: resolved,
    retryAfter: Option.orElse(Status.retryDelay(resolved), () => parseRetryAfter(retryAfterHeader, now)),
    ...(status === undefined ? { bodyExcerpt: excerpt(text) } : {})
  }, true)
}

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const headerValue = /^[\x20-\x7e\t]*$/

/** Checks a header before anything is sent: bad input is refused at once, never retried. */
export const checkHeader = (name: string, value: string): Either.Either<void, OperationsError.InvalidHeader> => {
  const shown = JSON.stringify(name).replace(/[^\x20-\x7e]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`)
  if (!headerName.test(name)) {
    return Either.left(new OperationsError.InvalidHeader({ header: shown, reason: "the name is not an HTTP token" }))
  }
  if (!headerValue.test(value)) {
    const reason = /[\r\n]/.test(value)
      ? "the value contains a line break"
      : [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)
      ? "the value contains a control character"
      : "the value contains characters outside printable ASCII"
    return Either.left(new OperationsError.InvalidHeader({ header: shown, reason }))
  }
  return Either.void
}
