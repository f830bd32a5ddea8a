import { assert, describe, it } from "@effect/vitest"
import type { OperationsClient } from "@longrunning/http"
import { Adapters, Policy } from "@longrunning/polling"
import { Code } from "@longrunning/schema"
import { Duration, Effect, Fiber, TestClock } from "effect"
import * as Fake from "./fake.js"

const name = "projects/demo/regions/us-central1/operations/op-1"
const schedule = Policy.fixed("1 second")

// The adapters run on the test's own runtime, so its TestClock drives them.
const runtime = Effect.runtime<OperationsClient.OperationsClient>()

describe("Adapters", () => {
  it.effect("waitPromise resolves with the done operation", () =>
    Effect.gen(function*() {
      const rt = yield* runtime
      const fiber = yield* Effect.fork(Effect.promise(() => Adapters.waitPromise(rt, name, { schedule })))
      yield* TestClock.adjust(Duration.seconds(5))
      const done = yield* Fiber.join(fiber)
      assert.strictEqual(done._tag, "Succeeded")
      assert.strictEqual((yield* Fake.gets).length, 3)
    }).pipe(Effect.provide(Fake.layer((n, i) => (i < 2 ? Fake.running(n) : Fake.succeeded(n))))))

  it.effect("waitPromise rejects with the typed error value", () =>
    Effect.gen(function*() {
      const rt = yield* runtime
      const error = yield* Effect.promise(() => Adapters.waitPromise(rt, name, { schedule }).then(() => undefined, (e: unknown) => e))
      assert.strictEqual((error as { _tag?: unknown })._tag, "OperationNotFound")
    }).pipe(Effect.provide(Fake.layer((n) => Fake.apiError(n, Code.codes.NOT_FOUND)))))

  it.effect("aborting the signal stops the wait: it rejects with the reason and polls no more", () =>
    Effect.gen(function*() {
      const rt = yield* runtime
      const controller = new AbortController()
      const fiber = yield* Effect.fork(
        Effect.promise(() => Adapters.waitPromise(rt, name, { schedule, signal: controller.signal }).then(() => "resolved", (e: unknown) => e))
      )
      yield* TestClock.adjust(Duration.millis(2500))
      controller.abort(new Error("user pressed stop"))
      const outcome = yield* Fiber.join(fiber)
      assert.instanceOf(outcome, Error)
      assert.strictEqual((outcome as Error).message, "user pressed stop")
      const polls = (yield* Fake.gets).length
      assert.strictEqual(polls, 3)
      yield* TestClock.adjust(Duration.minutes(1))
      assert.strictEqual((yield* Fake.gets).length, polls)
    }).pipe(Effect.provide(Fake.layer((n) => Fake.running(n)))))

  it.effect("watchIterable yields every snapshot and ends after the done one", () =>
    Effect.gen(function*() {
      const rt = yield* runtime
      const fiber = yield* Effect.fork(Effect.promise(async () => {
        const seen: Array<string> = []
        for await (const op of Adapters.watchIterable(rt, name, { schedule })) seen.push(op._tag)
        return seen
      }))
      yield* TestClock.adjust(Duration.seconds(5))
      assert.deepStrictEqual(yield* Fiber.join(fiber), ["Running", "Running", "Succeeded"])
    }).pipe(Effect.provide(Fake.layer((n, i) => (i < 2 ? Fake.running(n) : Fake.succeeded(n))))))

  it.effect("breaking out of the loop interrupts the watch", () =>
    Effect.gen(function*() {
      const rt = yield* runtime
      const first = yield* Effect.promise(async () => {
        for await (const op of Adapters.watchIterable(rt, name, { schedule })) return op._tag
        return "none"
      })
      assert.strictEqual(first, "Running")
      yield* TestClock.adjust(Duration.minutes(1))
      assert.strictEqual((yield* Fake.gets).length, 1)
    }).pipe(Effect.provide(Fake.layer((n) => Fake.running(n)))))

  it.effect("a watch error is thrown from the loop as the typed value", () =>
    Effect.gen(function*() {
      const rt = yield* runtime
      const error = yield* Effect.promise(async () => {
        try {
          for await (const _ of Adapters.watchIterable(rt, name, { schedule })) {
            // keep reading
          }
          return undefined
        } catch (e) {
          return e
        }
      })
      assert.strictEqual((error as { _tag?: unknown })._tag, "ApiError")
    }).pipe(Effect.provide(Fake.layer((n) => Fake.apiError(n, Code.codes.PERMISSION_DENIED)))))

  it.effect("aborting while next() waits ends the loop with the abort reason, and polls no more", () =>
    Effect.gen(function*() {
      const rt = yield* runtime
      const controller = new AbortController()
      const fiber = yield* Effect.fork(Effect.promise(async () => {
        const seen: Array<string> = []
        try {
          for await (const op of Adapters.watchIterable(rt, name, { schedule, signal: controller.signal })) seen.push(op._tag)
          return { seen, error: undefined }
        } catch (error) {
          return { seen, error }
        }
      }))
      yield* TestClock.adjust(Duration.millis(2500))
      controller.abort(new Error("stop watching"))
      const { seen, error } = yield* Fiber.join(fiber)
      assert.deepStrictEqual(seen, ["Running", "Running", "Running"])
      assert.strictEqual((error as Error).message, "stop watching")
      yield* TestClock.adjust(Duration.minutes(1))
      assert.strictEqual((yield* Fake.gets).length, 3)
    }).pipe(Effect.provide(Fake.layer((n) => Fake.running(n)))))

  it.effect("a signal aborted before the loop starts stops it at once", () =>
    Effect.gen(function*() {
      const rt = yield* runtime
      const error = yield* Effect.promise(async () => {
        try {
          for await (const _ of Adapters.watchIterable(rt, name, { schedule, signal: AbortSignal.abort(new Error("too late")) })) {
            // nothing
          }
          return undefined
        } catch (e) {
          return e
        }
      })
      assert.strictEqual((error as Error).message, "too late")
      assert.strictEqual((yield* Fake.gets).length, 0)
    }).pipe(Effect.provide(Fake.layer((n) => Fake.running(n)))))
})
