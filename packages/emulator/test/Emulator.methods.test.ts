import { assert, describe, it } from "@effect/vitest"
import { Dataproc, Operation, Status } from "@longrunning/schema"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import * as Emulator from "../src/Emulator.js"
import * as Statuses from "../src/Statuses.js"
import { type Answer, field, json, send } from "./helpers.js"

// The Dataproc methods that start operations, over a real loopback socket, on the TestClock.

const region = "projects/demo/regions/us-central1"
const decode = Schema.decodeUnknown(Dataproc.DataprocOperation)

const post = (emulator: Emulator.Emulator.Service, path: string, body?: unknown, method = "POST") =>
  send(`${emulator.url}/v1/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } })
  })

/** The answer's JSON decoded as a Dataproc operation: the emulator writes what the schema reads. */
const operation = (answer: Answer) =>
  Effect.gen(function*() {
    assert.strictEqual(answer.status, 200, answer.text)
    return yield* decode(json(answer))
  })

const read = (emulator: Emulator.Emulator.Service, name: string) =>
  Effect.flatMap(send(`${emulator.url}/v1/${name}`), operation)

const createCluster = (emulator: Emulator.Emulator.Service, clusterName: string, requestId?: string) =>
  post(
    emulator,
    `${region}/clusters${requestId === undefined ? "" : `?requestId=${requestId}`}`,
    { projectId: "demo", clusterName, labels: { team: "data" }, config: {} }
  )

const errorOf = (answer: Answer) => ({
  http: answer.status,
  status: field(json(answer), "error", "status"),
  message: String(field(json(answer), "error", "message"))
})

describe("Emulator: methods that start operations", () => {
  it.scoped("clusters.create starts a cluster create that runs its course on the clock", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const started = yield* operation(yield* createCluster(emulator, "c1"))
      assert.strictEqual(started._tag, "Running")
      assert.match(started.name, /^projects\/demo\/regions\/us-central1\/operations\/[0-9a-f-]{36}$/)
      const metadata = started.metadata
      assert.strictEqual(metadata?.["@type"], "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata")
      assert.deepStrictEqual(
        [field(metadata, "clusterName"), field(metadata, "operationType"), field(metadata, "labels", "team")],
        ["c1", "CREATE", "data"]
      )

      yield* TestClock.adjust("89 seconds")
      assert.strictEqual((yield* read(emulator, started.name))._tag, "Running")
      yield* TestClock.adjust("1 second")
      const done = yield* read(emulator, started.name)
      assert.strictEqual(done._tag, "Succeeded")
      if (done._tag !== "Succeeded") return
      assert.strictEqual(done.response["@type"], "type.googleapis.com/google.cloud.dataproc.v1.Cluster")
      assert.deepStrictEqual([field(done.response, "clusterName"), field(done.response, "status", "state")], [
        "c1",
        "RUNNING"
      ])
      assert.strictEqual(field(done.response, "clusterUuid"), field(metadata, "clusterUuid"))
      assert.deepStrictEqual((yield* emulator.requests).map((r) => r.route), ["CreateCluster", "Get", "Get"])
    }))

  it.scoped("the same requestId within the window answers the same operation, and never makes a second cluster", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make({ requestIdWindow: "10 minutes" })
      const first = yield* operation(yield* createCluster(emulator, "c1", "req-1"))
      yield* TestClock.adjust("30 seconds")
      const again = yield* operation(yield* createCluster(emulator, "c1", "req-1"))
      assert.strictEqual(again.name, first.name)
      // answered as it is now: 30 s in, the create is RUNNING
      assert.strictEqual(field(again.metadata, "status", "state"), "RUNNING")
      assert.strictEqual((yield* emulator.operations).length, 1)

      // another id (or none) for the same cluster is a second create: refused, the cluster exists
      const other = errorOf(yield* createCluster(emulator, "c1", "req-2"))
      assert.deepStrictEqual([other.http, other.status], [409, "ALREADY_EXISTS"])
      assert.include(other.message, `${region}/clusters/c1`)
      assert.strictEqual(errorOf(yield* createCluster(emulator, "c1")).http, 409)

      // as Dataproc documents, a second request with the id is ignored, whatever its body
      const ignored = yield* operation(yield* createCluster(emulator, "c2", "req-1"))
      assert.strictEqual(ignored.name, first.name)
      // the id is per method and parent: a batch with the same id is a batch of its own
      const batch = yield* operation(yield* post(emulator, "projects/demo/locations/us-central1/batches?requestId=req-1", {}))
      assert.notStrictEqual(batch.name, first.name)

      // past the window the id is forgotten: the create is tried again, and the cluster exists
      yield* TestClock.adjust("10 minutes")
      assert.strictEqual(errorOf(yield* createCluster(emulator, "c1", "req-1")).http, 409)
      assert.strictEqual((yield* emulator.operations).length, 2)
    }))

  it.scoped("a create retried after its answer was lost returns the first operation (the request id survives a reset)", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      yield* emulator.inject(Emulator.resetMidBody, { methods: ["POST"], times: 1 })
      const lost = yield* Effect.either(createCluster(emulator, "c1", "retry-me"))
      assert.isTrue(lost._tag === "Left", "the first answer is cut off mid-body")
      const retried = yield* operation(yield* createCluster(emulator, "c1", "retry-me"))
      assert.strictEqual((yield* emulator.operations).length, 1)
      assert.strictEqual(retried.name, (yield* emulator.operations)[0]?.name)
      assert.deepStrictEqual((yield* emulator.requests).map((r) => r.fault), ["ResetMidBody", undefined])
    }))

  it.scoped("quota and zone faults make the started operation fail; reads pass them by", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      yield* emulator.inject(Emulator.quotaFault, { times: 1 })
      yield* emulator.inject(Emulator.failOperation(Statuses.zoneExhausted("us-central1-b"), "30 seconds"), { times: 1 })
      // a read does not use a fault up
      assert.strictEqual((yield* send(`${emulator.url}/v1/${region}/operations`)).status, 200)

      const quota = yield* operation(yield* createCluster(emulator, "c1"))
      const zone = yield* operation(yield* createCluster(emulator, "c2"))
      const fine = yield* operation(yield* createCluster(emulator, "c3"))
      yield* TestClock.adjust("10 seconds")
      const failed = yield* read(emulator, quota.name)
      assert.strictEqual(failed._tag, "Failed")
      if (failed._tag === "Failed") {
        assert.strictEqual(failed.error.code, 8)
        assert.include(Status.format(failed.error), "CPUS")
        assert.strictEqual(field(failed.metadata, "status", "innerState"), "FAILED")
      }
      assert.strictEqual((yield* read(emulator, zone.name))._tag, "Running")
      yield* TestClock.adjust("20 seconds")
      const exhausted = yield* read(emulator, zone.name)
      assert.isTrue(Operation.isFailed(exhausted))
      if (exhausted._tag === "Failed") {
        assert.strictEqual(
          Option.getOrUndefined(Status.errorInfo(exhausted.error))?.reason,
          "ZONE_RESOURCE_POOL_EXHAUSTED"
        )
      }
      yield* TestClock.adjust("60 seconds")
      assert.strictEqual((yield* read(emulator, fine.name))._tag, "Succeeded")
      assert.deepStrictEqual(
        (yield* emulator.requests).map((r) => r.fault ?? "-"),
        ["-", "FailOperation", "FailOperation", "-", "-", "-", "-", "-"]
      )
    }))

  it.scoped("clusters.stop, start and delete run on an existing cluster; unknown clusters and UUIDs are NOT_FOUND", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const create = yield* operation(yield* createCluster(emulator, "c1"))
      const uuid = field(create.metadata, "clusterUuid")
      yield* TestClock.adjust("90 seconds")

      const stop = yield* operation(yield* post(emulator, `${region}/clusters/c1:stop`, { requestId: "s-1" }))
      assert.deepStrictEqual([field(stop.metadata, "operationType"), field(stop.metadata, "clusterUuid")], ["STOP", uuid])
      assert.strictEqual(
        (yield* operation(yield* post(emulator, `${region}/clusters/c1:stop`, { requestId: "s-1" }))).name,
        stop.name
      )
      yield* TestClock.adjust("30 seconds")
      const stopped = yield* read(emulator, stop.name)
      assert.strictEqual(stopped._tag === "Succeeded" ? field(stopped.response, "status", "state") : "", "STOPPED")

      const start = yield* operation(yield* post(emulator, `${region}/clusters/c1:start`, { clusterUuid: uuid }))
      assert.strictEqual(field(start.metadata, "operationType"), "START")
      yield* TestClock.adjust("45 seconds")
      const started = yield* read(emulator, start.name)
      assert.strictEqual(started._tag === "Succeeded" ? field(started.response, "status", "state") : "", "RUNNING")

      const wrongUuid = errorOf(yield* post(emulator, `${region}/clusters/c1:start`, { clusterUuid: "not-it" }))
      assert.deepStrictEqual([wrongUuid.http, wrongUuid.status], [404, "NOT_FOUND"])
      assert.strictEqual(errorOf(yield* post(emulator, `${region}/clusters/nope:stop`, {})).http, 404)
      assert.strictEqual(errorOf(yield* post(emulator, `${region}/clusters/nope`, undefined, "DELETE")).http, 404)

      const del = yield* operation(yield* post(emulator, `${region}/clusters/c1?requestId=d-1`, undefined, "DELETE"))
      assert.strictEqual(field(del.metadata, "operationType"), "DELETE")
      // while it is being deleted it can be neither started nor deleted again, nor created anew
      assert.strictEqual(errorOf(yield* post(emulator, `${region}/clusters/c1:start`, {})).http, 404)
      assert.strictEqual(errorOf(yield* createCluster(emulator, "c1")).http, 409)
      yield* TestClock.adjust("30 seconds")
      const deleted = yield* read(emulator, del.name)
      assert.strictEqual(deleted._tag === "Succeeded" ? deleted.response["@type"] : "", "type.googleapis.com/google.protobuf.Empty")
      // once deleted, the name is free again
      assert.strictEqual((yield* operation(yield* createCluster(emulator, "c1")))._tag, "Running")
    }))

  it.scoped("batches.create starts a batch under locations, named as the batch id says; the id is checked", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const parent = "projects/demo/locations/europe-west1"
      const batch = yield* operation(yield* post(emulator, `${parent}/batches?batchId=nightly-1&requestId=b1`, {
        sparkBatch: { mainClass: "Main" },
        labels: { run: "nightly" }
      }))
      assert.match(batch.name, /^projects\/demo\/regions\/europe-west1\/operations\//)
      assert.deepStrictEqual(
        [field(batch.metadata, "@type"), field(batch.metadata, "batch"), field(batch.metadata, "operationType")],
        ["type.googleapis.com/google.cloud.dataproc.v1.BatchOperationMetadata", `${parent}/batches/nightly-1`, "BATCH"]
      )
      const same = yield* operation(yield* post(emulator, `${parent}/batches?batchId=nightly-1&requestId=b1`, {}))
      assert.strictEqual(same.name, batch.name)
      assert.strictEqual(errorOf(yield* post(emulator, `${parent}/batches?batchId=nightly-1`, {})).http, 409)
      const bad = errorOf(yield* post(emulator, `${parent}/batches?batchId=No`, {}))
      assert.deepStrictEqual([bad.http, bad.status], [400, "INVALID_ARGUMENT"])
      yield* TestClock.adjust("90 seconds")
      const done = yield* read(emulator, batch.name)
      assert.strictEqual(done._tag === "Succeeded" ? field(done.response, "state") : "", "SUCCEEDED")
      // batches live under locations only
      assert.strictEqual((yield* post(emulator, `${region}/batches`, {})).status, 404)
    }))

  it.scoped("workflowTemplates.instantiateInline runs a workflow: WorkflowMetadata PENDING -> RUNNING -> DONE", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const path = `${region}/workflowTemplates:instantiateInline?requestId=wf-1`
      const wf = yield* operation(yield* post(emulator, path, { id: "etl", jobs: [], placement: {} }))
      assert.strictEqual(field(wf.metadata, "@type"), "type.googleapis.com/google.cloud.dataproc.v1.WorkflowMetadata")
      assert.deepStrictEqual([field(wf.metadata, "state"), field(wf.metadata, "template")], [
        "PENDING",
        `${region}/workflowTemplates/etl`
      ])
      yield* TestClock.adjust("1 minute")
      const again = yield* operation(yield* post(emulator, path, { id: "etl" }))
      assert.deepStrictEqual([again.name, field(again.metadata, "state")], [wf.name, "RUNNING"])
      yield* TestClock.adjust("2 minutes")
      const done = yield* read(emulator, wf.name)
      assert.strictEqual(done._tag === "Succeeded" ? done.response["@type"] : "", "type.googleapis.com/google.protobuf.Empty")
      assert.strictEqual(field(done.metadata, "state"), "DONE")
      // under locations too
      const located = yield* operation(
        yield* post(emulator, "projects/demo/locations/us-east1/workflowTemplates:instantiateInline", {})
      )
      assert.match(located.name, /^projects\/demo\/regions\/us-east1\/operations\//)
    }))

  it.scoped("bad requests are refused as Google refuses them, and start nothing", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const cases: ReadonlyArray<readonly [Answer, number, string]> = [
        [yield* post(emulator, `${region}/clusters`, undefined, "GET"), 404, "NOT_FOUND"],
        [yield* send(`${emulator.url}/v1/${region}/clusters`, { method: "POST", body: "{nope" }), 400, "INVALID_ARGUMENT"],
        [yield* send(`${emulator.url}/v1/${region}/clusters`, { method: "POST", body: "[1]" }), 400, "INVALID_ARGUMENT"],
        [yield* createCluster(emulator, "Bad_Name"), 400, "INVALID_ARGUMENT"],
        [yield* createCluster(emulator, "c1", "has%20space"), 400, "INVALID_ARGUMENT"],
        [yield* createCluster(emulator, "c1", "x".repeat(41)), 400, "INVALID_ARGUMENT"],
        [yield* post(emulator, `${region}/clusters`, { projectId: "other", clusterName: "c1" }), 400, "INVALID_ARGUMENT"],
        [yield* post(emulator, `${region}/clusters/c1:explode`, {}), 404, "NOT_FOUND"],
        [yield* post(emulator, `projects/demo/regions/bad%2Fregion/clusters`, { clusterName: "c1" }), 400, "INVALID_ARGUMENT"]
      ]
      for (const [answer, http, status] of cases) {
        assert.deepStrictEqual([errorOf(answer).http, errorOf(answer).status], [http, status], answer.text)
      }
      assert.strictEqual((yield* emulator.operations).length, 0)
    }))
})
