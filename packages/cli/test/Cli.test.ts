/**
 * `lro` in-process against the emulator on loopback (on the TestClock): output formats, exit codes, what
 * is sent and what is not.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Emulator from "@longrunning/emulator/Emulator"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Cli from "../src/Cli.js"
import { drive, driven, fetchJson, lines, lro, makeOutput } from "./support.js"

const collection = "projects/demo/regions/us-central1/operations"

const setup = Effect.gen(function*() {
  const emulator = yield* Emulator.make({ seedDemo: true })
  const [running, succeeded, failed] = yield* emulator.operations
  if (running === undefined || succeeded === undefined || failed === undefined) {
    return yield* Effect.dieMessage("the demo seed has three operations")
  }
  yield* emulator.clearRequests
  return { emulator, running, succeeded, failed, endpoint: ["--endpoint", emulator.url] as const }
})

describe("lro get", () => {
  it.scoped("--format json prints exactly the emulator's JSON, for every state", () =>
    Effect.gen(function*() {
      const { emulator, endpoint, failed, running, succeeded } = yield* setup
      for (const op of [running, succeeded, failed]) {
        const result = yield* lro(["get", op.name, ...endpoint, "--format", "json"])
        assert.strictEqual(result.code, 0)
        assert.deepStrictEqual(JSON.parse(result.stdout), yield* fetchJson(`${emulator.url}/v1/${op.name}`))
      }
    }))

  it.scoped("text shows state, kind, target, progress and elapsed time", () =>
    Effect.gen(function*() {
      const { endpoint, failed, running, succeeded } = yield* setup
      const r = yield* lro(["get", running.name, ...endpoint])
      assert.strictEqual(r.code, 0)
      assert.match(r.stdout, /^name: +projects\/demo\/regions\/us-central1\/operations\//m)
      assert.match(r.stdout, /^state: +RUNNING$/m)
      assert.match(r.stdout, /^kind: +cluster CREATE$/m)
      assert.match(r.stdout, /^target: +demo-running$/m)
      assert.match(r.stdout, /^progress: +RUNNING$/m)
      assert.match(r.stdout, /^elapsed: +1m 00s$/m)
      const s = yield* lro(["get", succeeded.name, ...endpoint])
      assert.match(s.stdout, /^state: +SUCCEEDED$/m)
      assert.match(s.stdout, /^response: +google\.cloud\.dataproc\.v1\.Cluster$/m)
      const f = yield* lro(["get", failed.name, ...endpoint])
      assert.strictEqual(f.code, 0, "get worked, even though the operation failed")
      assert.match(f.stdout, /^state: +FAILED$/m)
      assert.match(f.stdout, /^kind: +batch$/m)
      assert.match(f.stdout, /RESOURCE_EXHAUSTED: Insufficient 'CPUS' quota/)
      assert.match(f.stdout, /reason: QUOTA_EXCEEDED \(dataproc\.googleapis\.com\)/)
      assert.match(f.stdout, /^elapsed: +40\.0s$/m)
    }))

  it.scoped("NOT_FOUND exits 3 with the code name and message on stderr", () =>
    Effect.gen(function*() {
      const { endpoint } = yield* setup
      const r = yield* lro(["get", `${collection}/nope`, ...endpoint])
      assert.strictEqual(r.code, 3)
      assert.strictEqual(r.stdout, "")
      assert.match(r.stderr, /^NOT_FOUND: /)
    }))

  it.scoped("the endpoint comes from LRO_ENDPOINT when no flag is given", () =>
    Effect.gen(function*() {
      const { emulator, running } = yield* setup
      const r = yield* lro(["get", running.name, "--format", "json"], { env: { LRO_ENDPOINT: emulator.url } })
      assert.strictEqual(r.code, 0)
      assert.strictEqual(JSON.parse(r.stdout).name, running.name)
      assert.strictEqual((yield* emulator.requests).length, 1)
    }))
})

describe("lro list", () => {
  it.scoped("--format json prints one object per line, equal to the emulator's list", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      const expected = yield* fetchJson(`${emulator.url}/v1/${collection}`)
      for (const extra of [[], ["--page-size", "1"]]) {
        const r = yield* lro(["list", collection, ...endpoint, "--format", "json", ...extra])
        assert.strictEqual(r.code, 0)
        assert.deepStrictEqual({ operations: lines(r.stdout).map((line) => JSON.parse(line)) }, expected)
      }
    }))

  it.scoped("--limit stops paging once enough operations are read", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      const r = yield* lro(["list", collection, ...endpoint, "--format", "json", "--page-size", "1", "--limit", "2"])
      assert.strictEqual(r.code, 0)
      assert.strictEqual(lines(r.stdout).length, 2)
      const pages = (yield* emulator.requests).filter((request) => request.route === "List")
      assert.strictEqual(pages.length, 2)
      assert.strictEqual(pages[0]?.query["pageSize"], "1")
    }))

  it.scoped("--filter is sent as the service's filter", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      const r = yield* lro(["list", collection, ...endpoint, "--filter", "status.state = DONE", "--format", "json"])
      assert.strictEqual(r.code, 0)
      assert.deepStrictEqual(lines(r.stdout).map((line) => JSON.parse(line).metadata.clusterName), ["demo-succeeded"])
      assert.strictEqual((yield* emulator.requests)[0]?.query["filter"], "status.state = DONE")
    }))

  it.scoped("text is a table with state, kind, target, elapsed and progress", () =>
    Effect.gen(function*() {
      const { endpoint, running } = yield* setup
      const r = yield* lro(["list", collection, ...endpoint])
      assert.strictEqual(r.code, 0)
      const [header, ...rows] = lines(r.stdout)
      assert.match(header ?? "", /^ID +STATE +KIND +TARGET +ELAPSED +PROGRESS$/)
      assert.strictEqual(rows.length, 3)
      assert.match(rows[0] ?? "", new RegExp(`^${running.name.split("/").pop()} +RUNNING +cluster CREATE +demo-running +1m 00s +RUNNING$`))
      assert.match(rows[1] ?? "", /SUCCEEDED +cluster CREATE +demo-succeeded +3m 00s +DONE$/)
      assert.match(rows[2] ?? "", /FAILED +batch +demo-failed +40\.0s/)
    }))
})

describe("lro cancel and delete", () => {
  it.scoped("cancel sends POST :cancel and the operation ends CANCELLED; delete forgets it", () =>
    Effect.gen(function*() {
      const { emulator, endpoint, running } = yield* setup
      const c = yield* lro(["cancel", running.name, ...endpoint])
      assert.strictEqual(c.code, 0)
      assert.strictEqual(c.stdout, `cancel requested for ${running.name}\n`)
      const after = yield* lro(["get", running.name, ...endpoint])
      assert.match(after.stdout, /^state: +CANCELLED$/m)
      const d = yield* lro(["delete", running.name, ...endpoint, "--format", "json"])
      assert.strictEqual(d.code, 0)
      assert.strictEqual(d.stdout, "{}\n")
      const gone = yield* lro(["get", running.name, ...endpoint])
      assert.strictEqual(gone.code, 3)
      assert.deepStrictEqual((yield* emulator.requests).map((r) => `${r.method} ${r.route}`), [
        "POST Cancel",
        "GET Get",
        "DELETE Delete",
        "GET Get"
      ])
    }))

  it.scoped("cancel and delete of an unknown operation exit 3", () =>
    Effect.gen(function*() {
      const { endpoint } = yield* setup
      for (const verb of ["cancel", "delete"]) {
        const r = yield* lro([verb, `${collection}/unknown`, ...endpoint])
        assert.strictEqual(r.code, 3)
        assert.match(r.stderr, /^NOT_FOUND: /)
      }
    }))
})

describe("usage errors exit 2 and send nothing", () => {
  it.scoped("invalid names and collections are refused before any request", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      const cases: ReadonlyArray<ReadonlyArray<string>> = [
        ["get", "not-a-name"],
        ["get", "projects/demo/regions/us-central1/operations/../x"],
        ["wait", "projects/p/regions/r/operations/"],
        ["cancel", "projects//regions/r/operations/x"],
        ["delete", "projects/p/regions/r/operations/x/y"],
        ["list", "projects/demo/regions/us-central1/clusters"]
      ]
      for (const args of cases) {
        const r = yield* lro([...args, ...endpoint])
        assert.strictEqual(r.code, 2, args.join(" "))
        assert.match(r.stderr, /invalid name/, args.join(" "))
        assert.strictEqual(r.stdout, "")
      }
      assert.deepStrictEqual(yield* emulator.requests, [])
    }))

  it.scoped("a collection where an operation is expected points at lro list, and the other way round", () =>
    Effect.gen(function*() {
      const { emulator, endpoint, running } = yield* setup
      for (const verb of ["get", "wait", "cancel", "delete"]) {
        const r = yield* lro([verb, collection, ...endpoint])
        assert.strictEqual(r.code, 2, verb)
        assert.strictEqual(
          r.stderr,
          `"${collection}" is a collection, not an operation: \`lro list ${collection}\` lists its operations\n`
        )
      }
      const list = yield* lro(["list", running.name, ...endpoint])
      assert.strictEqual(list.code, 2)
      assert.include(list.stderr, `is an operation, not a collection: \`lro get ${running.name}\` prints it`)
      assert.deepStrictEqual(yield* emulator.requests, [])
    }))

  it.scoped("--format yaml names the flag", () =>
    Effect.gen(function*() {
      const { emulator, endpoint, running } = yield* setup
      const r = yield* lro(["get", running.name, ...endpoint, "--format", "yaml"])
      assert.strictEqual(r.code, 2)
      assert.include(r.stderr, "--format must be text or json, got \"yaml\"")
      assert.deepStrictEqual(yield* emulator.requests, [])
    }))

  it.scoped("parser errors, bad flag values and a refused endpoint", () =>
    Effect.gen(function*() {
      const { emulator, endpoint, running } = yield* setup
      const cases: ReadonlyArray<ReadonlyArray<string>> = [
        [],
        ["frobnicate"],
        ["get"],
        ["get", running.name, ...endpoint, "--format", "yaml"],
        ["get", running.name, ...endpoint, "--no-such-flag"],
        ["list", collection, ...endpoint, "--page-size", "0"],
        ["list", collection, ...endpoint, "--limit", "-1"],
        ["list", collection, ...endpoint, "--page-size", "ten"],
        ["wait", running.name, ...endpoint, "--timeout", "soon"],
        ["wait", running.name, ...endpoint, "--multiplier", "0.5"],
        ["wait", running.name, ...endpoint, "--initial-delay", "0s"],
        ["get", running.name, "--endpoint", "http://example.com"],
        ["get", running.name, "--endpoint", "not a url"],
        ["emulator", "--port", "70000"]
      ]
      for (const args of cases) {
        const r = yield* lro(args)
        assert.strictEqual(r.code, 2, args.join(" "))
        assert.notStrictEqual(r.stderr, "", args.join(" "))
      }
      assert.deepStrictEqual(yield* emulator.requests, [])
    }))

  it.effect("--help and --version exit 0", () =>
    Effect.gen(function*() {
      const help = yield* lro(["--help"])
      assert.strictEqual(help.code, 0)
      assert.include(help.stdout, "wait")
      const waitHelp = yield* lro(["wait", "--help"])
      assert.strictEqual(waitHelp.code, 0)
      assert.include(waitHelp.stdout, "--cancel-on-interrupt")
      const version = yield* lro(["--version"])
      assert.strictEqual(version.code, 0)
      assert.include(version.stdout, Cli.version)
    }))

  it.effect("help is styled only on a terminal without NO_COLOR", () =>
    Effect.gen(function*() {
      const piped = yield* lro(["--help"])
      const noColor = yield* lro(["--help"], { env: { NO_COLOR: "1" }, output: makeOutput({ isTTY: true }) })
      const usage = yield* lro(["get"], { env: { NO_COLOR: "1" }, output: makeOutput({ isTTY: true }) })
      const terminal = yield* lro(["--help"], { output: makeOutput({ isTTY: true }) })
      for (const r of [piped, noColor, usage]) assert.notInclude(r.stdout + r.stderr, "\u001b")
      assert.include(usage.stderr, "Missing argument")
      assert.include(terminal.stdout, "\u001b[")
      // eslint-disable-next-line no-control-regex -- control characters are what it looks for
      assert.strictEqual(terminal.stdout.replace(/\u001b\[[0-9;]*m/g, ""), piped.stdout)
    }))
})

describe("lro emulator", () => {
  it.scoped("a port already taken: exit 3 with the reason", () =>
    Effect.gen(function*() {
      const { emulator } = yield* setup
      const r = yield* lro(["emulator", "--port", String(emulator.port)])
      assert.strictEqual(r.code, 3)
      assert.strictEqual(r.stdout, "")
      assert.match(r.stderr, new RegExp(`^cannot listen on 127\\.0\\.0\\.1:${emulator.port}: .*EADDRINUSE`))
    }))
})

describe("credentials", () => {
  it.scoped("a loopback endpoint gets no token unless --access-token is given; the token is never printed", () =>
    Effect.gen(function*() {
      const { emulator, endpoint, running } = yield* setup
      const env = { GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.from-env" }
      yield* lro(["get", running.name, ...endpoint], { env })
      const flagged = yield* lro(
        ["get", `${collection}/nope`, ...endpoint, "--access-token", "ya29.secret", "--quota-project", "billing"],
        { env }
      )
      assert.strictEqual(flagged.code, 3)
      const [first, second] = yield* emulator.requests
      assert.isUndefined(first?.headers["authorization"])
      assert.isUndefined(first?.bearer)
      assert.strictEqual(second?.headers["authorization"], "Bearer <redacted>")
      assert.isTrue(Emulator.hasBearer(second, "ya29.secret"))
      assert.strictEqual(second?.headers["x-goog-user-project"], "billing")
      assert.notInclude(flagged.stdout + flagged.stderr, "ya29")
    }))
})

describe("lro wait", () => {
  it.scoped("succeeds: plain lines on each change of progress, exit 0", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      const op = yield* emulator.create({ scenario: Emulator.succeedAfter("20 seconds"), pendingFor: "5 seconds" })
      const r = yield* driven(lro(["wait", op.name, ...endpoint]))
      assert.strictEqual(r.code, 0)
      const out = lines(r.stdout)
      assert.match(out[0] ?? "", /^RUNNING +cluster CREATE \S+ +\(PENDING\)/)
      assert.match(out[1] ?? "", /^RUNNING +cluster CREATE \S+ +\(RUNNING\)/)
      assert.match(out[2] ?? "", /^SUCCEEDED +cluster CREATE \S+ +\(DONE\) +20\.0s +\[\d+ polls, /)
      assert.strictEqual(out.length, 3)
      assert.notInclude(r.stdout, "\r")
    }))

  it.scoped("--format json: one line per snapshot, the last one the emulator's done JSON", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      const op = yield* emulator.create({ scenario: Emulator.succeedAfter("10 seconds") })
      const r = yield* driven(lro(["wait", op.name, ...endpoint, "--format", "json"]))
      assert.strictEqual(r.code, 0)
      const snapshots = lines(r.stdout).map((line) => JSON.parse(line))
      const polls = (yield* emulator.requests).filter((request) => request.route === "Get")
      assert.strictEqual(snapshots.length, polls.length)
      assert.isUndefined(snapshots[0].done)
      assert.deepStrictEqual(snapshots[snapshots.length - 1], yield* fetchJson(`${emulator.url}/v1/${op.name}`))
    }))

  it.scoped("fails: exit 1 with the Status on stderr", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      const op = yield* emulator.create({ kind: "Batch", scenario: Emulator.failAfter("5 seconds", Emulator.quotaExceeded) })
      const r = yield* driven(lro(["wait", op.name, ...endpoint]))
      assert.strictEqual(r.code, 1)
      assert.match(lines(r.stdout).at(-1) ?? "", /^FAILED +batch/)
      assert.match(r.stderr, /^RESOURCE_EXHAUSTED: Insufficient 'CPUS' quota/)
      assert.include(r.stderr, "quota: project:demo")
    }))

  it.scoped("a cancelled operation exits 1 with CANCELLED", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      const op = yield* emulator.create({ scenario: Emulator.neverFinish })
      const fiber = yield* Effect.fork(lro(["wait", op.name, ...endpoint]))
      yield* drive(fiber, "20 seconds", Effect.map(emulator.requests, (log) => log.length >= 2))
      yield* emulator.fail(op.name, { code: 1, message: "Operation was cancelled", details: [] })
      yield* drive(fiber)
      const r = yield* Fiber.join(fiber)
      assert.strictEqual(r.code, 1)
      assert.match(r.stderr, /^CANCELLED: Operation was cancelled/)
    }))

  it.scoped("--timeout: exit 4", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      const op = yield* emulator.create({ scenario: Emulator.neverFinish })
      const r = yield* driven(lro(["wait", op.name, ...endpoint, "--timeout", "30s"]))
      assert.strictEqual(r.code, 4)
      assert.match(r.stderr, /was not done after 30s/)
    }))

  it.scoped("policy flags: proportional 2 s (first delay staggered), then exponential 1 s ×2 up to 4 s", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      const gaps = Effect.map(emulator.requests, (log) => log.slice(1).map((r, i) => r.time - (log[i]?.time ?? 0)))
      const a = yield* emulator.create({ scenario: Emulator.succeedAfter("9 seconds") })
      const fixed = yield* driven(
        lro(["wait", a.name, ...endpoint, "--initial-delay", "2s", "--max-delay", "2s", "--multiplier", "1"])
      )
      assert.strictEqual(fixed.code, 0)
      const [first, ...rest] = yield* gaps
      // proportional staggers the first delay over [0.5, 1.5) x initial so that watchers started together spread
      assert.isAtLeast(first ?? 0, 1000)
      assert.isBelow(first ?? 0, 3000)
      assert.isAbove(rest.length, 2)
      assert.deepStrictEqual(rest, rest.map(() => 2000))
      yield* emulator.clearRequests
      const b = yield* emulator.create({ scenario: Emulator.succeedAfter("15 seconds") })
      const exponential = yield* driven(lro([
        "wait",
        b.name,
        ...endpoint,
        "--backoff",
        "exponential",
        "--initial-delay",
        "1000ms",
        "--multiplier",
        "2",
        "--max-delay",
        "4 seconds"
      ]))
      assert.strictEqual(exponential.code, 0)
      assert.deepStrictEqual(yield* gaps, [1000, 2000, 4000, 4000, 4000])
    }))

  it.scoped("on a terminal: one line redrawn in place, then the final line", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      const op = yield* emulator.create({ scenario: Emulator.succeedAfter("6 seconds") })
      const output = makeOutput({ isTTY: true, columns: 200 })
      const r = yield* driven(lro(["wait", op.name, ...endpoint], { output }))
      assert.strictEqual(r.code, 0)
      const redraws = r.stdout.split("\r\u001b[2K")
      assert.isAbove(redraws.length, 3)
      assert.match(redraws[1] ?? "", /^RUNNING +cluster CREATE/)
      assert.notInclude(redraws[1] ?? "", "\n")
      assert.match(redraws[redraws.length - 1] ?? "", /^SUCCEEDED +cluster CREATE \S+ +\(DONE\) .*\n$/)
    }))

  it.scoped("--cancel-on-interrupt: an interrupted wait cancels and prints the state after", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      const op = yield* emulator.create({ scenario: Emulator.neverFinish })
      const output = makeOutput()
      const fiber = yield* Effect.fork(lro(["wait", op.name, ...endpoint, "--cancel-on-interrupt"], { output }))
      yield* drive(fiber, "20 seconds", Effect.map(emulator.requests, (log) => log.length >= 2))
      const interrupting = yield* Effect.fork(Fiber.interrupt(fiber))
      yield* drive(interrupting)
      assert.deepStrictEqual((yield* emulator.requests).map((r) => r.route), ["Get", "Get", "Cancel", "Get"])
      assert.include(output.stderr(), `cancel sent for ${op.name}`)
      assert.match(lines(output.stdout()).at(-1) ?? "", /^CANCELLED +cluster CREATE/)
      assert.isTrue(Option.isSome(yield* emulator.get(op.name)))
    }))

  it.scoped("--cancel-on-interrupt --format json: the state after the cancel is printed as the server's JSON", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      const op = yield* emulator.create({ scenario: Emulator.neverFinish })
      const output = makeOutput()
      const fiber = yield* Effect.fork(
        lro(["wait", op.name, ...endpoint, "--cancel-on-interrupt", "--format", "json"], { output })
      )
      yield* drive(fiber, "20 seconds", Effect.map(emulator.requests, (log) => log.length >= 2))
      const interrupting = yield* Effect.fork(Fiber.interrupt(fiber))
      yield* drive(interrupting)
      assert.deepStrictEqual((yield* emulator.requests).map((r) => r.route), ["Get", "Get", "Cancel", "Get"])
      const printed = JSON.parse(lines(output.stdout()).at(-1) ?? "")
      assert.strictEqual(printed.name, op.name)
      assert.strictEqual(printed.done, true)
      assert.strictEqual(printed.error.code, 1)
      assert.strictEqual(printed.metadata["@type"], "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata")
    }))

  it.scoped("without --cancel-on-interrupt an interrupted wait sends nothing more", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      const op = yield* emulator.create({ scenario: Emulator.neverFinish })
      const fiber = yield* Effect.fork(lro(["wait", op.name, ...endpoint]))
      yield* drive(fiber, "20 seconds", Effect.map(emulator.requests, (log) => log.length >= 2))
      yield* Fiber.interrupt(fiber)
      assert.deepStrictEqual((yield* emulator.requests).map((r) => r.route), ["Get", "Get"])
    }))
})
