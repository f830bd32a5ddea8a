/**
 * Watching operations until they are done: a `Stream` of snapshots polled on a `Schedule`, waiting derived
 * from it, and one cheap scheduler for many operations at once.
 *
 * @since 0.1.0
 */
import * as OperationsClient from "@longrunning/http/OperationsClient"
import * as OperationsError from "@longrunning/http/OperationsError"
import * as RetryPolicy from "@longrunning/http/RetryPolicy"
import type * as Any from "@longrunning/schema/Any"
import * as Operation from "@longrunning/schema/Operation"
import * as Status from "@longrunning/schema/Status"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Mailbox from "effect/Mailbox"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Random from "effect/Random"
import type * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { jsonEqual, nextPollAt, runDue, sleepUntil } from "./internal/scheduler.js"
import * as Policy from "./Policy.js"

// -----------------------------------------------------------------------------
// errors
// -----------------------------------------------------------------------------

/**
 * Marks the errors a watch ends with on its own account ({@link PollingError}); the guards test it, so a
 * look-alike with the same `_tag` is not taken for one of them.
 *
 * @example
 * ```ts
 * import { OperationPoller } from "@longrunning/polling"
 *
 * declare const error: OperationPoller.WaitTimeout
 * error[OperationPoller.PollingErrorTypeId] === OperationPoller.PollingErrorTypeId // true
 * ```
 *
 * @since 0.1.0
 * @category type ids
 */
export const PollingErrorTypeId: unique symbol = Symbol.for("@longrunning/polling/PollingError")

/**
 * @since 0.1.0
 * @category type ids
 */
export type PollingErrorTypeId = typeof PollingErrorTypeId

// A snapshot as an error carries it: metadata and response as they are (typed or not), encoded as
// google.longrunning JSON.
const Snapshot = Operation.schema({ metadata: Schema.Unknown, response: Schema.Unknown })
const FailedSnapshot = Snapshot.pipe(Schema.filter(Operation.isFailed))

/**
 * The operation ended in error (cancelled included). `status` is its google.rpc.Status.
 *
 * @example
 * ```ts
 * import { OperationPoller } from "@longrunning/polling"
 * import { Effect } from "effect"
 *
 * OperationPoller.result("projects/p/regions/r/operations/o").pipe(
 *   Effect.catchTag("OperationFailed", (e) => Effect.logError(e.message))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class OperationFailed extends Schema.TaggedError<OperationFailed>("@longrunning/polling/OperationFailed")(
  "OperationFailed",
  {
    /** The operation's name. Not `name`: that is the Error's own. */
    operation: Schema.String,
    status: Status.Status,
    /** The failed operation, as the last poll saw it. */
    snapshot: FailedSnapshot
  }
) {
  /**
   * @since 0.1.0
   */
  readonly [PollingErrorTypeId]: PollingErrorTypeId = PollingErrorTypeId

  override get message(): string {
    return `operation ${this.operation} failed: ${Status.format(this.status)}`
  }
}

/**
 * The wait ran out of time before the operation was done.
 *
 * @example
 * ```ts
 * import { OperationPoller } from "@longrunning/polling"
 * import { Effect } from "effect"
 *
 * OperationPoller.wait("projects/p/regions/r/operations/o", { timeout: "10 minutes" }).pipe(
 *   Effect.catchTag("WaitTimeout", (e) => Effect.logWarning(`${e.message}; last seen: ${e.lastSnapshot}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class WaitTimeout extends Schema.TaggedError<WaitTimeout>("@longrunning/polling/WaitTimeout")("WaitTimeout", {
  /** The operation's name. Not `name`: that is the Error's own. */
  operation: Schema.String,
  timeout: Schema.Duration,
  polls: Schema.Number,
  /** The last snapshot seen, if any poll succeeded. */
  lastSnapshot: Schema.Option(Snapshot)
}) {
  /**
   * @since 0.1.0
   */
  readonly [PollingErrorTypeId]: PollingErrorTypeId = PollingErrorTypeId

  override get message(): string {
    const polls = `${this.polls} ${this.polls === 1 ? "poll" : "polls"}`
    return Duration.isFinite(this.timeout)
      ? `operation ${this.operation} was not done after ${Duration.format(this.timeout)} (${polls})`
      : `operation ${this.operation} was not done when its polling policy gave up (${polls})`
  }
}

/**
 * The operation is not found: it expired, was deleted, or never existed. Google keeps finished operations
 * for a limited time, so a long watch can meet this. `cause` is the client's NOT_FOUND `ApiError`.
 *
 * @example
 * ```ts
 * import { OperationPoller } from "@longrunning/polling"
 * import { Effect } from "effect"
 *
 * OperationPoller.wait("projects/p/regions/r/operations/o").pipe(
 *   Effect.catchTag("OperationNotFound", (e) => Effect.succeed(e.polls))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class OperationNotFound extends Schema.TaggedError<OperationNotFound>("@longrunning/polling/OperationNotFound")(
  "OperationNotFound",
  {
    /** The operation's name. Not `name`: that is the Error's own. */
    operation: Schema.String,
    polls: Schema.Number,
    lastSnapshot: Schema.Option(Snapshot),
    cause: OperationsError.ApiError
  }
) {
  /**
   * @since 0.1.0
   */
  readonly [PollingErrorTypeId]: PollingErrorTypeId = PollingErrorTypeId

  override get message(): string {
    return Option.isSome(this.lastSnapshot)
      ? `operation ${this.operation} was not found after ${this.polls} polls: it may have expired or been deleted`
      : `operation ${this.operation} was not found`
  }
}

