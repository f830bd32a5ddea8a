/**
 * The TestClock driver: time moves to the next sleep, at once within the horizon and once the event loop is
 * quiet beyond it; a request in flight is not timed out by a jump; I/O over a real loopback socket completes
 * between moves; `driveUntil` stops early; a fiber stuck on nothing dies saying why; the documented
 * emulator example passes run after run.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Emulator from "@longrunning/emulator/Emulator"
import * as OperationsClient from "@longrunning/http/OperationsClient"
import * as OperationPoller from "@longrunning/polling/OperationPoller"
import * as Cause from "effect/Cause"
import * as Layer from "effect/Layer"
import * as Http from "node:http"
import * as TestClockDriver from "../src/TestClockDriver.js"

const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** A loopback server that answers "late" after `turns` event-loop turns: real time, not the TestClock. */
const lateServer = (turns: number) =>
  Effect.acquireRelease(
    Effect.async<Http.Server>((resume) => {
      const s = Http.createServer((_, response) => {
        void (async () => {
          for (let i = 0; i < turns; i++) await turn()
          response.end("late")
        })()
      })
      s.listen(0, "127.0.0.1", () => resume(Effect.succeed(s)))
    }),
    (s) =>
      Effect.async<void>((resume) => {
        s.closeAllConnections()
        s.close(() => resume(Effect.void))
      })
  )

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

  it.effect("a sleep beyond the horizon is followed once the event loop is quiet", () =>
    Effect.gen(function*() {
      const exit = yield* TestClockDriver.driven(
        Effect.zipRight(Effect.sleep("45 seconds"), Effect.zipRight(Effect.sleep("10 minutes"), Clock.currentTimeMillis))
      )
      assert.deepStrictEqual(exit, Exit.succeed(645_000))
    }))

  it.scoped("a request in flight is not timed out by a jump: its 30 s timeout waits while the server answers", () =>
    Effect.gen(function*() {
      const port = portOf(yield* lateServer(300))
      const get = Effect.promise(() => fetch(`http://127.0.0.1:${port}/`).then((r) => r.text())).pipe(
        Effect.timeoutFail({ duration: "30 seconds", onTimeout: () => "timed out" as const })
      )
      const exit = yield* TestClockDriver.driven(get)
      assert.deepStrictEqual(exit, Exit.succeed("late"))
      assert.strictEqual(yield* Clock.currentTimeMillis, 0)
    }))

  it.effect("with quietTurns: Infinity a sleep beyond the horizon is left alone, and the death says what to set", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.sleep("1 minute"))
      const exit = yield* Effect.exit(
        TestClockDriver.drive(fiber, { horizon: "30 seconds", quietTurns: Infinity, maxIdleTurns: 50 })
      )
      assert.isTrue(Exit.isFailure(exit) && !Exit.isInterrupted(exit))
      const message = Exit.isFailure(exit) ? Cause.pretty(exit.cause) : ""
      assert.include(message, "the next sleep is 60000 ms away, beyond the horizon of 30000 ms")
      assert.include(message, "set `horizon` to at least 60000 ms")
      assert.strictEqual(yield* Clock.currentTimeMillis, 0)
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* Fiber.interrupt(fiber)
    }))

  it.effect("a fiber waiting on nothing dies saying that nothing sleeps", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(TestClockDriver.driven(Effect.never, { maxIdleTurns: 50 }))
      assert.include(Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "", "nothing sleeps on the TestClock")
    }))

  it.scoped("the documented example: driven(OperationPoller.wait(...)) on a 2-minute operation, run after run", () =>
    Effect.gen(function*() {
      for (let run = 0; run < 12; run++) {
        const exit = yield* Effect.scoped(Effect.gen(function*() {
          const emulator = yield* Emulator.make({ port: 0 })
          const op = yield* emulator.create({ scenario: Emulator.succeedAfter("2 minutes") })
          const client = OperationsClient.layerEmulator(emulator.url).pipe(Layer.provide(FetchHttpClient.layer))
          return yield* TestClockDriver.driven(OperationPoller.wait(op.name).pipe(Effect.provide(client)))
        }))
        assert.strictEqual(Exit.isSuccess(exit) ? exit.value._tag : String(exit), "Succeeded", `run ${run}`)
      }
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
