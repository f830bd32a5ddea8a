/**
 * `--service`, `--api-version`, `--dry-run` and full operation URLs as names, on every command that calls an
 * API: the request a dry run prints (and that nothing is sent for it, credentials included), the request a
 * real run sends for the same flags, and the usage errors (exit 2, nothing sent, everything quoted escaped).
 */
import { assert, describe, it } from "@effect/vitest"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as ServiceProfile from "@longrunning/http/ServiceProfile"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { json, loopback, type Seen } from "./loopback.js"
import { driven, lines, lro } from "./support.js"

const collection = "projects/demo/regions/us-central1/operations"
const name = `${collection}/op-1`
const vertexName = "projects/p/locations/us-central1/operations/o"
const vertexUrl = `https://us-central1-aiplatform.googleapis.com/v1beta1/${vertexName}`

// Anything that can move the cursor, style or reorder text; a newline is allowed only as lro's own.
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const unsafe = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

/** The operation name a request is about: its path after the version, without a query or verb. */
const askedName = (url: string): string => url.replace(/^\/v[0-9][a-z0-9]*\//, "").replace(/[?:].*$/, "")

const empty = { "@type": "type.googleapis.com/google.protobuf.Empty" }

/** A server answering as an operations API would: pages for a list, `{}` for cancel and delete, done operations. */
const server = loopback((request) => {
  const path = askedName(request.url)
  if (request.method === "GET" && /\/operations$/.test(path)) {
    return json(200, { operations: [{ name: `${path}/op-1`, done: true, response: empty }] })
  }
  if (request.method === "DELETE" || request.url.includes(":cancel")) return json(200, {})
  if (request.url.includes(":wait")) return json(200, { name: path, done: true, response: empty })
  if (request.method === "POST") return json(200, { name: "projects/p/regions/us-central1/operations/started" })
  // Speech v1 serves `v1/operations/{id}` and answers with the bare id.
  return json(200, { name: /^operations\/[0-9]+$/.test(path) ? path.slice(11) : path, done: true, response: empty })
})

/** An HTTP client that records every request it is handed and answers none of them usefully. */
const recordingClient = () => {
  const sent: Array<string> = []
  const layer = Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request) =>
      Effect.sync(() => {
        sent.push(`${request.method} ${request.url}`)
        return HttpClientResponse.fromWeb(request, new Response("{}", { status: 500 }))
      })
    )
  )
  return { sent, layer }
}

/** The request a server saw, as a dry run prints it. */
const lineOf = (seen: Seen): string =>
  `${seen.method} http://${seen.headers.host}${seen.url}${seen.body === "" ? "" : ` ${seen.body}`}`

/** Every command that calls an API, with the request its first call sends (after the base URL). */
const everyCommand: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
  [["get", name], `GET v1/${name}`],
  [["list", collection, "--filter", "status.state=DONE", "--page-size", "2"], `GET v1/${collection}?filter=status.state%3DDONE&pageSize=2`],
  [["wait", name], `GET v1/${name}`],
  [["cancel", name], `POST v1/${name}:cancel`],
  [["delete", name], `DELETE v1/${name}`],
  [
    ["start", "projects/demo/regions/us-central1/clusters", "--data", "{\"clusterName\":\"c\"}", "--request-id", "r-1"],
    "POST v1/projects/demo/regions/us-central1/clusters?requestId=r-1 {\"clusterName\":\"c\"}"
  ],
  [
    ["start", "projects/demo/regions/us-central1/clusters/c:stop", "--request-id", "r-2", "--wait"],
    "POST v1/projects/demo/regions/us-central1/clusters/c:stop {\"requestId\":\"r-2\"}"
  ]
]

/** `GET v1/x` under a base URL: `GET {base}v1/x`. */
const under = (base: string, request: string): string => request.replace(" ", ` ${base}`)