/**
 * The polling policy stopped before the operation was done (for example `Policy.giveUpAfter`, or a
 * `Schedule.whileInput` that said no more). Not a timeout: `WaitTimeout` is the `timeout` option's.
 *
 * @example
 * ```ts
 * import { OperationPoller, Policy } from "@longrunning/polling"
 * import { Effect } from "effect"
 *
 * OperationPoller.wait("projects/p/regions/r/operations/o", {
 *   schedule: Policy.fixed("10 seconds").pipe(Policy.giveUpAfter("5 minutes"))
 * }).pipe(Effect.catchTag("PolicyExhausted", (e) => Effect.logWarning(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class PolicyExhausted extends Schema.TaggedError<PolicyExhausted>("@longrunning/polling/PolicyExhausted")(
  "PolicyExhausted",
  {
    /** The operation's name. Not `name`: that is the Error's own. */
    operation: Schema.String,
    polls: Schema.Number,
    /** The last snapshot seen. */
    lastSnapshot: Schema.Option(Snapshot)
  }
) {
  /**
   * @since 0.1.0
   */
  readonly [PollingErrorTypeId]: PollingErrorTypeId = PollingErrorTypeId

  override get message(): string {
    return `operation ${this.operation} was not done when its polling policy gave up (${this.polls} ${
      this.polls === 1 ? "poll" : "polls"
    })`
  }
}

/**
 * The errors a watch ends with on its own account, as opposed to the client's errors it passes on.
 *
 * @since 0.1.0
 * @category errors
 */
export type PollingError = OperationFailed | WaitTimeout | OperationNotFound | PolicyExhausted

/**
 * The schema of {@link PollingError}: encodes any of them for a log line or an RPC answer, and decodes them
 * back.
 *
 * @example
 * ```ts
 * import { OperationPoller } from "@longrunning/polling"
 * import { Schema } from "effect"
 *
 * declare const error: OperationPoller.PollingError
 * const json = Schema.encodeSync(OperationPoller.PollingError)(error)
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const PollingError: Schema.Union<
  [typeof OperationFailed, typeof WaitTimeout, typeof OperationNotFound, typeof PolicyExhausted]
> = Schema.Union(OperationFailed, WaitTimeout, OperationNotFound, PolicyExhausted)

/**
 * Tells whether a value is one of the {@link PollingError}s (its type id, not only its `_tag`).
 *
 * @example
 * ```ts
 * import { OperationPoller } from "@longrunning/polling"
 *
 * OperationPoller.isPollingError({ _tag: "WaitTimeout" }) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isPollingError = (u: unknown): u is PollingError => Predicate.hasProperty(u, PollingErrorTypeId)

/**
 * Tells whether a value is an {@link OperationFailed}.
 *
 * @example
 * ```ts
 * import { OperationPoller } from "@longrunning/polling"
 *
 * OperationPoller.isOperationFailed(new Error("failed")) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isOperationFailed = (u: unknown): u is OperationFailed =>
  isPollingError(u) && u._tag === "OperationFailed"

/**
 * Tells whether a value is a {@link WaitTimeout}.
 *
 * @example
 * ```ts
 * import { OperationPoller } from "@longrunning/polling"
 *
 * OperationPoller.isWaitTimeout({ _tag: "WaitTimeout" }) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isWaitTimeout = (u: unknown): u is WaitTimeout => isPollingError(u) && u._tag === "WaitTimeout"

/**
 * Tells whether a value is an {@link OperationNotFound}.
 *
 * @example
 * ```ts
 * import { OperationPoller } from "@longrunning/polling"
 *
 * OperationPoller.isOperationNotFound({ _tag: "OperationNotFound" }) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isOperationNotFound = (u: unknown): u is OperationNotFound =>
  isPollingError(u) && u._tag === "OperationNotFound"

/**
 * Tells whether a value is a {@link PolicyExhausted}.
 *
 * @example
 * ```ts
 * import { OperationPoller } from "@longrunning/polling"
 *
 * OperationPoller.isPolicyExhausted({ _tag: "PolicyExhausted" }) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isPolicyExhausted = (u: unknown): u is PolicyExhausted =>
  isPollingError(u) && u._tag === "PolicyExhausted"

/**
 * What a watch can fail with: the operation was not found, the wait timed out, the policy gave up, or
 * polling could not go on (the client's errors, after its own retries).
 *
 * @since 0.1.0
 * @category errors
 */
export type WatchError = OperationNotFound | WaitTimeout | PolicyExhausted | OperationsClient.Error

/**
 * What a watch can start from: an operation's name, or the operation a start call returned (a snapshot,
 * typed as its schema says). A snapshot that is already done ends the watch at once, without a request; a
 * running one is the watch's first snapshot, and the first request comes after the schedule's first delay.
 *
 * @since 0.1.0
 * @category models
 */
export type Target<M = Any.Any, R = Any.Any> = string | Operation.Operation<M, R>

// -----------------------------------------------------------------------------
// options
// -----------------------------------------------------------------------------

/**
 * Options of a watch.
 *
 * @since 0.1.0
 * @category models
 */
