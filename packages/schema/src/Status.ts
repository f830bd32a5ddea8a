/**
 * `google.rpc.Status`, the standard error details that ride in it, and the HTTP error envelope of
 * Google's REST APIs (AIP-193).
 *
 * @since 0.1.0
 */
import * as Arr from "effect/Array"
import type * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Any from "./Any.js"
import * as Code from "./Code.js"
import * as Proto from "./Proto.js"

const str = Proto.optional(Schema.String)
const strings = Proto.optional(Schema.Array(Schema.String))
const stringMap = Proto.optional(Proto.StringMap)

// -----------------------------------------------------------------------------
// error details (google/rpc/error_details.proto)
// -----------------------------------------------------------------------------

/**
 * `google.rpc.ErrorInfo`: why the error happened, as a machine-readable `reason` in a `domain`.
 *
 * @since 0.1.0
 * @category details
 */
export const ErrorInfo = Any.message("google.rpc.ErrorInfo", { reason: str, domain: str, metadata: stringMap })

/**
 * @since 0.1.0
 * @category details
 */
export interface ErrorInfo extends Schema.Schema.Type<typeof ErrorInfo> {}

/**
 * `google.rpc.RetryInfo`: how long to wait before retrying.
 *
 * @since 0.1.0
 * @category details
 */
export const RetryInfo = Any.message("google.rpc.RetryInfo", { retryDelay: Proto.optional(Proto.Duration) })

/**
 * @since 0.1.0
 * @category details
 */
export interface RetryInfo extends Schema.Schema.Type<typeof RetryInfo> {}

/**
 * `google.rpc.DebugInfo`: a server-side stack trace.
 *
 * @since 0.1.0
 * @category details
 */
export const DebugInfo = Any.message("google.rpc.DebugInfo", { stackEntries: strings, detail: str })

/**
 * @since 0.1.0
 * @category details
 */
export interface DebugInfo extends Schema.Schema.Type<typeof DebugInfo> {}

/**
 * One quota check that failed.
 *
 * @since 0.1.0
 * @category details
 */
export const QuotaViolation = Proto.message("google.rpc.QuotaFailure.Violation", {
  subject: str,
  description: str,
  apiService: str,
  quotaMetric: str,
  quotaId: str,
  quotaDimensions: stringMap,
  quotaValue: Proto.optional(Proto.Int64),
  futureQuotaValue: Proto.optional(Proto.Int64)
})

/**
 * `google.rpc.QuotaFailure`: which quotas were exceeded.
 *
 * @since 0.1.0
 * @category details
 */
export const QuotaFailure = Any.message("google.rpc.QuotaFailure", {
  violations: Proto.optional(Schema.Array(QuotaViolation))
})

/**
 * @since 0.1.0
 * @category details
 */
export interface QuotaFailure extends Schema.Schema.Type<typeof QuotaFailure> {}

/**
 * `google.rpc.PreconditionFailure`: which preconditions were not met.
 *
 * @since 0.1.0
 * @category details
 */
export const PreconditionFailure = Any.message("google.rpc.PreconditionFailure", {
  violations: Proto.optional(
    Schema.Array(Proto.message("google.rpc.PreconditionFailure.Violation", { type: str, subject: str, description: str }))
  )
})

/**
 * @since 0.1.0
 * @category details
 */
export interface PreconditionFailure extends Schema.Schema.Type<typeof PreconditionFailure> {}

/**
 * `google.rpc.LocalizedMessage`: the error message in a user's language.
 *
 * @since 0.1.0
 * @category details
 */
export const LocalizedMessage = Any.message("google.rpc.LocalizedMessage", { locale: str, message: str })

/**
 * @since 0.1.0
 * @category details
 */
export interface LocalizedMessage extends Schema.Schema.Type<typeof LocalizedMessage> {}

/**
 * `google.rpc.BadRequest`: which fields of the request were wrong.
 *
 * @since 0.1.0
 * @category details
 */
export const BadRequest = Any.message("google.rpc.BadRequest", {
  fieldViolations: Proto.optional(Schema.Array(Proto.message("google.rpc.BadRequest.FieldViolation", {
    field: str,
    description: str,
    reason: str,
    localizedMessage: Proto.optional(Proto.message("google.rpc.LocalizedMessage", { locale: str, message: str }))
  })))
})