describe("--dry-run prints the request and sends nothing", () => {
  it.scoped("every command, against a loopback endpoint that receives nothing", () =>
    Effect.gen(function*() {
      const loop = yield* server
      for (const [args, request] of everyCommand) {
        const r = yield* lro([...args, "--endpoint", loop.url, "--dry-run"])
        assert.strictEqual(r.code, 0, `${args.join(" ")}: ${r.stderr}`)
        assert.strictEqual(r.stdout, `${under(`${loop.url}/`, request)}\n`, args.join(" "))
        assert.strictEqual(r.stderr, "")
      }
      assert.deepStrictEqual(loop.seen, [])
    }))

  it.effect("Google's hosts: no request reaches the HTTP client, and no credential is read", () =>
    Effect.gen(function*() {
      const client = recordingClient()
      // A token that could not be sent: a run that read it would stop with exit 2.
      const env = { GOOGLE_OAUTH_ACCESS_TOKEN: "not a header" }
      for (const [args, request] of everyCommand) {
        const r = yield* lro([...args, "--dry-run"], { env, httpClient: client.layer })
        assert.strictEqual(r.code, 0, `${args.join(" ")}: ${r.stderr}`)
        assert.strictEqual(r.stdout, `${under("https://dataproc.googleapis.com/", request)}\n`)
      }
      assert.deepStrictEqual(client.sent, [])
      const real = yield* lro(["get", name], { env, httpClient: client.layer })
      assert.strictEqual(real.code, 2, "without --dry-run the token is read, and refused")
      assert.match(real.stderr, /GOOGLE_OAUTH_ACCESS_TOKEN must be printable ASCII/)
    }))

  it.effect("--format json prints one object: method, url, and the body when there is one", () =>
    Effect.gen(function*() {
      const client = recordingClient()
      const get = yield* lro(["cancel", name, "--dry-run", "--format", "json"], { httpClient: client.layer })
      assert.deepStrictEqual(JSON.parse(get.stdout), {
        method: "POST",
        url: `https://dataproc.googleapis.com/v1/${name}:cancel`
      })
      const start = yield* lro([
        "start",
        "projects/demo/locations/us-central1/batches",
        "--param",
        "batchId=b-1",
        "--data",
        "{\"labels\":{\"a\":\"b\"}}",
        "--request-id",
        "r-3",
        "--method",
        "POST",
        "--dry-run",
        "--format",
        "json"
      ], { httpClient: client.layer })
      assert.strictEqual(start.code, 0, start.stderr)
      assert.deepStrictEqual(JSON.parse(start.stdout), {
        method: "POST",
        url: "https://dataproc.googleapis.com/v1/projects/demo/locations/us-central1/batches?batchId=b-1&requestId=r-3",
        body: { labels: { a: "b" } }
      })
      assert.deepStrictEqual(client.sent, [])
    }))

  it.scoped("wait --durable: the first poll's request, no store made, and lro worker has no --dry-run", () =>
    Effect.gen(function*() {
      const loop = yield* server
      const dir = yield* Effect.acquireRelease(
        Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "lro-dry-"))),
        (path) => Effect.promise(() => Fs.rm(path, { recursive: true, force: true }))
      )
      const store = Path.join(dir, "waits.sqlite")
      const r = yield* lro(["wait", name, "--durable", "--store", store, "--endpoint", loop.url, "--dry-run"])
      assert.strictEqual(r.code, 0, r.stderr)
      assert.strictEqual(r.stdout, `GET ${loop.url}/v1/${name}\n`)
      assert.deepStrictEqual(yield* Effect.promise(() => Fs.readdir(dir)), [], "no store was made")
      assert.deepStrictEqual(loop.seen, [])
      const worker = yield* lro(["worker", "--store", "postgres://127.0.0.1:1/lro", "--dry-run"])
      assert.strictEqual(worker.code, 2)
      assert.include(worker.stdout + worker.stderr, "unknown argument: '--dry-run'")
    }))

  it.effect("start shows the fresh request id lro made for the call", () =>
    Effect.gen(function*() {
      const r = yield* lro(["start", "projects/demo/regions/us-central1/clusters", "--data", "{}", "--dry-run"])
      assert.strictEqual(r.code, 0, r.stderr)
      assert.match(
        r.stdout,
        /^POST https:\/\/dataproc\.googleapis\.com\/v1\/projects\/demo\/regions\/us-central1\/clusters\?requestId=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} \{\}\n$/
      )
    }))

  it.effect("what the user gave is escaped in the line: the body's text, the query's values", () =>
    Effect.gen(function*() {
      const client = recordingClient()
      const r = yield* lro([
        "start",
        "projects/demo/regions/us-central1/clusters",
        "--data",
        JSON.stringify({ clusterName: "\u202eevil\u009b31m\u001b[2J\u2066" }),
        "--param",
        "x=\u001b]0;pwned\u0007",
        "--request-id",
        "r-4",
        "--dry-run"
      ], { httpClient: client.layer })
      assert.strictEqual(r.code, 0, r.stderr)
      assert.notMatch(r.stdout, unsafe)
      assert.include(r.stdout, "?x=%1B%5D0%3Bpwned%07&requestId=r-4")
      assert.include(r.stdout, "{\"clusterName\":\"\\u202eevil\\u009b31m\\u001b[2J\\u2066\"}")
      const json = yield* lro([
        "start",
        "projects/demo/regions/us-central1/clusters",
        "--data",
        JSON.stringify({ clusterName: "\u202e\u0085" }),
        "--request-id",
        "r-4",
        "--dry-run",
        "--format",
        "json"
      ], { httpClient: client.layer })
      assert.notMatch(json.stdout, unsafe)
      assert.deepStrictEqual(JSON.parse(json.stdout).body, { clusterName: "\u202e\u0085" })
      assert.deepStrictEqual(client.sent, [])
    }))

  it.effect("bad input still exits 2 under --dry-run, and prints no request", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, RegExp]> = [
        [["get", "not-a-name"], /invalid name "not-a-name"/],
        [["get", collection], /is a collection, not an operation/],
        [["list", name], /is an operation, not a collection/],
        [["wait", name, "--timeout", "soon"], /is not a duration/],
        [["cancel", name, "--quota-project", "a b"], /--quota-project must be printable ASCII/],
        [["delete", name, "--endpoint", "http://example.com"], /must use https/],
        [["start", "projects/demo/regions/us-central1/clusters", "--data", "{"], /--data is not JSON/],
        [["start", "projects/demo/regions/us-central1/clusters%2Fx"], /invalid name/]
      ]
      for (const [args, message] of cases) {
        const r = yield* lro([...args, "--dry-run"])
        assert.strictEqual(r.code, 2, args.join(" "))
        assert.match(r.stderr, message, args.join(" "))
        assert.strictEqual(r.stdout, "")
      }
    }))
})

