/**
 * `lro` against servers that misbehave on purpose, over real loopback sockets (on the TestClock): text a server
 * controls never reaches the terminal unescaped, `--request-timeout` and `--timeout` bound a server that never
 * answers, `lro list` prints pages as they arrive, and bad header input or an endpoint with credentials is
 * refused before anything is sent.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { json, loopback } from "./loopback.js"
import { drive, driven, lines, lro, makeOutput } from "./support.js"

const collection = "projects/demo/regions/us-central1/operations"
const name = `${collection}/op-1`

// Clear the screen, set the window title, a C1 CSI, a bidi override, a fake line.
const hostile = "\u001b[2J\u001b]0;pwned\u0007\u009b31m\u202eevil\u2066\nSUCCEEDED  fake line"

// Anything that can move the cursor, style or reorder text; a newline is allowed only as lro's own.
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const unsafe = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

const cluster = (id: string, fields: Record<string, unknown> = {}) => ({
  name: `${collection}/${id}`,
  metadata: {
    "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
    clusterName: hostile,
    operationType: "CREATE",
    description: hostile,
    status: { state: "RUNNING", details: hostile, stateStartTime: "2024-05-01T10:00:00Z" },
    ...fields
  }
})

const isList = (url: string) => /\/operations(\?|$)/.test(url)

const failed = {
  ...cluster("op-1"),
  done: true,
  error: { code: 8, message: hostile }
}

describe("server text on a terminal", () => {
  it.scoped("get, list and wait escape every control, C1 and bidi character in text output", () =>
    Effect.gen(function*() {
      const server = yield* loopback((request) =>
        isList(request.url)
          ? json(200, { operations: [cluster("op-1"), failed] })
          : json(200, failed)
      )
      const endpoint = ["--endpoint", server.url]
      const get = yield* lro(["get", name, ...endpoint])
      const list = yield* lro(["list", collection, ...endpoint])
      const wait = yield* driven(lro(["wait", name, ...endpoint]))
      assert.deepStrictEqual([get.code, list.code, wait.code], [0, 0, 1])
      for (const text of [get.stdout, get.stderr, list.stdout, wait.stdout, wait.stderr]) {
        assert.notMatch(text, unsafe)
        assert.notMatch(text, /^SUCCEEDED {2}fake line/m)
      }
      assert.include(get.stdout, "\\x1b[2J\\x1b]0;pwned\\x07\\x9b31m\\u202eevil\\u2066\\x0aSUCCEEDED  fake line")
      assert.match(get.stdout, /^error: +RESOURCE_EXHAUSTED: \\x1b\[2J/m)
      assert.match(wait.stderr, /^RESOURCE_EXHAUSTED: \\x1b\[2J/)
      assert.include(list.stdout, "\\u202eevil")
    }))

  it.scoped("--format json writes C1 and bidi characters as \\uXXXX, and the JSON is still the server's", () =>
    Effect.gen(function*() {
      const server = yield* loopback((request) =>
        isList(request.url) ? json(200, { operations: [failed] }) : json(200, failed)
      )
      const get = yield* lro(["get", name, "--endpoint", server.url, "--format", "json"])
      const list = yield* lro(["list", collection, "--endpoint", server.url, "--format", "json"])
      for (const text of [get.stdout, list.stdout]) {
        assert.notMatch(text, unsafe)
        assert.include(text, "\\u009b31m\\u202eevil\\u2066")
      }
      assert.deepStrictEqual(JSON.parse(get.stdout), failed)
      assert.deepStrictEqual(JSON.parse(list.stdout), failed)
    }))

  it.scoped("error messages and excerpts of non-JSON bodies are escaped on stderr", () =>
    Effect.gen(function*() {
      const server = yield* loopback((request) =>
        request.url.endsWith("/op-1")
          ? json(400, { error: { code: 400, status: "INVALID_ARGUMENT", message: hostile } })
          : { status: 400, body: `<html>${hostile}</html>`, contentType: "text/html" }
      )
      const api = yield* lro(["get", name, "--endpoint", server.url])
      const html = yield* lro(["get", `${collection}/op-2`, "--endpoint", server.url])
      assert.deepStrictEqual([api.code, html.code], [3, 3])
      for (const text of [api.stderr, html.stderr]) {
        assert.notMatch(text, unsafe)
        assert.include(text, "\\x1b]0;pwned\\x07")
      }
      assert.match(api.stderr, /^INVALID_ARGUMENT: \\x1b\[2J/)
    }))
})

describe("--request-timeout and --timeout", () => {
  it.scoped("--timeout bounds a call to a server that never answers: exit 4 with the flag named", () =>
    Effect.gen(function*() {
      const server = yield* loopback(() => "hang")
      for (const verb of ["get", "cancel", "delete"]) {
        const r = yield* driven(lro([verb, name, "--endpoint", server.url, "--timeout", "2s"]))
        assert.strictEqual(r.code, 4, verb)
        assert.strictEqual(r.stderr, "no answer within 2s (--timeout)\n")
      }
      assert.strictEqual(server.seen.length, 3, "one attempt each: the default attempt timeout is 30 s")
    }))

  it.scoped("--request-timeout ends each attempt, so several are made within the whole call's time", () =>
    Effect.gen(function*() {
      const server = yield* loopback(() => "hang")
      const r = yield* driven(lro(["get", name, "--endpoint", server.url, "--request-timeout", "1s", "--timeout", "15s"]))
      assert.include([3, 4], r.code)
      assert.isAtLeast(server.seen.length, 3)
    }))

  it.scoped("wait --timeout still ends the wait with exit 4; bad durations exit 2 before anything is sent", () =>
    Effect.gen(function*() {
      const server = yield* loopback(() => json(200, cluster("op-1")))
      const r = yield* driven(lro(["wait", name, "--endpoint", server.url, "--timeout", "20s"]))
      assert.strictEqual(r.code, 4)
      assert.match(r.stderr, /was not done after 20s/)
      const sent = server.seen.length
      for (const flag of ["--timeout", "--request-timeout"]) {
        const bad = yield* lro(["get", name, "--endpoint", server.url, flag, "soon"])
        assert.strictEqual(bad.code, 2)
        assert.include(bad.stderr, `${flag}: "soon" is not a duration`)
      }
      assert.strictEqual(server.seen.length, sent)
    }))
})

describe("lro list prints pages as they arrive", () => {
  it.scoped("the first page is printed before the second answers; columns are sized from the first page", () =>
    Effect.gen(function*() {
      const server = yield* loopback((request) =>
        request.url.includes("pageToken=p2")
          ? "hang"
          : json(200, {
            operations: [cluster("a", { clusterName: "c1" }), cluster("b", { clusterName: "c2" })],
            nextPageToken: "p2"
          })
      )
      const text = yield* driven(lro(["list", collection, "--endpoint", server.url, "--timeout", "5s"]))
      assert.strictEqual(text.code, 4)
      const [header, ...rows] = lines(text.stdout)
      assert.match(header ?? "", /^ID +STATE +KIND +TARGET +ELAPSED +PROGRESS$/)
      assert.strictEqual(rows.length, 2)
      assert.match(rows[0] ?? "", /^a +RUNNING +cluster CREATE +c1 /)
      const ndjson = yield* driven(lro(["list", collection, "--endpoint", server.url, "--timeout", "5s", "--format", "json"]))
      assert.strictEqual(ndjson.code, 4)
      assert.deepStrictEqual(lines(ndjson.stdout).map((line) => JSON.parse(line).name), [`${collection}/a`, `${collection}/b`])
    }))

  it.scoped("a later page's wider cell pushes its row right, and --limit stops fetching", () =>
    Effect.gen(function*() {
      const server = yield* loopback((request) =>
        request.url.includes("pageToken=p2")
          ? json(200, { operations: [cluster("c", { clusterName: "a-much-longer-cluster-name" })], nextPageToken: "p3" })
          : json(200, { operations: [cluster("a", { clusterName: "c1" })], nextPageToken: "p2" })
      )
      const r = yield* lro(["list", collection, "--endpoint", server.url, "--limit", "2"])
      assert.strictEqual(r.code, 0)
      const [header, first, second] = lines(r.stdout)
      assert.strictEqual(header?.indexOf("TARGET"), first?.indexOf("c1"))
      assert.match(second ?? "", /cluster CREATE +a-much-longer-cluster-name {2}\S/)
      assert.strictEqual(server.seen.length, 2)
    }))
})

describe("input refused before anything is sent (exit 2)", () => {
  it.scoped("a CR or LF in a header value: --quota-project, --access-token, GOOGLE_OAUTH_ACCESS_TOKEN", () =>
    Effect.gen(function*() {
      const server = yield* loopback(() => json(200, cluster("op-1")))
      const quota = yield* lro(["get", name, "--endpoint", server.url, "--quota-project", "billing\r\nX-Evil: 1"])
      assert.strictEqual(quota.code, 2)
      assert.include(quota.stderr, "--quota-project must be printable ASCII")
      assert.include(quota.stderr, "\"billing\\r\\nX-Evil: 1\"")
      const token = yield* lro(["get", name, "--endpoint", server.url, "--access-token", "ya29.secret\nX-Evil: 1"])
      assert.strictEqual(token.code, 2)
      assert.include(token.stderr, "--access-token must be printable ASCII")
      assert.notInclude(token.stderr, "ya29")
      const remote = yield* lro(["get", name, "--endpoint", "https://dataproc.googleapis.com/"], {
        env: { GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.secret\r\n" }
      })
      assert.strictEqual(remote.code, 2)
      assert.notInclude(remote.stderr, "ya29")
      assert.deepStrictEqual(server.seen, [])
    }))

  it.effect("an endpoint with credentials is refused without echoing them, parseable or not", () =>
    Effect.gen(function*() {
      for (const endpoint of ["http://user:PASS@[::1", "http://user:PASS@127.0.0.1:1/", "https://PASS@example.com"]) {
        const r = yield* lro(["get", name, "--endpoint", endpoint])
        assert.strictEqual(r.code, 2, endpoint)
        assert.include(r.stderr, "must not carry credentials")
        assert.notInclude(r.stdout + r.stderr, "PASS")
      }
      const env = yield* lro(["get", name], { env: { LRO_ENDPOINT: "http://u:PASS@[::1" } })
      assert.strictEqual(env.code, 2)
      assert.notInclude(env.stderr, "PASS")
    }))
})

describe("wait --cancel-on-interrupt says what the cancel gave", () => {
  it.scoped("a cancel the server never answers is not reported as sent", () =>
    Effect.gen(function*() {
      const server = yield* loopback((request) => (request.method === "POST" ? "hang" : json(200, cluster("op-1"))))
      const output = makeOutput()
      const fiber = yield* Effect.fork(lro(["wait", name, "--endpoint", server.url, "--cancel-on-interrupt"], { output }))
      yield* drive(fiber, "20 seconds", Effect.sync(() => server.seen.length >= 2))
      const interrupting = yield* Effect.fork(Fiber.interrupt(fiber))
      yield* drive(interrupting)
      assert.deepStrictEqual(server.seen.filter((r) => r.method === "POST").map((r) => r.url), [`/v1/${name}:cancel`])
      assert.notInclude(output.stderr(), "cancel sent")
      assert.include(output.stderr(), `the cancel of ${name} got no answer: the operation may still be running`)
    }))
})
