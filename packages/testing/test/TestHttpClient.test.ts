import { HttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Credentials, Endpoint, OperationsClient, OperationsError, RetryPolicy } from "@longrunning/http"
import { OperationPoller, Policy } from "@longrunning/polling"
import { Code, Dataproc, Operation } from "@longrunning/schema"
import { TestHttpClient, TestOperations } from "@longrunning/testing"
import { Cause, Chunk, Duration, Effect, Exit, Fiber, Layer, Option, Redacted, Stream, TestClock } from "effect"
import { inspect } from "node:util"

const name = "projects/demo/regions/us-central1/operations/op-1"
const collection = "projects/demo/regions/us-central1/operations"
const cluster = { "@type": "type.googleapis.com/google.cloud.dataproc.v1.Cluster", clusterName: "c1" }

/** The real client of @longrunning/http over the fake. */
const Real = (options: OperationsClient.Options = {}, fake: TestHttpClient.Options = {}) =>
  OperationsClient.layer(options).pipe(
    Layer.provide(Credentials.static(Redacted.make("ya29.test-token"))),
    Layer.provideMerge(TestHttpClient.layer(fake))
  )

const noRetry = { retryPolicy: RetryPolicy.none }
const client = OperationsClient.OperationsClient

describe("TestHttpClient with the real OperationsClient", () => {
  it.effect("serves the script: GET /v1/{name} with the client's headers, decoded by the real client", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name, {
        metadata: {
          "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
          clusterName: "c1",
          status: { state: "RUNNING" }
        }
      })
      const op = yield* (yield* client).get(name, Dataproc.DataprocOperation)
      assert.strictEqual(op._tag, "Running")
      assert.strictEqual(op.metadata?.["@type"], Dataproc.ClusterOperationMetadata.typeUrl)
      const [call] = yield* TestOperations.calls
      assert.strictEqual(call?.method, "get")
      assert.strictEqual(call?.http?.method, "GET")
      assert.strictEqual(call?.http?.url, `https://dataproc.googleapis.com/v1/${name}`)
      const headers = call?.http?.headers ?? {}
      assert.strictEqual(headers["authorization"], "Bearer <redacted>")
      assert.isTrue(TestOperations.hasBearer(call?.http, "ya29.test-token"))
      assert.isFalse(TestOperations.hasBearer(call?.http, "ya29.other-token"))
      // What a failing assertion would print holds no token.
      assert.notInclude(JSON.stringify(yield* TestOperations.calls), "ya29.test-token")
      assert.notInclude(inspect(yield* TestOperations.calls, { depth: 10 }), "ya29.test-token")
      assert.strictEqual(headers["x-goog-user-project"], "billing")
      assert.match(headers["user-agent"] ?? "", /^my-app longrunning\//)
      assert.match(headers["x-goog-api-client"] ?? "", /longrunning\/0\.1\.0/)
    }).pipe(Effect.provide(Real({ quotaProject: "billing", userAgent: "my-app" }))))

  it.effect("any endpoint: a regional host reaches the same script", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* TestOperations.complete(name, cluster)
      const op = yield* (yield* client).get(name)
      assert.deepStrictEqual(op._tag === "Succeeded" ? op.response : undefined, cluster)
      const [call] = yield* TestOperations.calls
      assert.strictEqual(call?.http?.url, `https://dataproc.us-central1.rep.googleapis.com/v1/${name}`)
    }).pipe(Effect.provide(Real({ endpoint: Endpoint.regional() }))))

  it.effect("errors arrive as the real envelopes and decode to typed errors", () =>
    Effect.gen(function*() {
      const c = yield* client
      const missing = yield* Effect.flip(c.get(name))
      assert.isTrue(OperationsError.isNotFound(missing))
      if (missing._tag === "ApiError") {
        assert.strictEqual(missing.httpStatus, 404)
        assert.strictEqual(missing.status.message, `Operation not found: ${name}`)
      }
      yield* TestOperations.create(name)
      yield* TestOperations.injectError(TestOperations.rateLimited("2.5 seconds"), { times: 1 })
      const limited = yield* Effect.flip(c.get(name))
      assert.isTrue(OperationsError.isResourceExhausted(limited))
      if (limited._tag === "ApiError") {
        assert.strictEqual(limited.httpStatus, 429)
        assert.deepStrictEqual(Option.map(limited.retryAfter, Duration.toMillis), Option.some(2500))
      }
      yield* TestOperations.unimplemented("cancel")
      assert.isTrue(OperationsError.isUnimplemented(yield* Effect.flip(c.cancel(name))))
      const bad = yield* Effect.flip(c.list(collection, { pageToken: "not-a-token" }))
      assert.isTrue(bad._tag === "ApiError" && bad.code === Code.codes.INVALID_ARGUMENT)
    }).pipe(Effect.provide(Real(noRetry))))

  it.effect("invalid names never reach the fake", () =>
    Effect.gen(function*() {
      const c = yield* client
      for (const input of ["", "projects/demo/regions/us-central1/operations/../op", "operations/x?y", "a/b"]) {
        const error = yield* Effect.flip(c.get(input))
        assert.strictEqual(error._tag, "InvalidName", input)
      }
      assert.deepStrictEqual(yield* TestOperations.calls, [])
    }).pipe(Effect.provide(Real())))

  it.effect("the client's retry policy runs on the Clock: two 503s, then the answer", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* TestOperations.injectError(TestOperations.unavailable, { times: 2 })
      const fiber = yield* Effect.fork((yield* client).get(name))
      yield* TestClock.adjust("5 seconds")
      assert.strictEqual((yield* Fiber.join(fiber))._tag, "Running")
      assert.deepStrictEqual((yield* TestOperations.calls).map((call) => call.code), [14, 14, 0])
    }).pipe(Effect.provide(Real())))

  it.effect("cancel is POST {name}:cancel and delete is DELETE {name}, with the API's effects", () =>
    Effect.gen(function*() {
      const second = `${collection}/op-2`
      yield* TestOperations.create(name)
      yield* TestOperations.create(second)
      const c = yield* client
      yield* c.cancel(name)
      assert.isTrue(Operation.isCancelled(yield* c.get(name)))
      yield* c.delete(second)
      assert.isTrue(OperationsError.isNotFound(yield* Effect.flip(c.get(second))))
      const requests = (yield* TestOperations.calls).map((call) => `${call.http?.method} ${call.http?.url}`)
      assert.deepStrictEqual(requests.slice(0, 1), [`POST https://dataproc.googleapis.com/v1/${name}:cancel`])
      assert.strictEqual(requests[2], `DELETE https://dataproc.googleapis.com/v1/${second}`)
    }).pipe(Effect.provide(Real(noRetry))))

  it.effect("list: query parameters, filter and paging over the wire", () =>
    Effect.gen(function*() {
      for (let i = 1; i <= 3; i++) yield* TestOperations.create(`${collection}/op-${i}`)
      yield* TestOperations.complete(`${collection}/op-3`)
      const c = yield* client
      const all = yield* Stream.runCollect(c.listAll(collection, { pageSize: 1 }))
      assert.strictEqual(Chunk.size(all), 3)
      const done = yield* c.list(collection, { filter: "done = true" })
      assert.deepStrictEqual(done.operations.map((op) => op.name), [`${collection}/op-3`])
      const urls = (yield* TestOperations.calls).map((call) => new URL(call.http?.url ?? "").searchParams)
      assert.strictEqual(urls[0]?.get("pageSize"), "1")
      assert.isTrue((urls[1]?.get("pageToken") ?? "") !== "")
      assert.strictEqual(urls[3]?.get("filter"), "done = true")
    }).pipe(Effect.provide(Real())))

  it.effect("OperationPoller.wait end to end over the real client, under TestClock", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* TestOperations.completeAt(name, "90 seconds", cluster)
      const fiber = yield* Effect.fork(OperationPoller.result(name, { schedule: Policy.fixed("30 seconds") }))
      yield* TestClock.adjust("2 minutes")
      assert.deepStrictEqual(yield* Fiber.join(fiber), Option.some(cluster))
      assert.deepStrictEqual((yield* TestOperations.calls).map((call) => call.time), [0, 30_000, 60_000, 90_000])
    }).pipe(Effect.provide(Real())))
})

