import { recordingTracer, server } from "./loopback.js"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import * as Credentials from "@longrunning/http/Credentials"
import * as Endpoint from "@longrunning/http/Endpoint"
import * as OperationsClient from "@longrunning/http/OperationsClient"
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import * as Answer from "@longrunning/schema/Answer"
import * as Operation from "@longrunning/schema/Operation"
import { Arbitrary, Chunk, Deferred, Effect, Either, Fiber, Layer, Predicate, Schema, Stream } from "effect"
import * as Http from "node:http"
import { Pool } from "undici"

const json = (response: Http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
  const body = JSON.stringify(value)
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers })
  response.end(body)
}

const client = Effect.flatMap(HttpClient.HttpClient, Effect.succeed)

describe("UndiciHttpClient", () => {
  it.scoped("GET: status, headers, cookies, text and json; the request's headers and query reach the server", () =>
    Effect.gen(function*() {
      const s = yield* server((_, response) =>
        json(response, 201, { ok: true, n: 2 }, { "x-extra": "yes", "set-cookie": "a=1; Path=/" })
      )
      const http = yield* client
      const request = HttpClientRequest.get(`${s.url}/v1/things`).pipe(
        HttpClientRequest.setUrlParams({ filter: "a b", pageSize: "2" }),
        HttpClientRequest.setHeader("x-goog-user-project", "p1")
      )
      const response = yield* http.execute(request)
      assert.strictEqual(response.status, 201)
      assert.strictEqual(response.headers["x-extra"], "yes")
      assert.strictEqual(response.headers["content-type"], "application/json")
      assert.strictEqual(response.cookies.cookies["a"]?.value, "1")
      assert.deepStrictEqual(yield* response.json, { ok: true, n: 2 })
      assert.strictEqual(yield* response.text, "{\"ok\":true,\"n\":2}")
      assert.strictEqual(s.seen[0]?.url, "/v1/things?filter=a+b&pageSize=2")
      assert.strictEqual(s.seen[0]?.headers["x-goog-user-project"], "p1")
    }).pipe(Effect.provide(UndiciHttpClient.layer())))

  it.scoped("POST: a JSON body and a form body arrive whole, with their content types", () =>
    Effect.gen(function*() {
      const s = yield* server((_, response, body) => json(response, 200, { echo: body }))
      const http = yield* client
      const posted = yield* HttpClientRequest.post(`${s.url}/json`).pipe(
        HttpClientRequest.bodyUnsafeJson({ a: [1, 2] }),
        http.execute,
        Effect.flatMap((response) => response.json)
      )
      assert.deepStrictEqual(posted, { echo: "{\"a\":[1,2]}" })
      assert.strictEqual(s.seen[0]?.headers["content-type"], "application/json")
      const form = new FormData()
      form.set("field", "value")
      yield* HttpClientRequest.post(`${s.url}/form`).pipe(
        HttpClientRequest.bodyFormData(form),
        http.execute,
        Effect.flatMap((response) => response.text)
      )
      assert.match(s.seen[1]?.headers["content-type"] ?? "", /^multipart\/form-data; boundary=/)
      assert.include(s.seen[1]?.body ?? "", "name=\"field\"")
      assert.include(s.seen[1]?.body ?? "", "value")
    }).pipe(Effect.provide(UndiciHttpClient.layer())))

  it.scoped("stream: a body sent in pieces arrives in order and whole, with backpressure off the socket", () =>
    Effect.gen(function*() {
      const piece = "x".repeat(50_000)
      const s = yield* server((_, response) => {
        response.writeHead(200, { "content-type": "text/plain" })
        for (let i = 0; i < 8; i++) response.write(`${i}${piece}`)
        response.end("end")
      })
      const http = yield* client
      const response = yield* http.get(`${s.url}/big`)
      const chunks = yield* Stream.runCollect(response.stream)
      const text = Buffer.concat(Chunk.toReadonlyArray(chunks)).toString()
      assert.strictEqual(text.length, 8 * 50_001 + 3)
      assert.isTrue(text.startsWith(`0${piece}1`))
      assert.isTrue(text.endsWith(`7${piece}end`))
    }).pipe(Effect.provide(UndiciHttpClient.layer())))

  it.scoped("interrupting a request that waits for headers aborts it: the server sees the connection close", () =>
    Effect.gen(function*() {
      const arrived = yield* Deferred.make<void>()
      const s = yield* server(() => Deferred.unsafeDone(arrived, Effect.void))
      const http = yield* client
      const fiber = yield* Effect.fork(http.get(`${s.url}/hang`))
      yield* Deferred.await(arrived)
      yield* Fiber.interrupt(fiber)
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(exit._tag === "Failure")
      // the abort reaches the server over the socket
      yield* Effect.async<void>((resume) => {
        const check = () => (s.closed.length > 0 ? resume(Effect.void) : setImmediate(check))
        check()
      })
      assert.deepStrictEqual(s.closed, ["/hang"])
    }).pipe(Effect.provide(UndiciHttpClient.layer())))

  it.scoped("a refused connection is a RequestError (Transport); a bad URL is InvalidUrl", () =>
    Effect.gen(function*() {
      const s = yield* server(() => undefined)
      const url = s.url
      yield* Effect.async<void>((resume) => {
        s.server.close(() => resume(Effect.void))
      })
      const http = yield* client
      const refused = yield* Effect.flip(http.get(`${url}/nothing`))
      assert.strictEqual(refused._tag, "RequestError")
      assert.strictEqual(refused._tag === "RequestError" && refused.reason, "Transport")
      const invalid = yield* Effect.flip(http.get("not a url"))
      assert.strictEqual(invalid._tag === "RequestError" && invalid.reason, "InvalidUrl")
    }).pipe(Effect.provide(UndiciHttpClient.layer())))

  it.scoped("over a Pool of 2 connections, 20 concurrent requests use at most 2 sockets", () =>
    Effect.gen(function*() {
      const sockets = new Set<unknown>()
      const s = yield* server((request, response) => {
        sockets.add(request.socket)
        json(response, 200, { url: request.url })
      })
      const pool = yield* Effect.acquireRelease(
        Effect.sync(() => new Pool(s.url, { connections: 2 })),
        (p) => Effect.promise(() => p.close())
      )
      const http = UndiciHttpClient.make(pool)
      const bodies = yield* Effect.forEach(
        Array.from({ length: 20 }, (_, i) => i),
        (i) => Effect.flatMap(http.get(`${s.url}/n/${i}`), (response) => response.json),
        { concurrency: 20 }
      )
      assert.deepStrictEqual(bodies[19], { url: "/n/19" })
      assert.isAtMost(sockets.size, 2)
    }))

  it.scoped("spans, as the platform's clients make them: one per request, none with tracing off", () =>
    Effect.gen(function*() {
      const s = yield* server((request, response) => json(response, 200, { traceparent: request.headers["traceparent"] ?? null }))
      const http = yield* client
      const { names, tracer: recording } = recordingTracer()
      const untraced = yield* Effect.flatMap(http.get(`${s.url}/a`), (response) => response.json).pipe(
        Effect.withTracer(recording),
        Effect.withTracerEnabled(false)
      )
      assert.deepStrictEqual(untraced, { traceparent: null })
      assert.deepStrictEqual(names, [])
      const traced = yield* Effect.flatMap(http.get(`${s.url}/b`), (response) => response.json).pipe(
        Effect.withTracer(recording)
      )
      assert.deepStrictEqual(names, ["http.client GET"])
      assert.match(String((traced as { traceparent: unknown }).traceparent), /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
    }).pipe(Effect.provide(UndiciHttpClient.layer())))

  it.scoped("OperationsClient.get over it decodes an operation", () =>
    Effect.gen(function*() {
      const name = "projects/p/regions/us-central1/operations/op-1"
      const s = yield* server((request, response) =>
        json(response, 200, { name, metadata: { "@type": "type.googleapis.com/x.Y", a: request.headers["authorization"] ?? "none" } })
      )
      const operation = yield* Effect.flatMap(OperationsClient.OperationsClient, (c) => c.get(name)).pipe(
        Effect.provide(
          OperationsClient.layer({ endpoint: Endpoint.fixed(s.url) }).pipe(
            Layer.provide(Credentials.unauthenticated),
            Layer.provide(UndiciHttpClient.layer())
          )
        )
      )
      assert.strictEqual(operation._tag, "Running")
      assert.deepStrictEqual(operation.metadata, { "@type": "type.googleapis.com/x.Y", a: "none" })
      assert.strictEqual(s.seen[0]?.url, `/v1/${name}`)
    }))
})

describe("decoding on the fast path", () => {
  const decodeBySchema = Schema.decodeUnknownEither(Operation.Operation)
  const viaClient = (json: unknown) => {
    const name = Predicate.hasProperty(json, "name") && typeof json.name === "string" ? json.name : ""
    const client = OperationsClient.fromTransport({
      get: () => Effect.succeed({ json, httpStatus: 200 }),
      list: () => Effect.die("unused"),
      cancel: () => Effect.die("unused"),
      delete: () => Effect.die("unused")
    })
    // names must be valid for the client: put the body's name behind a valid one when it is not
    return Effect.either(client.get(name === "" ? "operations/x" : name))
  }
  const encoded = Arbitrary.make(Operation.OperationJson)

  it.effect.prop(
    "OperationsClient.get decodes exactly as the schema does: same value, same key order, Anys by reference",
    [encoded],
    ([input]) =>
      Effect.gen(function*() {
        const json: unknown = JSON.parse(JSON.stringify({ ...input, name: "operations/x" }))
        const got = yield* viaClient(json)
        // The client applies the answer rules (schema's Answer.normalize) before decoding.
        const expected = Either.flatMap(Answer.normalize(json, "operations/x"), decodeBySchema)
        assert.strictEqual(got._tag, expected._tag)
        if (got._tag === "Right" && expected._tag === "Right") {
          assert.deepStrictEqual(Object.keys(got.right), Object.keys(expected.right))
          assert.strictEqual(JSON.stringify(got.right), JSON.stringify(expected.right))
          assert.strictEqual(got.right.metadata, expected.right.metadata)
        }
      }),
    { fastCheck: { numRuns: 300 } }
  )

  it.effect("unknown fields come first, as the schema puts them; shapes the fast path leaves alone still fail", () =>
    Effect.gen(function*() {
      const done = yield* viaClient({ zz: 1, name: "operations/x", done: true, response: { "@type": "t/r" }, aa: [1] })
      assert.deepStrictEqual(done._tag === "Right" && Object.keys(done.right), ["zz", "aa", "_tag", "name", "response"])
      // A response without done is done (the answer rules); done written false beside one is refused.
      const noDone = yield* viaClient({ name: "operations/x", response: { "@type": "t/r" } })
      assert.strictEqual(noDone._tag === "Right" && noDone.right._tag, "Succeeded")
      const notDone = yield* viaClient({ name: "operations/x", done: false, response: { "@type": "t/r" } })
      assert.strictEqual(notDone._tag === "Left" && notDone.left._tag, "MalformedResponse")
      const tagged = yield* viaClient({ name: "operations/x", _tag: "Running" })
      assert.strictEqual(tagged._tag === "Left" && tagged.left._tag, "MalformedResponse")
    }))
})
