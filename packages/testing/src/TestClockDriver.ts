/**
 * Drive an effect that does real socket I/O (the `Emulator`, a loopback server) under `TestClock`. A test
 * clock only moves when told to, while a socket only makes progress when the event loop turns: the driver
 * does both, letting the event loop turn and moving the clock to each pending sleep in turn: at once when
 * it is within a horizon, and once the event loop has gone quiet when it is further off, so that the
 * growing gaps of a polling policy are followed without a setting to guess.
 *
 * @since 0.1.0
 */
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"

/**
 * One turn of the event loop (a `setImmediate`, not a timer), so that sockets make progress while the
 * TestClock stands still.
 *
 * @example
 * ```ts
 * import { TestClockDriver } from "@longrunning/testing"
 * import * as Effect from "effect/Effect"
 *
 * const threeTurns = Effect.repeatN(TestClockDriver.ioTurn, 2)
 * ```
 *
 * @since 0.1.0
 * @category testing
 */
export const ioTurn: Effect.Effect<void> = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

/**
 * Options of {@link drive}.
 *
 * @since 0.1.0
 * @category models
 */
export interface DriveOptions {
  /**
   * How far ahead the clock moves as soon as the event loop settles; default 20 seconds, under the
   * client's attempt timeout (30 s), so that a request in flight on a real socket is never timed out by time
   * that did not pass for it. A sleep further off (a poller's 45 s gap) is followed too, but only once the
   * event loop is quiet (see `quietTurns`).
   */
  readonly horizon?: Duration.DurationInput | undefined
  /**
   * How many event-loop turns the pending sleeps must stay the same before the clock moves to one beyond
   * the horizon; default 1,000 (a request to a server in this process answers in far fewer). `Infinity`
   * leaves sleeps beyond the horizon alone: then the fiber dies after `maxIdleTurns`, saying how far off
   * the next sleep is and what to set.
   */
  readonly quietTurns?: number | undefined
  /**
   * How many event-loop turns to let pass after moving the clock before moving it again; default 4, so that
   * the I/O a wake-up starts (a poll over a socket) gets to answer before time moves on.
   */
  readonly settleTurns?: number | undefined
  /**
   * Die after this many turns without moving the clock and without the fiber ending; default 20,000. The
   * message says why: nothing sleeps on the TestClock (the fiber waits on something that never comes), or
   * the next sleep is beyond the horizon and `quietTurns` never let it be followed.
   */
  readonly maxIdleTurns?: number | undefined
}

const stuck = (maxIdle: number, now: number, earliest: number | undefined, reach: number): string =>
  earliest === undefined
    ? `TestClockDriver: the fiber made no progress in ${maxIdle} I/O turns and nothing sleeps on the TestClock: ` +
      "it waits on something that never comes (a server that never answers, a Deferred never completed)"
    : `TestClockDriver: the fiber made no progress in ${maxIdle} I/O turns; the next sleep is ${
      earliest - now
    } ms away, beyond the horizon of ${reach} ms: set \`horizon\` to at least ${earliest - now} ms, or leave ` +
      "`quietTurns` finite so that sleeps beyond the horizon are followed once the event loop is quiet"

