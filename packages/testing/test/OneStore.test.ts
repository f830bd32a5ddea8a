import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Emulator, OperationStore, Statuses } from "@longrunning/emulator"
import { Credentials, OperationsClient, OperationsError, RetryPolicy } from "@longrunning/http"
import * as Dataproc from "@longrunning/http/Dataproc"
import { Code, Status } from "@longrunning/schema"
import { TestHttpClient, TestOperations } from "@longrunning/testing"
import { Cause, Chunk, Effect, Exit, Layer, TestClock, TestContext } from "effect"

// One store under the three doubles: the same script answers the same through TestOperations (in memory),
// TestHttpClient (the real client, no socket) and the emulator (a loopback socket).

const region = "projects/demo/regions/us-central1"
const collection = `${region}/operations`
const a = `${collection}/op-a`
const b = `${collection}/op-b`
const metadata = { "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata", clusterName: "c0" }

const noRetry = { retryPolicy: RetryPolicy.none }

type Client = OperationsClient.OperationsClient
type Double = (store: OperationStore.OperationStore.Service) => Layer.Layer<Client, unknown>

const inMemory: Double = (store) => TestOperations.layer({ store })

const overFakeHttp: Double = (store) =>
  OperationsClient.layer(noRetry).pipe(
    Layer.provide(Credentials.unauthenticated),
    Layer.provide(TestHttpClient.layer({ store }))
  )

const overSocket: Double = (store) =>
  Layer.unwrapScoped(
    Effect.map(Emulator.make({ store }), (emulator) =>
      OperationsClient.layerEmulator(emulator.url, noRetry).pipe(Layer.provide(FetchHttpClient.layer)))
  )

/** What a step answered, in a form the three doubles can be compared on. */
const outcome = <A, E extends OperationsClient.Error>(effect: Effect.Effect<A, E, Client>) =>
  Effect.map(Effect.either(effect), (either) =>
    either._tag === "Right"
      ? { ok: either.right === undefined ? "void" : JSON.parse(JSON.stringify(either.right)) as unknown }
      : {
        error: either.left._tag,
        code: either.left._tag === "ApiError" ? either.left.status.code : undefined
      })

const startCluster = (clusterName: string, requestId: string) =>
  Dataproc.start(Dataproc.clusters.create({ projectId: "demo", region: "us-central1", requestId }, { clusterName }))

/** The script, through the store's own vocabulary. */
const script = (store: OperationStore.OperationStore.Service) =>
  Effect.gen(function*() {
    yield* store.create(a, { metadata })
    yield* store.schedule(a, "30 seconds", OperationStore.complete({ "@type": "type.googleapis.com/google.protobuf.Empty" }))
    yield* store.create(b)
    yield* store.schedule(b, "10 seconds", OperationStore.fail(Status.make({ code: Code.codes.INTERNAL, message: "boom" })))
    yield* store.addRule(OperationStore.Fault.Answer({ status: Statuses.unavailable }), { name: a, methods: ["get"], times: 1 })
    yield* store.addRule(Emulator.failOperation(Statuses.quotaExceeded, "20 seconds"), { times: 1 })
  })

/** The calls, through the client of one double, with the clock moved between them. */
const steps = Effect.gen(function*() {
  const client = yield* OperationsClient.OperationsClient
  const out: Array<unknown> = []
  out.push(yield* outcome(client.get(a))) // UNAVAILABLE, the rule's one time
  out.push(yield* outcome(client.get(a)))
  out.push(yield* outcome(client.list(collection)))
  const started = yield* startCluster("c1", "req-1") // the quota fault: it will fail 20 s after its start
  out.push({ started: JSON.parse(JSON.stringify(started)) as unknown })
  out.push(yield* outcome(startCluster("c1", "req-1"))) // the same request id: the same operation
  out.push(yield* outcome(startCluster("c1", "req-2"))) // another id: the cluster exists
  out.push(yield* outcome(startCluster("c2", "req-3")))
  yield* TestClock.adjust("15 seconds")
  out.push(yield* outcome(client.get(b)))
  out.push(yield* outcome(client.cancel(a)))
  out.push(yield* outcome(client.get(a)))
  yield* TestClock.adjust("2 minutes")
  out.push(yield* outcome(client.get(started.name)))
  out.push(yield* outcome(client.delete(b)))
  out.push(yield* outcome(client.get(b)))
  out.push(yield* outcome(client.list(collection, { filter: "done=true" })))
  return out
})

