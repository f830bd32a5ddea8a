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
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FiberSet from "effect/FiberSet"
import * as Mailbox from "effect/Mailbox"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Random from "effect/Random"
import type * as Schedule from "effect/Schedule"
import type * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { DueHeap, jsonEqual, nextPollAt } from "./internal/scheduler.js"
import * as Policy from "./Policy.js"

// -----------------------------------------------------------------------------
// errors
// -----------------------------------------------------------------------------

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
export class OperationFailed extends Data.TaggedError("OperationFailed")<{
  /** The operation's name. Not `name`: that is the Error's own. */
  readonly operation: string
  readonly status: Status.Status
  /** The failed operation, as the last poll saw it. */
  readonly snapshot: Operation.Failed<unknown>
}> {
  override get message(): string {
    return `operation ${this.operation} failed: ${Status.format(this.status)}`
  }
}

/**
 * The wait ran out of time before the operation was done.
 *
 * @since 0.1.0
 * @category errors
 */
export class WaitTimeout extends Data.TaggedError("WaitTimeout")<{
  /** The operation's name. Not `name`: that is the Error's own. */
  readonly operation: string
  readonly timeout: Duration.Duration
  readonly polls: number
  /** The last snapshot seen, if any poll succeeded. */
  readonly lastSnapshot: Option.Option<Operation.Operation<unknown, unknown>>
}> {
  override get message(): string {
    const polls = `${this.polls} ${this.polls === 1 ? "poll" : "polls"}`
    return Duration.isFinite(this.timeout)
      ? `operation ${this.operation} was not done after ${Duration.format(this.timeout)} (${polls})`
      : `operation ${this.operation} was not done when its polling policy gave up (${polls})`
  }
}

/**
 * The operation is not found: it expired, was deleted, or never existed. Google keeps finished operations
 * for a limited time, so a long watch can meet this.
 *
 * @since 0.1.0
 * @category errors
 */
export class OperationNotFound extends Data.TaggedError("OperationNotFound")<{
  /** The operation's name. Not `name`: that is the Error's own. */
  readonly operation: string
  readonly polls: number
  readonly lastSnapshot: Option.Option<Operation.Operation<unknown, unknown>>
  readonly cause: OperationsError.ApiError
}> {
  override get message(): string {
    return Option.isSome(this.lastSnapshot)
      ? `operation ${this.operation} was not found after ${this.polls} polls: it may have expired or been deleted`
      : `operation ${this.operation} was not found`
  }
}

/**
 * What a watch can fail with: the operation was not found, the wait timed out, or polling could not go
 * on (the client's errors, after its own retries).
 *
 * @since 0.1.0
 * @category errors
 */
export type WatchError = OperationNotFound | WaitTimeout | OperationsClient.Error

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
  /** The delays between polls after the first (immediate) one. Defaults to `Policy.defaultPolicy`. */
  readonly schedule?: Schedule.Schedule<unknown, unknown> | undefined
  /** The longest the whole watch may take. None by default: a watch never gives up before you say so. */
  readonly timeout?: Duration.DurationInput | undefined
  /** Emit only snapshots whose state or metadata changed (the done snapshot always comes). */
  readonly onlyChanges?: boolean | undefined
  /**
   * When the watching fiber is interrupted before the operation is done, send `:cancel`, read the operation
   * once more and hand that state to `onCancelled`.
   */
  readonly cancelOnInterrupt?: boolean | undefined
  /** Receives the operation's state read after a cancel sent by `cancelOnInterrupt`. */
  readonly onCancelled?: ((operation: Option.Option<Operation.Operation<unknown, unknown>>) => Effect.Effect<void>) | undefined
  /** The schema of a typed operation (`Operation.schema({ metadata, response })`). */
  readonly schema?: Schema.Schema<Operation.Operation<M, R>, I> | undefined
  /**
   * How the client retries one poll. Defaults to `RetryPolicy.none`: a failed poll is retried by the
   * watch's next poll (see `failureBackoff`), so a storm of 503s never multiplies requests.
   */
  readonly retryPolicy?: RetryPolicy.RetryPolicy | undefined
  /**
   * Backing off while polls fail: after `k` transient failures in a row the gap before the next poll is
   * the schedule's own gap times 2^k, up to this longest gap (never shorter than the schedule's gap, never
   * sooner than the server asked); the first answer returns the watch to its schedule. A backed-off poll
   * that would fall after the `timeout` is made at the schedule's time instead, so the backoff never costs
   * the last poll. Defaults to {@link defaultFailureBackoff} (45 seconds). `false` retries at the
   * schedule's next poll.
   */
  readonly failureBackoff?: Duration.DurationInput | false | undefined
}

