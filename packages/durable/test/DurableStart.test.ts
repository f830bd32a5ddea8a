import { WorkflowEngine } from "@effect/workflow"
import { assert, describe, it } from "@effect/vitest"
import { DurableStart } from "@longrunning/durable"
import { OperationsClient, OperationsError } from "@longrunning/http"
import { Policy } from "@longrunning/polling"
import { Operation, Status } from "@longrunning/schema"
import { TestOperations } from "@longrunning/testing"
import { Chunk, Clock, Duration, Effect, Exit, Fiber, Layer, Option, Predicate, Ref, Schema, TestClock, TestServices } from "effect"

const ClusterOperation = Operation.schema({ response: Schema.Struct({ clusterName: Schema.String }) })
const Clusters = TestOperations.typed(ClusterOperation)

const Create = DurableStart.make({ name: "TestCreate", schema: ClusterOperation, policy: Policy.fixed("10 seconds") })

const createCluster = (clusterName: string, requestId?: string): OperationsClient.StartRequest => ({
  path: "projects/demo/regions/us-central1/clusters",
  body: { clusterName },
  requestId: { in: "query" },
  ...(requestId === undefined ? {} : { query: { requestId } })
})

interface Sent {
  readonly path: string
  readonly requestId: string | undefined
  readonly operation: string
  readonly time: number
}

/**
 * What the start calls of the tests reach: a server double on top of TestOperations that creates an
 * operation per new request id (and answers a request id seen before with the operation it started, as
 * Dataproc does), done `runFor` after its start, or refuses with `refuse`.
 */
class Server extends Effect.Service<Server>()("test/Server", {
  effect: Effect.all({
    sent: Ref.make<ReadonlyArray<Sent>>([]),
    runFor: Ref.make<Duration.DurationInput>("35 seconds"),
    refuse: Ref.make<Option.Option<Status.Status>>(Option.none()),
    answerDone: Ref.make(false)
  })
}) {}

// The start calls go through a real client (`fromTransport`: the request is checked, the answer decoded) over a
// transport that serves only `start`; everything else is TestOperations' client.
const withStart = Layer.effect(
  OperationsClient.OperationsClient,
  Effect.gen(function*() {
    const base = yield* OperationsClient.OperationsClient
    const server = yield* Server
    const context = yield* Effect.context<TestOperations.TestOperations>()
    const started = new Map<string, string>()
    const unused = () => Effect.dieMessage("only start is served here")
    const starter = OperationsClient.fromTransport({
      get: unused,
      list: unused,
      cancel: unused,
      delete: unused,
      start: (request) =>
        Effect.gen(function*() {
          const id = request.query.find(([key]) => key === "requestId")?.[1]
          const refuse = yield* Ref.get(server.refuse)
          if (Option.isSome(refuse)) {
            return yield* new OperationsError.ApiError({
              method: "start",
              operation: request.path,
              httpStatus: 409,
              status: refuse.value,
              retryAfter: Option.none()
            })
          }
          let name = id === undefined ? undefined : started.get(id)
          if (name === undefined) {
            name = `projects/demo/regions/us-central1/operations/started-${started.size + 1}`
            if (id !== undefined) started.set(id, name)
            const body: unknown = request.body === undefined ? {} : JSON.parse(request.body)
            const clusterName = Predicate.isRecord(body) ? String(body.clusterName) : ""
            yield* TestOperations.create(name)
            if (yield* Ref.get(server.answerDone)) {
              yield* Clusters.complete(name, { clusterName })
            } else {
              yield* Clusters.completeAt(name, yield* Ref.get(server.runFor), { clusterName })
            }
          }
          const time = yield* Clock.currentTimeMillis
          yield* Ref.update(server.sent, (all) => [...all, { path: request.path, requestId: id, operation: name, time }])
          const json = Option.getOrThrow(yield* TestOperations.peek(name))
          return { json, httpStatus: 200 }
        }).pipe(Effect.provide(context))
    })
    return OperationsClient.OperationsClient.of({ ...base, start: starter.start })
  })
)

const layerWith = <A, RC>(
  registered: Layer.Layer<A, never, WorkflowEngine.WorkflowEngine | OperationsClient.OperationsClient | RC>
) =>
  registered.pipe(
    Layer.provideMerge(WorkflowEngine.layerMemory),
    Layer.provideMerge(withStart),
    Layer.provideMerge(Server.Default),
    Layer.provideMerge(TestOperations.layer())
  )

const TestLayer = layerWith(Create.layer())

/** Forks `effect` and returns once it has registered `sleeps` more sleeps on the TestClock (see DurableWait.test.ts). */
const forkStarted = <A, E, R>(effect: Effect.Effect<A, E, R>, sleeps = 1) =>
  Effect.gen(function*() {
    const before = Chunk.size(yield* TestClock.sleeps())
    const fiber = yield* Effect.fork(effect)
    while (Chunk.size(yield* TestClock.sleeps()) < before + sleeps) {
      yield* TestServices.provideLive(Effect.sleep("1 millis"))
    }
    return fiber
  })

const sent = Effect.flatMap(Server, (server) => Ref.get(server.sent))
const pollTimes = Effect.map(TestOperations.calls, (calls) => calls.filter((c) => c.method === "get").map((c) => c.time))