describe("--service and --api-version", () => {
  // For each command: the host, version and path the service's profile gives, with no endpoint override.
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
    [["get", vertexName, "--service", "aiplatform"], `GET https://us-central1-aiplatform.googleapis.com/v1/${vertexName}`],
    [
      ["get", "projects/p/locations/global/operations/o", "--service", "aiplatform"],
      "GET https://aiplatform.googleapis.com/v1/projects/p/locations/global/operations/o"
    ],
    [
      ["list", "projects/p/locations/us-central1/operations", "--service", "aiplatform", "--api-version", "v1beta1"],
      "GET https://us-central1-aiplatform.googleapis.com/v1beta1/projects/p/locations/us-central1/operations"
    ],
    [["list", "operations", "--service", "serviceusage", "--api-version", "v1beta1"], "GET https://serviceusage.googleapis.com/v1beta1/operations"],
    [["wait", "8254262642733152416", "--service", "speech"], "GET https://speech.googleapis.com/v1/operations/8254262642733152416"],
    // The first poll of a service with `:wait` is the long poll: one attempt (30 s) less 2 s, or less.
    [
      ["wait", vertexName, "--service", "aiplatform", "--api-version", "v1beta1"],
      `POST https://us-central1-aiplatform.googleapis.com/v1beta1/${vertexName}:wait?timeout=28s`
    ],
    [["wait", vertexName, "--service", "run", "--timeout", "10s"], `POST https://run.googleapis.com/v2/${vertexName}:wait {"timeout":"8s"}`],
    [
      ["wait", vertexName, "--service", "translate", "--request-timeout", "20s"],
      `POST https://translation.googleapis.com/v3/${vertexName}:wait {"timeout":"18s"}`
    ],
    // Under a second left: a get. A durable wait polls with get.
    [["wait", vertexName, "--service", "run", "--request-timeout", "2500ms"], `GET https://run.googleapis.com/v2/${vertexName}`],
    [["wait", vertexName, "--service", "run", "--durable"], `GET https://run.googleapis.com/v2/${vertexName}`],
    [
      ["cancel", "projects/p/instances/i/databases/d/operations/o", "--service", "spanner"],
      "POST https://spanner.googleapis.com/v1/projects/p/instances/i/databases/d/operations/o:cancel"
    ],
    [["cancel", "operations/build/my-project/YWJj", "--service", "cloudbuild"], "POST https://cloudbuild.googleapis.com/v1/operations/build/my-project/YWJj:cancel"],
    [["delete", vertexName, "--service", "run"], `DELETE https://run.googleapis.com/v2/${vertexName}`],
    [
      ["get", "operations/abc", "--service", "cloudresourcemanager", "--api-version", "v2"],
      "GET https://cloudresourcemanager.googleapis.com/v1/operations/abc"
    ],
    [
      ["start", "projects/p/locations/europe-west4/endpoints", "--service", "aiplatform", "--api-version", "v1beta1", "--data", "{}"],
      "POST https://europe-west4-aiplatform.googleapis.com/v1beta1/projects/p/locations/europe-west4/endpoints {}"
    ],
    [["start", "projects/p/locations/us-central1/services", "--service", "run"], "POST https://run.googleapis.com/v2/projects/p/locations/us-central1/services"],
    // Only Dataproc's methods get a request id unasked: another service's `clusters` may not take one.
    [
      ["start", "projects/p/locations/us-central1/clusters", "--service", "alloydb", "--param", "clusterId=c", "--data", "{}"],
      "POST https://alloydb.googleapis.com/v1/projects/p/locations/us-central1/clusters?clusterId=c {}"
    ]
  ]

  it.effect("pick the host, version and path of the service on every command (dry run)", () =>
    Effect.gen(function*() {
      const client = recordingClient()
      for (const [args, request] of cases) {
        const r = yield* lro([...args, "--dry-run"], { httpClient: client.layer })
        assert.strictEqual(r.code, 0, `${args.join(" ")}: ${r.stderr}`)
        assert.strictEqual(r.stdout, `${request}\n`, args.join(" "))
      }
      assert.deepStrictEqual(client.sent, [])
    }))

  it.scoped("an unknown --service is exit 2 on every command, listing the known ids, the name escaped", () =>
    Effect.gen(function*() {
      const loop = yield* server
      for (const [args] of everyCommand) {
        for (const dryRun of [[], ["--dry-run"]]) {
          const r = yield* lro([...args, "--service", "no\u001b[2Jpe\u202e", "--endpoint", loop.url, ...dryRun])
          assert.strictEqual(r.code, 2, args.join(" "))
          assert.strictEqual(r.stdout, "")
          assert.notMatch(r.stderr, unsafe)
          assert.include(r.stderr, "--service: unknown service \"no\\u001b[2Jpe\\u202e\"; known services: dataproc, aiplatform")
          for (const profile of ServiceProfile.all) assert.include(r.stderr, profile.id)
        }
      }
      assert.deepStrictEqual(loop.seen, [])
    }))

  it.scoped("--api-version: not a version, or one the service does not have, is exit 2 on every command", () =>
    Effect.gen(function*() {
      const loop = yield* server
      for (const [args] of everyCommand) {
        const unknown = yield* lro([...args, "--api-version", "v9", "--endpoint", loop.url])
        assert.strictEqual(unknown.code, 2, args.join(" "))
        assert.include(unknown.stderr, "Dataproc (dataproc) has no version \"v9\"; known: v1")
        const bad = yield* lro([...args, "--api-version", "v1\u009b2J", "--endpoint", loop.url, "--dry-run"])
        assert.strictEqual(bad.code, 2, args.join(" "))
        assert.include(bad.stderr, "is not an API version")
        assert.notMatch(bad.stderr, unsafe)
        assert.strictEqual(unknown.stdout + bad.stdout, "")
      }
      const vertex = yield* lro(["get", vertexName, "--service", "aiplatform", "--api-version", "v2", "--dry-run"])
      assert.strictEqual(vertex.code, 2)
      assert.include(vertex.stderr, "Vertex AI (aiplatform) has no version \"v2\"; known: v1, v1beta1")
      assert.deepStrictEqual(loop.seen, [])
    }))

  it.scoped("a method the service does not offer, or a name its grammar refuses, is exit 2 with nothing sent", () =>
    Effect.gen(function*() {
      const loop = yield* server
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
        [["cancel", vertexName, "--service", "run"], "Cloud Run v2 does not offer cancel (service run)"],
        [["delete", "operations/o", "--service", "speech"], "does not offer delete (service speech)"],
        [["list", "projects/p/operations", "--service", "cloudasset"], "does not offer list (service cloudasset)"],
        [["get", "operations/build/my-project/YWJj"], "invalid name \"operations/build/my-project/YWJj\""],
        [["get", "8254262642733152416", "--service", "aiplatform"], "invalid name \"8254262642733152416\""]
      ]
      for (const [args, message] of cases) {
        for (const dryRun of [[], ["--dry-run"]]) {
          const r = yield* lro([...args, "--endpoint", loop.url, ...dryRun])
          assert.strictEqual(r.code, 2, args.join(" "))
          assert.include(r.stderr, message, args.join(" "))
          assert.strictEqual(r.stdout, "")
        }
      }
      assert.deepStrictEqual(loop.seen, [])
    }))

  it.effect("emulator and demo take none of the flags", () =>
    Effect.gen(function*() {
      for (const args of [["emulator", "--service", "dataproc"], ["emulator", "--dry-run"], ["demo", "--api-version", "v1"]]) {
        const r = yield* lro(args)
        assert.strictEqual(r.code, 2, args.join(" "))
        assert.strictEqual(r.stdout, "")
      }
    }))
})

