import { assert, describe, it } from "@effect/vitest"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import { Emulator } from "@longrunning/emulator"
import { Effect, Ref } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { type Answer, eventually, running, server, succeeded, waiter } from "./fixtures/harness.js"

const operation = "projects/demo/regions/us-central1/operations/kill-1"

// Every gap is a durable clock (over the 1 s threshold), found within 200 ms of its time (see waiter.ts). The
// gap is longer than a restart takes here, so a restarted process that did not keep the wake-up time would
// poll before it.
const gap = 15_000
const env = { WAIT_POLICY_MS: String(gap), WAIT_THRESHOLD_MS: "1000" }

/** The stored wake-up time of the durable clock `wait/k`, in epoch ms. */
const wakeUpOf = (filename: string, k: number) =>
  Effect.gen(function*() {
    const sql = yield* SqliteClient.SqliteClient
    const rows = yield* sql<{ readonly deliver_at: number; readonly payload: string }>`
      SELECT deliver_at, payload FROM cluster_messages WHERE entity_type = 'Workflow/-/DurableClock'
    `
    const row = rows.find((row) => JSON.parse(row.payload).name === `wait/${k}`)
    return row === undefined ? undefined : Number(row.deliver_at)
  }).pipe(Effect.provide(SqliteClient.layer({ filename, readonly: true })), Effect.orDie)

