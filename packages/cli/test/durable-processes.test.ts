/**
 * `lro wait --durable` and `lro worker` as real processes, in real time, against a loopback server that
 * records when each poll came: a wait on an SQLite file killed with SIGKILL mid-gap and mid-poll and run
 * again with the same arguments, and waits run by `lro worker` on PostgreSQL.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as Postgres from "./fixtures/postgres.js"
import { json, loopback, type Answer } from "./loopback.js"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const bin = Path.join(root, "packages/cli/src/bin.ts")
// By path: the processes may run in a directory of their own, where `--import tsx` would not resolve.
const tsx = pathToFileURL(Path.join(root, "node_modules/tsx/dist/loader.mjs")).href

/** A running `lro`: what it printed so far, its exit, and SIGKILL / SIGTERM. */
const spawn = (args: ReadonlyArray<string>, cwd = root) =>
  Effect.gen(function*() {
    const exited = yield* Deferred.make<number | string>()
    const child = yield* Effect.acquireRelease(
      Effect.sync(() =>
        ChildProcess.spawn(
          process.execPath,
          ["--conditions=@longrunning/source", "--import", tsx, bin, ...args],
          {
            cwd,
            env: { ...process.env, LRO_ENDPOINT: "", GOOGLE_OAUTH_ACCESS_TOKEN: "", NO_COLOR: "1" },
            stdio: ["ignore", "pipe", "pipe"]
          }
        )
      ),
      (child) => Effect.sync(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"))
    )
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
    child.on("exit", (code, signal) => Effect.runSync(Deferred.succeed(exited, code ?? signal ?? "")))
    return {
      stdout: () => stdout,
      stderr: () => stderr,
      exit: Deferred.await(exited),
      signal: (signal: "SIGKILL" | "SIGTERM") =>
        Effect.zipRight(Effect.sync(() => child.kill(signal)), Deferred.await(exited))
    }
  })

/** Waits until `check` gives a value, looking every 50 ms, failing with `what` after `seconds`. */
const eventually = <A>(what: string, seconds: number, check: () => A | undefined) =>
  Effect.suspend(() => {
    const value = check()
    return value === undefined ? Effect.fail("not yet") : Effect.succeed(value)
  }).pipe(
    Effect.retry(Schedule.spaced("50 millis")),
    Effect.timeoutFail({ duration: `${seconds} seconds`, onTimeout: () => new Error(`timed out waiting for ${what}`) })
  )

interface Poll {
  readonly operation: string
  readonly at: number
}

const running = (name: string) => json(200, { name })
const succeeded = (name: string) =>
  json(200, { name, done: true, response: { "@type": "type.googleapis.com/google.protobuf.Empty" } })
const failed = (name: string) => json(200, { name, done: true, error: { code: 8, message: "out of quota" } })

/** A loopback operations server answering `answer(operation, index)` and recording each GET with its time. */
const server = (answer: (operation: string, index: number) => Answer) =>
  Effect.gen(function*() {
    const polls = yield* Ref.make<ReadonlyArray<Poll>>([])
    const srv = yield* loopback((request) => {
      const operation = request.url.replace(/^\/v1\//, "")
      const index = Effect.runSync(Ref.modify(polls, (all) => {
        const index = all.filter((p) => p.operation === operation).length
        return [index, [...all, { operation, at: Date.now() }]]
      }))
      return answer(operation, index)
    })
    return { url: srv.url, polls: Ref.get(polls) }
  })

const collection = "projects/demo/regions/us-central1/operations"

describe("lro wait --durable on SQLite, killed and run again", () => {
  it.scopedLive("SIGKILL mid-gap and mid-poll: one result, the ramp continued from the stored start, one repeated poll", () =>
    Effect.gen(function*() {
      const dir = yield* Effect.acquireRelease(
        Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "lro-durable-kill-"))),
        (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
      )
      const name = `${collection}/kill-1`
      // polls 0 and 1 running; poll 2 held (the process is killed during it); then done
      const srv = yield* server((operation, index) =>
        index < 2 ? running(operation) : index === 2 ? "hang" : succeeded(operation)
      )
      // Exponential without jitter: 2 s after poll 0, then 30 s after poll 1. A process started again that
      // began a fresh wait would poll at once; one that continued the ramp polls 30 s after poll 1.
      const gap = 30_000
      const args = [
        "wait",
        name,
        "--durable",
        "--endpoint",
        srv.url,
        "--backoff",
        "exponential",
        "--initial-delay",
        "2s",
        "--multiplier",
        "15",
        "--max-delay",
        "30s"
      ]

      // 1. killed mid-gap: a second after poll 1 (its record is written by then), 29 s before poll 2 is due
      const first = yield* spawn(args, dir)
      const pollOne = yield* eventually("poll 1", 120, () => srv.polls.pipe(Effect.runSync)[1])
      yield* Effect.sleep("1 second")
      yield* first.signal("SIGKILL")
      assert.match(first.stdout(), /^RUNNING /, "the wait showed its progress")
      assert.isTrue(Fs.existsSync(Path.join(dir, "lro-waits.sqlite")), "stored in ./lro-waits.sqlite by default")
      const killedAt = Date.now()

      // 2. the same command again: it resumes the same execution, and polls when poll 2 was due
      const second = yield* spawn(args, dir)
      const pollTwo = yield* eventually("poll 2", 120, () => srv.polls.pipe(Effect.runSync)[2])
      assert.isAbove(pollTwo.at, killedAt)
      assert.isAtLeast(pollTwo.at, pollOne.at + gap - 100, "poll 2 waited for the stored wake-up time")
      assert.isAtMost(pollTwo.at, pollOne.at + gap + 10_000, "poll 2 came at the stored time, not a gap later")
      // killed while the server holds poll 2
      yield* second.signal("SIGKILL")

      // 3. again: poll 2 is sent once more (the one repeat), answered done; one result
      const third = yield* spawn(args, dir)
      const code = yield* third.exit
      assert.strictEqual(code, 0, third.stderr())
      assert.match(third.stdout(), /^SUCCEEDED {2}\[1 poll, /m)
      for (const killed of [first, second]) assert.notMatch(killed.stdout(), /SUCCEEDED/)
      const polls = yield* srv.polls
      assert.strictEqual(polls.length, 4, "four requests: polls 0, 1, 2 and 2 again")
      assert.isTrue(polls.every((p) => p.operation === name))
    }), { timeout: 300_000 })
})

describe("lro wait --durable on SQLite, interrupted", () => {
  it.scopedLive("SIGTERM exits 130 and leaves the wait stored: the same command resumes it at the stored wake-up", () =>
    Effect.gen(function*() {
      const dir = yield* Effect.acquireRelease(
        Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "lro-durable-term-"))),
        (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
      )
      const name = `${collection}/term-1`
      const srv = yield* server((operation, index) => (index < 2 ? running(operation) : succeeded(operation)))
      const gap = 20_000
      const store = Path.join(dir, "waits.sqlite")
      const args = ["wait", name, "--durable", "--store", store, "--endpoint", srv.url, "--backoff", "exponential",
        "--initial-delay", "2s", "--multiplier", "10", "--max-delay", "20s"]

      const first = yield* spawn(args)
      const pollOne = yield* eventually("poll 1", 120, () => srv.polls.pipe(Effect.runSync)[1])
      yield* Effect.sleep("1 second")
      assert.strictEqual(yield* first.signal("SIGTERM"), 130, first.stderr())

      const second = yield* spawn(args)
      assert.strictEqual(yield* second.exit, 0, second.stderr())
      assert.match(second.stdout(), /^SUCCEEDED/m)
      const polls = yield* srv.polls
      assert.strictEqual(polls.length, 3, "polls 0, 1 and 2: none repeated, none from a fresh start")
      assert.isAtLeast(polls[2]!.at, pollOne.at + gap - 100, "poll 2 at the stored wake-up time")
    }), { timeout: 300_000 })
})