/**
 * @since 0.1.0
 * @category details
 */
export interface BadRequest extends Schema.Schema.Type<typeof BadRequest> {}

/**
 * `google.rpc.RequestInfo`: the request's id, to quote to support.
 *
 * @since 0.1.0
 * @category details
 */
export const RequestInfo = Any.message("google.rpc.RequestInfo", { requestId: str, servingData: str })

/**
 * @since 0.1.0
 * @category details
 */
export interface RequestInfo extends Schema.Schema.Type<typeof RequestInfo> {}

/**
 * `google.rpc.ResourceInfo`: the resource the error is about.
 *
 * @since 0.1.0
 * @category details
 */
export const ResourceInfo = Any.message("google.rpc.ResourceInfo", {
  resourceType: str,
  resourceName: str,
  owner: str,
  description: str
})

/**
 * @since 0.1.0
 * @category details
 */
export interface ResourceInfo extends Schema.Schema.Type<typeof ResourceInfo> {}

/**
 * `google.rpc.Help`: links to documentation.
 *
 * @since 0.1.0
 * @category details
 */
export const Help = Any.message("google.rpc.Help", {
  links: Proto.optional(Schema.Array(Proto.message("google.rpc.Help.Link", { description: str, url: str })))
})

/**
 * @since 0.1.0
 * @category details
 */
export interface Help extends Schema.Schema.Type<typeof Help> {}

/**
 * The standard detail messages, in the order Google documents them.
 *
 * @since 0.1.0
 * @category details
 */
export const standardDetails = [
  ErrorInfo,
  RetryInfo,
  DebugInfo,
  QuotaFailure,
  PreconditionFailure,
  BadRequest,
  RequestInfo,
  ResourceInfo,
  Help,
  LocalizedMessage
] as const

/**
 * A detail of a Status: one of the standard messages, or an Any of another type kept as it came.
 *
 * @since 0.1.0
 * @category details
 */
export type Detail =
  | ErrorInfo
  | RetryInfo
  | DebugInfo
  | QuotaFailure
  | PreconditionFailure
  | BadRequest
  | RequestInfo
  | ResourceInfo
  | Help
  | LocalizedMessage
  | Any.Any

/**
 * The schema of one Status detail, dispatching on `@type`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Detail: Schema.Schema<Detail, Any.Any> = Any.oneOf(...standardDetails)

// -----------------------------------------------------------------------------
// Status
// -----------------------------------------------------------------------------

const StatusSchema = Schema.Struct({
  code: Proto.withDefault(Proto.Int32, () => 0),
  message: Proto.withDefault(Schema.String, () => ""),
  details: Proto.withDefault(Schema.Array(Detail), () => [], (details) => details.length === 0)
}).annotations({ identifier: "Status", ...Proto.preserveUnknownFields })

/**
 * A `google.rpc.Status`: a canonical `code` (see the `Code` module; codes a newer server invents are kept),
 * a developer-facing `message`, and `details`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Status extends Schema.Schema.Type<typeof StatusSchema> {}

/**
 * The JSON form of a Status.
 *
 * @since 0.1.0
 * @category models
 */
export interface StatusEncoded extends Schema.Schema.Encoded<typeof StatusSchema> {}

