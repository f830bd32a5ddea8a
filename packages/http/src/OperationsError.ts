/**
 * The typed errors of the operations client: the API said no (`ApiError`), the request did not get an
 * answer (`TransportError`), the answer did not decode (`MalformedResponse`), or the input was refused
 * before anything was sent (`InvalidName`, `Unsupported`).
 *
 * @since 0.1.0
 */
import * as Code from "@longrunning/schema/Code"
import * as Status from "@longrunning/schema/Status"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * Marks the errors of this module, as `HttpClientError.TypeId` marks the platform's: the guards test it, so a
 * look-alike with the same `_tag` is not taken for one of them.
 *
 * @example
 * ```ts
 * import { OperationsError } from "@longrunning/http"
 *
 * const error = new OperationsError.InvalidHeader({ header: "x", reason: "bad" })
 * error[OperationsError.TypeId] === OperationsError.TypeId // true
 * ```
 *
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@longrunning/http/OperationsError")

/**
 * @since 0.1.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * The client methods, as they appear in errors and spans.
 *
 * @since 0.1.0
 * @category models
 */
export type Method = "get" | "list" | "cancel" | "delete" | "start" | "wait"

/**
 * The schema of {@link Method}.
 *
 * @example
 * ```ts
 * import { OperationsError } from "@longrunning/http"
 * import { Schema } from "effect"
 *
 * Schema.is(OperationsError.Method)("get") // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Method: Schema.Schema<Method> = Schema.Literal("get", "list", "cancel", "delete", "start", "wait")

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
export class ApiError extends Schema.TaggedError<ApiError>("@longrunning/http/ApiError")("ApiError", {
  method: Method,
  /** The operation's name (the collection's, for `list`). Not `name`: that is the Error's own. */
  operation: Schema.String,
  httpStatus: Schema.Number,
  status: Status.Status,
  /** The delay the server asked for: RetryInfo's `retryDelay`, else the `Retry-After` header. */
  retryAfter: Schema.Option(Schema.Duration),
  bodyExcerpt: Schema.optional(Schema.String)
}) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

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
 * Tells whether a value is an {@link ApiError} (its type id, not only its `_tag`).
 *
 * @example
 * ```ts
 * import { OperationsError } from "@longrunning/http"
 *
 * OperationsError.isApiError({ _tag: "ApiError" }) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isApiError = (u: unknown): u is ApiError => Predicate.hasProperty(u, TypeId) && Predicate.isTagged(u, "ApiError")

/**
 * Why a request got no answer:
 * - `Connect`: no connection could be made (refused, unknown host, unreachable); the request never left.
 * - `Timeout`: no complete answer within the attempt's time, or the call's deadline passed.
 * - `Reset`: the connection closed or was reset before the answer was complete.
 * - `BodyTooLarge`: the body is larger than `maxResponseBytes`; it was not read further.
 * - `Protocol`: the answer is not HTTP the client can read (a parse error, headers too large).
 * - `InvalidRequest`: the HTTP stack refused the request before sending it (a bad URL or header).
 * - `Unknown`: anything else.
 *
 * Only `Connect`, `Timeout` and `Reset` are transient ({@link isTransient}).
 *
 * @since 0.1.0
 * @category models
 */
export type TransportReason = "Connect" | "Timeout" | "Reset" | "BodyTooLarge" | "Protocol" | "InvalidRequest" | "Unknown"

/**
 * The schema of {@link TransportReason}.
 *
 * @example
 * ```ts
 * import { OperationsError } from "@longrunning/http"
 * import { Schema } from "effect"
 *
 * Schema.is(OperationsError.TransportReason)("Reset") // true
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const TransportReason: Schema.Schema<TransportReason> = Schema.Literal(
  "Connect",
  "Timeout",
  "Reset",
  "BodyTooLarge",
  "Protocol",
  "InvalidRequest",
  "Unknown"
)

