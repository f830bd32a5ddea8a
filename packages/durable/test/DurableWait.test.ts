import { WorkflowEngine } from "@effect/workflow"
import { assert, describe, it } from "@effect/vitest"
import { DurableWait } from "@longrunning/durable"
import { Policy } from "@longrunning/polling"
import { Operation, OperationName, Status } from "@longrunning/schema"
import { TestOperations } from "@longrunning/testing"
import { Chunk, Duration, Effect, Exit, Fiber, Layer, Option, Ref, Schema, TestClock, TestServices } from "effect"

const name = "projects/demo/regions/us-central1/operations/op-1"
const other = "projects/demo/regions/us-central1/operations/op-2"

const ClusterOperation = Operation.schema({ response: Schema.Struct({ clusterName: Schema.String }) })
const Clusters = TestOperations.typed(ClusterOperation)

const Wait = DurableWait.make({ name: "TestWait", schema: ClusterOperation, policy: Policy.fixed("10 seconds") })

const layerWith = <A, RC>(
  registered: Layer.Layer<A, never, WorkflowEngine.WorkflowEngine | TestOperations.TestOperations | RC>
) =>
  registered.pipe(
    Layer.provideMerge(WorkflowEngine.layerMemory),
    Layer.provideMerge(TestOperations.layer())
  )

/** Whether the wait's execution is suspended now (a durable sleep frees the runner), not running. */
const suspended = <M, R, I>(wait: DurableWait.DurableWait<M, R, I>, operation: string) =>
  Effect.gen(function*() {
    const result = yield* wait.workflow.poll(yield* wait.executionId(operation))
    return result?._tag === "Suspended"
  })

const TestLayer = layerWith(Wait.layer())

const Colons = DurableWait.make({
  name: "TestWaitColons",
  schema: ClusterOperation,
  policy: Policy.fixed("10 seconds"),
  grammar: OperationName.grammar({ colons: true })
})

/**
 * Forks `effect` and returns once it has registered `sleeps` more sleeps on the TestClock. The engine hashes
 * execution ids with WebCrypto (a real promise), which `TestClock.adjust` does not wait for: adjusting before
 * the wait has started would move the clock under it.
 */
const forkStarted = <A, E, R>(effect: Effect.Effect<A, E, R>, sleeps = 1) =>
  Effect.gen(function*() {
    const before = Chunk.size(yield* TestClock.sleeps())
    const fiber = yield* Effect.fork(effect)
    while (Chunk.size(yield* TestClock.sleeps()) < before + sleeps) {
      yield* TestServices.provideLive(Effect.sleep("1 millis"))
    }
    return fiber
  })

const pollTimes = Effect.map(TestOperations.calls, (calls) => calls.filter((c) => c.method === "get").map((c) => c.time))