export interface WatchOptions<M = Any.Any, R = Any.Any, I = unknown> {
  /**
   * The delays between polls after the first (immediate) one: any `Schedule`, fed each poll's outcome
   * (`Policy.PollOutcome`). The watch runs it through `Policy.forWatch` (stop on errors polling cannot fix,
   * `failureBackoff`, server hints up to `maxHint`). Defaults to `Policy.defaultPolicy`.
   */
  readonly schedule?: Schedule.Schedule<unknown, Policy.PollOutcome> | undefined
  /**
   * The longest the whole watch may take. None by default: a watch never gives up before you say so. When
   * the next poll would come after it (the schedule's, or a server hint's), the watch ends at once with
   * `WaitTimeout` instead of sleeping.
   */
  readonly timeout?: Duration.DurationInput | undefined
  /** Emit only snapshots whose state or metadata changed (the done snapshot always comes). */
  readonly onlyChanges?: boolean | undefined
  /**
   * When the watch is interrupted before the operation is done (a timeout, its scope closing, a race it
   * lost, Ctrl-C), send `:cancel`, read the operation once more and hand that state to `onCancelled`, all
   * within `cancelTimeout`. A watch that loses a race inside the layer that provides its client may see
   * that layer close first: wrap the effect that owns the race with {@link cancelOnInterrupt} instead.
   */
  readonly cancelOnInterrupt?: boolean | undefined
  /** Receives what the cancel sent by `cancelOnInterrupt` gave: the state read after it, and whether the server answered it. */
  readonly onCancelled?: OnCancelled | undefined
  /**
   * The most the cancel and the read after it may take together, after which the interrupt completes
   * whatever the server does. Defaults to {@link defaultCancelTimeout} (5 seconds).
   */
  readonly cancelTimeout?: Duration.DurationInput | undefined
  /** The schema of a typed operation (`Operation.schema({ metadata, response })`). */
  readonly schema?: Schema.Schema<Operation.Operation<M, R>, I> | undefined
  /**
   * How the client retries one poll. Defaults to `RetryPolicy.none`: a failed poll is retried by the
   * watch's next poll (see `failureBackoff`), so a storm of 503s never multiplies requests.
   */
  readonly retryPolicy?: RetryPolicy.RetryPolicy | undefined
  /**
   * The longest gap of `Policy.backoffOnFailure` while polls fail, or `false` to retry at the schedule's
   * next poll. Defaults to `Policy.defaultFailureBackoff` (45 seconds).
   */
  readonly failureBackoff?: Duration.DurationInput | false | undefined
  /** The longest delay a server hint may impose on a poll. Defaults to `Policy.defaultMaxHint` (60 seconds). */
  readonly maxHint?: Duration.DurationInput | undefined
  /**
   * Whether a poll is a `POST {name}:wait` where the client's service profile has it (Cloud Run v2,
   * Translation v3, Vertex AI): a long poll, bounded by the time left before `timeout` and by one attempt of
   * the client, that answers as soon as the operation is done. It counts as a poll: the schedule sees its
   * answer as it sees a get's. The first time it fails in a watch (UNIMPLEMENTED, a service without it, or
   * any other failure), that watch polls with get from then on, starting at once. Defaults to true;
   * `watchAll` never uses it.
   */
  readonly useWait?: boolean | undefined
}

type BaseOptions = Omit<WatchOptions, "schema">

const changed = <M, R>(previous: Operation.Operation<M, R> | undefined, next: Operation.Operation<M, R>) =>
  previous === undefined || previous._tag !== next._tag || !jsonEqual(previous.metadata, next.metadata)

/** What the watch does after a poll: end with the done operation, stop with an error, or poll again. */
type Verdict<M, R> =
  | { readonly _tag: "Done"; readonly operation: Operation.Done<M, R> }
  | { readonly _tag: "Stop"; readonly error: WatchError }
  | { readonly _tag: "Again"; readonly state: unknown; readonly at: number }

/** What a poller needs to judge its polls; `watch` and `watchAll` share it, so they follow the same rules. */
interface Judge {
  readonly policy: Policy.WatchPolicy
  /** When the watch times out (epoch ms; Infinity without a timeout). */
  readonly deadline: number
  readonly timeout: Duration.Duration | undefined
}

const judgeOf = (options: BaseOptions, start: number): Judge => {
  const timeout = options.timeout === undefined ? undefined : Duration.decode(options.timeout)
  return {
    policy: Policy.forWatch(options.schedule ?? Policy.defaultPolicy, {
      failureBackoff: options.failureBackoff,
      maxHint: options.maxHint
    }),
    timeout,
    deadline: timeout === undefined ? Infinity : start + Duration.toMillis(timeout)
  }
}

// The watch builds its errors from snapshots it decoded, so they skip the constructor's validation (a
// snapshot or a Status field compiles a validator on each call).
const timedOut = (
  name: string,
  timeout: Duration.Duration | undefined,
  polls: number,
  last: Operation.Operation<unknown, unknown> | undefined
) => new WaitTimeout({ operation: name, timeout: timeout ?? Duration.infinity, polls, lastSnapshot: Option.fromNullable(last) }, true)