const run = (double: Double) =>
  Effect.gen(function*() {
    const store = yield* OperationStore.make({ seed: 42 })
    yield* script(store)
    const answers = yield* Effect.provide(steps, double(store))
    const logged = yield* store.calls
    const calls = logged.map((call) => ({
      method: call.method,
      route: call.route,
      name: call.name,
      time: call.time,
      code: call.code
    }))
    return { answers, calls, wire: logged.map((call) => call.http?.method ?? "memory") }
  }).pipe(Effect.provide(TestContext.TestContext)) // each double on a TestClock of its own, from 0

describe("one OperationStore under the three doubles", () => {
  it.scoped("the same script gives the same answers and the same call log in memory, over fake HTTP and over a socket", () =>
    Effect.gen(function*() {
      const memory = yield* run(inMemory)
      const fake = yield* run(overFakeHttp)
      const socket = yield* run(overSocket)
      assert.deepStrictEqual(fake.answers, memory.answers)
      assert.deepStrictEqual(socket.answers, memory.answers)
      assert.deepStrictEqual(fake.calls, memory.calls)
      assert.deepStrictEqual(socket.calls, memory.calls)
      // Each went its own way: in memory, through the fake HttpClient, over the socket.
      assert.isTrue(memory.wire.every((method) => method === "memory"))
      assert.deepStrictEqual(fake.wire, socket.wire)
      assert.deepStrictEqual(fake.wire.slice(0, 4), ["GET", "GET", "GET", "POST"])

      // And the answers are the script's: not three doubles agreeing on nothing.
      const [unavailable, running, , started, again, exists, other, failed, , cancelled, quota, , gone, doneList] =
        memory.answers
      assert.deepStrictEqual(unavailable, { error: "ApiError", code: Code.codes.UNAVAILABLE })
      assert.propertyVal(Reflect.get(Object(running), "ok"), "_tag", "Running")
      assert.deepStrictEqual(Reflect.get(Object(again), "ok"), Reflect.get(Object(started), "started"))
      assert.deepStrictEqual(exists, { error: "ApiError", code: Code.codes.ALREADY_EXISTS })
      assert.propertyVal(Reflect.get(Object(other), "ok"), "_tag", "Running")
      assert.propertyVal(Reflect.get(Object(failed), "ok"), "_tag", "Failed")
      assert.propertyVal(Reflect.get(Object(cancelled), "ok"), "_tag", "Failed")
      const quotaOp = Reflect.get(Object(quota), "ok")
      assert.propertyVal(quotaOp, "_tag", "Failed")
      assert.strictEqual(Reflect.get(Reflect.get(Object(quotaOp), "error"), "code"), Code.codes.RESOURCE_EXHAUSTED)
      assert.deepStrictEqual(gone, { error: "ApiError", code: Code.codes.NOT_FOUND })
      // op-a (cancelled) and the two cluster creates (one failed for quota, one succeeded) are done; op-b is gone.
      assert.strictEqual(Reflect.get(Object(Reflect.get(Object(doneList), "ok")), "operations").length, 3)
      assert.deepStrictEqual(memory.calls.slice(0, 3).map((call) => [call.method, call.code]), [["get", 14], ["get", 0], [
        "list",
        0
      ]])
    }))

  it.scoped("one store shared by the three at once: a start in memory is deduped over the socket; one log holds every call", () =>
    Effect.gen(function*() {
      const store = yield* OperationStore.make()
      const emulator = yield* Emulator.make({ store })
      const first = yield* Effect.provide(startCluster("c1", "shared-1"), inMemory(store))
      const overHttp = yield* Effect.provide(startCluster("c1", "shared-1"), overFakeHttp(store))
      const overSocketToo = yield* Effect.provide(startCluster("c1", "shared-1"), overSocket(store))
      assert.strictEqual(overHttp.name, first.name)
      assert.strictEqual(overSocketToo.name, first.name)
      assert.strictEqual((yield* emulator.operations).length, 1, "one cluster create, not three")
      const calls = yield* store.calls
      assert.deepStrictEqual(calls.map((call) => [call.route, call.http === undefined ? "memory" : call.http.method]), [
        ["CreateCluster", "memory"],
        ["CreateCluster", "POST"],
        ["CreateCluster", "POST"]
      ])
      // The emulator's request log is the store's, seen as HTTP requests.
      assert.strictEqual((yield* emulator.requests).length, 2)
      // And control through the emulator moves what the in-memory double serves.
      yield* emulator.complete(first.name)
      const done = yield* Effect.provide(
        Effect.flatMap(OperationsClient.OperationsClient, (client) => client.get(first.name)),
        inMemory(store)
      )
      assert.strictEqual(done._tag, "Succeeded")
    }))
})

