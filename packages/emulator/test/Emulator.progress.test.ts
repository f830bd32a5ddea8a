import { assert, describe, it } from "@effect/vitest"
import { Dataproc, Operation, Status } from "@longrunning/schema"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import * as Emulator from "../src/Emulator.js"
import { field, json, send } from "./helpers.js"

const read = (emulator: Emulator.Emulator.Service, name: string) =>
  Effect.map(send(`${emulator.url}/v1/${name}`), json)

describe("Emulator progression on the Clock", () => {
  it.scoped("a cluster create moves PENDING -> RUNNING -> DONE with a status history and timestamps", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      yield* TestClock.setTime(Date.UTC(2024, 4, 1, 10, 0, 0))
      const op = yield* emulator.create({ scenario: Emulator.succeedAfter("2 minutes"), pendingFor: "20 seconds" })

      const pending = yield* read(emulator, op.name)
      assert.isUndefined(field(pending, "done"))
      assert.deepStrictEqual(field(pending, "metadata", "status"), {
        state: "PENDING",
        innerState: "PENDING",
        stateStartTime: "2024-05-01T10:00:00Z"
      })
      assert.isUndefined(field(pending, "metadata", "statusHistory"))

      yield* TestClock.adjust("19 seconds")
      assert.strictEqual(field(yield* read(emulator, op.name), "metadata", "status", "state"), "PENDING")
      yield* TestClock.adjust("1 second")
      const running = yield* read(emulator, op.name)
      assert.strictEqual(field(running, "metadata", "status", "state"), "RUNNING")
      assert.strictEqual(field(running, "metadata", "status", "stateStartTime"), "2024-05-01T10:00:20Z")
      assert.deepStrictEqual(field(running, "metadata", "statusHistory", 0, "state"), "PENDING")
      assert.isUndefined(field(running, "done"))

      yield* TestClock.adjust("99 seconds")
      assert.isUndefined(field(yield* read(emulator, op.name), "done"))
      yield* TestClock.adjust("1 second")
      const done = yield* read(emulator, op.name)
      assert.strictEqual(field(done, "done"), true)
      assert.deepStrictEqual(field(done, "metadata", "status"), {
        state: "DONE",
        innerState: "DONE",
        stateStartTime: "2024-05-01T10:02:00Z"
      })
      assert.deepStrictEqual(
        [field(done, "metadata", "statusHistory", 0, "state"), field(done, "metadata", "statusHistory", 1, "state")],
        ["PENDING", "RUNNING"]
      )
      assert.strictEqual(field(done, "response", "status", "stateStartTime"), "2024-05-01T10:02:00Z")
    }))

  it.scoped("a batch carries BatchOperationMetadata, doneTime once done, and a Batch response", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      yield* TestClock.setTime(Date.UTC(2024, 0, 1))
      const op = yield* emulator.create({ kind: "Batch", resourceId: "b-1", scenario: Emulator.succeedAfter("90 seconds") })
      const running = yield* read(emulator, op.name)
      assert.strictEqual(
        field(running, "metadata", "@type"),
        "type.googleapis.com/google.cloud.dataproc.v1.BatchOperationMetadata"
      )
      assert.strictEqual(field(running, "metadata", "batch"), "projects/demo/locations/us-central1/batches/b-1")
      assert.strictEqual(field(running, "metadata", "createTime"), "2024-01-01T00:00:00Z")
      assert.strictEqual(field(running, "metadata", "operationType"), "BATCH")
      assert.isUndefined(field(running, "metadata", "doneTime"))
      yield* TestClock.adjust("90 seconds")
      const done = yield* read(emulator, op.name)
      assert.strictEqual(field(done, "metadata", "doneTime"), "2024-01-01T00:01:30Z")
      assert.strictEqual(field(done, "response", "@type"), "type.googleapis.com/google.cloud.dataproc.v1.Batch")
      assert.strictEqual(field(done, "response", "state"), "SUCCEEDED")
      assert.strictEqual(field(done, "response", "uuid"), field(done, "metadata", "batchUuid"))
    }))

  it.scoped("a cluster delete answers Empty; done without result has neither error nor response", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const del = yield* emulator.create({ kind: "ClusterDelete", scenario: Emulator.succeedAfter("5 seconds") })
      const bare = yield* emulator.create({ scenario: Emulator.doneWithoutResultAfter("5 seconds") })
      yield* TestClock.adjust("5 seconds")
      const deleted = yield* read(emulator, del.name)
      assert.strictEqual(field(deleted, "metadata", "operationType"), "DELETE")
      assert.deepStrictEqual(field(deleted, "response"), { "@type": "type.googleapis.com/google.protobuf.Empty" })
      const noResult = yield* read(emulator, bare.name)
      assert.strictEqual(field(noResult, "done"), true)
      assert.deepStrictEqual(Object.keys(noResult ?? {}), ["name", "metadata", "done"])
      assert.strictEqual(Schema.decodeUnknownSync(Dataproc.DataprocOperation)(noResult)._tag, "DoneWithoutResult")
    }))

  it.scoped("startedAgo backdates an operation so it starts half done", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const op = yield* emulator.create({ scenario: Emulator.succeedAfter("1 minute"), startedAgo: "59 seconds" })
      assert.strictEqual(op._tag, "Running")
      yield* TestClock.adjust("1 second")
      assert.strictEqual(field(yield* read(emulator, op.name), "done"), true)
    }))
})