/**
 * The default longest gap of the failure backoff: 45 seconds. During an outage a watch polls less often than
 * its schedule would have (never more often). Once the outage ends it polls again within the longer of 45
 * seconds and its schedule's own gap (and no sooner than the server asked): with the default policy, within
 * one period of its 60-second cap, with room for the scheduler's own delays.
 *
 * @example
 * ```ts
 * import { OperationPoller } from "@longrunning/polling"
 * import { Duration } from "effect"
 *
 * const cap = Duration.toSeconds(OperationPoller.defaultFailureBackoff) // 45
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultFailureBackoff: Duration.Duration = Duration.seconds(45)

/** The longest gap of the failure backoff in milliseconds; undefined when it is off. */
const failureBackoffMillis = (option: Duration.DurationInput | false | undefined): number | undefined =>
  option === false ? undefined : Duration.toMillis(Duration.decode(option ?? defaultFailureBackoff))

type BaseOptions = Omit<WatchOptions, "schema">

/**
 * Errors that stop one poll but not the watch: it tries again later (`failureBackoff`, and no sooner than
 * the server said). NOT_FOUND and every other error end the watch.
 *
 * @since 0.1.0
 * @category guards
 */
export const isTransient = (error: OperationsClient.Error): boolean =>
  OperationsError.isRetryable(error) || OperationsError.isResourceExhausted(error)

const hintMillis = (error: OperationsClient.Error): number =>
  error._tag === "ApiError" ? Option.match(error.retryAfter, { onNone: () => 0, onSome: Duration.toMillis }) : 0

const changed = <M, R>(previous: Operation.Operation<M, R> | undefined, next: Operation.Operation<M, R>) =>
  previous === undefined || previous._tag !== next._tag || !jsonEqual(previous.metadata, next.metadata)

/** What one poll means for a watch; `watch` and `watchAll` share it, so they follow the same rules. */
type PollOutcome<M, R> =
  | { readonly _tag: "Done"; readonly operation: Operation.Operation<M, R>; readonly emit: boolean }
  | {
    readonly _tag: "Again"
    readonly operation: Operation.Operation<M, R> | undefined
    readonly emit: boolean
    readonly schedule: unknown
    readonly at: number
    /** Transient failures in a row, this poll's included (0 after an answer). */
    readonly failures: number
  }
  | { readonly _tag: "Stop"; readonly error: WatchError }