describe("a full operation URL as the name", () => {
  it.effect("names the service, the host and the version", () =>
    Effect.gen(function*() {
      const client = recordingClient()
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
        [["get", vertexUrl], `GET ${vertexUrl}`],
        [["wait", vertexUrl, "--service", "aiplatform", "--api-version", "v1beta1"], `POST ${vertexUrl}:wait?timeout=28s`],
        [["cancel", vertexUrl], `POST ${vertexUrl}:cancel`],
        [["delete", vertexUrl], `DELETE ${vertexUrl}`],
        // A collection's URL too.
        [
          ["list", "https://us-central1-aiplatform.googleapis.com/v1beta1/projects/p/locations/us-central1/operations", "--page-size", "3"],
          "GET https://us-central1-aiplatform.googleapis.com/v1beta1/projects/p/locations/us-central1/operations?pageSize=3"
        ],
        // Speech v1 and v2 share a host: the version picks the profile, and so the path.
        [["get", "https://speech.googleapis.com/v1/operations/825426"], "GET https://speech.googleapis.com/v1/operations/825426"],
        [
          ["delete", "https://speech.googleapis.com/v2/projects/p/locations/eu/operations/o"],
          "DELETE https://speech.googleapis.com/v2/projects/p/locations/eu/operations/o"
        ],
        // A regional `.rep.` host is the service's too.
        [
          ["get", "https://spanner.europe-west3.rep.googleapis.com/v1/projects/p/instances/i/operations/o"],
          "GET https://spanner.europe-west3.rep.googleapis.com/v1/projects/p/instances/i/operations/o"
        ]
      ]
      for (const [args, request] of cases) {
        // LRO_ENDPOINT gives way to the URL's own host.
        const r = yield* lro([...args, "--dry-run"], { httpClient: client.layer, env: { LRO_ENDPOINT: "http://127.0.0.1:9" } })
        assert.strictEqual(r.code, 0, `${args.join(" ")}: ${r.stderr}`)
        assert.strictEqual(r.stdout, `${request}\n`, args.join(" "))
      }
      assert.deepStrictEqual(client.sent, [])
    }))

  it.scoped("a --service, --api-version or --endpoint that contradicts the URL is exit 2", () =>
    Effect.gen(function*() {
      const loop = yield* server
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
        [["get", vertexUrl, "--service", "run"], "--service run conflicts with the URL's host us-central1-aiplatform.googleapis.com (aiplatform)"],
        [["cancel", vertexUrl, "--api-version", "v1"], "--api-version v1 conflicts with the URL's version v1beta1"],
        [["wait", vertexUrl, "--endpoint", loop.url], "--endpoint: the name is a full URL"],
        [
          ["list", "https://run.googleapis.com/v2/projects/p/locations/l/operations", "--service", "aiplatform"],
          "--service aiplatform conflicts with the URL's host run.googleapis.com (run)"
        ],
        [["delete", "https://speech.googleapis.com/v2/projects/p/locations/eu/operations/o", "--service", "speech"], "(speech) has no version \"v2\""]
      ]
      for (const [args, message] of cases) {
        for (const dryRun of [[], ["--dry-run"]]) {
          const r = yield* lro([...args, ...dryRun])
          assert.strictEqual(r.code, 2, args.join(" "))
          assert.include(r.stderr, message, args.join(" "))
          assert.strictEqual(r.stdout, "")
        }
      }
      assert.deepStrictEqual(loop.seen, [])
    }))

  it.effect("a malformed URL is refused before anything is sent, and shown escaped", () =>
    Effect.gen(function*() {
      const client = recordingClient()
      const cases: ReadonlyArray<readonly [string, string]> = [
        [`https://dataproc.googleapis.com/v1/${name}?alt=media`, "the URL has a query"],
        [`http://dataproc.googleapis.com/v1/${name}`, "must use https"],
        [`https://user:pw@dataproc.googleapis.com/v1/${name}`, "carries credentials"],
        [`https://dataproc.googleapis.com/v1/${name}/../x`, "invalid name"],
        [`https://dataproc.googleapis.com/v1/${name}\u001b[2J\u202e`, "invalid name"]
      ]
      for (const [input, message] of cases) {
        for (const dryRun of [[], ["--dry-run"]]) {
          const r = yield* lro(["get", input, "--access-token", "t", ...dryRun], { httpClient: client.layer })
          assert.strictEqual(r.code, 2, input)
          assert.include(r.stderr, message, input)
          assert.notMatch(r.stderr, unsafe)
          assert.notInclude(r.stderr, "pw@", "credentials in a URL are not echoed")
          assert.strictEqual(r.stdout, "")
        }
      }
      assert.deepStrictEqual(client.sent, [])
    }))

  it.scoped("a URL on a loopback host is called there, with no credentials", () =>
    Effect.gen(function*() {
      const loop = yield* server
      const url = `${loop.url}/v1/${name}`
      const env = { GOOGLE_OAUTH_ACCESS_TOKEN: "from-the-environment" }
      const get = yield* lro(["get", url, "--format", "json"], { env })
      assert.strictEqual(get.code, 0, get.stderr)
      assert.strictEqual(JSON.parse(get.stdout).name, name)
      const cancel = yield* lro(["cancel", url], { env })
      assert.strictEqual(cancel.code, 0, cancel.stderr)
      assert.strictEqual(cancel.stdout, `cancel requested for ${url}\n`)
      assert.deepStrictEqual(loop.seen.map((seen) => `${seen.method} ${seen.url}`), [`GET /v1/${name}`, `POST /v1/${name}:cancel`])
      for (const seen of loop.seen) assert.isUndefined(seen.headers.authorization)
    }))
})

