/**
 * Polling policies: how long a watcher waits between polls of a long-running operation.
 *
 * A policy is a `Schedule` whose output is the delay it chose. The first poll is immediate and is not part
 * of the schedule; after each later step a watch feeds the schedule what the poll gave ({@link PollOutcome}),
 * and the schedule gives the delay before the next poll or stops. Server hints, the backoff while polls fail
 * and giving up are combinators on that input ({@link respectHints}, {@link backoffOnFailure},
 * {@link whileRetryable}, {@link giveUpAfter}, `Schedule.whileInput`); {@link forWatch} is what a watch runs.
 *
 * @since 0.1.0
 */
import type * as OperationsClient from "@longrunning/http/OperationsClient"
import * as OperationsError from "@longrunning/http/OperationsError"
import * as RetryPolicy from "@longrunning/http/RetryPolicy"
import type * as Operation from "@longrunning/schema/Operation"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleInterval from "effect/ScheduleInterval"

/**
 * A polling policy: a schedule of the delays between polls, which outputs each delay it chose.
 *
 * @example
 * ```ts
 * import { Policy } from "@longrunning/polling"
 *
 * const policy: Policy.Policy = Policy.fixed("5 seconds")
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Policy = Schedule.Schedule<Duration.Duration, unknown>

const toMillis = (input: Duration.DurationInput): number => Duration.toMillis(Duration.decode(input))

// Whole milliseconds: timers have no finer grain, and it keeps simulated poll times exact.
const continueAfter = (now: number, delayMillis: number) => {
  const delay = Math.max(0, Math.round(delayMillis))
  return [Duration.millis(delay), ScheduleDecision.continueWith(ScheduleInterval.after(now + delay))] as const
}

const requirePositive = (name: string, value: number): number => {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`Policy: ${name} must be a positive finite duration, got ${value} ms`)
  }
  return value
}

const requireMultiplier = (value: number): number => {
  if (!(value >= 1) || !Number.isFinite(value)) {
    throw new RangeError(`Policy: multiplier must be a finite number >= 1, got ${value}`)
  }
  return value
}

/**
 * Options of {@link exponential}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ExponentialOptions {
  /** The delay after the first poll, before jitter. */
  readonly initial: Duration.DurationInput
  /** Each delay is the previous one times this (>= 1), before jitter. */
  readonly multiplier: number
  /** The largest delay, before jitter. */
  readonly max: Duration.DurationInput
  /**
   * The fraction of each delay that may be taken off at random: the delay is `envelope × (1 − jitter × u)`
   * with `u` uniform in [0, 1). 0 (the default) is no jitter, 1 is full jitter, 0.2 gives [0.8, 1] × envelope.
   */
  readonly jitter?: number | undefined
}

/**
 * Delays that grow by a fixed factor per poll up to a cap, `min(max, initial × multiplier^n)`, each
 * optionally shortened by a random jitter; this is how Google's client libraries poll.
 *
 * @example
 * ```ts
 * import { Policy } from "@longrunning/polling"
 *
 * // 1 s, 2 s, 4 s, ... up to 30 s, each a random fraction of that (full jitter)
 * const policy = Policy.exponential({ initial: "1 second", multiplier: 2, max: "30 seconds", jitter: 1 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const exponential = (options: ExponentialOptions): Policy => {
  const initial = requirePositive("initial", toMillis(options.initial))
  const multiplier = requireMultiplier(options.multiplier)
  const max = requirePositive("max", toMillis(options.max))
  const jitter = options.jitter ?? 0
  if (!(jitter >= 0 && jitter <= 1)) {
    throw new RangeError(`Policy: jitter must be between 0 and 1, got ${jitter}`)
  }
  const draw = jitter === 0 ? Effect.succeed(0) : Random.next
  return Schedule.makeWithState(0, (now, _input: unknown, attempt: number) =>
    Effect.map(draw, (u) => {
      const envelope = Math.min(max, initial * Math.pow(multiplier, attempt))
      const [delay, decision] = continueAfter(now, envelope * (1 - jitter * u))
      return [attempt + 1, delay, decision] as const
    }))
}

/**
 * Options of {@link proportional}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProportionalOptions {
  /** The delay after the first poll (before staggering). */
  readonly initial: Duration.DurationInput
  /**
   * How fast delays grow (>= 1): the delay after a poll made `elapsed` after the first is
   * `initial + (multiplier − 1) × elapsed`, so each delay is `multiplier` times the one before.
   */
  readonly multiplier: number
  /** The largest delay. */
  readonly max: Duration.DurationInput
  /**
   * Whether the first delay is drawn at random (default true) so that watchers started together poll
   * at different instants ever after; see {@link proportional}.
   */
  readonly stagger?: boolean | undefined
}