/** The error a watch ends with when its policy stops after this outcome. */
const stopped = <M, R>(name: string, outcome: Policy.PollOutcome<M, R>): WatchError => {
  if (outcome._tag === "Answered") {
    return new PolicyExhausted({ operation: name, polls: outcome.polls, lastSnapshot: Option.some(outcome.operation) }, true)
  }
  if (OperationsError.isNotFound(outcome.error)) {
    return new OperationNotFound({
      operation: name,
      polls: outcome.polls,
      lastSnapshot: outcome.last,
      cause: outcome.error
    }, true)
  }
  return outcome.error
}

/** Feeds one poll's outcome to the policy: done, stop or again. */
const judge = <M, R>(
  rules: Judge,
  name: string,
  watch: { readonly state: unknown; readonly last: Operation.Operation<M, R> | undefined; readonly polls: number },
  result: Either.Either<Operation.Operation<M, R>, OperationsClient.Error>
): Effect.Effect<Verdict<M, R>> =>
  Effect.gen(function*() {
    if (Either.isRight(result) && Operation.isDone(result.right)) return { _tag: "Done", operation: result.right } as const
    const now = yield* Clock.currentTimeMillis
    const remaining = Duration.millis(Math.max(0, rules.deadline - now))
    const outcome: Policy.PollOutcome<M, R> = Either.isRight(result)
      ? { _tag: "Answered", operation: result.right, polls: watch.polls, remaining }
      : { _tag: "Failed", error: result.left, last: Option.fromNullable(watch.last), polls: watch.polls, remaining }
    const next = yield* nextPollAt(rules.policy, watch.state, now, outcome)
    if (Option.isNone(next)) return { _tag: "Stop", error: stopped(name, outcome) } as const
    const [state, at] = next.value
    if (at >= rules.deadline) {
      const last = outcome._tag === "Answered" ? outcome.operation : watch.last
      return { _tag: "Stop", error: timedOut(name, rules.timeout, watch.polls, last) } as const
    }
    if (outcome._tag === "Failed") yield* Effect.logDebug(`polling ${name} failed, trying again: ${outcome.error.message}`)
    return { _tag: "Again", state, at } as const
  })

// -----------------------------------------------------------------------------
// watch
// -----------------------------------------------------------------------------

interface WatchState<M, R> {
  readonly state: unknown
  readonly last: Operation.Operation<M, R> | undefined
  readonly polls: number
  readonly nextAt: number
  readonly finished: boolean
}

/**
 * A Stream of snapshots of one operation, given by name or by the snapshot a start call returned (see
 * {@link Target}; with a `schema`, typed as it says). The first poll is immediate, later ones follow the schedule,
 * which sees what each poll gave; the stream ends after emitting the done snapshot (an operation already
 * done gives one element). With the default composition (`Policy.forWatch`), transient failures
 * (UNAVAILABLE, transport, RESOURCE_EXHAUSTED) skip a poll and the watch goes on, backing off while they last
 * (`failureBackoff`) and no sooner than the server asked (up to `maxHint`); NOT_FOUND fails with
 * `OperationNotFound`; other errors fail the stream; a policy that gives up fails it with `PolicyExhausted`.
 * Interrupting the stream stops everything at once, the request in flight included.
 *
 * @example
 * ```ts
 * import { OperationPoller } from "@longrunning/polling"
 * import { Effect, Stream } from "effect"
 *
 * const program = OperationPoller.watch("projects/p/regions/us-central1/operations/op-1").pipe(
 *   Stream.runForEach((op) => Effect.log(op._tag))
 * )
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export function watch(
  target: Target,
  options?: WatchOptions
): Stream.Stream<Operation.Operation, WatchError, OperationsClient.OperationsClient>
export function watch<M, R, I>(
  target: Target<M, R>,
  options: WatchOptions<M, R, I> & { readonly schema: Schema.Schema<Operation.Operation<M, R>, I> }
): Stream.Stream<Operation.Operation<M, R>, WatchError, OperationsClient.OperationsClient>
export function watch<M, R, I>(
  target: Target<M, R>,
  options?: WatchOptions<M, R, I>
): Stream.Stream<Operation.Operation<M, R> | Operation.Operation, WatchError, OperationsClient.OperationsClient> {
  const { schema, ...rest } = options ?? {}
  return schema === undefined
    ? watchImpl(untypedTarget(target), rest, Operation.Operation)
    : watchImpl(typedTarget(target), rest, schema)
}

/** What a watch starts from: an operation's name, and the snapshot a start call returned, if any. */
interface Seed<M, R> {
  readonly name: string
  readonly snapshot: Option.Option<Operation.Operation<M, R>>
}

const typedTarget = <M, R>(target: Target<M, R>): Seed<M, R> =>
  typeof target === "string" ? { name: target, snapshot: Option.none() } : { name: target.name, snapshot: Option.some(target) }

const isUntyped = Schema.is(Operation.Operation)

// Without a schema the snapshot is the untyped one the overload asked for; a value that is not (it was
// typed after all) is polled for instead of trusted.
const untypedTarget = (target: Target<unknown, unknown>): Seed<Any.Any, Any.Any> =>
  typeof target === "string"
    ? { name: target, snapshot: Option.none() }
    : { name: target.name, snapshot: Option.liftPredicate(target, isUntyped) }

