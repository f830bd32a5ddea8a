import { assert, describe, it } from "@effect/vitest"
import { Effect, Ref } from "effect"
import { eventually, running, server, succeeded, waiter } from "./fixtures/harness.js"
import * as Postgres from "./fixtures/postgres.js"

// CI installs PostgreSQL (.ci/durable-deps) and sets LRO_REQUIRE_POSTGRES=1: there a missing server fails.
const available = Postgres.binDir() !== undefined || process.env.LRO_REQUIRE_POSTGRES === "1"

const operations = Array.from({ length: 12 }, (_, i) => `projects/demo/regions/us-central1/operations/failover-${i}`)

// Gaps of 3 s, all durable clocks; each operation is done at its fourth poll.
const env = { WAIT_POLICY_MS: "3000", WAIT_THRESHOLD_MS: "1000" }

describe.skipIf(!available)("PgEngine in real processes", () => {
  it.scopedLive("three runners on PostgreSQL, one killed: every wait completes exactly once", () =>
    Effect.gen(function*() {
      const url = yield* Postgres.start
      const srv = yield* server((name, index) => (index < 3 ? running(name) : succeeded(name)))
      const runners = yield* Effect.forEach([0, 1, 2], () =>
        Effect.flatMap(Postgres.freePort, (port) => waiter(["runner", url, srv.url], { ...env, RUNNER_PORT: String(port) })))
      for (const runner of runners) {
        yield* eventually("a runner", "180 seconds", Effect.map(Ref.get(runner.lines), (lines) => lines.find((l) => l.event === "ready")))
      }
      const submitter = yield* waiter(["submit", url, srv.url, ...operations], env)
      yield* eventually("the submission", "180 seconds", Effect.map(Ref.get(submitter.lines), (lines) => lines.find((l) => l.event === "submitted")))

      // every wait has polled at least once: then kill the runner that polled the most of them
      const firstPolls = yield* eventually(
        "a first poll of every operation",
        "180 seconds",
        Effect.map(Ref.get(srv.polls), (polls) => (operations.every((op) => polls.some((p) => p.operation === op)) ? polls : undefined))
      )
      const share = (pid: number) => new Set(firstPolls.filter((p) => p.pid === pid).map((p) => p.operation))
      const victim = runners.reduce((a, b) => (share(b.pid).size > share(a.pid).size ? b : a))
      const victimOperations = [...share(victim.pid)]
      assert.isAbove(victimOperations.length, 0)
      const completionsBeforeKill = (yield* Ref.get(srv.completions)).length
      yield* victim.kill9
      const killedAt = Date.now()

      const completions = yield* eventually(
        "every completion",
        "300 seconds",
        Effect.map(Ref.get(srv.completions), (all) => (all.length >= operations.length ? all : undefined))
      )
      // a late duplicate would show up here
      yield* Effect.sleep("3 seconds")
      const final = yield* Ref.get(srv.completions)
      assert.strictEqual(final.length, completions.length)
      assert.deepStrictEqual(final.map((c) => c.operation).sort(), [...operations].sort(), "each operation completed exactly once")
      assert.isTrue(final.every((c) => c.outcome === "Succeeded"))
      assert.strictEqual(new Set(final.map((c) => c.key)).size, operations.length)

      // the killed runner's waits were taken over by the others
      const survivors = new Set(runners.filter((r) => r !== victim).map((r) => r.pid))
      const polls = yield* Ref.get(srv.polls)
      for (const op of victimOperations) {
        const completion = final.find((c) => c.operation === op)!
        if (completionsBeforeKill === 0) assert.isTrue(survivors.has(completion.pid), `${op} completed by a survivor`)
        assert.isTrue(polls.some((p) => p.operation === op && p.at > killedAt && survivors.has(p.pid)), `${op} polled after the kill`)
      }
      assert.isFalse(polls.some((p) => p.at > killedAt + 1_000 && p.pid === victim.pid))
    }), { timeout: 600_000 })
})