/**
 * Delays proportional to the time already spent watching: after a poll made `elapsed` after the first one,
 * wait `min(max, initial + (multiplier − 1) × elapsed)`.
 *
 * With no hints and instant polls this is an exponential schedule (each delay is `multiplier` times the one
 * before); measuring the elapsed time on the clock keeps the schedule right after a long server-requested
 * wait or slow responses. The bound "the gap after a poll at time t is at most `initial + (multiplier − 1) ×
 * t`" holds whatever happens, which is what makes worst-case detection delays provable.
 *
 * Staggering: with `c = initial / (multiplier − 1)`, poll times `t` satisfy `t + c = c × multiplier^k`. The
 * first delay is drawn as `c × (multiplier^(1 + φ) − 1)` with `φ` uniform in [−0.5, 0.5), so `k` gets a
 * random fractional phase: watchers started at the same instant spread evenly (in log time) over each
 * step, and enter the `max` cadence spread over a whole period, instead of polling in lock-step. The delays
 * after the first are not randomised, so a watcher never polls more often than the policy with φ = −0.5.
 *
 * @example
 * ```ts
 * import { Policy } from "@longrunning/polling"
 *
 * const policy = Policy.proportional({ initial: "2 seconds", multiplier: 1.2, max: "30 seconds" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const proportional = (options: ProportionalOptions): Policy => {
  const initial = requirePositive("initial", toMillis(options.initial))
  const multiplier = requireMultiplier(options.multiplier)
  const max = requirePositive("max", toMillis(options.max))
  const growth = multiplier - 1
  const firstDelay = (phase: number): number =>
    growth === 0 ? initial * (1 + phase) : (initial / growth) * (Math.pow(multiplier, 1 + phase) - 1)
  const draw = options.stagger === false ? Effect.succeed(0.5) : Random.next
  return Schedule.makeWithState(
    Option.none<number>(),
    (now, _input: unknown, start: Option.Option<number>) =>
      Option.match(start, {
        onNone: () =>
          Effect.map(draw, (u) => {
            const [delay, decision] = continueAfter(now, Math.min(max, firstDelay(u - 0.5)))
            return [Option.some(now), delay, decision] as const
          }),
        onSome: (startedAt) => {
          const [delay, decision] = continueAfter(now, Math.min(max, initial + growth * (now - startedAt)))
          return Effect.succeed([start, delay, decision] as const)
        }
      })
  )
}

/**
 * The same delay between every two polls.
 *
 * @example
 * ```ts
 * import { Policy } from "@longrunning/polling"
 *
 * const everyTenSeconds = Policy.fixed("10 seconds")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fixed = (interval: Duration.DurationInput): Policy => {
  const millis = requirePositive("interval", toMillis(interval))
  return Schedule.makeWithState(0, (now, _input: unknown, n: number) => {
    const [delay, decision] = continueAfter(now, millis)
    return Effect.succeed([n + 1, delay, decision] as const)
  })
}

/**
 * The default policy: waits `min(60 s, 1 s + 0.23 × elapsed)` after each poll (×1.23 per poll), with the
 * first delay staggered in [0.47 s, 1.58 s) so that watchers started together do not poll in lock-step.
 *
 * Compared with google-gax (100 ms ×1.3 up to 60 s), for every operation of 10 s or longer it makes at least
 * 5 fewer requests, and its worst-case detection delay (the longest gap between two polls around the
 * moment the operation finishes) is never more than 1 s longer than gax's: after a poll at time t its gap
 * is at most `1 s + 0.23 t`, gax's gap there is at least `0.077 s + 0.2308 t`, and both stop at 60 s.
 * It never gives up: bound the wait with a timeout, or compose {@link giveUpAfter}. See
 * docs/polling.md for the numbers.
 *
 * @example
 * ```ts
 * import { Policy } from "@longrunning/polling"
 * import * as Effect from "effect/Effect"
 *
 * declare const poll: Effect.Effect<{ readonly done: boolean }>
 *
 * // the first poll now, then one per step of the policy until the operation is done
 * const waited = Effect.repeat(poll, { schedule: Policy.defaultPolicy, until: (snapshot) => snapshot.done })
 * ```
 *
 * @since 0.1.0
 * @category schedules
 */