describe("Emulator control API", () => {
  it.scoped("complete, fail and finishWithoutResult end running operations now", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const a = yield* emulator.create({ scenario: Emulator.neverFinish })
      const b = yield* emulator.create({ scenario: Emulator.neverFinish })
      const c = yield* emulator.create({ scenario: Emulator.neverFinish })
      const custom = { "@type": "type.googleapis.com/acme.Thing", size: 3 }
      assert.strictEqual((yield* emulator.complete(a.name, custom))._tag, "Succeeded")
      const failed = yield* emulator.fail(b.name, Status.make({ code: 13, message: "boom" }))
      assert.isTrue(Operation.isFailed(failed) && failed.error.code === 13)
      assert.strictEqual((yield* emulator.finishWithoutResult(c.name))._tag, "DoneWithoutResult")
      assert.deepStrictEqual(field(yield* read(emulator, a.name), "response"), custom)
      assert.strictEqual(field(yield* read(emulator, b.name), "error", "message"), "boom")
      // an operation that is already done keeps its outcome
      const again = yield* emulator.fail(a.name, Status.make({ code: 2 }))
      assert.strictEqual(again._tag, "Succeeded")
    }))

  it.scoped("control calls on unknown names fail with UnknownOperation", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const result = yield* Effect.either(emulator.complete("projects/demo/regions/us-central1/operations/x"))
      assert.isTrue(Either.isLeft(result))
      if (Either.isLeft(result)) {
        assert.strictEqual(result.left._tag, "UnknownOperation")
        assert.include(result.left.message, "operations/x")
      }
    }))

  it.scoped("operations and get show the current state; reset forgets everything", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const op = yield* emulator.create({ scenario: Emulator.succeedAfter("1 second") })
      assert.deepStrictEqual((yield* emulator.operations).map((o) => o._tag), ["Running"])
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual((yield* emulator.operations).map((o) => o._tag), ["Succeeded"])
      assert.isTrue(Option.isSome(yield* emulator.get(op.name)))
      yield* emulator.inject(Emulator.unavailable)
      yield* send(`${emulator.url}/v1/${op.name}`)
      yield* emulator.reset
      assert.lengthOf(yield* emulator.operations, 0)
      assert.lengthOf(yield* emulator.requests, 0)
      // the fault is gone too
      assert.strictEqual((yield* send(`${emulator.url}/v1/${op.name}`)).status, 404)
    }))

  it.scoped("module accessors use the Emulator in context", () =>
    Effect.gen(function*() {
      const op = yield* Emulator.create({ scenario: Emulator.neverFinish })
      yield* Emulator.fail(op.name, Emulator.quotaExceeded)
      yield* Emulator.inject(Emulator.unavailable, { times: 1 })
      const emulator = yield* Emulator.Emulator
      assert.strictEqual((yield* send(`${emulator.url}/v1/${op.name}`)).status, 503)
      const body = yield* read(emulator, op.name)
      assert.strictEqual(field(body, "error", "code"), 8)
      assert.deepStrictEqual((yield* Emulator.requests).map((r) => r.fault), ["Answer", undefined])
    }).pipe(Effect.provide(Emulator.layer())))
})