const watchImpl = <M, R, I>(
  seed: Seed<M, R>,
  options: BaseOptions,
  schema: Schema.Schema<Operation.Operation<M, R>, I>
): Stream.Stream<Operation.Operation<M, R>, WatchError, OperationsClient.OperationsClient> =>
  Option.match(seed.snapshot, {
    onNone: () => poll(seed.name, options, schema, Option.none()),
    onSome: (snapshot) =>
      // a snapshot that is already done ends the watch at once, without a request
      Operation.isDone(snapshot) ? Stream.succeed(snapshot) : poll(seed.name, options, schema, Option.some(snapshot))
  })

const poll = <M, R, I>(
  name: string,
  options: BaseOptions,
  schema: Schema.Schema<Operation.Operation<M, R>, I>,
  snapshot: Option.Option<Operation.Operation<M, R>>
): Stream.Stream<Operation.Operation<M, R>, WatchError, OperationsClient.OperationsClient> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const client = yield* OperationsClient.OperationsClient
    const retryPolicy = options.retryPolicy ?? RetryPolicy.none
    const start = yield* Clock.currentTimeMillis
    const rules = judgeOf(options, start)
    let latest: WatchState<M, R> | undefined

    if (options.cancelOnInterrupt === true) {
      yield* Effect.addFinalizer((exit) =>
        Exit.isInterrupted(exit) && latest?.finished !== true
          ? cancelAndReport(client, name, options)
          : Effect.void
      )
    }

    const get = Effect.either(RetryPolicy.withPolicy(client.get(name, schema), retryPolicy))
    // `:wait` until it first fails in this watch; then get, at once and from then on. A service without it
    // fails before any request (`Unsupported`), so that costs no request and no poll.
    let waiting = options.useWait !== false
    const once = (remaining: number): Effect.Effect<readonly [Either.Either<Operation.Operation<M, R>, OperationsClient.Error>, number]> => {
      if (!waiting) return Effect.map(get, (result) => [result, 1] as const)
      const timeout = remaining === Infinity ? undefined : Duration.millis(Math.max(0, remaining))
      return Effect.flatMap(
        Effect.either(RetryPolicy.withPolicy(client.wait(name, { schema, timeout }), retryPolicy)),
        (result) => {
          if (Either.isRight(result)) return Effect.succeed([result, 1] as const)
          waiting = false
          // refused before any request: no poll spent
          const spent = OperationsError.isUnsupported(result.left) || OperationsError.isInvalidName(result.left) ? 0 : 1
          return Effect.zipRight(
            spent === 0 ? Effect.void : Effect.logDebug(`:wait on ${name} failed, polling instead: ${result.left.message}`),
            Effect.map(get, (polled) => [polled, spent + 1] as const)
          )
        }
      )
    }

    const step = (watch: WatchState<M, R>): Effect.Effect<Option.Option<readonly [Operation.Operation<M, R> | undefined, WatchState<M, R>]>, WatchError> =>
      Effect.gen(function*() {
        if (watch.finished) return Option.none()
        yield* sleepUntil(watch.nextAt)
        const remaining = rules.deadline - (yield* Clock.currentTimeMillis)
        // Interrupting the watch aborts the request in flight at once (the client's exchange does), before
        // the watching fiber's finalizers (cancelOnInterrupt's among them) run.
        const attempt = once(remaining)
        const result = remaining === Infinity
          ? yield* Effect.map(attempt, Option.some)
          : yield* Effect.timeoutOption(attempt, Duration.millis(Math.max(0, remaining)))
        if (Option.isNone(result)) return yield* timedOut(name, rules.timeout, watch.polls + 1, watch.last)
        const [polled, requests] = result.value
        const polls = watch.polls + requests
        const emitted = Either.isRight(polled) && (options.onlyChanges !== true || changed(watch.last, polled.right))
          ? polled.right
          : undefined
        const last = Either.isRight(polled) ? polled.right : watch.last
        const verdict = yield* judge(rules, name, { state: watch.state, last: watch.last, polls }, polled)
        switch (verdict._tag) {
          case "Done":
            latest = { ...watch, polls, last, finished: true }
            return Option.some([emitted, latest] as const)
          case "Stop":
            return yield* verdict.error
          case "Again":
            latest = { state: verdict.state, last, polls, nextAt: verdict.at, finished: false }
            return Option.some([emitted, latest] as const)
        }
      })

    const fresh: WatchState<M, R> = { state: rules.policy.initial, last: undefined, polls: 0, nextAt: start, finished: false }
    const polled = (initial: WatchState<M, R>) => {
      latest = initial
      return Stream.unfoldEffect(initial, step).pipe(Stream.filterMap(Option.fromNullable))
    }
    if (Option.isNone(snapshot)) return polled(fresh)
    // The start call's snapshot stands for the first poll: it is emitted, and the schedule's first delay
    // comes before the first request.
    const seen = snapshot.value
    const verdict = yield* judge(rules, name, fresh, Either.right(seen))
    const first = Stream.succeed(seen)
    switch (verdict._tag) {
      case "Done":
        return first
      case "Stop":
        return Stream.concat(first, Stream.fail(verdict.error))
      case "Again":
        return Stream.concat(first, polled({ state: verdict.state, last: seen, polls: 0, nextAt: verdict.at, finished: false }))
    }
  }))

// -----------------------------------------------------------------------------
// cancel on interrupt
// -----------------------------------------------------------------------------

/**
 * What a cancel sent on interrupt gave.
 *
 * @since 0.1.0
 * @category models
 */
