import { assert, describe, it, layer } from "@effect/vitest"
import { Dataproc, Operation, Status } from "@longrunning/schema"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import { readFileSync } from "node:fs"
import { inspect } from "node:util"
import * as Emulator from "../src/Emulator.js"
import { field, json, send, sendRaw } from "./helpers.js"

const corpus = (file: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/corpus/payloads/${file}`, import.meta.url), "utf8"))

const keys = (value: unknown): ReadonlyArray<string> =>
  value !== null && typeof value === "object" ? Object.keys(value).sort() : []

const envelope = (body: unknown) => Schema.decodeUnknownSync(Status.ErrorEnvelope)(body)

layer(Emulator.layer())("Emulator routes", (it) => {
  it.effect("serves on 127.0.0.1 with a free port", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/)
      assert.isAbove(emulator.port, 0)
      assert.strictEqual(emulator.url, `http://127.0.0.1:${emulator.port}`)
    }))

  it.effect("GET of a running operation: no done key, ClusterOperationMetadata, the corpus's shape", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      yield* emulator.reset
      const op = yield* emulator.create({ scenario: Emulator.neverFinish, labels: { team: "data" } })
      const answer = yield* send(`${emulator.url}/v1/${op.name}`)
      assert.strictEqual(answer.status, 200)
      assert.strictEqual(answer.headers.get("content-type"), "application/json; charset=UTF-8")
      const body = json(answer)
      assert.deepStrictEqual(keys(body), keys(corpus("kcc-nodegroup-create-operation-enum-int.json")))
      assert.strictEqual(field(body, "name"), op.name)
      assert.strictEqual(
        field(body, "metadata", "@type"),
        "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata"
      )
      assert.strictEqual(Object.keys(field(body, "metadata") ?? {})[0], "@type")
      assert.strictEqual(field(body, "metadata", "operationType"), "CREATE")
      assert.strictEqual(field(body, "metadata", "status", "state"), "PENDING")
      assert.strictEqual(field(body, "metadata", "labels", "team"), "data")
      assert.match(String(field(body, "metadata", "clusterUuid")), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-/)
      const decoded = Schema.decodeUnknownSync(Dataproc.DataprocOperation)(body)
      assert.strictEqual(decoded._tag, "Running")
    }))

  it.effect("GET of a succeeded cluster create: done with a Cluster, as the corpus's done operation", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const op = yield* emulator.create({ scenario: Emulator.succeedAfter("1 minute"), resourceId: "c1" })
      yield* TestClock.adjust("1 minute")
      const body = json(yield* send(`${emulator.url}/v1/${op.name}`))
      assert.deepStrictEqual(keys(body), keys(corpus("kcc-nodegroup-create-operation-done.json")))
      assert.strictEqual(field(body, "done"), true)
      assert.strictEqual(field(body, "response", "@type"), "type.googleapis.com/google.cloud.dataproc.v1.Cluster")
      assert.strictEqual(field(body, "response", "clusterName"), "c1")
      assert.strictEqual(field(body, "response", "projectId"), "demo")
      assert.strictEqual(field(body, "response", "clusterUuid"), field(body, "metadata", "clusterUuid"))
      assert.deepStrictEqual(Object.keys(body ?? {}), ["name", "metadata", "done", "response"])
    }))

  it.effect("GET of a failed operation: done with error and details, as the corpus's failed operation", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const op = yield* emulator.create({ scenario: Emulator.failAfter("10 seconds", Emulator.quotaExceeded) })
      yield* TestClock.adjust("10 seconds")
      const body = json(yield* send(`${emulator.url}/v1/${op.name}`))
      assert.deepStrictEqual(keys(body), keys(corpus("kcc-resourcemanager-operation-done-error-already-exists.json")))
      assert.strictEqual(field(body, "error", "code"), 8)
      assert.strictEqual(field(body, "error", "details", 0, "@type"), "type.googleapis.com/google.rpc.ErrorInfo")
      assert.strictEqual(field(body, "error", "details", 1, "@type"), "type.googleapis.com/google.rpc.QuotaFailure")
      assert.strictEqual(field(body, "metadata", "status", "innerState"), "FAILED")
      const decoded = Schema.decodeUnknownSync(Dataproc.DataprocOperation)(body)
      assert.isTrue(Operation.isFailed(decoded) && Option.isSome(Status.quotaFailure(decoded.error)))
    }))

  it.effect("locations collection names are served too", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const op = yield* emulator.create({ collection: "locations", region: "europe-west4", kind: "Batch" })
      assert.match(op.name, /^projects\/demo\/locations\/europe-west4\/operations\//)
      const answer = yield* send(`${emulator.url}/v1/${op.name}`)
      assert.strictEqual(answer.status, 200)
      assert.strictEqual(field(json(answer), "metadata", "operationType"), "BATCH")
      const listed = json(yield* send(`${emulator.url}/v1/projects/demo/locations/europe-west4/operations`))
      assert.strictEqual(field(listed, "operations", 0, "name"), op.name)
    }))

  it.effect("$alt=json;enum-encoding=int writes enums as numbers", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const cluster = yield* emulator.create({ scenario: Emulator.neverFinish, pendingFor: "0 seconds" })
      const batch = yield* emulator.create({ kind: "Batch", scenario: Emulator.neverFinish })
      const alt = "?%24alt=json%3Benum-encoding%3Dint"
      const c = json(yield* send(`${emulator.url}/v1/${cluster.name}${alt}`))
      assert.strictEqual(field(c, "metadata", "status", "state"), 2)
      assert.strictEqual(field(c, "metadata", "statusHistory", 0, "state"), 1)
      assert.strictEqual(field(c, "metadata", "operationType"), "CREATE") // a string field, not an enum
      const b = json(yield* send(`${emulator.url}/v1/${batch.name}${alt}`))
      assert.strictEqual(field(b, "metadata", "operationType"), 1)
    }))

  it.effect("unknown operation: 404 with the AIP-193 envelope", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const name = "projects/demo/regions/us-central1/operations/missing"
      const answer = yield* send(`${emulator.url}/v1/${name}`)
      assert.strictEqual(answer.status, 404)
      assert.strictEqual(answer.headers.get("content-type"), "application/json; charset=UTF-8")
      const error = envelope(json(answer)).error
      assert.strictEqual(error.code, 404)
      assert.strictEqual(error.status, "NOT_FOUND")
      assert.include(error.message ?? "", name)
      assert.deepStrictEqual(keys(json(answer)), ["error"])
      assert.deepStrictEqual(keys(field(json(answer), "error")), ["code", "message", "status"])
    }))

  it.effect("malformed names: 400 INVALID_ARGUMENT", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      for (
        const path of [
          "/v1/projects/demo/regions/us-central1/operations/..",
          "/v1/projects/demo/regions/us-central1/operations/a%2Fb",
          "/v1/projects//regions/us-central1/operations/x",
          "/v1/projects/demo/regions/us-central1/operations/"
        ]
      ) {
        const answer = yield* sendRaw(emulator.port, "GET", path)
        assert.strictEqual(answer.status, 400, path)
        assert.strictEqual(envelope(json(answer)).error.status, "INVALID_ARGUMENT", path)
      }
    }))

  it.effect("unknown routes: 404 envelope; wrong method: 405 envelope with Allow", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      for (
        const path of ["/", "/v2/projects/p/regions/r/operations/x", "/v1/projects/p/regions/r/clusters/c",
          "/v1/projects/p/regions/r/operations/x:wait"]
      ) {
        const answer = yield* send(`${emulator.url}${path}`)
        assert.strictEqual(answer.status, 404, path)
        assert.strictEqual(envelope(json(answer)).error.status, "NOT_FOUND", path)
      }
      const op = yield* emulator.create({})
      const put = yield* send(`${emulator.url}/v1/${op.name}`, { method: "PUT", body: "{}" })
      assert.strictEqual(put.status, 405)
      assert.strictEqual(put.headers.get("allow"), "GET, DELETE")
      assert.strictEqual(envelope(json(put)).error.code, 405)
      const getCancel = yield* send(`${emulator.url}/v1/${op.name}:cancel`)
      assert.strictEqual(getCancel.status, 405)
      assert.strictEqual(getCancel.headers.get("allow"), "POST")
      const postList = yield* send(`${emulator.url}/v1/projects/demo/regions/us-central1/operations`, { method: "POST" })
      assert.strictEqual(postList.status, 405)
    }))

  it.effect("cancel: {} and the operation ends CANCELLED (code 1); cancelling a done one changes nothing", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const op = yield* emulator.create({ scenario: Emulator.succeedAfter("1 hour") })
      const answer = yield* send(`${emulator.url}/v1/${op.name}:cancel`, { method: "POST" })
      assert.strictEqual(answer.status, 200)
      assert.deepStrictEqual(json(answer), {})
      const body = json(yield* send(`${emulator.url}/v1/${op.name}`))
      assert.strictEqual(field(body, "done"), true)
      assert.strictEqual(field(body, "error", "code"), 1)
      assert.strictEqual(field(body, "metadata", "status", "state"), "DONE")
      yield* TestClock.adjust("2 hours")
      const later = json(yield* send(`${emulator.url}/v1/${op.name}`))
      assert.strictEqual(field(later, "error", "code"), 1)
      assert.isUndefined(field(later, "response"))
      const missing = yield* send(`${emulator.url}/v1/projects/demo/regions/us-central1/operations/nope:cancel`, {
        method: "POST"
      })
      assert.strictEqual(missing.status, 404)
    }))

  it.effect("delete: {} and then 404", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const op = yield* emulator.create({})
      const answer = yield* send(`${emulator.url}/v1/${op.name}`, { method: "DELETE" })
      assert.strictEqual(answer.status, 200)
      assert.deepStrictEqual(json(answer), {})
      assert.strictEqual((yield* send(`${emulator.url}/v1/${op.name}`)).status, 404)
      assert.strictEqual((yield* send(`${emulator.url}/v1/${op.name}`, { method: "DELETE" })).status, 404)
      assert.isTrue(Option.isNone(yield* emulator.get(op.name)))
    }))

  it.effect("the request log records method, path, query, headers and time", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      yield* emulator.clearRequests
      const before = yield* TestClock.currentTimeMillis
      yield* send(`${emulator.url}/v1/projects/demo/regions/us-central1/operations?pageSize=5&filter=done%3Dtrue`, {
        headers: { authorization: "Bearer abc", "x-goog-user-project": "demo" }
      })
      const [recorded] = yield* emulator.requests
      assert.strictEqual(recorded.method, "GET")
      assert.strictEqual(recorded.path, "/v1/projects/demo/regions/us-central1/operations")
      assert.deepStrictEqual(recorded.query, { pageSize: "5", filter: "done=true" })
      assert.strictEqual(recorded.headers["authorization"], "Bearer <redacted>")
      assert.isTrue(Emulator.hasBearer(recorded, "abc"))
      assert.strictEqual(recorded.headers["x-goog-user-project"], "demo")
      assert.strictEqual(recorded.time, before)
      assert.strictEqual(recorded.route, "List")
      yield* emulator.clearRequests
      assert.lengthOf(yield* emulator.requests, 0)
    }))

  it.effect("the request log keeps no secret: printed, it shows no token, key or cookie", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      yield* emulator.clearRequests
      const url = `${emulator.url}/v1/projects/demo/regions/us-central1/operations`
      yield* send(url, { headers: { authorization: "Bearer ya29.SECRET-1", cookie: "sid=SECRET-2" } })
      yield* send(url, { headers: { authorization: "Basic U0VDUkVULTM=", "x-goog-api-key": "SECRET-4" } })
      yield* send(url, { headers: { "x-api-key": "SECRET-5" } })
      const [bearer, basic, key] = yield* emulator.requests
      assert.deepStrictEqual(
        [bearer?.headers["authorization"], bearer?.headers["cookie"], basic?.headers["authorization"]],
        ["Bearer <redacted>", "<redacted>", "Basic <redacted>"]
      )
      assert.deepStrictEqual([basic?.headers["x-goog-api-key"], key?.headers["x-api-key"]], ["<redacted>", "<redacted>"])
      assert.isTrue(Emulator.hasBearer(bearer, "ya29.SECRET-1"))
      assert.isFalse(Emulator.hasBearer(bearer, "ya29.SECRET-"))
      assert.isFalse(Emulator.hasBearer(basic, "U0VDUkVULTM="))
      assert.isUndefined(basic?.bearer)
      assert.isUndefined(key?.bearer)
      const requests = yield* emulator.requests
      for (const printed of [JSON.stringify(requests), inspect(requests, { depth: 10 }), String(bearer?.bearer)]) {
        assert.notInclude(printed, "SECRET")
        assert.notInclude(printed, "U0VDUkVULTM")
      }
    }))
})

describe("Emulator.seedDemo", () => {
  it.scoped("seeds a running, a succeeded and a failed operation in projects/demo/regions/us-central1", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make({ seedDemo: true })
      const body = json(yield* send(`${emulator.url}/v1/projects/demo/regions/us-central1/operations`))
      const ops = field(body, "operations")
      assert.isTrue(Array.isArray(ops))
      const decoded = Schema.decodeUnknownSync(Schema.Array(Dataproc.DataprocOperation))(ops)
      assert.deepStrictEqual(decoded.map((op) => op._tag), ["Running", "Succeeded", "Failed"])
      assert.isUndefined(field(body, "nextPageToken"))
    }))

  it.scoped("the same seed gives the same names", () =>
    Effect.gen(function*() {
      const a = yield* Emulator.make({ seed: 7 })
      const b = yield* Emulator.make({ seed: 7 })
      const c = yield* Emulator.make({ seed: 8 })
      const [x, y, z] = [yield* a.seedDemo, yield* b.seedDemo, yield* c.seedDemo]
      assert.deepStrictEqual(x.map((op) => op.name), y.map((op) => op.name))
      assert.notDeepEqual(x.map((op) => op.name), z.map((op) => op.name))
    }))
})