describe("DurableWait", () => {
  it.effect("polls at once and then on the policy until done, with the typed response", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* Clusters.completeAt(name, "35 seconds", { clusterName: "c1" })
      const fiber = yield* forkStarted(Wait.result(name))
      yield* TestClock.adjust("1 minute")
      const response = yield* Fiber.join(fiber)
      assert.deepStrictEqual(response, Option.some({ clusterName: "c1" }))
      assert.deepStrictEqual(yield* pollTimes, [0, 10_000, 20_000, 30_000, 40_000])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a failed operation fails with OperationFailed and its Status", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* TestOperations.failAt(name, "15 seconds", Status.make({ code: 9, message: "quota" }))
      const fiber = yield* forkStarted(Effect.flip(Wait.result(name)))
      yield* TestClock.adjust("1 minute")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "OperationFailed")
      if (error._tag === "OperationFailed") {
        assert.strictEqual(error.status.code, 9)
        assert.strictEqual(error.status.message, "quota")
        assert.strictEqual(error.operation, name)
      }
    }).pipe(Effect.provide(TestLayer)))

  it.effect("an operation that does not exist fails with OperationNotFound after one poll", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Wait.wait(other))
      assert.strictEqual(error._tag, "OperationNotFound")
      assert.deepStrictEqual(yield* pollTimes, [0])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a malformed name fails before any request and starts nothing", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Wait.wait("projects/demo/../operations/x"))
      assert.strictEqual(error._tag, "InvalidName")
      assert.deepStrictEqual(yield* TestOperations.calls, [])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("names of another grammar: refused by default, stored under the service's grammar", () =>
    Effect.gen(function*() {
      const colon = "operations/serviceConfigs.svc:1f2e"
      const error = yield* Effect.flip(Wait.submit(colon))
      assert.strictEqual(error._tag, "InvalidName")
      assert.strictEqual(yield* Colons.submit(colon), yield* Colons.executionId(colon))
      // a URL with credentials is refused whatever the grammar, and they are not echoed
      const url = yield* Effect.flip(Colons.submit("https://u:pw@servicemanagement.googleapis.com/v1/operations/a:b"))
      assert.strictEqual(url._tag, "InvalidName")
      assert.notInclude(url.message, "pw@")
      assert.deepStrictEqual((yield* TestOperations.calls).filter((c) => c.name !== colon), [])
    }).pipe(Effect.provide(layerWith(Layer.merge(Wait.layer(), Colons.layer())))))

  it.effect("a full operation URL is waited on as given: polled at its host and version", () =>
    Effect.gen(function*() {
      const url = `https://dataproc.googleapis.com/v1/${name}`
      yield* TestOperations.create(name)
      yield* Clusters.completeAt(name, "15 seconds", { clusterName: "c1" })
      const fiber = yield* forkStarted(Wait.result(url))
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(yield* Fiber.join(fiber), Option.some({ clusterName: "c1" }))
      assert.deepStrictEqual(yield* pollTimes, [0, 10_000, 20_000])
      assert.notStrictEqual(yield* Wait.executionId(url), yield* Wait.executionId(name))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("the timeout ends the wait at its deadline with WaitTimeout", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      const fiber = yield* forkStarted(Effect.flip(Wait.wait(name, { timeout: "25 seconds" })))
      yield* TestClock.adjust("24 seconds")
      assert.isNull(yield* Fiber.poll(fiber).pipe(Effect.map(Option.getOrNull)))
      yield* TestClock.adjust("1 second")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "WaitTimeout")
      if (error._tag === "WaitTimeout") {
        assert.strictEqual(error.polls, 3)
        assert.strictEqual(Duration.toMillis(error.timeout), 25_000)
      }
      assert.deepStrictEqual(yield* pollTimes, [0, 10_000, 20_000])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("awaiting the same operation twice joins one execution: one set of polls", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* Clusters.completeAt(name, "25 seconds", { clusterName: "c1" })
      const first = yield* forkStarted(Wait.wait(name))
      yield* TestClock.adjust("5 seconds")
      const second = yield* Effect.fork(Wait.wait(name))
      yield* TestClock.adjust("1 minute")
      const [a, b] = [yield* Fiber.join(first), yield* Fiber.join(second)]
      assert.strictEqual(a._tag, "Succeeded")
      assert.deepStrictEqual(b, a)
      assert.deepStrictEqual(yield* pollTimes, [0, 10_000, 20_000, 30_000])
      assert.strictEqual(yield* Wait.executionId(name), yield* Wait.executionId(name))
      assert.notStrictEqual(yield* Wait.executionId(name), yield* Wait.executionId(other))
      // after the end, an await gives the recorded outcome without polling again
      const third = yield* Wait.wait(name)
      assert.deepStrictEqual(third, a)
      assert.strictEqual((yield* pollTimes).length, 4)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("transient failures skip polls and back off; the wait goes on to the result", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* Clusters.completeAt(name, "50 seconds", { clusterName: "c1" })
      yield* TestOperations.injectError(TestOperations.unavailable, { methods: "get", times: 2 })
      const fiber = yield* forkStarted(Wait.wait(name))
      yield* TestClock.adjust("5 minutes")
      assert.strictEqual((yield* Fiber.join(fiber))._tag, "Succeeded")
      const calls = (yield* TestOperations.calls).filter((c) => c.method === "get")
      assert.deepStrictEqual(calls.map((c) => c.code).slice(0, 3), [14, 14, 0])
      // the policy's 10 s doubled after the first failure (20 s) and again after the second (40 s)
      assert.deepStrictEqual(calls.map((c) => c.time), [0, 20_000, 60_000])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a permanent error ends the wait with PollingFailed and its code", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* TestOperations.injectError(Status.make({ code: 7, message: "no" }), { methods: "get" })
      const error = yield* Effect.flip(Wait.wait(name))
      assert.strictEqual(error._tag, "PollingFailed")
      if (error._tag === "PollingFailed") assert.strictEqual(error.code, 7)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("gaps up to the in-memory threshold are slept in memory: the execution keeps running", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      const fiber = yield* forkStarted(Wait.wait(name))
      yield* TestClock.adjust("5 seconds")
      assert.isFalse(yield* suspended(Wait, name))
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("gaps over the in-memory threshold are durable clocks, and the polls keep their times", () => {
    const Durable = DurableWait.make({
      name: "TestWaitDurable",
      policy: Policy.fixed("10 seconds"),
      inMemoryThreshold: "5 seconds"
    })
    return Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* TestOperations.completeAt(name, "25 seconds")
      const fiber = yield* forkStarted(Durable.wait(name))
      yield* TestClock.adjust("5 seconds")
      assert.isTrue(yield* suspended(Durable, name))
      yield* TestClock.adjust("55 seconds")
      assert.strictEqual((yield* Fiber.join(fiber))._tag, "Succeeded")
      assert.deepStrictEqual(yield* pollTimes, [0, 10_000, 20_000, 30_000])
    }).pipe(Effect.provide(layerWith(Durable.layer())))
  })

  it.effect("with the default policy every gap is a durable sleep: each wake-up replays the history and the ramp goes on", () => {
    const Ramp = DurableWait.make({ name: "TestWaitRamp", inMemoryThreshold: "1 millis" })
    return Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* TestOperations.completeAt(name, "3 minutes")
      const fiber = yield* forkStarted(Ramp.wait(name))
      yield* TestClock.adjust("10 seconds")
      assert.isTrue(yield* suspended(Ramp, name))
      yield* TestClock.adjust("10 minutes")
      yield* Fiber.join(fiber)
      const times = yield* pollTimes
      // every gap grows (a replay that drew another stagger would shorten one), and none is polled twice
      for (let i = 3; i < times.length; i++) assert.isAbove(times[i]! - times[i - 1]!, times[i - 1]! - times[i - 2]!)
      assert.strictEqual(new Set(times).size, times.length)
    }).pipe(Effect.provide(layerWith(Ramp.layer())))
  })

  it.effect("the completion hook runs once, with the wait's outcome and a stable idempotency key", () => {
    class Completions extends Effect.Service<Completions>()("test/Completions", {
      effect: Ref.make<ReadonlyArray<DurableWait.Completion<unknown, unknown>>>([])
    }) {}
    const registered = Effect.gen(function*() {
      const completions = yield* Completions
      return Wait.layer({ onComplete: (completion) => Ref.update(completions, (all) => [...all, completion]) })
    }).pipe(Layer.unwrapEffect, Layer.provideMerge(Completions.Default))
    return Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* TestOperations.create(other)
      yield* Clusters.completeAt(name, "15 seconds", { clusterName: "c1" })
      const fibers = yield* forkStarted(Effect.all([Wait.wait(name), Effect.exit(Wait.wait(other, { timeout: "12 seconds" }))], {
        concurrency: "unbounded"
      }), 2)
      yield* TestClock.adjust("1 minute")
      const [done, timedOut] = yield* Fiber.join(fibers)
      assert.strictEqual(done._tag, "Succeeded")
      assert.isTrue(Exit.isFailure(timedOut))
      const completions = yield* Ref.get(yield* Completions)
      assert.deepStrictEqual(completions.map((c) => c.operation).sort(), [name, other])
      const first = completions.find((c) => c.operation === name)!
      assert.isTrue(Exit.isSuccess(first.exit))
      const second = completions.find((c) => c.operation === other)!
      assert.isTrue(Exit.isFailure(second.exit))
      assert.match(first.idempotencyKey, /^[0-9a-f]{16,}$/)
      assert.notStrictEqual(first.idempotencyKey, second.idempotencyKey)
    }).pipe(Effect.provide(layerWith(registered)))
  })
})
