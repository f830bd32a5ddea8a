/**
 * The errors of durable waits. They are schemas (an outcome is stored), with the same tags as
 * `OperationPoller`'s; the public modules re-export them.
 */
import * as Status from "@longrunning/schema/Status"
import * as Duration from "effect/Duration"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * Marks the errors of durable waits and starts; the guards test it, so a look-alike with the same `_tag`
 * (`OperationPoller.OperationFailed`, say) is not taken for one of them.
 *
 * @since 0.1.0
 * @category type ids
 */
export const DurableErrorTypeId: unique symbol = Symbol.for("@longrunning/durable/DurableError")

/**
 * @since 0.1.0
 * @category type ids
 */
export type DurableErrorTypeId = typeof DurableErrorTypeId

/**
 * The operation ended in error (cancelled included); `status` is its google.rpc.Status. The same tag as
 * `OperationPoller.OperationFailed`, as a schema: a durable outcome is stored.
 *
 * @example
 * ```ts
 * import { DurableWait } from "@longrunning/durable"
 * import { Effect } from "effect"
 *
 * DurableWait.Default.result("projects/p/regions/r/operations/o").pipe(
 *   Effect.catchTag("OperationFailed", (e) => Effect.logError(e.message))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class OperationFailed extends Schema.TaggedError<OperationFailed>("@longrunning/durable/OperationFailed")(
  "OperationFailed",
  { operation: Schema.String, status: Status.Status }
) {
  readonly [DurableErrorTypeId]: DurableErrorTypeId = DurableErrorTypeId
  override get message(): string {
    return `operation ${this.operation} failed: ${Status.format(this.status)}`
  }
}

/**
 * The operation is not found: it expired, was deleted, or never existed.
 *
 * @since 0.1.0
 * @category errors
 */
export class OperationNotFound extends Schema.TaggedError<OperationNotFound>("@longrunning/durable/OperationNotFound")(
  "OperationNotFound",
  { operation: Schema.String, polls: Schema.Number }
) {
  readonly [DurableErrorTypeId]: DurableErrorTypeId = DurableErrorTypeId
  override get message(): string {
    return this.polls > 1
      ? `operation ${this.operation} was not found after ${this.polls} polls: it may have expired or been deleted`
      : `operation ${this.operation} was not found`
  }
}

/**
 * The wait ran out of time (its `timeout`, or its policy gave up) before the operation was done.
 *
 * @since 0.1.0
 * @category errors
 */
export class WaitTimeout extends Schema.TaggedError<WaitTimeout>("@longrunning/durable/WaitTimeout")(
  "WaitTimeout",
  { operation: Schema.String, timeout: Schema.Duration, polls: Schema.Number }
) {
  readonly [DurableErrorTypeId]: DurableErrorTypeId = DurableErrorTypeId
  override get message(): string {
    const polls = `${this.polls} ${this.polls === 1 ? "poll" : "polls"}`
    return Duration.isFinite(this.timeout)
      ? `operation ${this.operation} was not done after ${Duration.format(this.timeout)} (${polls})`
      : `operation ${this.operation} was not done when its polling policy gave up (${polls})`
  }
}

/**
 * Polling could not go on: a poll failed with an error that is not transient (`PERMISSION_DENIED`, a
 * malformed answer, ...), or transient failures outlasted the policy. `error` is the client error's tag,
 * `code` its google.rpc code when the server answered.
 *
 * @since 0.1.0
 * @category errors
 */
export class PollingFailed extends Schema.TaggedError<PollingFailed>("@longrunning/durable/PollingFailed")(
  "PollingFailed",
  {
    operation: Schema.String,
    error: Schema.String,
    detail: Schema.String,
    code: Schema.optional(Schema.Number)
  }
) {
  readonly [DurableErrorTypeId]: DurableErrorTypeId = DurableErrorTypeId
  override get message(): string {
    return `polling ${this.operation} failed: ${this.detail}`
  }
}

/**
 * What a durable wait can end with besides a done operation.
 *
 * @since 0.1.0
 * @category errors
 */
export type WaitError = OperationNotFound | WaitTimeout | PollingFailed

/** The schema of {@link WaitError}: an outcome is stored. */
export const WaitError = Schema.Union(OperationNotFound, WaitTimeout, PollingFailed)

/**
 * The call that starts the operation failed, so there is nothing to wait for: the server refused it
 * (`ALREADY_EXISTS`, `INVALID_ARGUMENT`, `PERMISSION_DENIED` ...), transient failures outlasted the client's
 * retry policy, or the request was malformed (`error` is `InvalidName`, and nothing was sent). `error` is the
 * client error's tag, `code` its google.rpc code when the server answered.
 *
 * @example
 * ```ts
 * import { DurableStart } from "@longrunning/durable"
 * import * as Dataproc from "@longrunning/http/Dataproc"
 * import { Dataproc as Schemas } from "@longrunning/schema"
 * import { Effect } from "effect"
 *
 * const CreateCluster = DurableStart.make({ name: "CreateCluster", schema: Schemas.Operations.clustersCreate })
 * CreateCluster.result("analytics", Dataproc.clusters.create({ projectId: "p", region: "us-central1" }, { clusterName: "analytics" })).pipe(
 *   Effect.catchTag("StartFailed", (e) => Effect.logError(e.message))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class StartFailed extends Schema.TaggedError<StartFailed>("@longrunning/durable/StartFailed")(
  "StartFailed",
  {
    /** The execution's key. */
    key: Schema.String,
    /** The request's path. */
    path: Schema.String,
    error: Schema.String,
    detail: Schema.String,
    code: Schema.optional(Schema.Number)
  }
) {
  readonly [DurableErrorTypeId]: DurableErrorTypeId = DurableErrorTypeId
  override get message(): string {
    return `starting ${this.path} (${this.key}) failed: ${this.detail}`
  }
}

/**
 * Tells whether a value is one of the errors of durable waits and starts.
 *
 * @since 0.1.0
 * @category guards
 */
export const isDurableError = (
  u: unknown
): u is OperationFailed | OperationNotFound | WaitTimeout | PollingFailed | StartFailed =>
  Predicate.hasProperty(u, DurableErrorTypeId)

const guard = <Tag extends string>(tag: Tag) => (u: unknown): boolean => isDurableError(u) && u._tag === tag

/**
 * @since 0.1.0
 * @category guards
 */
export const isOperationFailed = (u: unknown): u is OperationFailed => guard("OperationFailed")(u)

/**
 * @since 0.1.0
 * @category guards
 */
export const isOperationNotFound = (u: unknown): u is OperationNotFound => guard("OperationNotFound")(u)

/**
 * @since 0.1.0
 * @category guards
 */
export const isWaitTimeout = (u: unknown): u is WaitTimeout => guard("WaitTimeout")(u)

/**
 * @since 0.1.0
 * @category guards
 */
export const isPollingFailed = (u: unknown): u is PollingFailed => guard("PollingFailed")(u)

/**
 * @since 0.1.0
 * @category guards
 */
export const isStartFailed = (u: unknown): u is StartFailed => guard("StartFailed")(u)