// CI installs PostgreSQL (.ci/durable-deps) and sets LRO_REQUIRE_POSTGRES=1: there a missing server fails.
const available = Postgres.binDir() !== undefined || process.env.LRO_REQUIRE_POSTGRES === "1"

describe.skipIf(!available)("lro worker and lro wait --durable on PostgreSQL", () => {
  it.scopedLive("the worker polls, the waits only await: outcomes and exit codes; SIGTERM ends the worker", () =>
    Effect.gen(function*() {
      const url = yield* Postgres.start
      const ok = `${collection}/pg-ok`
      const bad = `${collection}/pg-failed`
      const srv = yield* server((operation, index) =>
        index < 2 ? running(operation) : operation === bad ? failed(operation) : succeeded(operation)
      )
      const port = yield* Postgres.freePort
      const worker = yield* spawn(["worker", "--store", url, "--endpoint", srv.url, "--runner-port", String(port)])
      yield* eventually("the worker", 180, () => (worker.stderr().includes("running durable waits") ? true : undefined))
      assert.include(worker.stderr(), `reachable at localhost:${port}`)

      // No --endpoint: a wait that polled itself would go to Google, not to this server.
      const waits = yield* Effect.all([
        Effect.flatMap(spawn(["wait", ok, "--durable", "--store", url]), (p) => Effect.map(p.exit, (code) => ({ code, p }))),
        Effect.flatMap(spawn(["wait", bad, "--durable", "--store", url]), (p) => Effect.map(p.exit, (code) => ({ code, p })))
      ], { concurrency: "unbounded" })
      assert.strictEqual(waits[0].code, 0, waits[0].p.stderr())
      assert.match(waits[0].p.stdout(), /^SUCCEEDED {2}\[1 poll, /)
      assert.strictEqual(waits[1].code, 1, waits[1].p.stderr())
      assert.match(waits[1].p.stdout(), /^FAILED /)
      assert.match(waits[1].p.stderr(), /^RESOURCE_EXHAUSTED: out of quota/)
      const polls = yield* srv.polls
      assert.strictEqual(polls.filter((p) => p.operation === ok).length, 3)
      assert.strictEqual(polls.filter((p) => p.operation === bad).length, 3)

      // Awaited again: the stored outcome, no poll.
      const again = yield* spawn(["wait", ok, "--durable", "--store", url])
      assert.strictEqual(yield* again.exit, 0)
      assert.strictEqual((yield* srv.polls).length, polls.length)

      // SIGTERM: the worker stops cleanly, as an interrupted lro does.
      const code = yield* worker.signal("SIGTERM").pipe(
        Effect.timeoutFail({ duration: "60 seconds", onTimeout: () => new Error("the worker did not stop on SIGTERM") })
      )
      assert.strictEqual(code, 130, worker.stderr())
      assert.notInclude(worker.stderr(), "internal error")
    }), { timeout: 600_000 })
})