describe("TestHttpClient on its own", () => {
  it.effect("a path outside the operations surface gets the emulator's 404 envelope", () =>
    Effect.gen(function*() {
      const http = yield* HttpClient.HttpClient
      const response = yield* http.get("https://dataproc.googleapis.com/v1/projects/demo/regions/us-central1/clusters/c1")
      assert.strictEqual(response.status, 404)
      assert.strictEqual(response.headers["content-type"], "application/json; charset=UTF-8")
      const body = yield* response.json
      assert.deepStrictEqual(
        typeof body === "object" && body !== null && "error" in body ? Object.keys(body.error ?? {}) : [],
        ["code", "message", "status"]
      )
      const wrong = yield* http.post(`https://dataproc.googleapis.com/v1/${name}`)
      assert.strictEqual(wrong.status, 405)
      assert.strictEqual(wrong.headers["allow"], "GET, DELETE")
    }).pipe(Effect.provide(TestHttpClient.layer())))

  it.effect("a 429 carries RetryInfo and Retry-After", () =>
    Effect.gen(function*() {
      yield* TestOperations.create(name)
      yield* TestOperations.injectError(TestOperations.rateLimited("2.5 seconds"))
      const response = yield* (yield* HttpClient.HttpClient).get(`https://dataproc.googleapis.com/v1/${name}`)
      assert.strictEqual(response.status, 429)
      assert.strictEqual(response.headers["retry-after"], "3")
      const text = yield* response.text
      assert.include(text, "\"retryDelay\": \"2.500s\"")
    }).pipe(Effect.provide(TestHttpClient.layer())))

  it.effect("strict mode: a request the fake cannot route, or about an unknown name, is a defect", () =>
    Effect.gen(function*() {
      const http = yield* HttpClient.HttpClient
      for (const url of ["https://example.com/v2/x", `https://dataproc.googleapis.com/v1/${name}`]) {
        const exit = yield* Effect.exit(http.get(url))
        assert.isTrue(Exit.isFailure(exit) && Cause.isDie(exit.cause), url)
        if (Exit.isFailure(exit)) assert.include(Cause.pretty(exit.cause), "strict mode")
      }
    }).pipe(Effect.provide(TestHttpClient.layer({ strict: true }))))
})
