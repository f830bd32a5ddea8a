import * as ValidationError from "@effect/cli/ValidationError"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as Format from "./format.js"

/** The exit codes of `lro`, as docs/cli.md documents them. */
export const codes = {
  /** Done: the operation succeeded or was done without a result; for get/list/cancel/delete, the call worked. */
  ok: 0,
  /** The operation failed (cancelled included). */
  failed: 1,
  /** Usage or invalid input; nothing was sent. */
  usage: 2,
  /** The API said no, or no answer came (transport, credentials, a malformed answer). */
  api: 3,
  /** `--timeout` ran out (for `wait`: the operation was not done in time). */
  timeout: 4,
  /** A bug: a defect the CLI did not expect. */
  internal: 70,
  /** Interrupted (SIGINT, SIGTERM). */
  interrupted: 130
} as const

/** Marks the errors lro makes itself. */
export const TypeId: unique symbol = Symbol.for("@longrunning/cli/CliError")
export type TypeId = typeof TypeId

/** Input refused before anything was sent: a bad flag value the parser could not see. */
export class UsageError extends Schema.TaggedError<UsageError>("@longrunning/cli/UsageError")(
  "UsageError",
  { message: Schema.String }
) {
  readonly [TypeId]: TypeId = TypeId
}

/** The emulator could not listen (the port is taken, or not allowed). */
export class ListenFailed extends Schema.TaggedError<ListenFailed>("@longrunning/cli/ListenFailed")(
  "ListenFailed",
  { message: Schema.String }
) {
  readonly [TypeId]: TypeId = TypeId
}

/** Says why a server could not start, from the `ServeError` of `@effect/platform`. */
export const listenFailed = (address: string) => (error: { readonly cause: unknown }): ListenFailed =>
  new ListenFailed({
    message: `cannot listen on ${address}: ${
      Predicate.hasProperty(error.cause, "message") && typeof error.cause.message === "string"
        ? error.cause.message
        : String(error.cause)
    }`
  })

/** The demo did not end as it should have. */
export class DemoFailed extends Schema.TaggedError<DemoFailed>("@longrunning/cli/DemoFailed")(
  "DemoFailed",
  { message: Schema.String }
) {
  readonly [TypeId]: TypeId = TypeId
}

/** A wait ended with the operation failed: the status is already printed, only the exit code remains. */
export class OperationEndedInError extends Schema.TaggedError<OperationEndedInError>("@longrunning/cli/OperationEndedInError")(
  "OperationEndedInError",
  { message: Schema.String }
) {
  readonly [TypeId]: TypeId = TypeId
}

/** `--timeout` ran out before a get, list, cancel or delete had its answer. */
export class CommandTimedOut extends Schema.TaggedError<CommandTimedOut>("@longrunning/cli/CommandTimedOut")(
  "CommandTimedOut",
  { message: Schema.String }
) {
  readonly [TypeId]: TypeId = TypeId
}

// The errors lro makes itself, whose messages escape what they quote and may span lines on purpose. Every
// other message (the library's, the platform's) may carry a server's text and is escaped whole.
const ownTags = new Set([
  "UsageError",
  "ListenFailed",
  "DemoFailed",
  "OperationEndedInError",
  "CommandTimedOut",
  "DurableNotInstalled"
])

const usageTags = new Set([
  "UsageError",
  "InvalidName",
  "InvalidEndpoint",
  "InvalidHeader",
  "Unsupported",
  "DurableNotInstalled"
])
const apiTags = new Set([
  "ApiError",
  "TransportError",
  "MalformedResponse",
  "CredentialsError",
  "OperationNotFound",
  "ServeError",
  "ListenFailed",
  "RequestError",
  "ResponseError",
  "SystemError",
  // durable waits (internal/durable.ts): the store, and a poll that failed for good
  "StoreFailed",
  "PollingFailed"
])
const failedTags = new Set(["OperationFailed", "OperationEndedInError", "DemoFailed"])

const tagOf = (error: unknown): string | undefined =>
  Predicate.hasProperty(error, "_tag") && typeof error._tag === "string" ? error._tag : undefined

/** The exit code for an error a command failed with. */
export const codeOf = (error: unknown): number => {
  if (ValidationError.isValidationError(error)) return ValidationError.isHelpRequested(error) ? codes.ok : codes.usage
  const tag = tagOf(error)
  if (tag === undefined) return codes.internal
  if (usageTags.has(tag)) return codes.usage
  if (apiTags.has(tag)) return codes.api
  if (failedTags.has(tag)) return codes.failed
  if (tag === "WaitTimeout" || tag === "CommandTimedOut") return codes.timeout
  return codes.internal
}

/**
 * The message printed for an error, on stderr, with server-controlled text escaped (see `Format.escape`).
 * `null` when @effect/cli already printed it.
 */
export const messageOf = (error: unknown): string | null => {
  if (ValidationError.isValidationError(error)) return null
  const message = Predicate.hasProperty(error, "message") && typeof error.message === "string" && error.message !== ""
    ? error.message
    : String(error)
  const tag = tagOf(error)
  return tag !== undefined && ownTags.has(tag) ? message : Format.escape(message)
}