export const defaultPolicy: Policy = proportional({ initial: "1 second", multiplier: 1.23, max: "60 seconds" })

/**
 * What google-gax (Node) does: 100 ms ×1.3 up to 60 s, without jitter and without end.
 *
 * @example
 * ```ts
 * import { Policy } from "@longrunning/polling"
 *
 * const policy = Policy.gaxCompatible
 * ```
 *
 * @since 0.1.0
 * @category schedules
 */
export const gaxCompatible: Policy = exponential({ initial: "100 millis", multiplier: 1.3, max: "60 seconds" })

/**
 * How long {@link apiCoreCompatible} keeps polling: google-api-core gives up after 900 s.
 *
 * @example
 * ```ts
 * import { Policy } from "@longrunning/polling"
 *
 * const forever = Policy.apiCoreDelays // the same delays without the give-up
 * Policy.apiCoreTimeout // Duration of 900 seconds
 * ```
 *
 * @since 0.1.0
 * @category schedules
 */
export const apiCoreTimeout: Duration.Duration = Duration.seconds(900)

/**
 * google-api-core's (Python) delays without its give-up: 1 s ×1.5 up to 20 s, full jitter.
 *
 * @example
 * ```ts
 * import { Policy } from "@longrunning/polling"
 *
 * const policy = Policy.apiCoreDelays.pipe(Policy.giveUpAfter("1 hour"))
 * ```
 *
 * @since 0.1.0
 * @category schedules
 */
export const apiCoreDelays: Policy = exponential({
  initial: "1 second",
  multiplier: 1.5,
  max: "20 seconds",
  jitter: 1
})

/**
 * What google-api-core (Python) does: 1 s ×1.5 up to 20 s with full jitter, giving up once the next poll
 * would come more than 900 s ({@link apiCoreTimeout}) after the first.
 *
 * @example
 * ```ts
 * import { Policy } from "@longrunning/polling"
 *
 * const policy = Policy.apiCoreCompatible
 * ```
 *
 * @since 0.1.0
 * @category schedules
 */
export const apiCoreCompatible: Policy = giveUpAfterImpl(apiCoreDelays, apiCoreTimeout)

/**
 * What the Go client (cloud.google.com/go/longrunning via gax-go) does: 1 s ×2 up to 60 s, full jitter.
 *
 * @example
 * ```ts
 * import { Policy } from "@longrunning/polling"
 *
 * const policy = Policy.goCompatible
 * ```
 *
 * @since 0.1.0
 * @category schedules
 */
export const goCompatible: Policy = exponential({ initial: "1 second", multiplier: 2, max: "60 seconds", jitter: 1 })

function giveUpAfterImpl<In, R>(
  self: Schedule.Schedule<Duration.Duration, In, R>,
  limit: Duration.DurationInput
): Schedule.Schedule<Duration.Duration, In, R> {
  const limitMillis = toMillis(limit)
  return self.pipe(
    Schedule.intersect(Schedule.elapsed),
    Schedule.whileOutput(([delay, elapsed]) => Duration.toMillis(elapsed) + Duration.toMillis(delay) <= limitMillis),
    Schedule.map(([delay]) => delay)
  )
}