describe("SqliteEngine in real processes", () => {
  it.scopedLive("kill -9 mid-sleep and mid-poll: one result, one repeated poll, the wake-up time kept", () =>
    Effect.gen(function*() {
      const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "lro-durable-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true })))
      const filename = Path.join(dir, "waits.sqlite")

      // polls 0 and 1 see it running; poll 2 is held (the process is killed during it); then it is done
      const answer = (name: string, index: number): Answer =>
        index < 2 ? running(name) : index === 2 ? { _tag: "Hold" } : succeeded(name)
      const srv = yield* server(answer)
      const pollCount = Effect.map(Ref.get(srv.polls), (polls) => polls.length)

      // 1. killed mid-sleep: after poll 1, during the durable gap before poll 2
      const first = yield* waiter(["wait", filename, srv.url, operation], env)
      yield* eventually("poll 1", "120 seconds", Effect.map(pollCount, (n) => (n >= 2 ? n : undefined)))
      const wakeUp = yield* eventually("the clock of gap 2", "10 seconds", wakeUpOf(filename, 2))
      const pollOneAt = (yield* Ref.get(srv.polls))[1]!.at
      assert.isAtLeast(wakeUp, pollOneAt + gap - 100)
      assert.isAtMost(wakeUp, pollOneAt + gap + 1_000)
      yield* first.kill9

      // 2. restarted with the same arguments: it resumes the same execution; killed during poll 2
      const second = yield* waiter(["wait", filename, srv.url, operation], env)
      yield* eventually("poll 2", "120 seconds", Effect.map(pollCount, (n) => (n >= 3 ? n : undefined)))
      const pollTwo = (yield* Ref.get(srv.polls))[2]!
      assert.strictEqual(yield* wakeUpOf(filename, 2), wakeUp, "the wake-up time is kept")
      assert.isAtLeast(pollTwo.at, wakeUp - 50, "poll 2 waited for the kept wake-up time")
      const secondReady = (yield* Ref.get(second.lines)).find((line) => line.event === "ready")
      const readyAt = typeof secondReady?.at === "number" ? secondReady.at : pollTwo.at
      assert.isAtMost(pollTwo.at, Math.max(wakeUp, readyAt) + 10_000, "poll 2 came at the kept time, not a gap later")
      yield* second.kill9

      // 3. restarted again: poll 2 is sent once more (the one repeat), and the wait ends
      const third = yield* waiter(["wait", filename, srv.url, operation], env)
      const result = yield* eventually(
        "the result",
        "120 seconds",
        Effect.map(Ref.get(third.lines), (lines) => lines.find((line) => line.event === "result"))
      )
      assert.strictEqual(result.outcome, "Succeeded")
      for (const killed of [first, second]) {
        assert.isUndefined((yield* Ref.get(killed.lines)).find((line) => line.event === "result"))
      }
      const polls = yield* Ref.get(srv.polls)
      assert.deepStrictEqual(polls.map((p) => p.index), [0, 1, 2, 3], "four requests: polls 0, 1, 2 and 2 again")
      const completions = yield* Ref.get(srv.completions)
      assert.strictEqual(completions.length, 1)
      assert.strictEqual(completions[0]!.pid, third.pid)
      assert.strictEqual(completions[0]!.outcome, "Succeeded")
    }), { timeout: 600_000 })

  it.scopedLive("start-and-await killed -9 while its start call is in flight: the same request id again, one cluster, one result", () =>
    Effect.gen(function*() {
      const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "lro-durable-start-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true })))
      const filename = Path.join(dir, "waits.sqlite")
      const emulator = yield* Emulator.make({ port: 0 })
      // The first create is carried out at once but answered only after 10 minutes: the process is killed
      // after the server started the cluster and before the answer reached the process.
      yield* emulator.inject(Emulator.slowHeaders("10 minutes"), { methods: ["POST"], times: 1 })
      const creates = Effect.map(emulator.requests, (requests) => requests.filter((r) => r.method === "POST"))
      const env = { WAIT_POLICY_MS: "500", WAIT_THRESHOLD_MS: "1000" }
      const args = ["start", filename, emulator.url, "kill-start-1"]

      const first = yield* waiter(args, env)
      yield* eventually("the first create", "120 seconds", Effect.map(creates, (posts) => (posts.length >= 1 ? posts : undefined)))
      const [operation] = yield* emulator.operations
      assert.isDefined(operation, "the server started the cluster")
      yield* first.kill9

      const second = yield* waiter(args, env)
      const posts = yield* eventually("the second create", "120 seconds", Effect.map(creates, (posts) => (posts.length >= 2 ? posts : undefined)))
      const ids = posts.map((post) => post.query.requestId)
      assert.match(ids[0] ?? "", /^[0-9a-f-]{36}$/)
      assert.strictEqual(ids[1], ids[0], "the restarted process sent the same request id")
      assert.strictEqual((yield* emulator.operations).length, 1, "one cluster created")
      yield* emulator.complete(operation!.name)

      const result = yield* eventually(
        "the result",
        "120 seconds",
        Effect.map(Ref.get(second.lines), (lines) => lines.find((line) => line.event === "result"))
      )
      assert.strictEqual(result.outcome, "Succeeded")
      assert.strictEqual(result.operation, operation!.name)
      assert.isUndefined((yield* Ref.get(first.lines)).find((line) => line.event === "result"))
      assert.strictEqual((yield* creates).length, 2, "no third create")
      assert.strictEqual((yield* emulator.operations).length, 1)
    }), { timeout: 600_000 })

  it.scopedLive("a grouped wait killed -9 while its group polls: restarted, the group polls again and the wait ends once", () =>
    Effect.gen(function*() {
      const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "lro-durable-grouped-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true })))
      const filename = Path.join(dir, "waits.sqlite")
      const operation = "projects/demo/regions/us-central1/operations/grouped-1"
      let done = false
      const srv = yield* server((name) => (done ? succeeded(name) : running(name)))
      const polls = Ref.get(srv.polls)
      const env = { WAIT_POLICY_MS: "300" }
      const args = ["grouped", filename, srv.url, operation]

      const first = yield* waiter(args, env)
      yield* eventually("two polls", "120 seconds", Effect.map(polls, (all) => (all.length >= 2 ? all : undefined)))
      yield* first.kill9
      const before = (yield* polls).length

      const second = yield* waiter(args, env)
      // the group was handed the operation again (its message had no reply): it polls from the new process
      yield* eventually(
        "a poll from the restarted process",
        "120 seconds",
        Effect.map(polls, (all) => (all.some((p) => p.pid === second.pid) ? all : undefined))
      )
      assert.isAtLeast((yield* polls).length, before + 1)
      done = true
      const result = yield* eventually(
        "the result",
        "120 seconds",
        Effect.map(Ref.get(second.lines), (lines) => lines.find((line) => line.event === "result"))
      )
      assert.strictEqual(result.outcome, "Succeeded")
      assert.isUndefined((yield* Ref.get(first.lines)).find((line) => line.event === "result"))
      const completions = yield* eventually(
        "the completion",
        "30 seconds",
        Effect.map(Ref.get(srv.completions), (all) => (all.length >= 1 ? all : undefined))
      )
      assert.strictEqual(completions.length, 1)
      assert.strictEqual(completions[0]!.pid, second.pid)
    }), { timeout: 600_000 })
})