/**
 * The schema of a Status. Absent fields read as their defaults (code 0, empty message, no details) and
 * default values are left out when encoding, as Google's printers do; unknown fields are kept.
 *
 * @example
 * ```ts
 * import { Status } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * const status = Schema.decodeUnknownSync(Status.Status)({
 *   code: 8,
 *   message: "Quota exceeded",
 *   details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "2.5s" }]
 * })
 * Status.retryDelay(status) // Option.some(Duration.millis(2500))
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Status: Schema.Schema<Status, StatusEncoded> = StatusSchema

/**
 * Makes a Status.
 *
 * @example
 * ```ts
 * import { Code, Status } from "@longrunning/schema"
 *
 * Status.make({ code: Code.codes.CANCELLED, message: "Operation was cancelled" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: { readonly code: number; readonly message?: string | undefined; readonly details?: ReadonlyArray<Detail> | undefined }
): Status => ({ code: options.code, message: options.message ?? "", details: options.details ?? [] })

/**
 * The name of the Status's code (`CODE_<n>` for codes outside 0..16).
 *
 * @example
 * ```ts
 * import { Status } from "@longrunning/schema"
 *
 * Status.codeName(Status.make({ code: 5 })) // "NOT_FOUND"
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const codeName = (status: Status): string => Code.name(status.code)

/**
 * A one-line rendering, `CODE_NAME: message`.
 *
 * @example
 * ```ts
 * import { Status } from "@longrunning/schema"
 *
 * Status.format(Status.make({ code: 5, message: "no such operation" })) // "NOT_FOUND: no such operation"
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const format = (status: Status): string =>
  status.message === "" ? codeName(status) : `${codeName(status)}: ${status.message}`

/**
 * Every detail of a given type.
 *
 * @example
 * ```ts
 * import { Status } from "@longrunning/schema"
 *
 * declare const status: Status.Status
 * Status.details(status, Status.ErrorInfo).map((info) => info.reason)
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const details = <M extends Any.AnyMessageSchema>(
  status: Status,
  message: M
): ReadonlyArray<Schema.Schema.Type<M>> => Arr.filter(status.details, Any.is(message))

/**
 * The first detail of a given type.
 *
 * @example
 * ```ts
 * import { Status } from "@longrunning/schema"
 *
 * declare const status: Status.Status
 * Status.detail(status, Status.QuotaFailure)
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const detail = <M extends Any.AnyMessageSchema>(status: Status, message: M): Option.Option<Schema.Schema.Type<M>> =>
  Arr.findFirst(status.details, Any.is(message))

/**
 * The delay the server asks for before a retry (its RetryInfo), if any.
 *
 * @example
 * ```ts
 * import { Status } from "@longrunning/schema"
 *
 * declare const status: Status.Status
 * Status.retryDelay(status) // Option<Duration>
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const retryDelay = (status: Status): Option.Option<Duration.Duration> =>
  Option.flatMap(detail(status, RetryInfo), (info) => Option.fromNullable(info.retryDelay))

/**
 * The ErrorInfo detail, if any.
 *
 * @since 0.1.0
 * @category accessors
 */
export const errorInfo = (status: Status): Option.Option<ErrorInfo> => detail(status, ErrorInfo)

/**
 * The QuotaFailure detail, if any.
 *
 * @since 0.1.0
 * @category accessors
 */
export const quotaFailure = (status: Status): Option.Option<QuotaFailure> => detail(status, QuotaFailure)

/**
 * The BadRequest detail, if any.
 *
 * @since 0.1.0
 * @category accessors
 */
export const badRequest = (status: Status): Option.Option<BadRequest> => detail(status, BadRequest)

/**
 * The PreconditionFailure detail, if any.
 *
 * @since 0.1.0
 * @category accessors
 */
export const preconditionFailure = (status: Status): Option.Option<PreconditionFailure> =>
  detail(status, PreconditionFailure)

/**
 * The ResourceInfo detail, if any.
 *
 * @since 0.1.0
 * @category accessors
 */
export const resourceInfo = (status: Status): Option.Option<ResourceInfo> => detail(status, ResourceInfo)

/**
 * The RequestInfo detail, if any.
 *
 * @since 0.1.0
 * @category accessors
 */
export const requestInfo = (status: Status): Option.Option<RequestInfo> => detail(status, RequestInfo)

/**
 * The Help detail, if any.
 *
 * @since 0.1.0
 * @category accessors
 */
export const help = (status: Status): Option.Option<Help> => detail(status, Help)

/**
 * The LocalizedMessage detail, if any.
 *
 * @since 0.1.0
 * @category accessors
 */
export const localizedMessage = (status: Status): Option.Option<LocalizedMessage> => detail(status, LocalizedMessage)

/**
 * The DebugInfo detail, if any.
 *
 * @since 0.1.0
 * @category accessors
 */
export const debugInfo = (status: Status): Option.Option<DebugInfo> => detail(status, DebugInfo)

