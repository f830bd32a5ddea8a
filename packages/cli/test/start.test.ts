/**
 * `lro start` in-process against the emulator on loopback (on the TestClock): what it sends, what it prints,
 * `--wait` as `lro wait`, request ids across a retry, and bad input refused before anything is sent.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Emulator from "@longrunning/emulator/Emulator"
import * as Effect from "effect/Effect"
import * as NodeFs from "node:fs/promises"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"
import { driven, fetchJson, lines, lro } from "./support.js"

const clusters = "projects/demo/regions/us-central1/clusters"
const batches = "projects/demo/locations/us-central1/batches"

const setup = Effect.gen(function*() {
  const emulator = yield* Emulator.make()
  return { emulator, endpoint: ["--endpoint", emulator.url] as const }
})

const cluster = (name: string) => ["--data", JSON.stringify({ projectId: "demo", clusterName: name })]

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

describe("lro start", () => {
  it.scoped("sends the call with a fresh request id and prints the operation as lro get does", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      const r = yield* driven(lro(["start", clusters, ...cluster("c1"), ...endpoint]))
      assert.strictEqual(r.code, 0, r.stderr)
      assert.match(r.stdout, /^name: +projects\/demo\/regions\/us-central1\/operations\//m)
      assert.match(r.stdout, /^state: +RUNNING$/m)
      assert.match(r.stdout, /^kind: +cluster CREATE$/m)
      assert.match(r.stdout, /^target: +c1$/m)
      const sent = yield* emulator.requests
      assert.deepStrictEqual(sent.map((request) => [request.method, request.route]), [["POST", "CreateCluster"]])
      assert.match(sent[0]?.query["requestId"] ?? "", uuid)
      const [operation] = yield* emulator.operations
      const get = yield* driven(lro(["get", operation?.name ?? "", ...endpoint]))
      assert.strictEqual(r.stdout, get.stdout, "start prints the operation exactly as get does")
    }))

  it.scoped("the request id goes where the library's Dataproc calls put it; elsewhere only when given, in the query", () =>
    Effect.gen(function*() {
      const base = "http://127.0.0.1:9"
      const dry = (args: ReadonlyArray<string>) =>
        Effect.map(lro([...args, "--endpoint", base, "--dry-run"]), (r) => {
          assert.strictEqual(r.code, 0, `${args.join(" ")}: ${r.stderr}`)
          return r.stdout.trim()
        })
      const id = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
      const sessions = "projects/demo/locations/us-central1/sessions"
      const group = `${clusters}/c1/nodeGroups/g1`
      assert.match(yield* dry(["start", `${sessions}/s1:terminate`]), new RegExp(`^POST ${base}/v1/${sessions}/s1:terminate \\{"requestId":"${id}"\\}$`))
      assert.match(yield* dry(["start", `${sessions}/s1`, "--method", "DELETE"]), new RegExp(`^DELETE ${base}/v1/${sessions}/s1\\?requestId=${id}$`))
      assert.match(yield* dry(["start", `${group}:resize`, "--data", "{\"size\":2}"]), new RegExp(`^POST ${base}/v1/${group}:resize \\{"size":2,"requestId":"${id}"\\}$`))
      // not a start method of Dataproc's: nothing added
      assert.strictEqual(yield* dry(["start", `${clusters}/c1:diagnose`]), `POST ${base}/v1/${clusters}/c1:diagnose`)
      // another service: only a given id, as a query parameter, even on a custom method named like Dataproc's
      const run = "projects/demo/locations/us-central1/services/s1:start"
      assert.strictEqual(yield* dry(["start", run, "--service", "run"]), `POST ${base}/v2/${run}`)
      assert.strictEqual(yield* dry(["start", run, "--service", "run", "--request-id", "r-9"]), `POST ${base}/v2/${run}?requestId=r-9`)
    }))

  it.scoped("--format json prints the server's JSON of the operation it started", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      const r = yield* driven(lro(["start", clusters, ...cluster("c1"), ...endpoint, "--format", "json"]))
      assert.strictEqual(r.code, 0, r.stderr)
      const printed = JSON.parse(r.stdout)
      assert.deepStrictEqual(printed, yield* fetchJson(`${emulator.url}/v1/${printed.name}`))
      assert.strictEqual(printed.metadata.clusterName, "c1")
    }))

  it.scoped("--param, --data @FILE and --request-id are sent as given", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      const dir = yield* Effect.promise(() => NodeFs.mkdtemp(NodePath.join(NodeOs.tmpdir(), "lro-start-")))
      yield* Effect.addFinalizer(() => Effect.promise(() => NodeFs.rm(dir, { recursive: true, force: true })))
      const file = NodePath.join(dir, "batch.json")
      yield* Effect.promise(() => NodeFs.writeFile(file, JSON.stringify({ labels: { team: "a" } })))
      const args = ["start", batches, "--data", `@${file}`, "--param", "batchId=b-001", "--request-id", "run-1"]
      const first = yield* driven(lro([...args, ...endpoint, "--format", "json"]))
      assert.strictEqual(first.code, 0, first.stderr)
      const again = yield* driven(lro([...args, ...endpoint, "--format", "json"]))
      assert.strictEqual(again.code, 0, again.stderr)
      assert.strictEqual(JSON.parse(again.stdout).name, JSON.parse(first.stdout).name, "the same request id, the same operation")
      const sent = yield* emulator.requests
      assert.deepStrictEqual(sent.map((request) => request.query), [
        { batchId: "b-001", requestId: "run-1" },
        { batchId: "b-001", requestId: "run-1" }
      ])
      assert.strictEqual((yield* emulator.operations).length, 1)
    }))

  it.scoped("a custom method takes the request id in its body: the same stop twice is one operation", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      assert.strictEqual((yield* driven(lro(["start", clusters, ...cluster("c1"), ...endpoint]))).code, 0)
      const stop = ["start", `${clusters}/c1:stop`, "--request-id", "stop-1", ...endpoint, "--format", "json"]
      const first = yield* driven(lro(stop))
      const second = yield* driven(lro(stop))
      assert.strictEqual(first.code, 0, first.stderr)
      assert.strictEqual(second.code, 0, second.stderr)
      assert.strictEqual(JSON.parse(second.stdout).name, JSON.parse(first.stdout).name)
      const stops = (yield* emulator.requests).filter((request) => request.route === "StopCluster")
      assert.strictEqual(stops.length, 2)
      assert.deepStrictEqual(stops.map((request) => request.query), [{}, {}], "the id went in the body, not the query")
      assert.strictEqual((yield* emulator.operations).length, 2)
    }))

  it.scoped("a 503 on the create is retried with the same request id, and one cluster is created", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      yield* emulator.inject(Emulator.unavailable, { times: 1 })
      const r = yield* driven(lro(["start", clusters, ...cluster("c1"), ...endpoint]))
      assert.strictEqual(r.code, 0, r.stderr)
      const sent = yield* emulator.requests
      assert.deepStrictEqual(sent.map((request) => [request.route, request.fault]), [
        ["CreateCluster", "Answer"],
        ["CreateCluster", undefined]
      ])
      const ids = sent.map((request) => request.query["requestId"])
      assert.match(ids[0] ?? "", uuid)
      assert.strictEqual(ids[1], ids[0])
      assert.strictEqual((yield* emulator.operations).length, 1)
    }))

  it.scoped("an API error exits 3 with the Status on stderr", () =>
    Effect.gen(function*() {
      const { endpoint } = yield* setup
      const r = yield* driven(lro(["start", clusters, "--data", "{}", ...endpoint]))
      assert.strictEqual(r.code, 3)
      assert.match(r.stderr, /^INVALID_ARGUMENT: Cluster name must start/)
      assert.strictEqual(r.stdout, "")
    }))
})

describe("lro start --wait", () => {
  it.scoped("succeeds: wait's lines from the started snapshot to the end, exit 0", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      const r = yield* driven(lro(["start", clusters, ...cluster("c1"), ...endpoint, "--wait"]))
      assert.strictEqual(r.code, 0, r.stderr)
      const out = lines(r.stdout)
      assert.match(out[0] ?? "", /^RUNNING +cluster CREATE c1 +\(PENDING\) +0ms +\[1 poll, 0ms\]$/)
      assert.match(out[1] ?? "", /^RUNNING +cluster CREATE c1 +\(RUNNING\)/)
      assert.match(out.at(-1) ?? "", /^SUCCEEDED +cluster CREATE c1 +\(DONE\) +1m 30s +\[\d+ polls, /)
      assert.strictEqual(out.length, 3, "one line per change, as lro wait prints")
      const sent = yield* emulator.requests
      assert.strictEqual(sent.filter((request) => request.route === "CreateCluster").length, 1)
      assert.isAbove(sent.filter((request) => request.route === "Get").length, 0)
    }))

  it.scoped("fails on quota: exit 1 with the Status on stderr, as lro wait", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      yield* emulator.inject(Emulator.failOperation(Emulator.quotaExceeded, "5 seconds"), { times: 1 })
      const r = yield* driven(lro(["start", batches, "--data", "{}", ...endpoint, "--wait"]))
      assert.strictEqual(r.code, 1)
      assert.match(lines(r.stdout).at(-1) ?? "", /^FAILED +batch/)
      assert.match(r.stderr, /^RESOURCE_EXHAUSTED: Insufficient 'CPUS' quota/)
    }))

  it.scoped("--format json: one line per snapshot, the first the start's answer, the last the done JSON", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      yield* emulator.inject(Emulator.failOperation(Emulator.quotaExceeded, "5 seconds"), { times: 1 })
      const r = yield* driven(lro(["start", batches, "--data", "{}", ...endpoint, "--wait", "--format", "json"]))
      assert.strictEqual(r.code, 1)
      const snapshots = lines(r.stdout).map((line) => JSON.parse(line))
      const polls = (yield* emulator.requests).filter((request) => request.route === "Get")
      assert.strictEqual(snapshots.length, polls.length + 1, "the started snapshot, then one per poll")
      assert.isUndefined(snapshots[0].done)
      const last = snapshots[snapshots.length - 1]
      assert.deepStrictEqual(last, yield* fetchJson(`${emulator.url}/v1/${last.name}`))
      assert.strictEqual(last.error.code, 8)
    }))

  it.scoped("--timeout: exit 4, as lro wait", () =>
    Effect.gen(function*() {
      const { endpoint } = yield* setup
      const r = yield* driven(lro(["start", clusters, ...cluster("c1"), ...endpoint, "--wait", "--timeout", "30s"]))
      assert.strictEqual(r.code, 4)
      assert.match(r.stderr, /was not done after 30s/)
    }))
})

describe("lro start: bad input exits 2 and sends nothing", () => {
  it.scoped("unparsable --data, a missing @FILE, malformed --param, bad paths and flags", () =>
    Effect.gen(function*() {
      const { emulator, endpoint } = yield* setup
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, RegExp]> = [
        [["start", clusters, "--data", "{not json"], /--data is not JSON/],
        [["start", clusters, "--data", "@/nonexistent/lro-start.json"], /--data: cannot read "\/nonexistent\/lro-start\.json"/],
        [["start", clusters, "--data", "@"], /--data @FILE needs a file name/],
        [["start", clusters, "--param", "novalue"], /--param must be KEY=VALUE/],
        [["start", clusters, "--param", "=x"], /--param must be KEY=VALUE/],
        [["start", "projects/demo/regions/us-central1/../clusters"], /must not hold \. or \.\. segments/],
        [["start", "projects/demo/regions/us-central1/clusters/..:stop"], /must not hold \. or \.\. segments/],
        [["start", "projects/demo\u001b[31m/clusters"], /printable ASCII without spaces/],
        [["start", "/v1/projects/demo/regions/us-central1/clusters"], /relative to the API version root/],
        [["start", "projects/demo/regions/us-central1/clusters%2F..%2Fx"], /invalid name/],
        [["start", clusters, "--method", "GET"], /POST, PUT, PATCH, DELETE/],
        [["start", clusters, "--request-id", "a b"], /--request-id must be printable ASCII/],
        [["start", `${clusters}/c:stop`, "--data", "[]", "--request-id", "x"], /--data is not a JSON object/],
        [["start", clusters, "--param", "requestId=a", "--request-id", "b"], /--request-id differs/],
        [["start", clusters, "--api-version", "one"], /not an API version/],
        [["start", clusters, "--wait", "--initial-delay", "0s"], /--initial-delay must be more than zero/]
      ]
      for (const [args, message] of cases) {
        const r = yield* lro([...args, ...endpoint])
        assert.strictEqual(r.code, 2, args.join(" "))
        assert.match(r.stderr, message, args.join(" "))
        assert.notInclude(r.stderr, "\u001b", "server or user text is escaped")
        assert.strictEqual(r.stdout, "")
      }
      assert.deepStrictEqual(yield* emulator.requests, [])
    }))
})