describe("start in process, under TestClock", () => {
  it.effect("clusters.create with a requestId: a retry within the window answers the first operation; after it, the cluster exists", () =>
    Effect.gen(function*() {
      const first = yield* startCluster("analytics", "req-1")
      assert.strictEqual(first._tag, "Running")
      assert.strictEqual(first.metadata?.clusterName, "analytics")
      yield* TestClock.adjust("5 minutes")
      const again = yield* startCluster("analytics", "req-1")
      assert.strictEqual(again.name, first.name)
      assert.strictEqual(again._tag, "Succeeded", "the operation as it is now: the create ran its 90 s")
      assert.strictEqual((yield* (yield* TestOperations.TestOperations).operations).length, 1)
      yield* TestClock.adjust("10 minutes") // past the 10-minute window: the id is forgotten
      const late = yield* Effect.flip(startCluster("analytics", "req-1"))
      assert.isTrue(late._tag === "ApiError" && late.status.code === Code.codes.ALREADY_EXISTS)
      const starts = (yield* TestOperations.calls).filter((call) => call.method === "start")
      assert.deepStrictEqual(starts.map((call) => [call.route, call.time, call.code]), [
        ["CreateCluster", 0, 0],
        ["CreateCluster", 300_000, 0],
        ["CreateCluster", 900_000, Code.codes.ALREADY_EXISTS]
      ])
    }).pipe(Effect.provide(TestOperations.layer({ requestIdWindow: "10 minutes" }))))

  it.effect("every start method the emulator serves runs in memory: delete, stop, start, batches, workflows", () =>
    Effect.gen(function*() {
      const created = yield* startCluster("c1", "r-create")
      yield* TestClock.adjust("90 seconds")
      const ref = { projectId: "demo", region: "us-central1", clusterName: "c1" }
      const stop = yield* Dataproc.start(Dataproc.clusters.stop(ref))
      const startAgain = yield* Dataproc.start(Dataproc.clusters.start(ref))
      const batch = yield* Dataproc.start(
        Dataproc.batches.create({ projectId: "demo", location: "us-central1", batchId: "batch-0001" }, {})
      )
      const workflow = yield* Dataproc.start(
        Dataproc.workflowTemplates.instantiateInline({ projectId: "demo", region: "us-central1" }, { id: "wf" })
      )
      const deletion = yield* Dataproc.start(Dataproc.clusters.delete(ref))
      assert.deepStrictEqual(
        [stop, startAgain, deletion].map((op) => op.metadata?.operationType),
        ["STOP", "START", "DELETE"]
      )
      assert.strictEqual(batch.metadata?.batch, "projects/demo/locations/us-central1/batches/batch-0001")
      assert.strictEqual(workflow.metadata?.template, "projects/demo/regions/us-central1/workflowTemplates/wf")
      assert.notStrictEqual(created.name, deletion.name)
      const routes = (yield* TestOperations.calls).map((call) => call.route)
      assert.deepStrictEqual(routes, [
        "CreateCluster",
        "StopCluster",
        "StartCluster",
        "CreateBatch",
        "InstantiateInlineWorkflowTemplate",
        "DeleteCluster"
      ])
      // Dataproc's checks run in memory too: a cluster that is not there is NOT_FOUND.
      const missing = yield* Effect.flip(Dataproc.start(Dataproc.clusters.stop({ ...ref, clusterName: "nope" })))
      assert.isTrue(OperationsError.isNotFound(missing))
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("TestHttpClient serves the start methods with the request id the real client sets, kept across its retries", () =>
    Effect.gen(function*() {
      yield* TestOperations.injectError(Statuses.unavailable, { methods: "start", times: 1 })
      const client = yield* OperationsClient.OperationsClient
      const fiber = yield* Effect.fork(
        client.start({ path: `${region}/clusters`, body: { clusterName: "c9" }, requestId: { in: "query" } })
      )
      yield* TestClock.adjust("1 minute")
      const exit = yield* fiber.await
      assert.isTrue(Exit.isSuccess(exit), Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "")
      const starts = (yield* TestOperations.calls).filter((call) => call.method === "start")
      assert.deepStrictEqual(starts.map((call) => call.code), [Code.codes.UNAVAILABLE, 0])
      const ids = starts.map((call) => call.http?.query["requestId"])
      assert.isString(ids[0])
      assert.strictEqual(ids[1], ids[0], "the retry carries the same request id")
      assert.strictEqual((yield* (yield* TestOperations.TestOperations).operations).length, 1)
    }).pipe(
      Effect.provide(
        OperationsClient.layer().pipe(Layer.provide(Credentials.unauthenticated), Layer.provideMerge(TestHttpClient.layer()))
      )
    ))
})

describe("fault rules over the store", () => {
  it.effect("a rule's window, times and name hold in memory; rules for a name come first", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(a)
      yield* TestOperations.create(b)
      const client = yield* OperationsClient.OperationsClient
      const codeOf = (name: string) =>
        Effect.map(Effect.either(client.get(name)), (either) =>
          either._tag === "Right" ? 0 : either.left._tag === "ApiError" ? either.left.status.code : -1)
      yield* TestOperations.injectFault(Emulator.answer(Statuses.unavailable), { after: "10 seconds", during: "5 seconds" })
      yield* TestOperations.injectError(Statuses.notFound("gone"), { name: b, times: 1 })
      assert.deepStrictEqual([yield* codeOf(a), yield* codeOf(b), yield* codeOf(b)], [0, Code.codes.NOT_FOUND, 0])
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual([yield* codeOf(a), yield* codeOf(b)], [Code.codes.UNAVAILABLE, Code.codes.UNAVAILABLE])
      yield* TestClock.adjust("5 seconds")
      assert.strictEqual(yield* codeOf(a), 0, "the window is over")
      const faults = (yield* TestOperations.calls).map((call) => call.fault)
      assert.deepStrictEqual(faults, [undefined, "Answer", undefined, "Answer", "Answer", undefined])
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("HTTP-method rules (the emulator's) match calls made in memory by the verb they would take", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(a)
      const client = yield* OperationsClient.OperationsClient
      yield* TestOperations.injectFault(Emulator.answer(Statuses.unavailable), { httpMethods: ["post"] })
      assert.strictEqual((yield* client.get(a))._tag, "Running")
      assert.isTrue(OperationsError.isUnavailable(yield* Effect.flip(client.cancel(a))))
      assert.isTrue(OperationsError.isUnavailable(yield* Effect.flip(startCluster("c1", "r1"))))
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("faults that bend or cut an answer: wrong name and resets in memory; a body only a wire can send is a defect", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(a)
      const client = yield* OperationsClient.OperationsClient
      yield* TestOperations.injectFault(Emulator.connectionReset, { times: 1 })
      const reset = yield* Effect.flip(client.get(a))
      assert.isTrue(reset._tag === "TransportError" && reset.reason === "Reset")
      yield* TestOperations.injectFault(Emulator.wrongName, { times: 1 })
      const wrong = yield* Effect.flip(client.get(a))
      assert.strictEqual(wrong._tag, "MalformedResponse")
      yield* TestOperations.injectFault(Emulator.latency("3 seconds"), { times: 1 })
      const slow = yield* Effect.fork(client.get(a))
      yield* TestClock.adjust("3 seconds")
      assert.strictEqual((yield* slow.await)._tag, "Success")
      yield* TestOperations.injectFault(Emulator.proxyHtml, { times: 1 })
      const exit = yield* Effect.exit(client.get(a))
      const defects = Exit.isFailure(exit) ? Chunk.toArray(Cause.defects(exit.cause)) : []
      assert.include(String(defects[0]), "without a wire")
    }).pipe(Effect.provide(TestOperations.layer())))

  it.effect("the same faults over TestHttpClient reach the real client as over a socket", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(a)
      const client = yield* OperationsClient.OperationsClient
      yield* TestOperations.injectFault(Emulator.proxyHtml, { times: 1 })
      const html = yield* Effect.flip(client.get(a))
      assert.isTrue(html._tag === "ApiError" && html.httpStatus === 502)
      yield* TestOperations.injectFault(Emulator.truncatedJson, { times: 1 })
      assert.strictEqual((yield* Effect.flip(client.get(a)))._tag, "MalformedResponse")
      yield* TestOperations.injectFault(Emulator.connectionReset, { times: 1 })
      assert.strictEqual((yield* Effect.flip(client.get(a)))._tag, "TransportError")
      yield* TestOperations.injectFault(Emulator.quotaFault, { times: 1 })
      const started = yield* startCluster("c1", "r1")
      yield* TestClock.adjust("10 seconds")
      const failed = yield* client.get(started.name)
      assert.isTrue(failed._tag === "Failed" && failed.error.code === Code.codes.RESOURCE_EXHAUSTED)
    }).pipe(
      Effect.provide(
        OperationsClient.layer(noRetry).pipe(
          Layer.provide(Credentials.unauthenticated),
          Layer.provideMerge(TestHttpClient.layer())
        )
      )
    ))
})