/**
 * Stops a policy once its next poll would come more than `limit` after its first step (the first poll):
 * a total timeout. No policy here has one unless you add it.
 *
 * @example
 * ```ts
 * import { Policy } from "@longrunning/polling"
 *
 * const policy = Policy.defaultPolicy.pipe(Policy.giveUpAfter("30 minutes"))
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const giveUpAfter: {
  (limit: Duration.DurationInput): <In, R>(
    self: Schedule.Schedule<Duration.Duration, In, R>
  ) => Schedule.Schedule<Duration.Duration, In, R>
  <In, R>(
    self: Schedule.Schedule<Duration.Duration, In, R>,
    limit: Duration.DurationInput
  ): Schedule.Schedule<Duration.Duration, In, R>
} = dual(2, giveUpAfterImpl)


// -----------------------------------------------------------------------------
// what a schedule sees
// -----------------------------------------------------------------------------

/**
 * A poll that the server answered with an operation that is not done yet: the input a watch feeds its
 * schedule after such a poll.
 *
 * @since 0.1.0
 * @category models
 */
export interface Answered<M = unknown, R = unknown> {
  readonly _tag: "Answered"
  readonly operation: Operation.Operation<M, R>
  /** Polls made so far, this one included. */
  readonly polls: number
  /** The time left before the watch's timeout (infinite without one). */
  readonly remaining: Duration.Duration
}

/**
 * A poll that failed: the input a watch feeds its schedule after such a poll.
 *
 * @since 0.1.0
 * @category models
 */
export interface Failed<M = unknown, R = unknown> {
  readonly _tag: "Failed"
  readonly error: OperationsClient.Error
  /** The last operation a poll saw, if any did. */
  readonly last: Option.Option<Operation.Operation<M, R>>
  /** Polls made so far, this one included. */
  readonly polls: number
  /** The time left before the watch's timeout (infinite without one). */
  readonly remaining: Duration.Duration
}

/**
 * What one poll gave, as a watch's schedule sees it. A done operation ends the watch and is never fed to
 * the schedule.
 *
 * @example
 * ```ts
 * import { Policy } from "@longrunning/polling"
 * import { Schedule } from "effect"
 *
 * // stop polling once the metadata says the operation is being torn down
 * const policy = Policy.defaultPolicy.pipe(
 *   Schedule.whileInput((outcome: Policy.PollOutcome) =>
 *     outcome._tag === "Failed" || outcome.operation.metadata === undefined
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type PollOutcome<M = unknown, R = unknown> = Answered<M, R> | Failed<M, R>

/**
 * A schedule a watch can run: it is fed each poll's outcome and outputs the delay before the next poll.
 * Every {@link Policy} is one (it ignores its input).
 *
 * @since 0.1.0
 * @category models
 */
export type WatchPolicy<M = unknown, R = unknown> = Schedule.Schedule<Duration.Duration, PollOutcome<M, R>>

// -----------------------------------------------------------------------------
// combinators on what a poll gave
// -----------------------------------------------------------------------------

/**
 * The longest a watch waits because a server asked it to (RetryInfo, `Retry-After`): 60 seconds, the
 * default policy's own longest gap. A longer hint is cut to it.
 *
 * @example
 * ```ts
 * import { Policy } from "@longrunning/polling"
 * import { Duration } from "effect"
 *
 * Duration.toSeconds(Policy.defaultMaxHint) // 60
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxHint: Duration.Duration = Duration.seconds(60)

/**
 * The default longest gap of {@link backoffOnFailure}: 45 seconds. During an outage a watch polls less often
 * than its schedule would have (never more often). Once the outage ends it polls again within the longer of
 * 45 seconds and its schedule's own gap (and no sooner than the server asked): with the default policy,
 * within one period of its 60-second cap, with room for the scheduler's own delays.
 *
 * @example
 * ```ts
 * import { Policy } from "@longrunning/polling"
 * import { Duration } from "effect"
 *
 * Duration.toSeconds(Policy.defaultFailureBackoff) // 45
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultFailureBackoff: Duration.Duration = Duration.seconds(45)

/**
 * The delay a server asked for after a failed poll (RetryInfo, `Retry-After`), as the http client read it;
 * None after an answer or when the server said nothing.
 *
 * @example
 * ```ts
 * import { Policy } from "@longrunning/polling"
 *
 * const policy = Policy.defaultPolicy.pipe(Policy.respectHints(Policy.serverHint))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const serverHint = (outcome: PollOutcome): Option.Option<Duration.Duration> =>
  outcome._tag === "Failed" && OperationsError.isOperationsError(outcome.error)
    ? RetryPolicy.serverDelay(outcome.error)
    : Option.none()

/**
 * Whether a watch polls again after a failed poll ({@link whileRetryable}'s rule): after what the http
 * client retries (`OperationsError.isRetryable`), and after RESOURCE_EXHAUSTED even without a hint, since
 * the watch's own schedule says when to come back.
 *
 * @example
 * ```ts
 * import { Policy } from "@longrunning/polling"
 * import type { OperationsClient } from "@longrunning/http"
 *
 * declare const error: OperationsClient.Error
 * Policy.pollsAgainAfter(error)
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const pollsAgainAfter = (error: OperationsClient.Error): boolean =>
  OperationsError.isRetryable(error) || OperationsError.isResourceExhausted(error)

/**
 * Options of {@link respectHints}.
 *
 * @since 0.1.0
 * @category models
 */
