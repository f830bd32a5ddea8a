/**
 * When a failed call is tried again, and after how long: a policy that is data users replace.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import { dual } from "effect/Function"
import { globalValue } from "effect/GlobalValue"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as OperationsError from "./OperationsError.js"

/**
 * A retry policy: which errors to retry, and the schedule of delays between attempts (its recurrences
 * bound the number of retries). The delay a server asks for (RetryInfo, `Retry-After`) always wins over a
 * shorter one from the schedule.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryPolicy {
  readonly retryable: (error: OperationsError.OperationsError) => boolean
  readonly schedule: Schedule.Schedule<unknown, unknown>
}

/**
 * The default: transport failures, UNAVAILABLE, and RESOURCE_EXHAUSTED with a server-given delay are
 * retried up to 5 times, 250 ms doubling to at most 30 s, with jitter (0.8x to 1.2x).
 *
 * @example
 * ```ts
 * import { OperationsClient, RetryPolicy } from "@longrunning/http"
 *
 * OperationsClient.layer({ retryPolicy: RetryPolicy.defaultPolicy })
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPolicy: RetryPolicy = {
  retryable: OperationsError.isRetryable,
  schedule: Schedule.exponential(Duration.millis(250), 2).pipe(
    Schedule.jittered,
    Schedule.union(Schedule.spaced(Duration.seconds(30))),
    Schedule.intersect(Schedule.recurs(5))
  )
}

/**
 * Never retries.
 *
 * @example
 * ```ts
 * import { OperationsClient, RetryPolicy } from "@longrunning/http"
 *
 * OperationsClient.layer({ retryPolicy: RetryPolicy.none })
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const none: RetryPolicy = { retryable: () => false, schedule: Schedule.stop }

/**
 * Makes a policy.
 *
 * @example
 * ```ts
 * import { OperationsError, RetryPolicy } from "@longrunning/http"
 * import { Schedule } from "effect"
 *
 * const patient = RetryPolicy.make({
 *   retryable: OperationsError.isRetryable,
 *   schedule: Schedule.exponential("1 second").pipe(Schedule.jittered, Schedule.upTo("2 minutes"))
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: RetryPolicy): RetryPolicy => options

/**
 * The delay a server asked for before the next attempt, if the error carries one.
 *
 * @example
 * ```ts
 * import { OperationsError, RetryPolicy } from "@longrunning/http"
 *
 * declare const error: OperationsError.OperationsError
 * RetryPolicy.serverDelay(error) // Option<Duration>
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const serverDelay = (error: OperationsError.OperationsError): Option.Option<Duration.Duration> =>
  error._tag === "ApiError" ? error.retryAfter : Option.none()

/**
 * The longest server-given delay (RetryInfo's `retryDelay`, `Retry-After`) a single call honours by default:
 * 2 minutes. A longer one is cut to it.
 *
 * @example
 * ```ts
 * import { RetryPolicy } from "@longrunning/http"
 * import { Duration } from "effect"
 *
 * Duration.toMinutes(RetryPolicy.defaultMaxServerDelay) // 2
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxServerDelay: Duration.Duration = Duration.minutes(2)

/**
 * Options of {@link toSchedule}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ScheduleOptions {
  /** The longest server-given delay honoured; longer ones are cut to it. Defaults to {@link defaultMaxServerDelay}. */
  readonly maxServerDelay?: Duration.DurationInput | undefined
}

/**
 * The delay a server asked for, bounded: at most `max`; a hint that is not a finite, non-negative duration
 * is no hint (the schedule's own delay applies).
 *
 * @example
 * ```ts
 * import { RetryPolicy } from "@longrunning/http"
 * import { Duration } from "effect"
 *
 * RetryPolicy.boundedDelay(Duration.seconds(315576000000), Duration.minutes(2)) // 2 minutes
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const boundedDelay = (hint: Duration.Duration, max: Duration.Duration): Duration.Duration => {
  const millis = Duration.toMillis(hint)
  if (!Number.isFinite(millis) || millis < 0) return Duration.zero
  return Duration.min(hint, max)
}

/**
 * The schedule `Effect.retry` runs for a policy, fed the errors: retry while the policy says the error is
 * retryable, waiting the longer of the schedule's delay and the server's (bounded by `maxServerDelay`).
 *
 * @example
 * ```ts
 * import { RetryPolicy } from "@longrunning/http"
 *
 * const schedule = RetryPolicy.toSchedule(RetryPolicy.defaultPolicy, { maxServerDelay: "30 seconds" })
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const toSchedule = (policy: RetryPolicy, options?: ScheduleOptions): Schedule.Schedule<unknown, unknown> => {
  const max = Duration.decode(options?.maxServerDelay ?? defaultMaxServerDelay)
  return Schedule.identity<unknown>().pipe(
    Schedule.whileInput((error) => OperationsError.isOperationsError(error) && policy.retryable(error)),
    Schedule.addDelay((error) =>
      OperationsError.isOperationsError(error)
        ? Option.match(serverDelay(error), { onNone: () => Duration.zero, onSome: (hint) => boundedDelay(hint, max) })
        : Duration.zero
    ),
    Schedule.intersect(policy.schedule)
  )
}

/**
 * The policy that overrides the client's own for the calls made in a region of code (see {@link withPolicy}).
 *
 * @since 0.1.0
 * @category fiber refs
 */
export const currentOverride: FiberRef.FiberRef<Option.Option<RetryPolicy>> = globalValue(
  "@longrunning/http/RetryPolicy/currentOverride",
  () => FiberRef.unsafeMake<Option.Option<RetryPolicy>>(Option.none())
)

/**
 * Runs an effect with its calls retried by `policy` instead of the client's own policy. The poller uses it
 * so that a failed poll is retried by the next poll, not by the client as well.
 *
 * @example
 * ```ts
 * import { OperationsClient, RetryPolicy } from "@longrunning/http"
 * import { Effect } from "effect"
 *
 * declare const client: OperationsClient.Service
 * const once = client.get("projects/p/regions/us-central1/operations/1").pipe(RetryPolicy.withPolicy(RetryPolicy.none))
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const withPolicy: {
  (policy: RetryPolicy): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, policy: RetryPolicy): Effect.Effect<A, E, R>
} = dual(
  2,
  <A, E, R>(self: Effect.Effect<A, E, R>, policy: RetryPolicy): Effect.Effect<A, E, R> =>
    Effect.locally(self, currentOverride, Option.some(policy))
)