export interface CancelReport {
  /** The server answered the `:cancel` (with success) within the cancel timeout. */
  readonly answered: boolean
}

/**
 * Receives the operation's state read after a cancel sent on interrupt (None when it could not be read in
 * time), and whether the server answered the cancel.
 *
 * @since 0.1.0
 * @category models
 */
export type OnCancelled = (
  operation: Option.Option<Operation.Operation<unknown, unknown>>,
  cancel: CancelReport
) => Effect.Effect<void>

/**
 * The default budget of a cancel on interrupt, for the `:cancel` and the read after it together: 5 seconds.
 *
 * @example
 * ```ts
 * import { OperationPoller } from "@longrunning/polling"
 * import { Duration } from "effect"
 *
 * Duration.toSeconds(OperationPoller.defaultCancelTimeout) // 5
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultCancelTimeout: Duration.Duration = Duration.seconds(5)

/**
 * Options of {@link cancelOnInterrupt}.
 *
 * @since 0.1.0
 * @category models
 */
export interface CancelOptions {
  /** Receives the state read after the cancel, and whether the server answered it; logged otherwise. */
  readonly onCancelled?: OnCancelled | undefined
  /** The most the cancel and the read after it may take together. Defaults to {@link defaultCancelTimeout}. */
  readonly cancelTimeout?: Duration.DurationInput | undefined
}

const cancelAndReport = (client: OperationsClient.Service, name: string, options: CancelOptions) =>
  Effect.gen(function*() {
    let answered = false
    const exchange = Effect.gen(function*() {
      answered = Exit.isSuccess(yield* Effect.exit(client.cancel(name)))
      return yield* Effect.option(client.get(name, Operation.Operation))
    })
    // A finalizer is uninterruptible: the exchange runs in a fiber of its own, made interruptible, so that
    // the timeout can end it at once even when its request is slow to abort.
    const after = yield* exchange.pipe(
      Effect.disconnect,
      Effect.interruptible,
      Effect.timeoutOption(options.cancelTimeout ?? defaultCancelTimeout),
      Effect.map(Option.flatten)
    )
    const report: CancelReport = { answered }
    if (options.onCancelled !== undefined) return yield* options.onCancelled(after, report)
    yield* Effect.logInfo(
      !answered
        ? `the cancel of ${name} got no answer`
        : Option.match(after, {
          onNone: () => `cancel sent for ${name}; its state could not be read`,
          onSome: (op) => `cancel sent for ${name}; it is now ${op._tag}`
        })
    )
  })

/**
 * Sends `:cancel` for an operation when `self` is interrupted, then reads it once more and hands that state
 * to `onCancelled`, all within `cancelTimeout` (5 seconds by default). The cancel runs in the fiber that runs
 * `self`, before the finalizers of what encloses it: wrap the effect that owns the client's layer, or a
 * race the watch may lose, so that the client is still open when the cancel goes out.
 *
 * @example
 * ```ts
 * import { OperationPoller } from "@longrunning/polling"
 * import { Effect, Stream } from "effect"
 *
 * const name = "projects/p/regions/us-central1/operations/1"
 * const ticker = Effect.forever(Effect.sleep("1 second"))
 * // the watch races a ticker; interrupting the whole race cancels the operation
 * const program = Stream.runDrain(OperationPoller.watch(name)).pipe(
 *   Effect.raceFirst(ticker),
 *   OperationPoller.cancelOnInterrupt(name, {
 *     onCancelled: (after, cancel) => Effect.log(cancel.answered ? "cancel sent" : "the cancel got no answer")
 *   })
 * )
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const cancelOnInterrupt = (name: string, options: CancelOptions = {}) =>
<A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | OperationsClient.OperationsClient> =>
  Effect.flatMap(OperationsClient.OperationsClient, (client) =>
    Effect.onInterrupt(self, () => cancelAndReport(client, name, options)))

// -----------------------------------------------------------------------------
// waiting
// -----------------------------------------------------------------------------

/**
 * The done operation, derived from `watch` (its last snapshot).
 *
 * @example
 * ```ts
 * import { OperationPoller } from "@longrunning/polling"
 *
 * const done = OperationPoller.wait("projects/p/regions/us-central1/operations/op-1", { timeout: "30 minutes" })
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export function wait(
  target: Target,
  options?: WatchOptions
): Effect.Effect<Operation.Done, WatchError, OperationsClient.OperationsClient>
export function wait<M, R, I>(
  target: Target<M, R>,
  options: WatchOptions<M, R, I> & { readonly schema: Schema.Schema<Operation.Operation<M, R>, I> }
): Effect.Effect<Operation.Done<M, R>, WatchError, OperationsClient.OperationsClient>
export function wait<M, R, I>(
  target: Target<M, R>,
  options?: WatchOptions<M, R, I>
): Effect.Effect<Operation.Done<M, R> | Operation.Done, WatchError, OperationsClient.OperationsClient> {
  const { schema, ...rest } = options ?? {}
  return schema === undefined
    ? waitImpl(untypedTarget(target), rest, Operation.Operation)
    : waitImpl(typedTarget(target), rest, schema)
}

const waitImpl = <M, R, I>(
  seed: Seed<M, R>,
  options: BaseOptions,
  schema: Schema.Schema<Operation.Operation<M, R>, I>
): Effect.Effect<Operation.Done<M, R>, WatchError, OperationsClient.OperationsClient> =>
  Effect.flatMap(
    Stream.runLast(watchImpl(seed, { ...options, onlyChanges: true }, schema)),
    (last) =>
      Option.isSome(last) && Operation.isDone(last.value)
        ? Effect.succeed(last.value)
        : Effect.dieMessage(`the watch of ${seed.name} ended without a done snapshot`)
  )

/**
 * The result of the operation: its response when it succeeded (None when it was done without one), or
 * `OperationFailed` with its Status.
 *
 * @example
 * ```ts
 * import { OperationPoller } from "@longrunning/polling"
 * import { Dataproc, Operation } from "@longrunning/schema"
 *
 * const response = OperationPoller.result("projects/p/regions/us-central1/operations/op-1", {
 *   schema: Operation.schema({ metadata: Dataproc.ClusterOperationMetadata })
 * })
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export function result(
  target: Target,
  options?: WatchOptions
): Effect.Effect<Option.Option<Any.Any>, WatchError | OperationFailed, OperationsClient.OperationsClient>
export function result<M, R, I>(
  target: Target<M, R>,
  options: WatchOptions<M, R, I> & { readonly schema: Schema.Schema<Operation.Operation<M, R>, I> }
): Effect.Effect<Option.Option<R>, WatchError | OperationFailed, OperationsClient.OperationsClient>
export function result<M, R, I>(
  target: Target<M, R>,
  options?: WatchOptions<M, R, I>
): Effect.Effect<Option.Option<R | Any.Any>, WatchError | OperationFailed, OperationsClient.OperationsClient> {
  const { schema, ...rest } = options ?? {}
  if (schema === undefined) {
    const seed = untypedTarget(target)
    return resultOf(seed.name, waitImpl(seed, rest, Operation.Operation))
  }
  const seed = typedTarget(target)
  return resultOf(seed.name, waitImpl(seed, rest, schema))
}

const resultOf = <M, R, E, Req>(name: string, done: Effect.Effect<Operation.Done<M, R>, E, Req>) =>
  Effect.flatMap(done, (done): Effect.Effect<Option.Option<R>, OperationFailed> => {
    switch (done._tag) {
      case "Succeeded":
        return Effect.succeed(Option.some(done.response))
      case "DoneWithoutResult":
        return Effect.succeed(Option.none())
      case "Failed":
        return Effect.fail(new OperationFailed({ operation: name, status: done.error, snapshot: done }, true))
    }
  })

// -----------------------------------------------------------------------------
// typed handles
// -----------------------------------------------------------------------------

/**
 * Options of a {@link Handle}'s calls: a watch's options; the schema is the handle's.
 *
 * @since 0.1.0
 * @category models
 */
