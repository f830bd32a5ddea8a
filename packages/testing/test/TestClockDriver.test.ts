/**
 * The TestClock driver: time moves to the next sleep within the horizon, not past it; I/O over a real
 * loopback socket completes between moves; `driveUntil` stops early; a fiber stuck on nothing dies.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Http from "node:http"
import * as TestClockDriver from "../src/TestClockDriver.js"

/** A loopback server answering every request with "ok", closed with the scope. */
const server = Effect.acquireRelease(
  Effect.async<Http.Server>((resume) => {
    const s = Http.createServer((_, response) => response.end("ok"))
    s.listen(0, "127.0.0.1", () => resume(Effect.succeed(s)))
  }),
  (s) =>
    Effect.async<void>((resume) => {
      s.close(() => resume(Effect.void))
    })
)

const portOf = (s: Http.Server): number => {
  const address = s.address()
  return address !== null && typeof address === "object" ? address.port : 0
}

describe("TestClockDriver", () => {
  it.effect("moves the clock from sleep to sleep and returns the exit", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(
        Effect.gen(function*() {
          yield* Effect.sleep("5 seconds")
          yield* Effect.sleep("10 seconds")
          return yield* Clock.currentTimeMillis
        })
      )
      const exit = yield* TestClockDriver.drive(fiber)
      assert.deepStrictEqual(exit, Exit.succeed(15_000))
    }))

  it.effect("a failure comes back as the exit", () =>
    Effect.gen(function*() {
      const exit = yield* TestClockDriver.driven(Effect.zipRight(Effect.sleep("1 second"), Effect.fail("boom")))
      assert.deepStrictEqual(exit, Exit.fail("boom"))
    }))

  it.effect("a sleep beyond the horizon is left alone: the fiber dies as stuck, the clock did not move", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.sleep("1 minute"))
      const exit = yield* Effect.exit(TestClockDriver.drive(fiber, { horizon: "30 seconds", maxIdleTurns: 50 }))
      assert.isTrue(Exit.isFailure(exit) && !Exit.isInterrupted(exit))
      assert.strictEqual(yield* Clock.currentTimeMillis, 0)
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* Fiber.interrupt(fiber)
    }))

  it.scoped("real socket I/O completes between moves of the clock", () =>
    Effect.gen(function*() {
      const port = portOf(yield* server)
      const answers = yield* Ref.make<ReadonlyArray<readonly [number, string]>>([])
      const poll = Effect.gen(function*() {
        const text = yield* Effect.promise(() => fetch(`http://127.0.0.1:${port}/`).then((r) => r.text()))
        const now = yield* Clock.currentTimeMillis
        yield* Ref.update(answers, (list) => [...list, [now, text] as const])
      })
      const exit = yield* TestClockDriver.driven(Effect.repeatN(Effect.zipRight(poll, Effect.sleep("10 seconds")), 2))
      assert.isTrue(Exit.isSuccess(exit))
      assert.deepStrictEqual(yield* Ref.get(answers), [[0, "ok"], [10_000, "ok"], [20_000, "ok"]])
    }))

  it.effect("driveUntil stops once the condition holds and leaves the fiber running", () =>
    Effect.gen(function*() {
      const ticks = yield* Ref.make(0)
      const fiber = yield* Effect.fork(Effect.forever(Effect.zipRight(Effect.sleep("1 second"), Ref.update(ticks, (n) => n + 1))))
      const stopped = yield* TestClockDriver.driveUntil(fiber, Effect.map(Ref.get(ticks), (n) => n >= 3))
      assert.isTrue(Option.isNone(stopped))
      assert.strictEqual(yield* Ref.get(ticks), 3)
      assert.strictEqual(yield* Clock.currentTimeMillis, 3_000)
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* Fiber.interrupt(fiber)
    }))
})