/**
 * Tells whether trying again may give an answer after a transport failure of this reason.
 *
 * @example
 * ```ts
 * import { OperationsError } from "@longrunning/http"
 *
 * OperationsError.isTransient("Reset") // true
 * OperationsError.isTransient("BodyTooLarge") // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isTransient = (reason: TransportReason): boolean =>
  reason === "Connect" || reason === "Timeout" || reason === "Reset"

/**
 * No answer: the connection failed or was reset, the attempt timed out, the body was too large or could not
 * be read. `reason` says which ({@link TransportReason}); `cause` is the underlying failure, encoded as a
 * defect (its name and message).
 *
 * @example
 * ```ts
 * import { OperationsError } from "@longrunning/http"
 *
 * declare const error: OperationsError.TransportError
 * // only Connect, Timeout and Reset are retried; a body over the limit is not downloaded again
 * const retried = OperationsError.isTransient(error.reason)
 * const tooLarge = error.reason === "BodyTooLarge"
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends Schema.TaggedError<TransportError>("@longrunning/http/TransportError")(
  "TransportError",
  {
    method: Method,
    /** The operation's name (the collection's, for `list`; the path, for `start`). */
    operation: Schema.String,
    reason: TransportReason,
    detail: Schema.String,
    cause: Schema.optional(Schema.Defect)
  }
) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

  override get message(): string {
    return `${this.reason === "Timeout" ? "timed out" : `transport failure (${this.reason})`}: ${this.detail} (${this.method} ${this.operation})`
  }
}

/**
 * Tells whether a value is a {@link TransportError}.
 *
 * @example
 * ```ts
 * import { OperationsError } from "@longrunning/http"
 *
 * OperationsError.isTransportError({ _tag: "TransportError", reason: "Reset" }) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isTransportError = (u: unknown): u is TransportError =>
  Predicate.hasProperty(u, TypeId) && Predicate.isTagged(u, "TransportError")

/**
 * A 2xx answer whose body is not what the API promises. `path` is where decoding failed (`$.metadata.state`),
 * `detail` what was wrong there, both as text; `cause` is the parse failure, encoded as a defect.
 *
 * @example
 * ```ts
 * import { OperationsError } from "@longrunning/http"
 *
 * declare const error: OperationsError.MalformedResponse
 * const where = `${error.path}: ${error.detail}`
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class MalformedResponse extends Schema.TaggedError<MalformedResponse>("@longrunning/http/MalformedResponse")(
  "MalformedResponse",
  {
    method: Method,
    /** The operation's name (the collection's, for `list`). */
    operation: Schema.String,
    httpStatus: Schema.Number,
    path: Schema.String,
    detail: Schema.String,
    cause: Schema.optional(Schema.Defect)
  }
) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

  override get message(): string {
    return `malformed response at ${this.path}: ${this.detail} (${this.method} ${this.operation})`
  }
}

/**
 * Tells whether a value is a {@link MalformedResponse}.
 *
 * @example
 * ```ts
 * import { OperationsError } from "@longrunning/http"
 *
 * OperationsError.isMalformedResponse(new Error("malformed")) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isMalformedResponse = (u: unknown): u is MalformedResponse =>
  Predicate.hasProperty(u, TypeId) && Predicate.isTagged(u, "MalformedResponse")

// The input is hostile by assumption: outside printable ASCII everything is escaped, so that a look-alike
// letter, a bidi override or a control character cannot make the message read as something else.
const printableQuote = (text: string): string =>
  JSON.stringify(text).replace(/[^\x20-\x7e]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`)

// `scheme://user:password@host...`: the userinfo of a URL given as a name, up to the first `@` before the path.
const userinfo = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i

/**
 * A name or collection refused before any request was sent. `reason` says why, as text. A URL's userinfo
 * (`user:password@`) is not kept: `input` holds `***@` in its place, so the error can be logged.
 *
 * @example
 * ```ts
 * import { OperationsError } from "@longrunning/http"
 *
 * const error = new OperationsError.InvalidName({ method: "get", input: "x", reason: "not a name" })
 * error.message // 'invalid name "x": not a name'
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidName extends Schema.TaggedError<InvalidName>("@longrunning/http/InvalidName")("InvalidName", {
  method: Method,
  input: Schema.String,
  reason: Schema.String
}) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

  constructor(
    props: { readonly method: Method; readonly input: string; readonly reason: string },
    options?: Schema.MakeOptions
  ) {
    super({ ...props, input: props.input.replace(userinfo, "$1***@") }, options)
  }

  override get message(): string {
    const shown = this.input.length > 200 ? `${this.input.slice(0, 200)}...` : this.input
    return `invalid name ${printableQuote(shown)}: ${this.reason}`
  }
}

/**
 * Tells whether a value is an {@link InvalidName}.
 *
 * @example
 * ```ts
 * import { OperationsError } from "@longrunning/http"
 *
 * OperationsError.isInvalidName(new OperationsError.InvalidName({ method: "get", input: "x", reason: "bad" })) // true
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isInvalidName = (u: unknown): u is InvalidName =>
  Predicate.hasProperty(u, TypeId) && Predicate.isTagged(u, "InvalidName")

/**
 * A header refused when the client was built: a name that is not an HTTP token, or a value with control
 * characters (CR, LF, NUL ...) or characters outside printable ASCII. Bad input: nothing was sent.
 *
 * @example
 * ```ts
 * import { OperationsError } from "@longrunning/http"
 *
 * const error = new OperationsError.InvalidHeader({ header: "x-goog-user-project", reason: "contains a line break" })
 * error.message // 'invalid header x-goog-user-project: contains a line break'
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidHeader extends Schema.TaggedError<InvalidHeader>("@longrunning/http/InvalidHeader")("InvalidHeader", {
  /** The header's name (printable ASCII escaped). */
  header: Schema.String,
  reason: Schema.String
}) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

  override get message(): string {
    return `invalid header ${this.header}: ${this.reason}`
  }
}