describe("DurableStart", () => {
  it.effect("starts with a request id drawn before the call, then polls the started operation on the policy", () =>
    Effect.gen(function*() {
      const fiber = yield* forkStarted(Create.result("analytics", createCluster("analytics")))
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(yield* Fiber.join(fiber), Option.some({ clusterName: "analytics" }))
      const starts = yield* sent
      assert.strictEqual(starts.length, 1)
      assert.match(starts[0]!.requestId ?? "", /^[0-9a-f-]{36}$/)
      // the start's answer is the first snapshot: the first poll is a policy step later, as OperationPoller does
      assert.deepStrictEqual(yield* pollTimes, [10_000, 20_000, 30_000, 40_000])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("starting with the same key twice joins one execution: one start, one set of polls", () =>
    Effect.gen(function*() {
      const first = yield* forkStarted(Create.wait("analytics", createCluster("analytics")))
      yield* TestClock.adjust("5 seconds")
      // a second start with the same key joins, whatever its call
      const second = yield* Effect.fork(Create.wait("analytics", createCluster("other")))
      yield* TestClock.adjust("1 minute")
      const [a, b] = [yield* Fiber.join(first), yield* Fiber.join(second)]
      assert.strictEqual(a._tag, "Succeeded")
      assert.deepStrictEqual(b, a)
      assert.strictEqual((yield* sent).length, 1)
      assert.deepStrictEqual(yield* pollTimes, [10_000, 20_000, 30_000, 40_000])
      assert.strictEqual(yield* Create.executionId("analytics"), yield* Create.executionId("analytics"))
      assert.notStrictEqual(yield* Create.executionId("analytics"), yield* Create.executionId("other"))
      // after the end, the recorded outcome, with nothing sent or polled again
      assert.deepStrictEqual(yield* Create.wait("analytics", createCluster("analytics")), a)
      assert.strictEqual((yield* sent).length, 1)
      assert.strictEqual((yield* pollTimes).length, 4)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a request id in the call is the one sent", () =>
    Effect.gen(function*() {
      const fiber = yield* forkStarted(Create.wait("mine", createCluster("mine", "my-own-id-1")))
      yield* TestClock.adjust("1 minute")
      assert.strictEqual((yield* Fiber.join(fiber))._tag, "Succeeded")
      assert.deepStrictEqual((yield* sent).map((s) => s.requestId), ["my-own-id-1"])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a refused start ends with StartFailed and its code, and polls nothing", () =>
    Effect.gen(function*() {
      const server = yield* Server
      yield* Ref.set(server.refuse, Option.some(Status.make({ code: 6, message: "Already exists: analytics" })))
      const error = yield* Effect.flip(Create.wait("analytics", createCluster("analytics")))
      assert.strictEqual(error._tag, "StartFailed")
      if (error._tag === "StartFailed") {
        assert.strictEqual(error.code, 6)
        assert.strictEqual(error.key, "analytics")
        assert.strictEqual(error.path, "projects/demo/regions/us-central1/clusters")
        assert.include(error.message, "Already exists")
      }
      assert.deepStrictEqual(yield* pollTimes, [])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a malformed call fails with StartFailed (InvalidName) before anything is sent", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Create.wait("bad", { path: "projects/demo/../clusters", requestId: { in: "query" } }))
      assert.strictEqual(error._tag, "StartFailed")
      if (error._tag === "StartFailed") assert.strictEqual(error.error, "InvalidName")
      assert.deepStrictEqual(yield* sent, [])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("an answer that is already done ends the execution without a poll", () =>
    Effect.gen(function*() {
      const server = yield* Server
      yield* Ref.set(server.answerDone, true)
      const done = yield* Create.result("quick", createCluster("quick"))
      assert.deepStrictEqual(done, Option.some({ clusterName: "quick" }))
      assert.deepStrictEqual(yield* pollTimes, [])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("the timeout counts from the start and ends with WaitTimeout naming the started operation", () =>
    Effect.gen(function*() {
      const server = yield* Server
      yield* Ref.set(server.runFor, "10 minutes")
      const fiber = yield* forkStarted(Effect.flip(Create.wait("slow", createCluster("slow"), { timeout: "25 seconds" })))
      yield* TestClock.adjust("24 seconds")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 second")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "WaitTimeout")
      if (error._tag === "WaitTimeout") {
        assert.strictEqual(error.operation, "projects/demo/regions/us-central1/operations/started-1")
        assert.strictEqual(error.polls, 2)
        assert.strictEqual(Duration.toMillis(error.timeout), 25_000)
      }
      assert.deepStrictEqual(yield* pollTimes, [10_000, 20_000])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("the completion hook runs once with the key, the started operation and a stable idempotency key", () => {
    class Completions extends Effect.Service<Completions>()("test/StartCompletions", {
      effect: Ref.make<ReadonlyArray<DurableStart.Completion<unknown, unknown>>>([])
    }) {}
    const registered = Effect.gen(function*() {
      const completions = yield* Completions
      return Create.layer({ onComplete: (completion) => Ref.update(completions, (all) => [...all, completion]) })
    }).pipe(Layer.unwrapEffect, Layer.provideMerge(Completions.Default))
    return Effect.gen(function*() {
      const fiber = yield* forkStarted(Create.wait("analytics", createCluster("analytics")))
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      const server = yield* Server
      yield* Ref.set(server.refuse, Option.some(Status.make({ code: 7, message: "denied" })))
      yield* Effect.exit(Create.wait("denied", createCluster("denied")))
      const completions = yield* Ref.get(yield* Completions)
      assert.deepStrictEqual(completions.map((c) => c.key), ["analytics", "denied"])
      assert.deepStrictEqual(completions[0]!.operation, Option.some("projects/demo/regions/us-central1/operations/started-1"))
      assert.isTrue(Exit.isSuccess(completions[0]!.exit))
      assert.deepStrictEqual(completions[1]!.operation, Option.none())
      assert.isTrue(Exit.isFailure(completions[1]!.exit))
      assert.match(completions[0]!.idempotencyKey, /^[0-9a-f]{16,}$/)
      assert.notStrictEqual(completions[0]!.idempotencyKey, completions[1]!.idempotencyKey)
    }).pipe(Effect.provide(layerWith(registered)))
  })
})
