import { assert, describe, it } from "@effect/vitest"
import { Code, Status } from "@longrunning/schema"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as Emulator from "../src/Emulator.js"
import * as OperationStore from "../src/OperationStore.js"
import * as Statuses from "../src/Statuses.js"
import * as Wire from "../src/Wire.js"

// The store's own vocabulary, without any double in front of it.

const name = "projects/p/regions/us-central1/operations/op-1"

const get = (store: OperationStore.OperationStore.Service, operation: string) =>
  Effect.flatMap(
    store.receive({ route: Wire.parseRoute("GET", `/v1/${operation}`), query: new URLSearchParams(), body: Effect.succeed("") }),
    (exchange) => exchange.reply
  )

describe("OperationStore", () => {
  it.effect("the module example: a completion scheduled at 90 s is seen by every read at 90 s", () =>
    Effect.gen(function*() {
      const store = yield* OperationStore.make()
      yield* store.create(name)
      yield* store.schedule(name, "90 seconds", OperationStore.complete())
      assert.strictEqual(yield* store.pending, 1)
      yield* TestClock.adjust("89 seconds")
      assert.isUndefined(Option.getOrThrow(yield* store.peek(name)).done)
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(Option.getOrThrow(yield* store.peek(name)), {
        name,
        done: true,
        response: { "@type": "type.googleapis.com/google.protobuf.Empty" }
      })
      assert.strictEqual(yield* store.pending, 0)
    }))

  it.effect("change and schedule say what they did: changed, already done, not found (deleted or never held)", () =>
    Effect.gen(function*() {
      const store = yield* OperationStore.make()
      assert.strictEqual((yield* store.create("not/a/name"))._tag, "InvalidName")
      assert.strictEqual((yield* store.create(name, { metadata: { "@type": "x.Y" } }))._tag, "Created")
      assert.strictEqual((yield* store.create(name))._tag, "NameTaken")
      const changed = yield* store.change(name, OperationStore.fail(Statuses.quotaExceeded, { metadata: { "@type": "x.Z" } }))
      assert.strictEqual(changed._tag, "Changed")
      if (changed._tag === "Changed") {
        assert.deepStrictEqual(changed.snapshot.metadata, { "@type": "x.Z" })
        assert.strictEqual(Reflect.get(Object(changed.snapshot.error), "code"), Code.codes.RESOURCE_EXHAUSTED)
      }
      assert.strictEqual((yield* store.schedule(name, "1 second", OperationStore.complete()))._tag, "AlreadyDone")
      assert.deepStrictEqual(yield* store.change("projects/p/regions/r/operations/x", OperationStore.complete()), {
        _tag: "NotFound",
        deleted: false
      })
      const reply = yield* Effect.flatMap(
        store.receive({
          route: Wire.parseRoute("DELETE", `/v1/${name}`),
          query: new URLSearchParams(),
          body: Effect.succeed("")
        }),
        (exchange) => exchange.reply
      )
      assert.deepStrictEqual(reply, { _tag: "Json", json: {} })
      assert.deepStrictEqual(yield* store.change(name, OperationStore.complete()), { _tag: "NotFound", deleted: true })
    }))

  it.effect("a simulated Dataproc operation takes the same changes: completed early with the kind's response", () =>
    Effect.gen(function*() {
      const store = yield* OperationStore.make()
      const op = yield* store.simulate({ kind: "ClusterCreate", resourceId: "c1", scenario: Emulator.neverFinish })
      yield* store.schedule(op.name, "1 minute", OperationStore.complete())
      yield* TestClock.adjust("1 minute")
      const done = Option.getOrThrow(yield* store.peek(op.name))
      assert.strictEqual(Reflect.get(Object(done.response), "@type"), "type.googleapis.com/google.cloud.dataproc.v1.Cluster")
      assert.strictEqual(Reflect.get(Object(Reflect.get(Object(done.metadata), "status")), "state"), "DONE")
    }))

  it.effect("fault rules: a rule for a name wins over a global one added first; times and windows count on the store", () =>
    Effect.gen(function*() {
      const store = yield* OperationStore.make()
      yield* store.create(name)
      yield* store.addRule(OperationStore.Fault.Answer({ status: Statuses.unavailable }), { times: 1 })
      yield* store.addRule(OperationStore.Fault.Answer({ status: Statuses.notFound("named") }), { name, times: 1 })
      const codes = []
      for (let i = 0; i < 3; i++) {
        const reply = yield* get(store, name)
        codes.push(reply._tag === "Error" ? reply.status.code : 0)
      }
      assert.deepStrictEqual(codes, [Code.codes.NOT_FOUND, Code.codes.UNAVAILABLE, 0])
      const calls = yield* store.calls
      assert.deepStrictEqual(calls.map((call) => [call.method, call.fault, call.code]), [
        ["get", "Answer", Code.codes.NOT_FOUND],
        ["get", "Answer", Code.codes.UNAVAILABLE],
        ["get", undefined, 0]
      ])
    }))

  it.effect("a rate draws from the seeded Random: the same seed fails the same calls; reset re-seeds", () =>
    Effect.gen(function*() {
      const pattern = (store: OperationStore.OperationStore.Service) =>
        Effect.gen(function*() {
          yield* store.create(name)
          yield* store.addRule(OperationStore.Fault.Answer({ status: Status.make({ code: Code.codes.INTERNAL }) }), {
            rate: 0.5
          })
          const out: Array<boolean> = []
          for (let i = 0; i < 40; i++) out.push((yield* get(store, name))._tag === "Error")
          return out
        })
      const store = yield* OperationStore.make({ seed: 3 })
      const first = yield* pattern(store)
      assert.isTrue(first.includes(true) && first.includes(false))
      assert.deepStrictEqual(yield* pattern(yield* OperationStore.make({ seed: 3 })), first)
      yield* store.reset
      assert.deepStrictEqual(yield* store.operations, [])
      assert.deepStrictEqual(yield* pattern(store), first)
    }))
})