/**
 * Tells whether a value is an `InvalidHeader`.
 *
 * @example
 * ```ts
 * import { OperationsError } from "@longrunning/http"
 *
 * OperationsError.isInvalidHeader(new OperationsError.InvalidHeader({ header: "x", reason: "bad" })) // true
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isInvalidHeader = (u: unknown): u is InvalidHeader =>
  Predicate.hasProperty(u, TypeId) && Predicate.isTagged(u, "InvalidHeader")

/**
 * A call the service does not offer, refused before any request was sent: the profile has no such method
 * in that version (reason `Method`: Cloud Run v2 has no cancel), or no such version (reason `Version`).
 *
 * @example
 * ```ts
 * import { OperationsError } from "@longrunning/http"
 *
 * const error = new OperationsError.Unsupported({
 *   reason: "Method",
 *   method: "cancel",
 *   operation: "projects/p/locations/l/operations/o",
 *   service: "run",
 *   detail: "Cloud Run v2 does not offer cancel"
 * })
 * OperationsError.isUnsupported(error) // true
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class Unsupported extends Schema.TaggedError<Unsupported>("@longrunning/http/Unsupported")("Unsupported", {
  reason: Schema.Literal("Method", "Version"),
  method: Method,
  /** The name, collection or URL as given. */
  operation: Schema.String,
  /** The service profile's id. */
  service: Schema.String,
  detail: Schema.String
}) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

  override get message(): string {
    const shown = this.operation.length > 200 ? `${this.operation.slice(0, 200)}...` : this.operation
    return `${this.detail} (${this.method} ${printableQuote(shown)})`
  }
}

/**
 * Tells whether a value is an `Unsupported`.
 *
 * @example
 * ```ts
 * import { OperationsError } from "@longrunning/http"
 *
 * OperationsError.isUnsupported(new Error("x")) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isUnsupported = (u: unknown): u is Unsupported =>
  Predicate.hasProperty(u, TypeId) && Predicate.isTagged(u, "Unsupported")

/**
 * Every error an operations call can fail with (credential failures come as the Credentials module's
 * `CredentialsError`).
 *
 * @since 0.1.0
 * @category errors
 */
export type OperationsError = ApiError | TransportError | MalformedResponse | InvalidName | Unsupported

/**
 * The schema of {@link OperationsError}: encodes any of them for a log line or an RPC answer, and decodes
 * them back.
 *
 * @example
 * ```ts
 * import { OperationsError } from "@longrunning/http"
 * import { Schema } from "effect"
 *
 * const error = new OperationsError.InvalidName({ method: "get", input: "x", reason: "not a name" })
 * Schema.encodeSync(OperationsError.OperationsError)(error)
 * // { _tag: "InvalidName", method: "get", input: "x", reason: "not a name" }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const OperationsError: Schema.Union<
  [typeof ApiError, typeof TransportError, typeof MalformedResponse, typeof InvalidName, typeof Unsupported]
> = Schema.Union(ApiError, TransportError, MalformedResponse, InvalidName, Unsupported)

const hasCode = (code: number) => (u: unknown): u is ApiError => isApiError(u) && u.status.code === code

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
 * Tells whether trying again may help: transient transport failures (`Connect`, `Timeout`, `Reset`),
 * UNAVAILABLE, and RESOURCE_EXHAUSTED when the server said when to come back. This is what the default retry
 * policy retries. A body too large, a protocol error or a refused request fail at once.
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
  (isTransportError(u) && isTransient(u.reason)) || isUnavailable(u) || (isResourceExhausted(u) && Option.isSome(u.retryAfter))

/**
 * Tells whether a value is one of the operations client's errors.
 *
 * @since 0.1.0
 * @category guards
 */
export const isOperationsError = (u: unknown): u is OperationsError =>
  Predicate.hasProperty(u, TypeId) && !Predicate.isTagged(u, "InvalidHeader")
