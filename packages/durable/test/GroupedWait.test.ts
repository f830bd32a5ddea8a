import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import { WorkflowEngine } from "@effect/workflow"
import { assert, describe, it } from "@effect/vitest"
import { GroupedWait, SqliteEngine } from "@longrunning/durable"
import { Policy } from "@longrunning/polling"
import { Operation, Status } from "@longrunning/schema"
import { TestOperations } from "@longrunning/testing"
import { Duration, Effect, Fiber, Layer, Option, Ref, Schedule, Schema } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"

// Grouped waits run on the cluster's entities, so these tests use the real engine (SQLite in a temporary
// file) on the real clock, with operations done within a second and a 100 ms policy.
const ClusterOperation = Operation.schema({ response: Schema.Struct({ clusterName: Schema.String }) })
const Clusters = TestOperations.typed(ClusterOperation)
const Waits = GroupedWait.make({ name: "TestGrouped", schema: ClusterOperation, policy: Policy.fixed("100 millis"), groups: 4 })

const nameOf = (i: number) => `projects/demo/regions/us-central1/operations/op-${i}`

class Completions extends Effect.Service<Completions>()("test/GroupedCompletions", {
  effect: Ref.make<ReadonlyArray<string>>([])
}) {}

const withStore = <A, E>(
  body: (filename: string) => Effect.Effect<A, E, TestOperations.TestOperations | Completions | WorkflowEngine.WorkflowEngine>
) =>
  Effect.scoped(Effect.gen(function*() {
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "lro-grouped-"))
    yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true })))
    const filename = Path.join(dir, "waits.sqlite")
    const registered = Effect.map(Completions, (completions) =>
      Waits.layer({ onComplete: (c) => Ref.update(completions, (all) => [...all, `${c.operation} ${c.exit._tag}`]) })
    ).pipe(Layer.unwrapEffect)
    const layer = registered.pipe(
      Layer.provideMerge(SqliteEngine.layer({ filename, shardingConfig: { entityMessagePollInterval: Duration.millis(100) } })),
      Layer.provideMerge(Completions.Default),
      Layer.provideMerge(TestOperations.layer())
    )
    return yield* Effect.scoped(Effect.provide(body(filename), layer))
  }))

/** Rows of the store: messages and replies. */
const rows = (filename: string) =>
  Effect.gen(function*() {
    const sql = yield* SqliteClient.SqliteClient
    const [m] = yield* sql<{ readonly n: number }>`SELECT count(*) AS n FROM cluster_messages`
    const [r] = yield* sql<{ readonly n: number }>`SELECT count(*) AS n FROM cluster_replies`
    return Number(m!.n) + Number(r!.n)
  }).pipe(Effect.provide(SqliteClient.layer({ filename, readonly: true })), Effect.orDie)

/** Marks the `Watch` messages read 11 minutes ago: the cluster hands an unanswered message over again then. */
const ageWatches = (filename: string) =>
  Effect.gen(function*() {
    const sql = yield* SqliteClient.SqliteClient
    yield* sql`UPDATE cluster_messages SET last_read = DATETIME('now', '-11 minute') WHERE tag = 'Watch'`
  }).pipe(Effect.provide(SqliteClient.layer({ filename })), Effect.orDie)

/** Whether every `Watch` message was read again in the last minute. */
const watchesReadAgain = (filename: string) =>
  Effect.gen(function*() {
    const sql = yield* SqliteClient.SqliteClient
    const [old] = yield* sql<{ readonly n: number }>`
      SELECT count(*) AS n FROM cluster_messages WHERE tag = 'Watch' AND last_read < DATETIME('now', '-1 minute')`
    return Number(old!.n) === 0
  }).pipe(Effect.provide(SqliteClient.layer({ filename, readonly: true })), Effect.orDie)

/** Waits (real time, looking every 20 ms) until `check` holds. */
const until = (check: Effect.Effect<boolean, never, TestOperations.TestOperations>) =>
  Effect.repeat(check, { until: (ok) => ok, schedule: Schedule.spaced("20 millis") })

const gets = Effect.map(TestOperations.calls, (calls) => calls.filter((c) => c.method === "get").length)

