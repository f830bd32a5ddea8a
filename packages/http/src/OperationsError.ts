/**
 * The typed errors of the operations client: the API said no (`ApiError`), the request did not get an
 * answer (`TransportError`), the answer did not decode (`MalformedResponse`), or the input was refused
 * before anything was sent (`InvalidName`).
 *
 * @since 0.1.0
 */
import * as Code from "@longrunning/schema/Code"
import * as Status from "@longrunning/schema/Status"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"

/**
 * The client methods, as they appear in errors and spans.
 *
 * @since 0.1.0
 * @category models
 */
export type Method = "get" | "list" | "cancel" | "delete"

/**
 * A non-2xx answer. `code` is the google.rpc code (from the envelope's `status`, else from the HTTP
 * status), `status` the decoded Status with its details. When the body was not the error envelope (an
 * HTML page from a proxy, an empty or truncated body), `bodyExcerpt` holds its first characters.
 *
 * @example
 * ```ts
 * import { OperationsError } from "@longrunning/http"
 * import { Status } from "@longrunning/schema"
 *
 * declare const error: OperationsError.ApiError
 * if (OperationsError.isNotFound(error)) Status.format(error.status)
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ApiError extends Data.TaggedError("ApiError")<{
  readonly method: Method
  /** The operation's name (the collection's, for `list`). Not `name`: that is the Error's own. */
  readonly operation: string
  readonly httpStatus: number
  readonly status: Status.Status
  /** The delay the server asked for: RetryInfo's `retryDelay`, else the `Retry-After` header. */
  readonly retryAfter: Option.Option<Duration.Duration>
  readonly bodyExcerpt?: string | undefined
}> {
  /**
   * The google.rpc code.
   *
   * @since 0.1.0
   */
  get code(): number {
    return this.status.code
  }

  /**
   * The code's name, such as `NOT_FOUND`.
   *
   * @since 0.1.0
   */
  get codeName(): string {
    return Code.name(this.status.code)
  }

  override get message(): string {
    const text = this.status.message !== "" ? this.status.message : this.bodyExcerpt ?? ""
    return `${this.codeName}: ${text === "" ? `HTTP ${this.httpStatus}` : text} (${this.method} ${this.operation})`
  }
}

/**
 * No answer: the connection failed or was reset, the attempt timed out, or the body could not be read.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends Data.TaggedError("TransportError")<{
  readonly method: Method
  /** The operation's name (the collection's, for `list`). */
  readonly operation: string
  readonly reason: "Connection" | "Timeout" | "Body"
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return `${this.reason === "Timeout" ? "timed out" : "transport failure"}: ${this.detail} (${this.method} ${this.operation})`
  }
}

/**
 * A 2xx answer whose body is not what the API promises. `path` is where decoding failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class MalformedResponse extends Data.TaggedError("MalformedResponse")<{
  readonly method: Method
  /** The operation's name (the collection's, for `list`). */
  readonly operation: string
  readonly httpStatus: number
  readonly path: string
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return `malformed response at ${this.path}: ${this.detail} (${this.method} ${this.operation})`
  }
}

// The input is hostile by assumption: outside printable ASCII everything is escaped, so that a look-alike
// letter, a bidi override or a control character cannot make the message read as something else.
const printableQuote = (text: string): string =>
  JSON.stringify(text).replace(/[^\x20-\x7e]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`)

/**
 * A name or collection refused before any request was sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidName extends Data.TaggedError("InvalidName")<{
  readonly method: Method
  readonly input: string
  readonly reason: string
}> {
  override get message(): string {
    const shown = this.input.length > 200 ? `${this.input.slice(0, 200)}...` : this.input
    return `invalid name ${printableQuote(shown)}: ${this.reason}`
  }
}

/**
 * Every error an operations call can fail with (credential failures come as the Credentials module's
 * `CredentialsError`).
 *
 * @since 0.1.0
 * @category errors
 */
export type OperationsError = ApiError | TransportError | MalformedResponse | InvalidName

const hasCode = (code: number) => (u: unknown): u is ApiError => u instanceof ApiError && u.status.code === code

/**
 * Tells whether an error is an `ApiError` with code NOT_FOUND (operations expire, and deleted ones are gone).
 *
 * @example
 * ```ts
 * import { OperationsError } from "@longrunning/http"
 *
 * declare const error: OperationsError.OperationsError
 * OperationsError.isNotFound(error)
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isNotFound: (u: unknown) => u is ApiError = hasCode(Code.codes.NOT_FOUND)

/**
 * Tells whether an error is an `ApiError` with code PERMISSION_DENIED.
 *
 * @since 0.1.0
 * @category guards
 */
export const isPermissionDenied: (u: unknown) => u is ApiError = hasCode(Code.codes.PERMISSION_DENIED)

/**
 * Tells whether an error is an `ApiError` with code UNAUTHENTICATED.
 *
 * @since 0.1.0
 * @category guards
 */
export const isUnauthenticated: (u: unknown) => u is ApiError = hasCode(Code.codes.UNAUTHENTICATED)

/**
 * Tells whether an error is an `ApiError` with code RESOURCE_EXHAUSTED (quota, rate limits).
 *
 * @since 0.1.0
 * @category guards
 */
export const isResourceExhausted: (u: unknown) => u is ApiError = hasCode(Code.codes.RESOURCE_EXHAUSTED)

/**
 * Tells whether an error is an `ApiError` with code UNAVAILABLE.
 *
 * @since 0.1.0
 * @category guards
 */
export const isUnavailable: (u: unknown) => u is ApiError = hasCode(Code.codes.UNAVAILABLE)

/**
 * Tells whether an error is an `ApiError` with code UNIMPLEMENTED (some services implement no cancel or
 * delete).
 *
 * @since 0.1.0
 * @category guards
 */
export const isUnimplemented: (u: unknown) => u is ApiError = hasCode(Code.codes.UNIMPLEMENTED)

/**
 * Tells whether trying again may help: transport failures, UNAVAILABLE, and RESOURCE_EXHAUSTED when the
 * server said when to come back. This is what the default retry policy retries.
 *
 * @example
 * ```ts
 * import { OperationsError } from "@longrunning/http"
 *
 * declare const error: OperationsError.OperationsError
 * OperationsError.isRetryable(error)
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isRetryable = (u: unknown): boolean =>
  u instanceof TransportError || isUnavailable(u) || (isResourceExhausted(u) && Option.isSome(u.retryAfter))

/**
 * Tells whether a value is one of the operations client's errors.
 *
 * @since 0.1.0
 * @category guards
 */
export const isOperationsError = (u: unknown): u is OperationsError =>
  Predicate.isTagged(u, "ApiError") || Predicate.isTagged(u, "TransportError") ||
  Predicate.isTagged(u, "MalformedResponse") || Predicate.isTagged(u, "InvalidName")