const afterPoll = <M, R>(options: {
  readonly name: string
  readonly schedule: Schedule.Schedule<unknown, unknown>
  readonly state: unknown
  readonly last: Operation.Operation<M, R> | undefined
  readonly polls: number
  /** Transient failures in a row before this poll. */
  readonly failures: number
  /** The failure backoff's longest gap (ms), or undefined when it is off. */
  readonly backoffMax: number | undefined
  /** When the watch times out (epoch ms; Infinity without a timeout). */
  readonly deadline: number
  readonly onlyChanges: boolean | undefined
  readonly giveUp: () => WatchError
}, result: Either.Either<Operation.Operation<M, R>, OperationsClient.Error>): Effect.Effect<PollOutcome<M, R>> =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    if (Either.isLeft(result)) {
      const error = result.left
      if (OperationsError.isNotFound(error)) {
        return {
          _tag: "Stop",
          error: new OperationNotFound({
            operation: options.name,
            polls: options.polls,
            lastSnapshot: Option.fromNullable(options.last),
            cause: error
          })
        } as const
      }
      if (!isTransient(error)) return { _tag: "Stop", error } as const
      yield* Effect.logDebug(`polling ${options.name} failed, trying again: ${error.message}`)
      const failures = options.failures + 1
      const next = yield* nextPollAt(options.schedule, options.state, now, undefined, 0)
      return Option.match(next, {
        onNone: (): PollOutcome<M, R> => ({ _tag: "Stop", error }),
        onSome: ([schedule, at]): PollOutcome<M, R> => {
          const hint = hintMillis(error)
          const scheduled = Math.max(at, now + hint)
          const backed = now + Math.max(backedOff(at - now, failures, options.backoffMax), hint)
          // the backoff never costs the watch its last poll before the deadline
          const next = backed >= options.deadline && scheduled < options.deadline ? scheduled : backed
          return { _tag: "Again", operation: undefined, emit: false, schedule, at: next, failures }
        }
      })
    }
    const operation = result.right
    const emit = options.onlyChanges !== true || changed(options.last, operation)
    if (Operation.isDone(operation)) return { _tag: "Done", operation, emit } as const
    const next = yield* nextPollAt(options.schedule, options.state, now, undefined, 0)
    return Option.match(next, {
      onNone: (): PollOutcome<M, R> => ({ _tag: "Stop", error: options.giveUp() }),
      onSome: ([schedule, at]): PollOutcome<M, R> => ({ _tag: "Again", operation, emit, schedule, at, failures: 0 })
    })
  })

/** The gap after `failures` failed polls in a row: the schedule's gap doubled per failure, up to `max`. */
const backedOff = (gap: number, failures: number, max: number | undefined): number =>
  max === undefined || gap >= max ? gap : Math.min(gap * 2 ** Math.min(failures, 30), max)

// -----------------------------------------------------------------------------
// watch
// -----------------------------------------------------------------------------

interface WatchState<M, R> {
  readonly schedule: unknown
  readonly last: Operation.Operation<M, R> | undefined
  readonly polls: number
  readonly failures: number
  readonly nextAt: number
  readonly finished: boolean
}

