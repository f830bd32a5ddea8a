/**
 * The real `lro` executable as a child process, in real time: exit codes as a shell sees them, `emulator`
 * printing its URL first and exiting 130 on SIGINT, `wait --cancel-on-interrupt` under SIGINT, and `demo`.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Command from "@effect/platform/Command"
import type * as CommandExecutor from "@effect/platform/CommandExecutor"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as ChildProcess from "node:child_process"
import { fileURLToPath } from "node:url"
import { json, loopback } from "./loopback.js"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const bin = "packages/cli/src/bin.ts"
const collection = "projects/demo/regions/us-central1/operations"

const command = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Command.make("node", "--conditions=@longrunning/source", "--import", "tsx", bin, ...args).pipe(
    Command.workingDirectory(root),
    Command.env({ LRO_ENDPOINT: "", GOOGLE_OAUTH_ACCESS_TOKEN: "", NO_COLOR: "1", ...env })
  )

const text = (stream: Stream.Stream<Uint8Array, unknown>) =>
  Stream.runFold(Stream.decodeText(stream), "", (acc, chunk) => acc + chunk)

/** A running `lro`: what it printed so far, and its exit code. */
interface Running {
  readonly stdout: () => string
  readonly stderr: () => string
  readonly kill: (signal: "SIGINT" | "SIGTERM") => Effect.Effect<void, unknown>
  readonly exitCode: Effect.Effect<number, unknown>
}

const start = (
  args: ReadonlyArray<string>
): Effect.Effect<Running, unknown, CommandExecutor.CommandExecutor | Scope.Scope> =>
  Effect.gen(function*() {
    const process = yield* Command.start(command(args))
    let stdout = ""
    let stderr = ""
    const out = yield* Effect.fork(Stream.runForEach(Stream.decodeText(process.stdout), (chunk) =>
      Effect.sync(() => {
        stdout += chunk
      })))
    const err = yield* Effect.fork(Stream.runForEach(Stream.decodeText(process.stderr), (chunk) =>
      Effect.sync(() => {
        stderr += chunk
      })))
    return {
      stdout: () => stdout,
      stderr: () => stderr,
      kill: (signal) => process.kill(signal),
      exitCode: Effect.gen(function*() {
        const code = yield* process.exitCode
        yield* Fiber.join(out)
        yield* Fiber.join(err)
        return code
      })
    }
  })

/** Runs `lro args` to its end. */
const lro = (args: ReadonlyArray<string>, env?: Record<string, string>) =>
  Effect.scoped(Effect.gen(function*() {
    const process = yield* Command.start(command(args, env))
    const [code, stdout, stderr] = yield* Effect.all([process.exitCode, text(process.stdout), text(process.stderr)], {
      concurrency: "unbounded"
    })
    return { code, stdout, stderr }
  }))

/** Waits (polling every 50 ms, up to 20 s) until `check` holds. */
const until = (check: () => boolean, what: string) =>
  Effect.gen(function*() {
    for (let i = 0; i < 400; i++) {
      if (check()) return
      yield* Effect.sleep("50 millis")
    }
    return yield* Effect.dieMessage(`timed out waiting for ${what}`)
  })

const provide = Effect.provide(NodeContext.layer)

