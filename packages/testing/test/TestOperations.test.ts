import { assert, describe, it } from "@effect/vitest"
import { OperationsClient, OperationsError } from "@longrunning/http"
import { OperationPoller, Policy } from "@longrunning/polling"
import { Code, Dataproc, Operation, Status } from "@longrunning/schema"
import { TestOperations } from "@longrunning/testing"
import { Cause, Chunk, Clock, Duration, Effect, Exit, Fiber, Option, Schema, Stream, TestClock } from "effect"

const name = "projects/demo/regions/us-central1/operations/op-1"
const other = "projects/demo/regions/us-central1/operations/op-2"
const collection = "projects/demo/regions/us-central1/operations"
const everySecond = { schedule: Policy.fixed("1 second") }

const progressMetadata = (percent: number) => ({ "@type": "type.googleapis.com/acme.v1.Progress", percent })
const cluster = { "@type": "type.googleapis.com/google.cloud.dataproc.v1.Cluster", clusterName: "c1" }

const client = OperationsClient.OperationsClient

/** The message of the defect an effect dies with. */
const defect = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.exit(effect), (exit) => {
    assert.isTrue(Exit.isFailure(exit), "expected a defect")
    if (Exit.isSuccess(exit)) return ""
    const dies = Chunk.toArray(Cause.defects(exit.cause))
    assert.strictEqual(dies.length, 1, `expected a defect, got ${Cause.pretty(exit.cause)}`)
    const [error] = dies
    return error instanceof Error ? error.message : String(error)
  })