describe("the dry run's line is the request the run sends", () => {
  // The same flags with and without --dry-run, both with `--endpoint` at a loopback server: the printed line
  // (method, URL, body) is compared whole with what the server received (its Host header gives the origin).
  // The same flags without the override print the service's own host; only the origin differs.
  const cases: ReadonlyArray<ReadonlyArray<string>> = [
    ...everyCommand.map(([args]) => args),
    ["get", vertexName, "--service", "aiplatform", "--api-version", "v1beta1"],
    ["list", "projects/p/locations/us-central1/operations", "--service", "run", "--page-size", "5"],
    ["wait", vertexName, "--service", "aiplatform"],
    ["wait", vertexName, "--service", "run", "--timeout", "10s"],
    ["wait", vertexName, "--service", "translate", "--timeout", "1m", "--request-timeout", "10s"],
    ["cancel", "projects/p/instances/i/databases/d/operations/o", "--service", "spanner"],
    ["delete", vertexName, "--service", "run"],
    ["start", "projects/p/locations/us-central1/endpoints", "--service", "aiplatform", "--api-version", "v1beta1", "--data", "{}"],
    ["list", collection, "--filter", "status.state = DONE AND labels.team = \"data eng\"", "--page-size", "7"],
    ["get", "8254262642733152416", "--service", "speech"],
    ["cancel", "operations/build/my-project/YWJj", "--service", "cloudbuild"],
    ["get", "operations/abc", "--service", "cloudresourcemanager", "--api-version", "v2"],
    ["list", "operations", "--service", "serviceusage", "--api-version", "v1beta1"],
    ["start", "projects/p/locations/us-central1/clusters", "--service", "alloydb", "--param", "clusterId=c 1", "--param", "x=a&b=c"]
  ]

  it.scoped("for every command and service above", () =>
    Effect.gen(function*() {
      const loop = yield* server
      const client = recordingClient()
      for (const args of cases) {
        const before = loop.seen.length
        const dry = yield* lro([...args, "--endpoint", loop.url, "--dry-run"])
        assert.strictEqual(dry.code, 0, `${args.join(" ")}: ${dry.stderr}`)
        assert.strictEqual(loop.seen.length, before, "the dry run sent nothing")
        const real = yield* driven(lro([...args, "--endpoint", loop.url]))
        assert.strictEqual(real.code, 0, `${args.join(" ")}: ${real.stderr}`)
        const first = loop.seen[before]
        assert.isDefined(first, args.join(" "))
        if (first === undefined) continue
        assert.strictEqual(lines(dry.stdout)[0], lineOf(first), args.join(" "))
        const google = yield* lro([...args, "--dry-run"], { httpClient: client.layer })
        const [method, printed] = (lines(google.stdout)[0] ?? "").split(" ")
        const parsed = new URL(printed ?? "")
        assert.strictEqual(parsed.protocol, "https:")
        assert.strictEqual(`${method} ${parsed.pathname}${parsed.search}`, `${first.method} ${first.url}`, args.join(" "))
      }
      assert.deepStrictEqual(client.sent, [])
    }))

  it.scoped("for a full operation URL on a loopback host (no --endpoint: the URL names it)", () =>
    Effect.gen(function*() {
      const loop = yield* server
      for (const verb of ["get", "wait", "cancel", "delete", "list"]) {
        const args = [verb, `${loop.url}/v1/${verb === "list" ? collection : name}`]
        const before = loop.seen.length
        const dry = yield* lro([...args, "--dry-run"])
        assert.strictEqual(dry.code, 0, `${verb}: ${dry.stderr}`)
        assert.strictEqual(loop.seen.length, before)
        const real = yield* driven(lro(args))
        assert.strictEqual(real.code, 0, `${verb}: ${real.stderr}`)
        const first = loop.seen[before]
        assert.isDefined(first, verb)
        if (first !== undefined) assert.strictEqual(lines(dry.stdout)[0], lineOf(first), verb)
      }
    }))
})