describe("the lro executable", () => {
  it.live("usage errors exit 2, with the message on stderr and nothing on stdout", () =>
    Effect.gen(function*() {
      const bad = yield* lro(["get", "not-a-name"])
      assert.strictEqual(bad.code, 2)
      assert.strictEqual(bad.stdout, "")
      assert.include(bad.stderr, "invalid name \"not-a-name\"")
      const unknown = yield* lro(["frobnicate"])
      assert.strictEqual(unknown.code, 2)
    }).pipe(provide), 30_000)

  it.live("--dry-run looks up no credentials: the same get without it fails on Application Default Credentials", () =>
    Effect.gen(function*() {
      // google-auth-library reads this variable itself (not through Config), so only a process shows it.
      const env = { GOOGLE_APPLICATION_CREDENTIALS: "/nonexistent/lro-adc.json" }
      const name = `${collection}/op-1`
      const dry = yield* lro(["get", name, "--dry-run"], env)
      assert.strictEqual(dry.code, 0, dry.stderr)
      assert.strictEqual(dry.stdout, `GET https://dataproc.googleapis.com/v1/${name}\n`)
      assert.strictEqual(dry.stderr, "")
      const real = yield* lro(["get", name], env)
      assert.strictEqual(real.code, 3)
      assert.include(real.stderr, "/nonexistent/lro-adc.json", "without --dry-run the credentials are looked up")
      assert.strictEqual(real.stdout, "")
    }).pipe(provide), 60_000)

  it.live("emulator prints its URL first; get/list/wait against it give 0, 1, 3, 4; SIGINT exits 130", () =>
    Effect.scoped(Effect.gen(function*() {
      const emulator = yield* start(["emulator", "--port", "0"])
      yield* until(() => emulator.stdout().includes("\n"), "the emulator's URL")
      const url = emulator.stdout().split("\n")[0] ?? ""
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/)

      const list = yield* lro(["list", collection, "--endpoint", url, "--format", "json"])
      assert.strictEqual(list.code, 0)
      const operations = list.stdout.trim().split("\n").map((line) => JSON.parse(line))
      assert.deepStrictEqual(operations.map((op) => op.metadata.clusterName ?? op.metadata.batch), [
        "demo-running",
        "demo-succeeded",
        "projects/demo/locations/us-central1/batches/demo-failed"
      ])
      const [running, succeeded, failed] = operations.map((op) => String(op.name))

      const table = yield* lro(["list", collection, "--endpoint", url])
      assert.strictEqual(table.code, 0)
      assert.match(table.stdout, /RUNNING +cluster CREATE +demo-running/)

      const results = yield* Effect.all([
        lro(["wait", succeeded ?? "", "--endpoint", url]),
        lro(["wait", failed ?? "", "--endpoint", url]),
        lro(["get", `${collection}/missing`, "--endpoint", url]),
        lro(["wait", running ?? "", "--endpoint", url, "--timeout", "1s"])
      ], { concurrency: "unbounded" })
      assert.deepStrictEqual(results.map((r) => r.code), [0, 1, 3, 4])
      assert.match(results[1]?.stderr ?? "", /^RESOURCE_EXHAUSTED: /)
      assert.match(results[2]?.stderr ?? "", /^NOT_FOUND: /)

      yield* emulator.kill("SIGINT")
      assert.strictEqual(yield* emulator.exitCode, 130)
    })).pipe(provide), 60_000)

  it.live("wait --cancel-on-interrupt: SIGINT cancels the operation, prints its state, exits 130", () =>
    Effect.scoped(Effect.gen(function*() {
      const emulator = yield* start(["emulator", "--port", "0"])
      yield* until(() => emulator.stdout().includes("\n"), "the emulator's URL")
      const url = emulator.stdout().split("\n")[0] ?? ""
      const list = yield* lro(["list", collection, "--endpoint", url, "--format", "json", "--limit", "1"])
      const running = String(JSON.parse(list.stdout).name)

      const wait = yield* start(["wait", running, "--endpoint", url, "--cancel-on-interrupt"])
      yield* until(() => wait.stdout().includes("RUNNING"), "the first snapshot")
      yield* wait.kill("SIGINT")
      assert.strictEqual(yield* wait.exitCode, 130)
      assert.include(wait.stderr(), `cancel sent for ${running}`)
      assert.match(wait.stdout(), /^CANCELLED +cluster CREATE demo-running/m)

      const after = yield* lro(["get", running, "--endpoint", url])
      assert.match(after.stdout, /^state: +CANCELLED$/m)
      yield* emulator.kill("SIGINT")
      assert.strictEqual(yield* emulator.exitCode, 130)
    })).pipe(provide), 60_000)

  it.live("wait --cancel-on-interrupt on a real terminal (a pseudo-terminal): Ctrl-C's cancel reaches the server", () =>
    Effect.scoped(Effect.gen(function*() {
      const name = `${collection}/op-pty`
      const running = {
        name,
        metadata: {
          "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
          clusterName: "pty-cluster",
          operationType: "CREATE",
          status: { state: "RUNNING" }
        }
      }
      let cancelled = false
      const server = yield* loopback((request) => {
        if (request.method === "POST" && request.url.endsWith(":cancel")) {
          cancelled = true
          return json(200, {})
        }
        return json(200, cancelled ? { ...running, done: true, error: { code: 1, message: "Operation was cancelled" } } : running)
      })
      // script(1) runs lro on a pseudo-terminal: stdout is a TTY, so wait draws its live line, and the ^C
      // written to script's input is turned into SIGINT by the terminal's line discipline, as a keyboard does.
      const line = ["node", "--conditions=@longrunning/source", "--import", "tsx", bin, "wait", name, "--endpoint", server.url,
        "--cancel-on-interrupt"].join(" ")
      const child = yield* Effect.acquireRelease(
        Effect.sync(() =>
          ChildProcess.spawn("script", ["-qec", line, "/dev/null"], {
            cwd: root,
            env: { ...process.env, LRO_ENDPOINT: "", GOOGLE_OAUTH_ACCESS_TOKEN: "", NO_COLOR: "1", TERM: "dumb" },
            stdio: ["pipe", "pipe", "pipe"]
          })
        ),
        (child) => Effect.sync(() => child.kill("SIGKILL"))
      )
      let output = ""
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString()
      })
      const exited = Effect.async<number | null>((resume) => {
        child.on("exit", (code) => resume(Effect.succeed(code)))
      })
      yield* until(() => output.includes("RUNNING") && server.seen.length >= 1, "the live line")
      assert.include(output, "\r\u001b[2K", "the live line is drawn: stdout is a terminal")
      child.stdin.write("\u0003")
      const code = yield* exited
      assert.strictEqual(code, 130, output)
      assert.deepStrictEqual(
        server.seen.filter((request) => request.method === "POST").map((request) => request.url),
        [`/v1/${name}:cancel`]
      )
      assert.include(output, `cancel sent for ${name}`)
      assert.match(output, /CANCELLED +cluster CREATE pty-cluster/)
    })).pipe(provide), 60_000)

  it.live("demo: three operations watched live, a summary table, exit 0 in under 30 s", () =>
    Effect.gen(function*() {
      const started = Date.now()
      const demo = yield* lro(["demo"])
      const seconds = (Date.now() - started) / 1000
      assert.strictEqual(demo.code, 0, demo.stderr)
      assert.isBelow(seconds, 30)
      assert.match(demo.stdout, /^lro demo: the Dataproc operations emulator is on http:\/\/127\.0\.0\.1:\d+$/m)
      assert.match(demo.stdout, /demo-cancelled +cancel sent/)
      assert.match(demo.stdout, /^NAME +OUTCOME +EXPECTED +ELAPSED +POLLS$/m)
      assert.match(demo.stdout, /^demo-cluster +SUCCEEDED +yes +\d+\.\ds +\d+$/m)
      assert.match(demo.stdout, /^demo-batch +FAILED \(RESOURCE_EXHAUSTED\) +yes +\d+\.\ds +\d+$/m)
      assert.match(demo.stdout, /^demo-cancelled +CANCELLED +yes +\d+\.\ds +\d+$/m)
      assert.match(demo.stdout, /all 3 operations ended as expected/)
      const lines = Chunk.fromIterable(demo.stdout.split("\n"))
      assert.isAbove(Chunk.size(Chunk.filter(lines, (line) => line.startsWith("["))), 6)
    }).pipe(provide), 60_000)
})
