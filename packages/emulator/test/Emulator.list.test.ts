import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as Emulator from "../src/Emulator.js"
import { type Answer, field, json, send } from "./helpers.js"

const collection = "projects/demo/regions/us-central1/operations"

const names = (answer: Answer): ReadonlyArray<string> => {
  const ops = field(json(answer), "operations")
  return Array.isArray(ops) ? ops.map((op) => String(field(op, "name"))) : []
}

const list = (emulator: Emulator.Emulator.Service, query: Record<string, string>) =>
  send(`${emulator.url}/v1/${collection}?${new URLSearchParams(query)}`)

// Three cluster creates (one running, one done, one failed), a cluster delete and a batch, in order.
const fixture = Effect.gen(function*() {
  const emulator = yield* Emulator.make()
  const running = yield* emulator.create({ scenario: Emulator.neverFinish, labels: { env: "prod" }, resourceId: "a" })
  const done = yield* emulator.create({ scenario: Emulator.succeedAfter("1 second"), labels: { env: "dev" } })
  const failed = yield* emulator.create({ scenario: Emulator.failAfter("1 second", Emulator.quotaExceeded) })
  const deleting = yield* emulator.create({ kind: "ClusterDelete", scenario: Emulator.neverFinish })
  const batch = yield* emulator.create({ kind: "Batch", scenario: Emulator.neverFinish, labels: { env: "prod" } })
  yield* emulator.create({ project: "other" })
  yield* TestClock.adjust("10 seconds")
  return { emulator, running, done, failed, deleting, batch }
})

describe("Emulator list", () => {
  it.scoped("lists the collection in creation order, not other collections", () =>
    Effect.gen(function*() {
      const { batch, deleting, done, emulator, failed, running } = yield* fixture
      const answer = yield* list(emulator, {})
      assert.strictEqual(answer.status, 200)
      assert.deepStrictEqual(names(answer), [running.name, done.name, failed.name, deleting.name, batch.name])
      assert.isUndefined(field(json(answer), "nextPageToken"))
      const empty = yield* send(`${emulator.url}/v1/projects/nobody/regions/us-central1/operations`)
      assert.deepStrictEqual(json(empty), {})
    }))

  it.scoped("filters on done, name, operationType, status.state, labels, joined by AND", () =>
    Effect.gen(function*() {
      const { batch, deleting, done, emulator, failed, running } = yield* fixture
      const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
        ["done=true", [done.name, failed.name]],
        ["done = false", [running.name, deleting.name, batch.name]],
        [`name="${done.name}"`, [done.name]],
        ["metadata.operationType=DELETE", [deleting.name]],
        ["operationType=CREATE", [running.name, done.name, failed.name]],
        ["operationType=BATCH", [batch.name]],
        ["status.state=RUNNING", [running.name, deleting.name]],
        ["metadata.status.state=DONE", [done.name, failed.name]],
        ["labels.env=prod", [running.name, batch.name]],
        ["labels.env=prod AND done=false AND operationType=CREATE", [running.name]],
        ["labels.env!=prod", [done.name, failed.name, deleting.name]],
        ["clusterName=a", [running.name]],
        ["", [running.name, done.name, failed.name, deleting.name, batch.name]]
      ]
      for (const [filter, expected] of cases) {
        const answer = yield* list(emulator, { filter })
        assert.strictEqual(answer.status, 200, filter)
        assert.deepStrictEqual(names(answer), expected, filter)
      }
    }))

  it.scoped("an unparsable filter is 400 INVALID_ARGUMENT", () =>
    Effect.gen(function*() {
      const { emulator } = yield* fixture
      for (const filter of ["done", "done=true OR done=false", "(done=true)", "done=true AND", "=x", "a=\"open"]) {
        const answer = yield* list(emulator, { filter })
        assert.strictEqual(answer.status, 400, filter)
        assert.strictEqual(field(json(answer), "error", "status"), "INVALID_ARGUMENT", filter)
      }
    }))

  it.scoped("pages with an opaque token; nextPageToken is omitted on the last page", () =>
    Effect.gen(function*() {
      const { batch, deleting, done, emulator, failed, running } = yield* fixture
      const first = yield* list(emulator, { pageSize: "2" })
      assert.deepStrictEqual(names(first), [running.name, done.name])
      const token1 = String(field(json(first), "nextPageToken"))
      const second = yield* list(emulator, { pageSize: "2", pageToken: token1 })
      assert.deepStrictEqual(names(second), [failed.name, deleting.name])
      const token2 = String(field(json(second), "nextPageToken"))
      const third = yield* list(emulator, { pageSize: "2", pageToken: token2 })
      assert.deepStrictEqual(names(third), [batch.name])
      assert.isUndefined(field(json(third), "nextPageToken"))
      // snake_case parameter names are Google's too
      const snake = yield* list(emulator, { page_size: "4" })
      assert.lengthOf(names(snake), 4)
      // a filtered listing pages over the matching operations only
      const filtered = yield* list(emulator, { pageSize: "1", filter: "done=true" })
      assert.deepStrictEqual(names(filtered), [done.name])
      const rest = yield* list(emulator, {
        pageSize: "1",
        filter: "done=true",
        pageToken: String(field(json(filtered), "nextPageToken"))
      })
      assert.deepStrictEqual(names(rest), [failed.name])
      assert.isUndefined(field(json(rest), "nextPageToken"))
    }))

  it.scoped("pageSize defaults to 100 and is capped at 1000; 0 means the default", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      for (let i = 0; i < 1005; i++) yield* emulator.create({ scenario: Emulator.neverFinish })
      const byDefault = yield* list(emulator, {})
      assert.lengthOf(names(byDefault), 100)
      assert.lengthOf(names(yield* list(emulator, { pageSize: "0" })), 100)
      const capped = yield* list(emulator, { pageSize: "5000" })
      assert.lengthOf(names(capped), 1000)
      const last = yield* list(emulator, { pageSize: "5000", pageToken: String(field(json(capped), "nextPageToken")) })
      assert.lengthOf(names(last), 5)
    }))

  it.scoped("a negative or non-numeric pageSize, a bad token, or a token from another filter is 400", () =>
    Effect.gen(function*() {
      const { emulator } = yield* fixture
      const token = String(field(json(yield* list(emulator, { pageSize: "1" })), "nextPageToken"))
      const bad: ReadonlyArray<Record<string, string>> = [
        { pageSize: "-1" },
        { pageSize: "ten" },
        { pageToken: "not-a-token" },
        { pageToken: "eyJ2IjoyfQ" }, // {"v":2}
        { pageToken: token, filter: "done=true" },
        { returnPartialSuccess: "maybe" }
      ]
      for (const query of bad) {
        const answer = yield* list(emulator, query)
        assert.strictEqual(answer.status, 400, JSON.stringify(query))
        assert.strictEqual(field(json(answer), "error", "code"), 400)
        assert.strictEqual(field(json(answer), "error", "status"), "INVALID_ARGUMENT")
      }
    }))

  it.scoped("returnPartialSuccess is accepted and nothing is unreachable", () =>
    Effect.gen(function*() {
      const { emulator } = yield* fixture
      const answer = yield* list(emulator, { returnPartialSuccess: "true" })
      assert.strictEqual(answer.status, 200)
      assert.lengthOf(names(answer), 5)
      assert.isUndefined(field(json(answer), "unreachable"))
    }))
})