const loop = <A, E>(
  fiber: Fiber.RuntimeFiber<A, E>,
  options: DriveOptions | undefined,
  until: Effect.Effect<boolean> | undefined
): Effect.Effect<Option.Option<Exit.Exit<A, E>>> =>
  Effect.gen(function*() {
    const reach = Duration.toMillis(Duration.decode(options?.horizon ?? "20 seconds"))
    const settle = options?.settleTurns ?? 4
    const quietTurns = options?.quietTurns ?? 1_000
    const maxIdle = options?.maxIdleTurns ?? 20_000
    // `idle`: turns since the clock last moved; `quiet`: turns the set of pending sleeps stayed the same.
    let idle = 0
    let quiet = 0
    let seen = ""
    for (;;) {
      const done = yield* Fiber.poll(fiber)
      if (Option.isSome(done)) return done
      if (until !== undefined && (yield* until)) return Option.none()
      const now = yield* Clock.currentTimeMillis
      const sleeps = Chunk.toReadonlyArray(yield* TestClock.sleeps())
      const key = sleeps.join(",")
      if (key === seen) quiet++
      else {
        seen = key
        quiet = 0
      }
      const earliest = sleeps.length === 0 ? undefined : Math.min(...sleeps)
      const move = earliest !== undefined && (earliest <= now + reach ? idle >= settle : quiet >= quietTurns)
      if (move) {
        idle = 0
        quiet = 0
        yield* TestClock.setTime(earliest)
      } else {
        idle++
        if (idle > maxIdle) return yield* Effect.dieMessage(stuck(maxIdle, now, earliest, reach))
        yield* ioTurn
      }
    }
  })

/**
 * Runs a forked fiber to its end on the TestClock and returns its exit: turns the event loop and moves the
 * clock to the next pending sleep, at once within `horizon` of now, after `quietTurns` quiet turns beyond
 * it. Dies, saying why, when nothing happens for `maxIdleTurns` turns.
 *
 * @example
 * ```ts
 * import { TestClockDriver } from "@longrunning/testing"
 * import * as Effect from "effect/Effect"
 * import * as Exit from "effect/Exit"
 *
 * // Inside an `it.effect` (which provides the TestClock):
 * const test = Effect.gen(function*() {
 *   const fiber = yield* Effect.fork(Effect.sleep("5 seconds"))
 *   const exit = yield* TestClockDriver.drive(fiber)
 *   return Exit.isSuccess(exit)
 * })
 * ```
 *
 * @since 0.1.0
 * @category testing
 */
export const drive = <A, E>(
  fiber: Fiber.RuntimeFiber<A, E>,
  options?: DriveOptions | undefined
): Effect.Effect<Exit.Exit<A, E>> =>
  Effect.flatMap(
    loop(fiber, options, undefined),
    Option.match({
      onNone: () => Effect.dieMessage("the driver stopped before the fiber ended"),
      onSome: Effect.succeed
    })
  )

/**
 * {@link drive} until `until` holds (checked on every turn) or the fiber ends: None when `until` stopped it,
 * the fiber's exit otherwise. The fiber keeps running; drive it again or interrupt it.
 *
 * @example
 * ```ts
 * import { Emulator, TestClockDriver } from "@longrunning/testing"
 * import * as Effect from "effect/Effect"
 *
 * const twoPolls = (emulator: Emulator.Emulator.Service, poller: Effect.Effect<unknown>) =>
 *   Effect.gen(function*() {
 *     const fiber = yield* Effect.fork(poller)
 *     yield* TestClockDriver.driveUntil(fiber, Effect.map(emulator.requests, (log) => log.length >= 2))
 *   })
 * ```
 *
 * @since 0.1.0
 * @category testing
 */
export const driveUntil = <A, E>(
  fiber: Fiber.RuntimeFiber<A, E>,
  until: Effect.Effect<boolean>,
  options?: DriveOptions | undefined
): Effect.Effect<Option.Option<Exit.Exit<A, E>>> => loop(fiber, options, until)

/**
 * Forks `effect` and {@link drive}s it to its exit.
 *
 * @example
 * ```ts
 * import { TestClockDriver } from "@longrunning/testing"
 * import * as Effect from "effect/Effect"
 *
 * // a minute is beyond the 20 s horizon: followed once the event loop is quiet
 * const exit = TestClockDriver.driven(Effect.as(Effect.sleep("1 minute"), "woke up"))
 * ```
 *
 * @since 0.1.0
 * @category testing
 */
export const driven = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  options?: DriveOptions | undefined
): Effect.Effect<Exit.Exit<A, E>, never, R> => Effect.flatMap(Effect.fork(effect), (fiber) => drive(fiber, options))