/**
 * A Stream of snapshots of one operation. The first poll is immediate, later ones follow the schedule;
 * the stream ends after emitting the done snapshot (an operation already done gives one element).
 * Transient failures (UNAVAILABLE, transport, RESOURCE_EXHAUSTED) skip a poll and the watch goes on, backing
 * off while they last (`failureBackoff`) and no sooner than the server asked; NOT_FOUND fails with
 * `OperationNotFound`; other errors fail the stream.
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
  name: string,
  options?: WatchOptions
): Stream.Stream<Operation.Operation, WatchError, OperationsClient.OperationsClient>
export function watch<M, R, I>(
  name: string,
  options: WatchOptions<M, R, I> & { readonly schema: Schema.Schema<Operation.Operation<M, R>, I> }
): Stream.Stream<Operation.Operation<M, R>, WatchError, OperationsClient.OperationsClient>
export function watch<M, R, I>(
  name: string,
  options?: WatchOptions<M, R, I>
): Stream.Stream<Operation.Operation<M, R> | Operation.Operation, WatchError, OperationsClient.OperationsClient> {
  const { schema, ...rest } = options ?? {}
  return schema === undefined ? watchImpl(name, rest, Operation.Operation) : watchImpl(name, rest, schema)
}

const watchImpl = <M, R, I>(
  name: string,
  options: BaseOptions,
  schema: Schema.Schema<Operation.Operation<M, R>, I>
): Stream.Stream<Operation.Operation<M, R>, WatchError, OperationsClient.OperationsClient> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const client = yield* OperationsClient.OperationsClient
    const schedule = options.schedule ?? Policy.defaultPolicy
    const retryPolicy = options.retryPolicy ?? RetryPolicy.none
    const backoffMax = failureBackoffMillis(options.failureBackoff)
    const start = yield* Clock.currentTimeMillis
    const timeout = options.timeout === undefined ? undefined : Duration.decode(options.timeout)
    const deadline = timeout === undefined ? Infinity : start + Duration.toMillis(timeout)
    let latest: WatchState<M, R> | undefined

    if (options.cancelOnInterrupt === true) {
      yield* Effect.addFinalizer((exit) =>
        Exit.isInterrupted(exit) && latest?.finished !== true
          ? cancelAndReport(client, name, schema, options.onCancelled)
          : Effect.void
      )
    }

    const timedOut = (state: WatchState<M, R>) =>
      new WaitTimeout({ operation: name, timeout: timeout ?? Duration.infinity, polls: state.polls, lastSnapshot: Option.fromNullable(state.last) })

    const step = (state: WatchState<M, R>): Effect.Effect<Option.Option<readonly [Operation.Operation<M, R> | undefined, WatchState<M, R>]>, WatchError> =>
      Effect.gen(function*() {
        if (state.finished) return Option.none()
        const now = yield* Clock.currentTimeMillis
        const wait = Math.min(state.nextAt, deadline) - now
        if (wait > 0) yield* Effect.sleep(Duration.millis(wait))
        if (state.nextAt >= deadline) return yield* timedOut(state)
        const remaining = deadline - (yield* Clock.currentTimeMillis)
        // Interrupting the watch aborts the request in flight at once (the client's exchange does), before
        // the watching fiber's finalizers (cancelOnInterrupt's among them) run.
        const attempt = Effect.either(RetryPolicy.withPolicy(client.get(name, schema), retryPolicy))
        const polled = remaining === Infinity
          ? Effect.map(attempt, Option.some)
          : Effect.timeoutOption(attempt, Duration.millis(Math.max(0, remaining)))
        const result = yield* polled
        const polls = state.polls + 1
        if (Option.isNone(result)) return yield* timedOut({ ...state, polls })
        const outcome = yield* afterPoll({
          name,
          schedule,
          state: state.schedule,
          last: state.last,
          polls,
          failures: state.failures,
          backoffMax,
          deadline,
          onlyChanges: options.onlyChanges,
          giveUp: () => timedOut({ ...state, polls })
        }, result.value)
        switch (outcome._tag) {
          case "Stop":
            return yield* outcome.error
          case "Done":
            latest = { ...state, polls, last: outcome.operation, finished: true }
            return Option.some([outcome.emit ? outcome.operation : undefined, latest] as const)
          case "Again":
            latest = {
              schedule: outcome.schedule,
              last: outcome.operation ?? state.last,
              polls,
              failures: outcome.failures,
              nextAt: outcome.at,
              finished: false
            }
            return Option.some([outcome.emit ? outcome.operation : undefined, latest] as const)
        }
      })

    const initial: WatchState<M, R> = {
      schedule: schedule.initial,
      last: undefined,
      polls: 0,
      failures: 0,
      nextAt: start,
      finished: false
    }
    latest = initial
    return Stream.unfoldEffect(initial, step).pipe(Stream.filterMap(Option.fromNullable))
  }))

const cancelAndReport = <M, R, I>(
  client: OperationsClient.Service,
  name: string,
  schema: Schema.Schema<Operation.Operation<M, R>, I>,
  onCancelled: ((operation: Option.Option<Operation.Operation<unknown, unknown>>) => Effect.Effect<void>) | undefined
) =>
  Effect.gen(function*() {
    yield* Effect.ignore(client.cancel(name))
    const after = yield* Effect.option(client.get(name, schema))
    if (onCancelled !== undefined) yield* onCancelled(after)
    else {
      yield* Effect.logInfo(
        Option.match(after, {
          onNone: () => `cancel sent for ${name}; its state could not be read`,
          onSome: (op) => `cancel sent for ${name}; it is now ${op._tag}`
        })
      )
    }
  }).pipe(Effect.timeout(Duration.seconds(30)), Effect.ignore)

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
  name: string,
  options?: WatchOptions
): Effect.Effect<Operation.Done, WatchError, OperationsClient.OperationsClient>
export function wait<M, R, I>(
  name: string,
  options: WatchOptions<M, R, I> & { readonly schema: Schema.Schema<Operation.Operation<M, R>, I> }
): Effect.Effect<Operation.Done<M, R>, WatchError, OperationsClient.OperationsClient>
export function wait<M, R, I>(
  name: string,
  options?: WatchOptions<M, R, I>
): Effect.Effect<Operation.Done<M, R> | Operation.Done, WatchError, OperationsClient.OperationsClient> {
  const { schema, ...rest } = options ?? {}
  return schema === undefined ? waitImpl(name, rest, Operation.Operation) : waitImpl(name, rest, schema)
}

const waitImpl = <M, R, I>(
  name: string,
  options: BaseOptions,
  schema: Schema.Schema<Operation.Operation<M, R>, I>
): Effect.Effect<Operation.Done<M, R>, WatchError, OperationsClient.OperationsClient> =>
  Effect.flatMap(
    Stream.runLast(watchImpl(name, { ...options, onlyChanges: true }, schema)),
    (last) =>
      Option.isSome(last) && Operation.isDone(last.value)
        ? Effect.succeed(last.value)
        : Effect.dieMessage(`the watch of ${name} ended without a done snapshot`)
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
  name: string,
  options?: WatchOptions
): Effect.Effect<Option.Option<Any.Any>, WatchError | OperationFailed, OperationsClient.OperationsClient>
export function result<M, R, I>(
  name: string,
  options: WatchOptions<M, R, I> & { readonly schema: Schema.Schema<Operation.Operation<M, R>, I> }
): Effect.Effect<Option.Option<R>, WatchError | OperationFailed, OperationsClient.OperationsClient>
export function result<M, R, I>(
  name: string,
  options?: WatchOptions<M, R, I>
): Effect.Effect<Option.Option<R | Any.Any>, WatchError | OperationFailed, OperationsClient.OperationsClient> {
  const { schema, ...rest } = options ?? {}
  return schema === undefined
    ? resultOf(name, waitImpl(name, rest, Operation.Operation))
    : resultOf(name, waitImpl(name, rest, schema))
}

const resultOf = <M, R, E, Req>(name: string, done: Effect.Effect<Operation.Done<M, R>, E, Req>) =>
  Effect.flatMap(done, (done): Effect.Effect<Option.Option<R>, OperationFailed> => {
    switch (done._tag) {
      case "Succeeded":
        return Effect.succeed(Option.some(done.response))
      case "DoneWithoutResult":
        return Effect.succeed(Option.none())
      case "Failed":
        return Effect.fail(new OperationFailed({ operation: name, status: done.error, snapshot: done }))
    }
  })

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
  extends Omit<WatchOptions<M, R, I>, "cancelOnInterrupt" | "onCancelled">
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

const tick = 25

interface Entry<M, R> {
  readonly name: string
  at: number
  schedule: unknown
  last: Operation.Operation<M, R> | undefined
  polls: number
  failures: number
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
    // A defect in the scheduler or a poll ends the stream with it, loudly: never a watch silently dropped.
    yield* Effect.forkScoped(
      runScheduler(client, names, options, schema, mailbox).pipe(
        Effect.catchAllCause((cause) => mailbox.failCause(cause))
      )
    )
    return Mailbox.toStream(mailbox)
  }))

const runScheduler = <M, R, I>(
  client: OperationsClient.Service,
  names: Iterable<string>,
  options: Omit<WatchAllOptions, "schema">,
  schema: Schema.Schema<Operation.Operation<M, R>, I>,
  mailbox: Mailbox.Mailbox<WatchAllEvent<M, R>>
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function*() {
    const schedule = options.schedule ?? Policy.defaultPolicy
    const retryPolicy = options.retryPolicy ?? RetryPolicy.none
    const backoffMax = failureBackoffMillis(options.failureBackoff)
    const concurrency = Math.max(1, options.concurrency ?? 16)
    const rate = options.requestsPerSecond
    const spread = Duration.toMillis(Duration.decode(options.spread ?? Duration.seconds(1)))
    const timeout = options.timeout === undefined ? undefined : Duration.decode(options.timeout)
    const start = yield* Clock.currentTimeMillis
    const deadline = timeout === undefined ? Infinity : start + Duration.toMillis(timeout)
    const heap = new DueHeap<Entry<M, R>>()
    for (const name of new Set(names)) {
      const offset = spread > 0 ? Math.floor((yield* Random.next) * spread) : 0
      heap.push({ name, at: start + offset, schedule: schedule.initial, last: undefined, polls: 0, failures: 0 })
    }
    const wake = yield* Queue.sliding<void>(1)
    const fibers = yield* FiberSet.make()
    let inFlight = 0
    // When the scheduler sleeps, until when; a poll that ends wakes it only if it must act sooner.
    let sleepingUntil = Infinity
    const signal = (at: number) => (at < sleepingUntil || inFlight >= concurrency ? wake.offer(undefined) : Effect.void)

    // Token bucket for the shared budget: refills `rate` per second, holds at most 100 ms worth (>= 1).
    const capacity = rate === undefined ? Infinity : Math.max(1, rate / 10)
    let tokens = capacity
    let refilledAt = start
    const tokenReadyAt = (now: number): number => {
      if (rate === undefined) return now
      tokens = Math.min(capacity, tokens + ((now - refilledAt) * rate) / 1000)
      refilledAt = now
      return tokens >= 1 ? now : now + Math.ceil(((1 - tokens) * 1000) / rate)
    }

    const finish = (entry: Entry<M, R>, error: WatchError) =>
      mailbox.offer({ _tag: "WatchFailed", name: entry.name, error })

    const timedOut = (entry: Entry<M, R>) =>
      new WaitTimeout({
        operation: entry.name,
        timeout: timeout ?? Duration.infinity,
        polls: entry.polls,
        lastSnapshot: Option.fromNullable(entry.last)
      })

    const reschedule = (entry: Entry<M, R>, [state, at]: readonly [unknown, number]) =>
      Effect.suspend(() => {
        if (at >= deadline) return finish(entry, timedOut(entry))
        entry.schedule = state
        entry.at = at
        heap.push(entry)
        return signal(at)
      })

    const poll = (entry: Entry<M, R>) =>
      Effect.gen(function*() {
        const result = yield* Effect.either(RetryPolicy.withPolicy(client.get(entry.name, schema), retryPolicy))
        entry.polls++
        const outcome = yield* afterPoll({
          name: entry.name,
          schedule,
          state: entry.schedule,
          last: entry.last,
          polls: entry.polls,
          failures: entry.failures,
          backoffMax,
          deadline,
          onlyChanges: options.onlyChanges,
          giveUp: () => timedOut(entry)
        }, result)
        if (outcome._tag === "Stop") return yield* finish(entry, outcome.error)
        const operation = outcome.operation
        if (operation !== undefined) {
          entry.last = operation
          if (outcome.emit) yield* mailbox.offer({ _tag: "Snapshot", name: entry.name, operation })
        }
        if (outcome._tag === "Again") {
          entry.failures = outcome.failures
          yield* reschedule(entry, [outcome.schedule, outcome.at])
        }
        return undefined
      }).pipe(
        Effect.ensuring(Effect.suspend(() => {
          const wasFull = inFlight >= concurrency
          inFlight--
          return wasFull || (heap.size === 0 && inFlight === 0) ? wake.offer(undefined) : Effect.void
        }))
      )

    for (;;) {
      const now = yield* Clock.currentTimeMillis
      while (inFlight < concurrency) {
        const top = heap.peek()
        if (top === undefined || top.at > now || tokenReadyAt(now) > now) break
        heap.pop()
        tokens -= 1
        inFlight++
        yield* FiberSet.run(fibers, Effect.catchAllDefect(poll(top), (defect) => mailbox.failCause(Cause.die(defect))))
      }
      if (heap.size === 0 && inFlight === 0) break
      const top = heap.peek()
      const until = top === undefined || inFlight >= concurrency ? Infinity : Math.max(top.at, tokenReadyAt(now))
      // Timers are coalesced to a 25 ms grid: 10,000 watches wake the scheduler at most 40 times a second.
      sleepingUntil = until === Infinity ? Infinity : Math.ceil(until / tick) * tick
      yield* sleepingUntil === Infinity
        ? wake.take
        : Effect.raceFirst(Effect.sleep(Duration.millis(Math.max(0, sleepingUntil - now))), wake.take)
      sleepingUntil = Infinity
    }
    yield* mailbox.end
  })