export interface HintOptions {
  /** The longest delay a hint may impose; longer hints are cut to it. Defaults to {@link defaultMaxHint}. */
  readonly max?: Duration.DurationInput | undefined
}

const hintMillis = (hint: Option.Option<Duration.Duration>, maxMillis: number): number =>
  Option.match(hint, {
    onNone: () => 0,
    onSome: (duration) => {
      const millis = Duration.toMillis(duration)
      // an endless or negative hint is no hint: the policy's own delay applies
      return Number.isFinite(millis) && millis > 0 ? Math.min(millis, maxMillis) : 0
    }
  })

const respectHintsImpl = <In, R>(
  self: Schedule.Schedule<Duration.Duration, In, R>,
  hintOf: (input: In) => Option.Option<Duration.Duration>,
  options?: HintOptions
): Schedule.Schedule<Duration.Duration, In, R> => {
  const maxMillis = requirePositive("max", toMillis(options?.max ?? defaultMaxHint))
  return self.pipe(
    Schedule.intersect(Schedule.identity<In>()),
    Schedule.modifyDelay(([, input], delay) =>
      Duration.millis(Math.max(Duration.toMillis(delay), hintMillis(hintOf(input), maxMillis)))
    ),
    Schedule.delays
  )
}

/**
 * Feeds server hints into a policy through its input: after each step, `hintOf(input)` may give a delay the
 * server asked for, and the next poll waits at least that long, but never longer than `max` (60 s by
 * default) because of a hint. Endless and negative hints are ignored. The output is the delay used.
 *
 * @example
 * ```ts
 * import { Policy } from "@longrunning/polling"
 *
 * // hints of the server, at most 2 minutes each
 * const policy = Policy.defaultPolicy.pipe(Policy.respectHints(Policy.serverHint, { max: "2 minutes" }))
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const respectHints: {
  <In>(hintOf: (input: In) => Option.Option<Duration.Duration>, options?: HintOptions): <R>(
    self: Schedule.Schedule<Duration.Duration, In, R>
  ) => Schedule.Schedule<Duration.Duration, In, R>
  <In, R>(
    self: Schedule.Schedule<Duration.Duration, In, R>,
    hintOf: (input: In) => Option.Option<Duration.Duration>,
    options?: HintOptions
  ): Schedule.Schedule<Duration.Duration, In, R>
} = dual((args) => Schedule.isSchedule(args[0]), respectHintsImpl)

/** The failures in a row the input reports (this one included), next to the input itself. */
const failureStreak = <M, R>(): Schedule.Schedule<readonly [number, PollOutcome<M, R>], PollOutcome<M, R>> =>
  Schedule.makeWithState(0, (now, input: PollOutcome<M, R>, streak: number) => {
    const next = input._tag === "Failed" ? streak + 1 : 0
    return Effect.succeed([next, [next, input] as const, ScheduleDecision.continueWith(ScheduleInterval.after(now))] as const)
  })

/** The gap after `failures` failed polls in a row: the schedule's gap doubled per failure, up to `max`. */
const backedOff = (gap: number, failures: number, max: number): number =>
  failures === 0 || gap >= max ? gap : Math.min(gap * 2 ** Math.min(failures, 30), max)