export type HandleOptions = Omit<WatchOptions, "schema">

/**
 * One operation with the schema of its metadata and response: what a start call returned, or a name stored
 * earlier and resumed with the same typing (as Go's `CreateClusterOperation(name)` does).
 *
 * @since 0.1.0
 * @category models
 */
export interface Handle<M, R> {
  /** The operation's name. */
  readonly name: string
  /** The snapshot the handle was made from, if it was made from one. */
  readonly snapshot: Option.Option<Operation.Operation<M, R>>
  /** {@link watch} with the handle's schema. */
  readonly watch: (options?: HandleOptions) => Stream.Stream<Operation.Operation<M, R>, WatchError, OperationsClient.OperationsClient>
  /** {@link wait} with the handle's schema. */
  readonly wait: (options?: HandleOptions) => Effect.Effect<Operation.Done<M, R>, WatchError, OperationsClient.OperationsClient>
  /** {@link result} with the handle's schema. */
  readonly result: (
    options?: HandleOptions
  ) => Effect.Effect<Option.Option<R>, WatchError | OperationFailed, OperationsClient.OperationsClient>
}

/**
 * A typed handle on an operation, from the snapshot a start call returned or from a stored name: its
 * `watch`, `wait` and `result` decode every poll with `schema`, so the metadata and response keep their
 * types when a program resumes from a name it saved.
 *
 * @example
 * ```ts
 * import { OperationPoller } from "@longrunning/polling"
 * import { Dataproc } from "@longrunning/schema"
 * import { Effect } from "effect"
 *
 * // resumed from a name stored before a restart: the same typing as the start call's snapshot
 * const cluster = OperationPoller.handle("projects/p/regions/us-central1/operations/op-1", Dataproc.DataprocOperation)
 * const program = cluster.wait({ timeout: "30 minutes" }).pipe(Effect.map((done) => done.metadata))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const handle = <M, R, I>(target: Target<M, R>, schema: Schema.Schema<Operation.Operation<M, R>, I>): Handle<M, R> => {
  const seed = typedTarget(target)
  return {
    name: seed.name,
    snapshot: seed.snapshot,
    watch: (options = {}) => watchImpl(seed, options, schema),
    wait: (options = {}) => waitImpl(seed, options, schema),
    result: (options = {}) => resultOf(seed.name, waitImpl(seed, options, schema))
  }
}

// -----------------------------------------------------------------------------
// many operations
// -----------------------------------------------------------------------------

/**
 * An event of `watchAll`: a snapshot of one of the operations, or the end of its watch in error.
 *
 * @since 0.1.0
 * @category models
 */