describe("TestOperations through the client", () => {
  it.effect("create, advance metadata, complete: each get decodes what the script holds", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name, { metadata: progressMetadata(0) })
      const c = yield* client
      const first = yield* c.get(name)
      assert.strictEqual(first._tag, "Running")
      assert.deepStrictEqual(first.metadata, progressMetadata(0))

      yield* TestOperations.setMetadata(name, progressMetadata(40))
      assert.deepStrictEqual((yield* c.get(name)).metadata, progressMetadata(40))

      yield* TestClock.adjust("5 seconds")
      yield* TestOperations.complete(name, cluster, { metadata: progressMetadata(100) })
      const done = yield* c.get(name)
      assert.strictEqual(done._tag, "Succeeded")
      if (done._tag === "Succeeded") assert.deepStrictEqual(done.response, cluster)
      assert.deepStrictEqual(done.metadata, progressMetadata(100))

      const calls = yield* TestOperations.calls
      assert.deepStrictEqual(calls.map((call) => [call.method, call.name, call.time, call.code]), [
        ["get", name, 0, 0],
        ["get", name, 0, 0],
        ["get", name, 5000, 0]
      ])
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("fail and finishWithoutResult give the other done states; complete defaults to Empty", () =>
    Effect.gen(function*() {
      const third = "projects/demo/regions/us-central1/operations/op-3"
      yield* TestOperations.create(name)
      yield* TestOperations.create(other)
      yield* TestOperations.create(third)
      const quota = Status.make({ code: Code.codes.RESOURCE_EXHAUSTED, message: "Insufficient 'CPUS' quota" })
      yield* TestOperations.fail(name, quota)
      yield* TestOperations.finishWithoutResult(other)
      yield* TestOperations.complete(third)
      const c = yield* client
      const failed = yield* c.get(name)
      assert.isTrue(Operation.isFailed(failed))
      if (failed._tag === "Failed") assert.deepStrictEqual(failed.error, quota)
      assert.strictEqual((yield* c.get(other))._tag, "DoneWithoutResult")
      const succeeded = yield* c.get(third)
      assert.deepStrictEqual(succeeded._tag === "Succeeded" ? succeeded.response : undefined, {
        "@type": "type.googleapis.com/google.protobuf.Empty"
      })
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("typed metadata and responses are encoded with the schema and decode back", () =>
    Effect.gen(function*() {
      const schema = Operation.schema({ metadata: Dataproc.ClusterOperationMetadata })
      const Clusters = TestOperations.typed(schema)
      const metadata: Dataproc.ClusterOperationMetadata = {
        "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
        clusterName: "c1",
        clusterUuid: "",
        status: { state: "RUNNING", innerState: "", details: "" },
        statusHistory: [],
        operationType: "CREATE",
        description: "",
        labels: {},
        warnings: []
      }
      yield* Clusters.create(name, { metadata })
      const snapshot = yield* TestOperations.peek(name)
      assert.deepStrictEqual(
        Option.getOrThrow(snapshot).metadata,
        Schema.encodeSync(Dataproc.ClusterOperationMetadata)(metadata)
      )
      const op = yield* (yield* client).get(name, schema)
      assert.strictEqual(op.metadata?.["@type"], Dataproc.ClusterOperationMetadata.typeUrl)
      if (op.metadata !== undefined && "clusterName" in op.metadata) assert.strictEqual(op.metadata.clusterName, "c1")
      yield* Clusters.progress(name, [{ after: "1 second", metadata: { ...metadata, clusterName: "c2" } }])
      yield* Clusters.completeAt(name, "2 seconds", cluster)
      yield* TestClock.adjust("1 second")
      const moved = yield* (yield* client).get(name, schema)
      assert.strictEqual(moved.metadata !== undefined && "clusterName" in moved.metadata ? moved.metadata.clusterName : "", "c2")
      yield* TestClock.adjust("1 second")
      const done = yield* (yield* client).get(name, schema)
      assert.deepStrictEqual(done._tag === "Succeeded" ? done.response : undefined, cluster)
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("raw metadata is served as given, so malformed answers can be tested", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name, { metadata: "not an Any" })
      const error = yield* Effect.flip((yield* client).get(name))
      assert.strictEqual(error._tag, "MalformedResponse")
      if (error._tag === "MalformedResponse") assert.strictEqual(error.path, "$.metadata")
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("list filters and pages like the emulator; listAll walks the pages", () =>
    Effect.gen(function*() {
      for (let i = 1; i <= 5; i++) yield* TestOperations.create(`${collection}/op-${i}`)
      yield* TestOperations.create("projects/demo/regions/europe-west1/operations/elsewhere")
      yield* TestOperations.complete(`${collection}/op-2`)
      yield* TestOperations.complete(`${collection}/op-4`)
      const c = yield* client
      const done = yield* c.list(collection, { filter: "done=true" })
      assert.deepStrictEqual(done.operations.map((op) => op.name), [`${collection}/op-2`, `${collection}/op-4`])
      const page = yield* c.list(collection, { pageSize: 2 })
      assert.strictEqual(page.operations.length, 2)
      assert.notStrictEqual(page.nextPageToken, "")
      const all = yield* Stream.runCollect(c.listAll(collection, { pageSize: 2 }))
      assert.deepStrictEqual(Chunk.toArray(all).map((op) => op.name), [1, 2, 3, 4, 5].map((i) => `${collection}/op-${i}`))
      const bad = yield* Effect.flip(c.list(collection, { filter: "(done = true OR x)" }))
      assert.isTrue(bad._tag === "ApiError" && bad.code === Code.codes.INVALID_ARGUMENT)
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("invalid names never reach the script", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* client).get("projects/demo/operations/../x"))
      assert.strictEqual(error._tag, "InvalidName")
      assert.deepStrictEqual(yield* TestOperations.calls, [])
    }).pipe(Effect.provide(TestOperations.layer())))
})

describe("TestOperations on the Clock", () => {
  it.effect("an operation completing at t=90 s is seen done by a watch after TestClock.adjust", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* TestOperations.completeAt(name, "90 seconds", cluster)
      assert.strictEqual(yield* (yield* TestOperations.TestOperations).pending, 1)
      const fiber = yield* Effect.fork(Stream.runCollect(OperationPoller.watch(name, { schedule: Policy.fixed("10 seconds") })))
      yield* TestClock.adjust("2 minutes")
      const snapshots = Chunk.toArray(yield* Fiber.join(fiber))
      assert.deepStrictEqual(snapshots.map((op) => op._tag), [...Array(9).fill("Running"), "Succeeded"])
      const gets = (yield* TestOperations.calls).filter((call) => call.method === "get")
      assert.deepStrictEqual(gets.map((call) => call.time), [0, 10, 20, 30, 40, 50, 60, 70, 80, 90].map((s) => s * 1000))
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("progress steps are seen in order; the done snapshot carries the last metadata", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name, { metadata: progressMetadata(0) })
      yield* TestOperations.progress(name, [
        { after: "3 seconds", metadata: progressMetadata(30) },
        { after: "6 seconds", metadata: progressMetadata(60) }
      ])
      yield* TestOperations.completeAt(name, "9 seconds", cluster, { metadata: progressMetadata(100) })
      const fiber = yield* Effect.fork(
        Stream.runCollect(OperationPoller.watch(name, { ...everySecond, onlyChanges: true }))
      )
      yield* TestClock.adjust("1 minute")
      const snapshots = Chunk.toArray(yield* Fiber.join(fiber))
      assert.deepStrictEqual(snapshots.map((op) => [op._tag, op.metadata?.percent]), [
        ["Running", 0],
        ["Running", 30],
        ["Running", 60],
        ["Succeeded", 100]
      ])
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("wait returns the failed operation; result fails with OperationFailed", () =>
    Effect.gen(function*() {
      const quota = Status.make({ code: Code.codes.RESOURCE_EXHAUSTED, message: "quota" })
      yield* TestOperations.create(name)
      yield* TestOperations.failAt(name, "30 seconds", quota)
      const waiting = yield* Effect.fork(OperationPoller.wait(name, everySecond))
      const result = yield* Effect.fork(Effect.flip(OperationPoller.result(name, everySecond)))
      yield* TestClock.adjust("1 minute")
      const done = yield* Fiber.join(waiting)
      assert.strictEqual(done._tag, "Failed")
      const error = yield* Fiber.join(result)
      assert.strictEqual(error._tag, "OperationFailed")
      if (error._tag === "OperationFailed") assert.deepStrictEqual(error.status, quota)
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("a scheduled change does nothing once the operation has ended another way", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* TestOperations.completeAt(name, "1 minute")
      yield* TestClock.adjust("10 seconds")
      yield* (yield* client).cancel(name)
      yield* TestClock.adjust("2 minutes")
      const op = yield* (yield* client).get(name)
      assert.isTrue(Operation.isCancelled(op))
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("latency makes every call take time on the Clock", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      const fiber = yield* Effect.fork((yield* client).get(name))
      yield* TestClock.adjust("4 seconds")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* Fiber.join(fiber))._tag, "Running")
      assert.deepStrictEqual((yield* TestOperations.calls).map((call) => call.time), [5000])
    }).pipe(Effect.provide(TestOperations.layer({ latency: "5 seconds" }))))
})

describe("TestOperations errors", () => {
  it.effect("UNAVAILABLE twice: the watcher backs off (2 s, then 4 s) and still sees the operation done", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* TestOperations.completeAt(name, "5 seconds")
      yield* TestOperations.injectError(TestOperations.unavailable, { methods: "get", times: 2 })
      const start = yield* Clock.currentTimeMillis
      const fiber = yield* Effect.fork(OperationPoller.wait(name, everySecond))
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual((yield* Fiber.join(fiber))._tag, "Succeeded")
      const calls = yield* TestOperations.calls
      assert.deepStrictEqual(calls.map((call) => [call.code, call.time - start]), [[14, 0], [14, 2000], [0, 6000]])
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("UNAVAILABLE twice with failureBackoff: false: the watcher polls on its schedule", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* TestOperations.completeAt(name, "5 seconds")
      yield* TestOperations.injectError(TestOperations.unavailable, { methods: "get", times: 2 })
      const fiber = yield* Effect.fork(OperationPoller.wait(name, { ...everySecond, failureBackoff: false }))
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual((yield* Fiber.join(fiber))._tag, "Succeeded")
      const codes = (yield* TestOperations.calls).map((call) => call.code)
      assert.deepStrictEqual(codes, [14, 14, 0, 0, 0, 0])
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("the client's error is the ApiError the HTTP client would make", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* TestOperations.injectError(TestOperations.rateLimited("30 seconds"), { name, times: 1 })
      const error = yield* Effect.flip((yield* client).get(name))
      assert.isTrue(OperationsError.isResourceExhausted(error))
      if (error._tag === "ApiError") {
        assert.strictEqual(error.httpStatus, 429)
        assert.strictEqual(error.method, "get")
        assert.deepStrictEqual(error.retryAfter, Option.some(Duration.seconds(30)))
      }
      assert.isTrue(OperationsError.isRetryable(error))
      assert.strictEqual((yield* (yield* client).get(name))._tag, "Running")
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("RESOURCE_EXHAUSTED with a retry delay holds the next poll back", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* TestOperations.completeAt(name, "50 seconds")
      yield* TestOperations.injectError(TestOperations.rateLimited("45 seconds"), { methods: "get", times: 1 })
      const fiber = yield* Effect.fork(OperationPoller.wait(name, everySecond))
      yield* TestClock.adjust("2 minutes")
      yield* Fiber.join(fiber)
      const times = (yield* TestOperations.calls).map((call) => call.time)
      assert.strictEqual(times[0], 0)
      assert.isAtLeast(times[1]!, 45_000)
      assert.isAtMost(times[1]!, 46_000)
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("NOT_FOUND: a get of an operation nobody created; a watch ends with OperationNotFound", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* client).get(name))
      assert.isTrue(OperationsError.isNotFound(error))
      const watchError = yield* Effect.flip(OperationPoller.wait(name))
      assert.strictEqual(watchError._tag, "OperationNotFound")
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("NOT_FOUND injected after some polls ends the watch with the last snapshot", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      const fiber = yield* Effect.fork(Effect.flip(OperationPoller.wait(name, everySecond)))
      yield* TestClock.adjust("2 seconds")
      yield* TestOperations.injectError(TestOperations.notFound("expired"), { name })
      yield* TestClock.adjust("2 seconds")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "OperationNotFound")
      if (error._tag === "OperationNotFound") {
        assert.strictEqual(error.polls, 4)
        assert.isTrue(Option.isSome(error.lastSnapshot))
      }
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("an error without `times` answers until removed; another until cleared", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      const c = yield* client
      const id = yield* TestOperations.injectError(TestOperations.unavailable, { methods: ["get"] })
      for (let i = 0; i < 3; i++) assert.isTrue(OperationsError.isUnavailable(yield* Effect.flip(c.get(name))))
      yield* TestOperations.removeError(id)
      assert.strictEqual((yield* c.get(name))._tag, "Running")
      yield* TestOperations.injectError(TestOperations.notFound(), { methods: "list" })
      assert.strictEqual((yield* c.get(name))._tag, "Running", "a list-only error leaves get alone")
      assert.isTrue(OperationsError.isNotFound(yield* Effect.flip(c.list(collection))))
      yield* TestOperations.clearErrors
      assert.strictEqual((yield* c.list(collection)).operations.length, 1)
    }).pipe(Effect.provide(TestOperations.layer())))
})

describe("TestOperations cancel and delete", () => {
  it.effect("cancel ends a running operation with CANCELLED (code 1); a done one stays as it was", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* TestOperations.create(other)
      yield* TestOperations.complete(other, cluster)
      const c = yield* client
      yield* c.cancel(name)
      yield* c.cancel(other)
      const cancelled = yield* c.get(name)
      assert.isTrue(Operation.isCancelled(cancelled))
      if (cancelled._tag === "Failed") assert.strictEqual(cancelled.error.code, Code.codes.CANCELLED)
      assert.strictEqual((yield* c.get(other))._tag, "Succeeded")
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("a watch with cancelOnInterrupt sends the cancel the script then honours", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      const fiber = yield* Effect.fork(OperationPoller.wait(name, { ...everySecond, cancelOnInterrupt: true }))
      yield* TestClock.adjust("3 seconds")
      yield* Fiber.interrupt(fiber)
      const methods = (yield* TestOperations.calls).map((call) => call.method)
      assert.deepStrictEqual(methods, ["get", "get", "get", "get", "cancel", "get"])
      const snapshot = Option.getOrThrow(yield* TestOperations.peek(name))
      assert.deepStrictEqual(snapshot.error, { code: 1, message: "Operation was cancelled" })
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("delete forgets the operation: later gets are NOT_FOUND, even in strict mode", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      const c = yield* client
      yield* c.delete(name)
      assert.isTrue(OperationsError.isNotFound(yield* Effect.flip(c.get(name))))
      assert.isTrue(OperationsError.isNotFound(yield* Effect.flip(c.delete(name))))
      assert.isTrue(Option.isNone(yield* TestOperations.peek(name)))
    }).pipe(Effect.provide(TestOperations.layer({ strict: true }))))

  it.effect("methods the script marks unimplemented answer UNIMPLEMENTED", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* TestOperations.unimplemented(["cancel", "delete"])
      const c = yield* client
      assert.isTrue(OperationsError.isUnimplemented(yield* Effect.flip(c.cancel(name))))
      assert.isTrue(OperationsError.isUnimplemented(yield* Effect.flip(c.delete(name))))
      assert.strictEqual((yield* c.get(name))._tag, "Running", "the operation was neither cancelled nor deleted")
    }).pipe(Effect.provide(TestOperations.layer())))
})

describe("TestOperations fails loudly", () => {
  it.effect("strict mode: a call about an operation the script never created is a defect naming it", () =>
    Effect.gen(function*() {
      const c = yield* client
      const message = yield* defect(c.get(name))
      assert.include(message, "strict mode")
      assert.include(message, name)
      assert.include(yield* defect(c.list(collection)), "a collection holding no operation")
      // Covered by an injected error: the script speaks for that name.
      yield* TestOperations.injectError(TestOperations.notFound(), { name: other })
      assert.isTrue(OperationsError.isNotFound(yield* Effect.flip(c.get(other))))
    }).pipe(Effect.provide(TestOperations.layer({ strict: true }))))

  it.effect("control calls on unknown or finished operations, and bad names, are defects", () =>
    Effect.gen(function*() {
      assert.include(yield* defect(TestOperations.complete(name)), "no such operation")
      assert.include(yield* defect(TestOperations.create("not/a/name")), "not an operation name")
      yield* TestOperations.create(name)
      assert.include(yield* defect(TestOperations.create(name)), "already exists")
      yield* TestOperations.complete(name)
      assert.include(yield* defect(TestOperations.fail(name, TestOperations.unavailable)), "already done")
      assert.include(yield* defect(TestOperations.completeAt(name, "1 second")), "already done")
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("a typed value that does not encode is a defect", () =>
    Effect.gen(function*() {
      const Strict = TestOperations.typed(Operation.schema({ metadata: Schema.Struct({ "@type": Schema.String, n: Schema.Int }) }))
      const message = yield* defect(Strict.create(name, { metadata: { "@type": "type.googleapis.com/x.Y", n: 1.5 } }))
      assert.include(message, "does not encode")
    }).pipe(Effect.provide(TestOperations.layer())))
})

describe("the README example", () => {
  it.effect("waits through two 503s until the operation completes at t = 90 s", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* TestOperations.completeAt(name, "90 seconds")
      yield* TestOperations.injectError(TestOperations.unavailable, { methods: "get", times: 2 })
      const fiber = yield* Effect.fork(OperationPoller.wait(name, { schedule: Policy.fixed("10 seconds") }))
      yield* TestClock.adjust("90 seconds")
      assert.strictEqual((yield* Fiber.join(fiber))._tag, "Succeeded")
      assert.deepStrictEqual((yield* TestOperations.calls).slice(0, 2).map((call) => call.code), [14, 14])
    }).pipe(Effect.provide(TestOperations.layer())))
})