describe("GroupedWait", () => {
  it.live("awaits many operations with the typed response; while they run, polls write no rows", () =>
    withStore((filename) =>
      Effect.gen(function*() {
        const count = 40
        for (let i = 0; i < count; i++) yield* TestOperations.create(nameOf(i))
        const fiber = yield* Effect.fork(Effect.forEach(
          Array.from({ length: count }, (_, i) => i),
          (i) => Waits.result(nameOf(i)),
          { concurrency: "unbounded" }
        ))
        // every wait handed over and polled twice: the rows then are those of the waits' starts
        yield* until(Effect.map(gets, (n) => n >= 2 * count))
        const before = yield* rows(filename)
        const pollsBefore = yield* gets
        yield* until(Effect.map(gets, (n) => n >= pollsBefore + 3 * count))
        assert.strictEqual(yield* rows(filename), before, "three more polls of each operation wrote no row")
        for (let i = 0; i < count; i++) yield* Clusters.complete(nameOf(i), { clusterName: `c${i}` })
        const results = yield* Fiber.join(fiber)
        assert.deepStrictEqual(results, Array.from({ length: count }, (_, i) => Option.some({ clusterName: `c${i}` })))
        // 6 rows per wait however many polls it took: the run, the Watch and the deferred result, each with its reply
        assert.strictEqual(yield* rows(filename), 6 * count)
        assert.deepStrictEqual((yield* Ref.get(yield* Completions)).length, count)
      })
    ), { timeout: 120_000 })

  it.live("the same typed outcomes: failed, not found, timed out; awaiting twice joins one wait", () =>
    withStore(() =>
      Effect.gen(function*() {
        yield* TestOperations.create(nameOf(1))
        yield* TestOperations.failAt(nameOf(1), "200 millis", Status.make({ code: 9, message: "quota" }))
        yield* TestOperations.create(nameOf(2))
        yield* Clusters.completeAt(nameOf(2), "300 millis", { clusterName: "c2" })
        yield* TestOperations.create(nameOf(3))

        const [failed, notFound, timedOut, a, b] = yield* Effect.all([
          Effect.flip(Waits.result(nameOf(1))),
          Effect.flip(Waits.wait(nameOf(9))),
          Effect.flip(Waits.wait(nameOf(3), { timeout: "500 millis" })),
          Waits.wait(nameOf(2)),
          Waits.wait(nameOf(2))
        ], { concurrency: "unbounded" })
        assert.strictEqual(failed._tag, "OperationFailed")
        if (failed._tag === "OperationFailed") assert.strictEqual(failed.status.code, 9)
        assert.strictEqual(notFound._tag, "OperationNotFound")
        assert.strictEqual(timedOut._tag, "WaitTimeout")
        if (timedOut._tag === "WaitTimeout") assert.strictEqual(Duration.toMillis(timedOut.timeout), 500)
        assert.strictEqual(a._tag, "Succeeded")
        assert.deepStrictEqual(b, a)
        assert.strictEqual(yield* Waits.executionId(nameOf(2)), yield* Waits.executionId(nameOf(2)))
        const completions = yield* Ref.get(yield* Completions)
        assert.deepStrictEqual([...completions].sort(), [
          `${nameOf(1)} Success`,
          `${nameOf(2)} Success`,
          `${nameOf(3)} Failure`,
          `${nameOf(9)} Failure`
        ])
      })
    ), { timeout: 120_000 })

  it.live("a Watch handed over again after 10 minutes without an answer is watched once and completed once", () =>
    withStore((filename) =>
      Effect.gen(function*() {
        yield* TestOperations.create(nameOf(1))
        const fiber = yield* Effect.fork(Waits.result(nameOf(1)))
        yield* until(Effect.map(gets, (n) => n >= 2))
        yield* ageWatches(filename)
        yield* until(watchesReadAgain(filename))
        const polls = yield* gets
        yield* until(Effect.map(gets, (n) => n >= polls + 3))
        yield* Clusters.complete(nameOf(1), { clusterName: "c1" })
        assert.deepStrictEqual(yield* Fiber.join(fiber), Option.some({ clusterName: "c1" }))
        assert.deepStrictEqual(yield* Ref.get(yield* Completions), [`${nameOf(1)} Success`])
        assert.strictEqual(yield* rows(filename), 6)
      })
    ), { timeout: 120_000 })

  it.effect("a malformed name fails before anything is started", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Waits.wait("projects/demo/../operations/x").pipe(Effect.provide(WorkflowEngine.layerMemory)))
      assert.strictEqual(error._tag, "InvalidName")
    }))
})
