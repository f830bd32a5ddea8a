/**
 * `lro wait --durable` in-process, against the emulator on loopback with a real SQLite file: the same output
 * and exit codes as `lro wait`, the flags refused before anything is opened, and the install line the
 * missing-module error names kept in step with @longrunning/durable's package.json.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Emulator from "@longrunning/emulator/Emulator"
import * as SqliteEngine from "@longrunning/durable/SqliteEngine"
import * as Effect from "effect/Effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as Durable from "../src/internal/durable.js"
import * as Exit from "../src/internal/exit.js"
import { json, loopback } from "./loopback.js"
import { fetchJson, lines, lro } from "./support.js"

const tempDir = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "lro-durable-cli-"))),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
)

const setup = Effect.gen(function*() {
  const emulator = yield* Emulator.make({ seedDemo: true })
  const [running, succeeded, failed] = yield* emulator.operations
  if (running === undefined || succeeded === undefined || failed === undefined) {
    return yield* Effect.dieMessage("the demo seed has three operations")
  }
  const dir = yield* tempDir
  return { emulator, running, succeeded, failed, dir, endpoint: ["--endpoint", emulator.url] as const }
})

describe("lro wait --durable (SQLite, in-process)", () => {
  it.live("the outcome and exit codes of lro wait: succeeded 0, failed 1 with its Status; stored for a re-run", () =>
    Effect.scoped(Effect.gen(function*() {
      const { dir, emulator, endpoint, failed, succeeded } = yield* setup
      const store = ["--durable", "--store", Path.join(dir, "waits.sqlite")]

      const ok = yield* lro(["wait", succeeded.name, ...endpoint, ...store])
      assert.strictEqual(ok.code, 0, ok.stderr)
      assert.match(ok.stdout, /^SUCCEEDED +cluster CREATE demo-succeeded +\(DONE\) +3m 00s +\[1 poll, /)
      assert.strictEqual(ok.stderr, "")
      const plain = yield* lro(["wait", succeeded.name, ...endpoint])
      assert.strictEqual(lines(ok.stdout)[0]?.replace(/\[.*\]$/, ""), lines(plain.stdout)[0]?.replace(/\[.*\]$/, ""))

      const bad = yield* lro(["wait", failed.name, ...endpoint, ...store])
      assert.strictEqual(bad.code, 1)
      assert.match(bad.stdout, /^FAILED +batch demo-failed/)
      assert.match(bad.stderr, /^RESOURCE_EXHAUSTED: Insufficient 'CPUS' quota/)

      // The same command again: the stored outcome, without a poll.
      yield* emulator.clearRequests
      const again = yield* lro(["wait", failed.name, ...endpoint, ...store])
      assert.strictEqual(again.code, 1)
      assert.strictEqual(again.stderr, bad.stderr)
      assert.deepStrictEqual(yield* emulator.requests, [])
    })), 120_000)

  it.live("--format json prints the server's JSON of the done operation", () =>
    Effect.scoped(Effect.gen(function*() {
      const { dir, emulator, endpoint, succeeded } = yield* setup
      const r = yield* lro([
        "wait",
        succeeded.name,
        ...endpoint,
        "--format",
        "json",
        "--durable",
        "--store",
        Path.join(dir, "w.sqlite")
      ])
      assert.strictEqual(r.code, 0, r.stderr)
      assert.deepStrictEqual(JSON.parse(r.stdout), yield* fetchJson(`${emulator.url}/v1/${succeeded.name}`))
    })), 120_000)

  it.live("a missing operation exits 3, a malformed name 2, as lro wait does", () =>
    Effect.scoped(Effect.gen(function*() {
      const { dir, endpoint } = yield* setup
      const store = ["--durable", "--store", Path.join(dir, "w.sqlite")]
      const malformed = yield* lro(["wait", "projects//operations/x", ...endpoint, ...store])
      assert.strictEqual(malformed.code, 2)
      assert.deepStrictEqual(Fs.readdirSync(dir), [], "refused before the store is opened")
      const missing = yield* lro(["wait", "projects/demo/regions/us-central1/operations/missing", ...endpoint, ...store])
      assert.strictEqual(missing.code, 3)
      assert.include(missing.stderr, "was not found")
    })), 120_000)
})

describe("lro wait --durable: names of every service", () => {
  it.live("a name of another service's grammar (Service Management's colon) is waited on, stored and found again", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const name = "operations/serviceConfigs.svc:1f2e"
      const server = yield* loopback(() => json(200, { name, done: true, response: { "@type": "type.googleapis.com/google.protobuf.Empty" } }))
      const args = ["wait", name, "--service", "servicemanagement", "--endpoint", server.url, "--durable", "--store", Path.join(dir, "w.sqlite")]
      const r = yield* lro(args)
      assert.strictEqual(r.code, 0, r.stderr)
      assert.match(r.stdout, /^SUCCEEDED /)
      assert.deepStrictEqual(server.seen.map((seen) => `${seen.method} ${seen.url}`), [`GET /v1/${name}`])
      const again = yield* lro(args)
      assert.strictEqual(again.code, 0, again.stderr)
      assert.strictEqual(server.seen.length, 1, "the stored outcome, without a poll")
      // the same name under Dataproc's grammar is refused before the store is opened
      const refused = yield* lro(["wait", name, "--endpoint", server.url, "--durable", "--store", Path.join(dir, "x.sqlite")])
      assert.strictEqual(refused.code, 2)
      assert.isFalse(Fs.existsSync(Path.join(dir, "x.sqlite")))
    })), 120_000)
})

describe("lro wait --durable: flags refused before anything is opened (exit 2)", () => {
  const name = "projects/demo/regions/us-central1/operations/op-1"
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, RegExp]> = [
    [["--store", "w.sqlite"], /--store is where durable waits are kept: add --durable/],
    [["--durable", "--cancel-on-interrupt"], /--cancel-on-interrupt does not go with --durable/],
    [["--durable", "--store", ""], /--store must not be empty/],
    [["--durable", "--store", "mysql://db/x"], /--store takes an SQLite file or a postgres:\/\/ URL, not a mysql:\/\/ URL/],
    [["--durable", "--store", "/no/such/dir/w.sqlite"], /its directory \/no\/such\/dir does not exist/],
    [
      ["--durable", "--store", "postgres://lro@127.0.0.1:1/x", "--endpoint", "http://127.0.0.1:1", "--max-delay", "5s"],
      /--max-delay, --endpoint belong to `lro worker`, not to `lro wait --durable`/
    ],
    [["--durable", "--store", "postgres://lro@127.0.0.1:1/x", "--service", "dataproc"], /--service belongs to `lro worker`/]
  ]
  for (const [flags, message] of cases) {
    it.effect(flags.join(" "), () =>
      Effect.gen(function*() {
        const r = yield* lro(["wait", name, ...flags])
        assert.strictEqual(r.code, 2, r.stderr)
        assert.match(r.stderr, message)
        assert.strictEqual(r.stdout, "")
      }))
  }

  it.effect("lro worker refuses an SQLite store and --timeout", () =>
    Effect.gen(function*() {
      const sqlite = yield* lro(["worker", "--store", "w.sqlite"])
      assert.strictEqual(sqlite.code, 2)
      assert.match(sqlite.stderr, /`lro worker` needs a shared store: --store postgres:\/\//)
      const timeout = yield* lro(["worker", "--store", "postgres://lro@127.0.0.1:1/x", "--timeout", "5s"])
      assert.strictEqual(timeout.code, 2)
      assert.match(timeout.stderr, /--timeout does not apply to `lro worker`/)
    }))

  it.effect("a store that cannot be reached exits 3, its password not printed", () =>
    Effect.gen(function*() {
      const r = yield* lro(["wait", name, "--durable", "--store", "postgres://lro:s3cret@127.0.0.1:1/x"])
      assert.strictEqual(r.code, 3, r.stderr)
      assert.match(r.stderr, /^cannot use the store postgres:\/\/lro:\*\*\*@127\.0\.0\.1:1\/x: /)
      assert.notInclude(r.stderr, "s3cret")
    }), 60_000)
})

describe("the durable errors", () => {
  it("carry the cli's TypeId and map to exit 2 (not installed, its lines kept) and 3 (the store)", () => {
    const missing = new Durable.DurableNotInstalled({
      installLine: Durable.installLine("sqlite"),
      message: `lro wait --durable needs ...:\n  ${Durable.installLine("sqlite")}`
    })
    assert.strictEqual(missing[Exit.TypeId], Exit.TypeId)
    assert.strictEqual(Exit.codeOf(missing), Exit.codes.usage)
    assert.strictEqual(Exit.messageOf(missing), missing.message, "its own message: the line break kept")
    const store = new Durable.StoreFailed({ message: "cannot use the store x: \u001b[2J" })
    assert.strictEqual(store[Exit.TypeId], Exit.TypeId)
    assert.strictEqual(Exit.codeOf(store), Exit.codes.api)
    assert.notInclude(Exit.messageOf(store) ?? "", "\u001b", "a driver's text is escaped")
    assert.strictEqual(Exit.codeOf({ _tag: "PollingFailed", message: "polling x failed" }), Exit.codes.api)
  })
})

describe("packaging", () => {
  it("the install line names @longrunning/durable's peers with its own ranges, and its default file", () => {
    const here = Path.dirname(fileURLToPath(import.meta.url))
    const manifest = JSON.parse(Fs.readFileSync(Path.join(here, "../../durable/package.json"), "utf8"))
    const cli = JSON.parse(Fs.readFileSync(Path.join(here, "../package.json"), "utf8"))
    const peers: Record<string, string> = manifest.peerDependencies
    for (const kind of ["sqlite", "postgres"] as const) {
      const words = Durable.installLine(kind).split(" ").slice(2)
      for (const word of words) {
        const at = word.lastIndexOf("@")
        const [pkg, range] = [word.slice(0, at), word.slice(at + 1)]
        if (pkg === "@longrunning/durable") {
          assert.strictEqual(range, cli.peerDependencies[pkg])
          assert.strictEqual(`^${manifest.version}`, range)
        } else {
          assert.strictEqual(range, peers[pkg], pkg)
        }
      }
      // what durable needs that the CLI does not bring itself
      const needed = Object.keys(peers).filter((pkg) =>
        cli.dependencies[pkg] === undefined && cli.peerDependencies[pkg] === undefined &&
        !["@effect/sql-sqlite-node", "@effect/sql-pg"].includes(pkg)
      )
      const named = words.map((word) => word.slice(0, word.lastIndexOf("@")))
      assert.includeMembers(named, [...needed, kind === "sqlite" ? "@effect/sql-sqlite-node" : "@effect/sql-pg"])
    }
    assert.strictEqual(Durable.defaultStore, SqliteEngine.defaultFilename)
  })

  it("the README and docs/cli.md give the lines the error names", () => {
    const here = Path.dirname(fileURLToPath(import.meta.url))
    const readme = Fs.readFileSync(Path.join(here, "../README.md"), "utf8")
    const docs = Fs.readFileSync(Path.join(here, "../../../docs/cli.md"), "utf8")
    for (const kind of ["sqlite", "postgres"] as const) assert.include(readme.split("\n"), Durable.installLine(kind))
    assert.include(docs, Durable.installLine("sqlite"))
  })
})