const backoffOnFailureImpl = <M, R, Env>(
  self: Schedule.Schedule<Duration.Duration, PollOutcome<M, R>, Env>,
  max: Duration.DurationInput
): Schedule.Schedule<Duration.Duration, PollOutcome<M, R>, Env> => {
  const maxMillis = requirePositive("max", toMillis(max))
  return self.pipe(
    Schedule.intersect(failureStreak<M, R>()),
    Schedule.modifyDelay(([, [failures, input]], delay) => {
      const gap = Duration.toMillis(delay)
      const backed = backedOff(gap, failures, maxMillis)
      const remaining = Duration.toMillis(input.remaining)
      // the backoff never costs the watch its last poll before the timeout
      return Duration.millis(backed >= remaining && gap < remaining ? gap : backed)
    }),
    Schedule.delays
  )
}

/**
 * Backs off while polls fail: after `k` failed polls in a row the gap before the next poll is the
 * schedule's own gap times 2^k, up to `max` (never shorter than the schedule's gap); the first answer
 * returns to the schedule. A backed-off poll that would come after the watch's timeout comes at the
 * schedule's time instead, so the backoff never costs the last poll.
 *
 * @example
 * ```ts
 * import { Policy } from "@longrunning/polling"
 *
 * const policy = Policy.fixed("1 second").pipe(Policy.backoffOnFailure("30 seconds"))
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const backoffOnFailure: {
  (max: Duration.DurationInput): <M, R, Env>(
    self: Schedule.Schedule<Duration.Duration, PollOutcome<M, R>, Env>
  ) => Schedule.Schedule<Duration.Duration, PollOutcome<M, R>, Env>
  <M, R, Env>(
    self: Schedule.Schedule<Duration.Duration, PollOutcome<M, R>, Env>,
    max: Duration.DurationInput
  ): Schedule.Schedule<Duration.Duration, PollOutcome<M, R>, Env>
} = dual(2, backoffOnFailureImpl)

/**
 * Stops after a failed poll that polling again cannot fix ({@link pollsAgainAfter} is false): it goes on
 * after what the http client would retry (`OperationsError.isRetryable`) and after RESOURCE_EXHAUSTED
 * without a hint (the schedule says when to come back); it stops after NOT_FOUND, PERMISSION_DENIED, a
 * malformed answer... The watch then fails with that error.
 *
 * @example
 * ```ts
 * import { Policy } from "@longrunning/polling"
 *
 * const policy = Policy.fixed("5 seconds").pipe(Policy.whileRetryable)
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const whileRetryable = <M, R, Env>(
  self: Schedule.Schedule<Duration.Duration, PollOutcome<M, R>, Env>
): Schedule.Schedule<Duration.Duration, PollOutcome<M, R>, Env> =>
  Schedule.whileInput(self, (outcome) => outcome._tag === "Answered" || pollsAgainAfter(outcome.error))

/**
 * Options of {@link forWatch}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ForWatchOptions {
  /** The longest gap of {@link backoffOnFailure}, or `false` for none. Defaults to {@link defaultFailureBackoff}. */
  readonly failureBackoff?: Duration.DurationInput | false | undefined
  /** The longest delay a server hint may impose. Defaults to {@link defaultMaxHint}. */
  readonly maxHint?: Duration.DurationInput | undefined
}

/**
 * What a watch runs for a schedule: it stops on errors polling cannot fix ({@link whileRetryable}), backs
 * off while polls fail ({@link backoffOnFailure}) and waits at least as long as the server asked, up to a
 * cap ({@link respectHints} with {@link serverHint}).
 *
 * @example
 * ```ts
 * import { Policy } from "@longrunning/polling"
 *
 * // what `watch(name, { schedule: Policy.fixed("5 seconds"), failureBackoff: "1 minute" })` polls with
 * const policy = Policy.forWatch(Policy.fixed("5 seconds"), { failureBackoff: "1 minute" })
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const forWatch = <M, R>(
  schedule: Schedule.Schedule<unknown, PollOutcome<M, R>>,
  options: ForWatchOptions = {}
): WatchPolicy<M, R> => {
  const delays = Schedule.delays(schedule).pipe(whileRetryable)
  const backedOff = options.failureBackoff === false
    ? delays
    : backoffOnFailure(delays, options.failureBackoff ?? defaultFailureBackoff)
  return respectHints(backedOff, serverHint, { max: options.maxHint ?? defaultMaxHint })
}