// -----------------------------------------------------------------------------
// HTTP error envelope
// -----------------------------------------------------------------------------

/**
 * One entry of the legacy `errors[]` array some APIs still send beside the AIP-193 fields.
 *
 * @since 0.1.0
 * @category schemas
 */
export const LegacyError = Proto.message("LegacyError", {
  domain: str,
  reason: str,
  message: str,
  location: str,
  locationType: str,
  extendedHelp: str,
  sendReport: str
})

const ErrorEnvelopeSchema = Schema.Struct({
  error: Schema.Struct({
    code: Proto.optional(Proto.Int32),
    message: str,
    status: str,
    details: Proto.optional(Schema.Array(Detail)),
    errors: Proto.optional(Schema.Array(LegacyError))
  }).annotations({ identifier: "ErrorEnvelope.error", ...Proto.preserveUnknownFields })
}).annotations({ identifier: "ErrorEnvelope", ...Proto.preserveUnknownFields })

/**
 * The body of a REST error: `{"error": {code, message, status, details}}`. Its `code` is the HTTP status;
 * the google.rpc code is named by `status`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ErrorEnvelope extends Schema.Schema.Type<typeof ErrorEnvelopeSchema> {}

/**
 * The JSON form of an {@link ErrorEnvelope}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ErrorEnvelopeEncoded extends Schema.Schema.Encoded<typeof ErrorEnvelopeSchema> {}

/**
 * The schema of the REST error envelope (AIP-193), legacy `errors[]` included.
 *
 * @example
 * ```ts
 * import { Status } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * const envelope = Schema.decodeUnknownSync(Status.ErrorEnvelope)({
 *   error: { code: 400, message: "bad zone", status: "FAILED_PRECONDITION" }
 * })
 * Status.fromEnvelope(envelope).code // 9
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ErrorEnvelope: Schema.Schema<ErrorEnvelope, ErrorEnvelopeEncoded> = ErrorEnvelopeSchema

/**
 * An error body as servers send it: the envelope, or an array holding one envelope (as some Google
 * front ends answer). Decodes to the envelope; encodes the object form.
 *
 * @example
 * ```ts
 * import { Status } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * Schema.decodeUnknownSync(Status.ErrorBody)([{ error: { code: 503, message: "try later", status: "UNAVAILABLE" } }])
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ErrorBody: Schema.Schema<ErrorEnvelope, ErrorEnvelopeEncoded | readonly [ErrorEnvelopeEncoded]> = Schema
  .Union(
    ErrorEnvelope,
    Schema.transformOrFail(Schema.Tuple(ErrorEnvelope), Schema.typeSchema(ErrorEnvelope), {
      strict: true,
      decode: ([envelope]) => ParseResult.succeed(envelope),
      encode: (envelope) => ParseResult.succeed([envelope] as const)
    })
  ).annotations({ identifier: "ErrorBody" })

/**
 * The Status an error envelope stands for: the code named by `status`, or if it names none, the code of
 * the HTTP status.
 *
 * @example
 * ```ts
 * import { Status } from "@longrunning/schema"
 *
 * declare const envelope: Status.ErrorEnvelope
 * Status.format(Status.fromEnvelope(envelope))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromEnvelope = (envelope: ErrorEnvelope, httpStatus?: number): Status => {
  const error = envelope.error
  const http = error.code ?? httpStatus ?? 500
  const code = Option.getOrElse(
    Option.flatMap(Option.fromNullable(error.status), Code.fromName),
    () => Code.fromHttpStatus(http)
  )
  return { code, message: error.message ?? "", details: error.details ?? [] }
}

/**
 * The error envelope a REST server sends for a Status.
 *
 * @example
 * ```ts
 * import { Status } from "@longrunning/schema"
 *
 * Status.toEnvelope(Status.make({ code: 5, message: "not found" })).error.code // 404
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const toEnvelope = (status: Status): ErrorEnvelope => ({
  error: {
    code: Code.httpStatus(status.code),
    message: status.message,
    status: Code.name(status.code),
    ...(status.details.length > 0 ? { details: status.details } : {})
  }
})
