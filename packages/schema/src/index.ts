/**
 * @since 0.1.0
 */

/**
 * Rules for reading an answer before decoding it: the name asked for, a result without `done`, and operations
 * of other APIs' own types (Compute Engine, GKE, Cloud SQL), refused.
 *
 * @since 0.1.0
 */
export * as Answer from "./Answer.js"

/**
 * `google.protobuf.Any` in its JSON form: an object with `@type` beside the message's own fields.
 *
 * @since 0.1.0
 */
export * as Any from "./Any.js"

/**
 * `google.rpc.Code`: the 17 canonical error codes, their names and their HTTP statuses.
 *
 * @since 0.1.0
 */
export * as Code from "./Code.js"

/**
 * Dataproc v1 operation metadata, as packed in an operation's `metadata`.
 *
 * @since 0.1.0
 */
export * as Dataproc from "./Dataproc.js"

/**
 * `google.longrunning.Operation` as a tagged union of the states an operation can be in.
 *
 * @since 0.1.0
 */
export * as Operation from "./Operation.js"

/**
 * Operation names and collections: branded, validated strings, parsed into parts.
 *
 * @since 0.1.0
 */
export * as OperationName from "./OperationName.js"

/**
 * proto3 JSON building blocks: timestamps, durations, enums, integers and messages.
 *
 * @since 0.1.0
 */
export * as Proto from "./Proto.js"

/**
 * `google.rpc.Status`, its standard error details, and the REST error envelope.
 *
 * @since 0.1.0
 */
export * as Status from "./Status.js"
