/**
 * Drive an effect that does real socket I/O (the `Emulator`, a loopback server) under `TestClock`. A test
 * clock only moves when told to, while a socket only makes progress when the event loop turns: the driver
 * does both, letting the event loop turn and, whenever a fiber sleeps until a time within a horizon,
 * moving the clock there.
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
   * How far ahead the clock may be moved in one step; default 20 seconds. Sleeps further off are left
   * alone, so keep it under the client's attempt timeout (30 s) and a request in flight on a real socket is
   * never timed out by time that did not pass for it.
   */
  readonly horizon?: Duration.DurationInput | undefined
  /**
   * How many event-loop turns to let pass after moving the clock before moving it again; default 4, so that
   * the I/O a wake-up starts (a poll over a socket) gets to answer before time moves on.
   */
  readonly settleTurns?: number | undefined
  /** Die after this many turns without moving the clock and without the fiber ending; default 20,000. */
  readonly maxIdleTurns?: number | undefined
}

const loop = <A, E>(
  fiber: Fiber.RuntimeFiber<A, E>,
  options: DriveOptions | undefined,
  until: Effect.Effect<boolean> | undefined
): Effect.Effect<Option.Option<Exit.Exit<A, E>>> =>
  Effect.gen(function*() {
    const reach = Duration.toMillis(Duration.decode(options?.horizon ?? "20 seconds"))
    const settle = options?.settleTurns ?? 4
    const maxIdle = options?.maxIdleTurns ?? 20_000
    let idle = 0
    for (;;) {
      const done = yield* Fiber.poll(fiber)
      if (Option.isSome(done)) return done
      if (until !== undefined && (yield* until)) return Option.none()
      const now = yield* Clock.currentTimeMillis
      const due = Chunk.toReadonlyArray(yield* TestClock.sleeps()).filter((at) => at <= now + reach)
      if (due.length > 0 && idle >= settle) {
        idle = 0
        yield* TestClock.setTime(Math.min(...due))
      } else {
        idle++
        if (idle > maxIdle) return yield* Effect.dieMessage(`the fiber made no progress in ${maxIdle} I/O turns`)
        yield* ioTurn
      }
    }
  })

/**
 * Runs a forked fiber to its end on the TestClock and returns its exit: turns the event loop and, whenever
 * some fiber sleeps until a time within `horizon` of now, moves the clock there. Dies when nothing happens
 * for `maxIdleTurns` turns (the fiber waits on something that never comes).
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
 * const exit = TestClockDriver.driven(Effect.as(Effect.sleep("1 minute"), "woke up"), { horizon: "2 minutes" })
 * ```
 *
 * @since 0.1.0
 * @category testing
 */
export const driven = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  options?: DriveOptions | undefined
): Effect.Effect<Exit.Exit<A, E>, never, R> => Effect.flatMap(Effect.fork(effect), (fiber) => drive(fiber, options))