export type WatchAllEvent<M = Any.Any, R = Any.Any> =
  | { readonly _tag: "Snapshot"; readonly name: string; readonly operation: Operation.Operation<M, R> }
  | { readonly _tag: "WatchFailed"; readonly name: string; readonly error: WatchError }

/**
 * Options of `watchAll`.
 *
 * @since 0.1.0
 * @category models
 */
export interface WatchAllOptions<M = Any.Any, R = Any.Any, I = unknown>
  extends Omit<WatchOptions<M, R, I>, "cancelOnInterrupt" | "onCancelled" | "cancelTimeout">
{
  /** Requests in flight at most, across all watches. Defaults to 16. */
  readonly concurrency?: number | undefined
  /** Requests per second at most, across all watches (a shared budget that keeps you under a quota). */
  readonly requestsPerSecond?: number | undefined
  /**
   * The first polls are spread at random over this window so that many watches started together do not
   * poll in a burst. Defaults to 1 second; zero polls them all at once.
   */
  readonly spread?: Duration.DurationInput | undefined
}

interface Entry<M, R> {
  readonly name: string
  at: number
  state: unknown
  last: Operation.Operation<M, R> | undefined
  polls: number
}

/**
 * Watches many operations with one scheduler: a priority queue of due polls, bounded concurrency and an
 * optional shared request budget, and no fiber or stream per operation (each costs only its entry and last
 * snapshot). Emits snapshots tagged by name, and `WatchFailed` for a watch that ended in error while the
 * others go on; the stream ends when every watch has ended.
 *
 * @example
 * ```ts
 * import { OperationPoller } from "@longrunning/polling"
 * import { Stream } from "effect"
 *
 * const events = OperationPoller.watchAll(["projects/p/regions/r/operations/a", "projects/p/regions/r/operations/b"], {
 *   concurrency: 8,
 *   requestsPerSecond: 20
 * }).pipe(Stream.filter((event) => event._tag === "Snapshot"))
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export function watchAll(
  names: Iterable<string>,
  options?: WatchAllOptions
): Stream.Stream<WatchAllEvent, never, OperationsClient.OperationsClient>
export function watchAll<M, R, I>(
  names: Iterable<string>,
  options: WatchAllOptions<M, R, I> & { readonly schema: Schema.Schema<Operation.Operation<M, R>, I> }
): Stream.Stream<WatchAllEvent<M, R>, never, OperationsClient.OperationsClient>
export function watchAll<M, R, I>(
  names: Iterable<string>,
  options?: WatchAllOptions<M, R, I>
): Stream.Stream<WatchAllEvent<M, R> | WatchAllEvent, never, OperationsClient.OperationsClient> {
  const { schema, ...rest } = options ?? {}
  return schema === undefined ? watchAllImpl(names, rest, Operation.Operation) : watchAllImpl(names, rest, schema)
}

const watchAllImpl = <M, R, I>(
  names: Iterable<string>,
  options: Omit<WatchAllOptions, "schema">,
  schema: Schema.Schema<Operation.Operation<M, R>, I>
): Stream.Stream<WatchAllEvent<M, R>, never, OperationsClient.OperationsClient> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const client = yield* OperationsClient.OperationsClient
    const mailbox = yield* Mailbox.make<WatchAllEvent<M, R>>({ capacity: 4096 })
    const retryPolicy = options.retryPolicy ?? RetryPolicy.none
    const spread = Duration.toMillis(Duration.decode(options.spread ?? Duration.seconds(1)))
    const start = yield* Clock.currentTimeMillis
    const rules = judgeOf(options, start)
    const entries: Array<Entry<M, R>> = []
    for (const name of new Set(names)) {
      const offset = spread > 0 ? Math.floor((yield* Random.next) * spread) : 0
      entries.push({ name, at: start + offset, state: rules.policy.initial, last: undefined, polls: 0 })
    }

    const poll = (entry: Entry<M, R>): Effect.Effect<boolean> =>
      Effect.gen(function*() {
        const polled = yield* Effect.either(RetryPolicy.withPolicy(client.get(entry.name, schema), retryPolicy))
        entry.polls++
        const verdict = yield* judge(rules, entry.name, entry, polled)
        if (Either.isRight(polled)) {
          const operation = polled.right
          const emit = options.onlyChanges !== true || changed(entry.last, operation)
          entry.last = operation
          if (emit) yield* mailbox.offer({ _tag: "Snapshot", name: entry.name, operation })
        }
        switch (verdict._tag) {
          case "Done":
            return false
          case "Stop":
            yield* mailbox.offer({ _tag: "WatchFailed", name: entry.name, error: verdict.error })
            return false
          case "Again":
            entry.state = verdict.state
            entry.at = verdict.at
            return true
        }
      }).pipe(
        // A defect in a poll ends the stream with it, loudly: never a watch silently dropped.
        Effect.catchAllDefect((defect) => Effect.as(mailbox.failCause(Cause.die(defect)), false))
      )

    yield* Effect.forkScoped(
      runDue({
        entries,
        concurrency: options.concurrency ?? 16,
        requestsPerSecond: options.requestsPerSecond,
        poll
      }).pipe(
        Effect.zipRight(mailbox.end),
        Effect.catchAllCause((cause) => mailbox.failCause(cause))
      )
    )
    return Mailbox.toStream(mailbox)
  }))
