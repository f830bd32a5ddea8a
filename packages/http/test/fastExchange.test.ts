import { recordingTracer, server } from "./loopback.js"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import * as Credentials from "@longrunning/http/Credentials"
import * as Endpoint from "@longrunning/http/Endpoint"
import * as OperationsClient from "@longrunning/http/OperationsClient"
import * as RetryPolicy from "@longrunning/http/RetryPolicy"
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import * as Code from "@longrunning/schema/Code"
import { Cause, Context, Deferred, Duration, Effect, Either, Exit, Fiber, Layer, Option, Predicate, Redacted, Schedule } from "effect"
import * as Http from "node:http"
import { Pool } from "undici"
import * as Request from "../src/internal/request.js"

// OperationsClient over UndiciHttpClient on the live clock, where the sender runs a whole exchange (token,
// request, body, JSON) in one step. Each behaviour is also checked against the generic path, taken by the
// same client behind `HttpClient.mapRequest` (which hides the one-step method).

const send = (response: Http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers })
  response.end(body)
}

/** Waits in event-loop turns until `condition` holds; dies after 10 s of real time, so a test fails instead of hanging. */
const waitFor = (condition: () => boolean) =>
  Effect.async<void>((resume) => {
    const giveUpAt = Date.now() + 10_000
    const check = () => {
      if (condition()) return resume(Effect.void)
      if (Date.now() > giveUpAt) return resume(Effect.dieMessage("waitFor: the condition did not hold within 10 s"))
      setImmediate(check)
    }
    check()
  })

type Path = "fast" | "generic"

const clientLayer = (
  url: string,
  path: Path,
  options: OperationsClient.Options = {},
  credentials: Layer.Layer<Credentials.Credentials> = Credentials.static(Redacted.make("t1"))
) => {
  const http = path === "fast"
    ? UndiciHttpClient.layer()
    : Layer.map(UndiciHttpClient.layer(), (context) =>
      Context.add(context, HttpClient.HttpClient, HttpClient.mapRequest(Context.get(context, HttpClient.HttpClient), (r) => r)))
  return OperationsClient.layer({ endpoint: Endpoint.fixed(url), retryPolicy: RetryPolicy.none, ...options }).pipe(
    Layer.provide(credentials),
    Layer.provide(http),
    Layer.orDie
  )
}

/** The client of `layer`, alive for the test's scope. */
const built = <E>(layer: Layer.Layer<OperationsClient.OperationsClient, E>) =>
  Effect.map(Layer.build(layer), (context) => Context.get(context, OperationsClient.OperationsClient))

const get = (url: string, path: Path, name: string, options: OperationsClient.Options = {}) =>
  Effect.either(Effect.flatMap(OperationsClient.OperationsClient, (client) => client.get(name))).pipe(
    Effect.provide(clientLayer(url, path, options))
  )

/** What an error says, without its cause (the generic path's causes are platform errors). */
const describeError = (error: unknown) =>
  Predicate.isTagged(error, "ApiError") && Predicate.hasProperty(error, "retryAfter")
    ? { message: String(Predicate.hasProperty(error, "message") && error.message), retryAfter: error.retryAfter }
    : { message: String(Predicate.hasProperty(error, "message") && error.message) }

const op = (name: string) => `projects/p/regions/r/operations/${name}`

describe("OperationsClient over UndiciHttpClient on the live clock", () => {
  it.scopedLive("answers and typed errors are those of the generic path, and no token is in them", () =>
    Effect.gen(function*() {
      const big = JSON.stringify({ name: op("big"), padding: "x".repeat(4096) })
      const s = yield* server((request, response) => {
        const url = request.url ?? ""
        if (url.endsWith("/ok")) return send(response, 200, JSON.stringify({ name: op("ok"), done: false }))
        if (url.endsWith("/empty")) return send(response, 200, "")
        if (url.endsWith("/missing")) {
          return send(response, 404, JSON.stringify({ error: { code: 404, message: "no such operation", status: "NOT_FOUND" } }))
        }
        if (url.endsWith("/busy")) {
          return send(response, 503, "<html>  busy\n now </html>", { "content-type": "text/html", "retry-after": "7" })
        }
        if (url.endsWith("/garbage")) return send(response, 200, "not json")
        if (url.endsWith("/big")) return send(response, 200, big)
        if (url.endsWith("/bigchunked")) {
          response.writeHead(200, { "content-type": "application/json" })
          response.write(big.slice(0, 2000))
          return response.end(big.slice(2000))
        }
        if (url.endsWith("/other")) return send(response, 200, JSON.stringify({ name: op("someone-else") }))
        send(response, 500, "")
      })
      const names = ["ok", "empty", "missing", "busy", "garbage", "big", "bigchunked", "other", "fails"].map(op)
      for (const name of names) {
        const fast = yield* get(s.url, "fast", name, { maxResponseBytes: 1024 })
        const generic = yield* get(s.url, "generic", name, { maxResponseBytes: 1024 })
        assert.strictEqual(fast._tag, generic._tag, name)
        if (Either.isRight(fast) && Either.isRight(generic)) assert.deepStrictEqual(fast.right, generic.right)
        if (Either.isLeft(fast) && Either.isLeft(generic)) {
          assert.strictEqual(fast.left._tag, generic.left._tag, name)
          assert.deepStrictEqual(describeError(fast.left), describeError(generic.left), name)
          assert.notInclude(JSON.stringify(fast.left), "t1", name)
        }
      }
      const results = yield* Effect.forEach(names, (name) => get(s.url, "fast", name, { maxResponseBytes: 1024 }))
      const tags = results.map((r) => (Either.isRight(r) ? r.right._tag : r.left._tag))
      assert.deepStrictEqual(tags, [
        "Running",
        "MalformedResponse",
        "ApiError",
        "ApiError",
        "MalformedResponse",
        "TransportError",
        "TransportError",
        "MalformedResponse",
        "ApiError"
      ])
      const [, , missing, busy, , big1, big2] = results.map((r) => (Either.isLeft(r) ? r.left : undefined))
      assert.isTrue(missing?._tag === "ApiError" && missing.status.code === Code.codes.NOT_FOUND)
      assert.isTrue(missing?._tag === "ApiError" && missing.status.message === "no such operation")
      assert.isTrue(busy?._tag === "ApiError" && busy.bodyExcerpt === "<html> busy now </html>")
      assert.deepStrictEqual(busy?._tag === "ApiError" && busy.retryAfter, Option.some(Duration.seconds(7)))
      assert.isTrue(big1?._tag === "TransportError" && big1.reason === "Body" && big1.detail.includes("larger than 1024"))
      assert.isTrue(big2?._tag === "TransportError" && big2.reason === "Body" && big2.detail.includes("larger than 1024"))
      assert.isTrue(s.seen.every((seen) => seen.headers["authorization"] === "Bearer t1"))
    }))

  it.scopedLive("a refused connection is a Connection TransportError, as on the generic path", () =>
    Effect.gen(function*() {
      const s = yield* server(() => undefined)
      yield* Effect.async<void>((resume) => {
        s.server.close(() => resume(Effect.void))
      })
      const fast = yield* get(s.url, "fast", op("x"))
      const generic = yield* get(s.url, "generic", op("x"))
      assert.isTrue(Either.isLeft(fast) && fast.left._tag === "TransportError" && fast.left.reason === "Connection")
      assert.deepStrictEqual(
        Either.isLeft(fast) && describeError(fast.left),
        Either.isLeft(generic) && describeError(generic.left)
      )
    }))

  it.scopedLive("one timer covers headers and body: a stalled answer is a Timeout, and the request is aborted", () =>
    Effect.gen(function*() {
      const s = yield* server((request, response) => {
        if ((request.url ?? "").endsWith("/body")) {
          response.writeHead(200, { "content-type": "application/json", "content-length": "100" })
          response.write("{\"name\":")
        }
        // otherwise: never answers
      })
      for (const name of [op("headers"), op("body")]) {
        const result = yield* get(s.url, "fast", name, { timeout: "150 millis" })
        assert.isTrue(Either.isLeft(result) && result.left._tag === "TransportError" && result.left.reason === "Timeout")
        assert.deepStrictEqual(
          Either.isLeft(result) && describeError(result.left),
          { message: Either.isLeft(result) ? result.left.message : "" }
        )
        assert.include(Either.isLeft(result) ? result.left.message : "", "150ms")
      }
      yield* waitFor(() => s.closed.length === 2)
      assert.deepStrictEqual(s.closed, [`/v1/${op("headers")}`, `/v1/${op("body")}`])
    }))

  it.scopedLive("interrupting a get aborts its request: the server sees the connection close", () =>
    Effect.gen(function*() {
      const arrived = yield* Deferred.make<void>()
      const s = yield* server(() => Deferred.unsafeDone(arrived, Effect.void))
      const client = yield* built(clientLayer(s.url, "fast"))
      const fiber = yield* Effect.fork(client.get(op("hang")))
      yield* Deferred.await(arrived)
      yield* Fiber.interrupt(fiber)
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(exit._tag === "Failure")
      yield* waitFor(() => s.closed.length > 0)
      assert.deepStrictEqual(s.closed, [`/v1/${op("hang")}`])
    }))

  it.scopedLive("a get that loses a race (Effect.timeout, Effect.race) is aborted: the server sees the connection close", () =>
    Effect.gen(function*() {
      const arrived = yield* Deferred.make<string>()
      // never answers; tells when the raced request is in
      const s = yield* server((request) => {
        if ((request.url ?? "").includes("raced")) Deferred.unsafeDone(arrived, Effect.succeed(request.url ?? ""))
      })
      const client = yield* built(clientLayer(s.url, "fast"))
      const timedOut = yield* Effect.either(Effect.timeout(client.get(op("slow")), "300 millis"))
      assert.isTrue(Either.isLeft(timedOut) && Cause.isTimeoutException(timedOut.left))
      // the request reached the server (well within 300 ms on loopback), and its connection was closed
      yield* waitFor(() => s.closed.includes(`/v1/${op("slow")}`))
      const winner = yield* Effect.race(client.get(op("raced")), Deferred.await(arrived))
      assert.strictEqual(winner, `/v1/${op("raced")}`)
      yield* waitFor(() => s.closed.includes(`/v1/${op("raced")}`))
      assert.sameMembers(s.closed, [`/v1/${op("slow")}`, `/v1/${op("raced")}`])
    }))

  it.scopedLive("401 refreshes a fetched token once; with a static token the 401 stands after one more try", () =>
    Effect.gen(function*() {
      const s = yield* server((request, response) =>
        request.headers["authorization"] === "Bearer t2"
          ? send(response, 200, JSON.stringify({ name: op("a") }))
          : send(response, 401, JSON.stringify({ error: { code: 401, message: "expired", status: "UNAUTHENTICATED" } }))
      )
      let fetches = 0
      const fetched = Credentials.layerFetcher(Effect.sync(() => {
        fetches++
        return { token: Redacted.make(`t${fetches}`), expiresAt: Option.none() }
      }))
      const call = Effect.flatMap(OperationsClient.OperationsClient, (client) => client.get(op("a")))
      const layer = clientLayer(s.url, "fast", {}, fetched)
      // one client: the first get refreshes, the next ones use the cached fresh token
      const operations = yield* Effect.provide(Effect.all([call, call, call]), layer)
      assert.strictEqual(operations[2]._tag, "Running")
      assert.strictEqual(fetches, 2)
      assert.deepStrictEqual(s.seen.map((seen) => seen.headers["authorization"]), ["Bearer t1", "Bearer t2", "Bearer t2", "Bearer t2"])

      const stands = yield* get(s.url, "fast", op("a"))
      assert.isTrue(Either.isLeft(stands) && stands.left._tag === "ApiError" && stands.left.httpStatus === 401)
      assert.deepStrictEqual(s.seen.slice(4).map((seen) => seen.headers["authorization"]), ["Bearer t1", "Bearer t1"])
    }))

  it.scopedLive("a fetched token past its refresh time is not reused: each get fetches again", () =>
    Effect.gen(function*() {
      const s = yield* server((_, response) => send(response, 200, JSON.stringify({ name: op("a") })))
      let fetches = 0
      // already expired when fetched: `token` hands it to the caller that asked, and fetches on the next call
      const expired = Credentials.layerFetcher(Effect.sync(() => {
        fetches++
        return { token: Redacted.make(`e${fetches}`), expiresAt: Option.some(Date.now() - 1) }
      }))
      const client = yield* built(clientLayer(s.url, "fast", {}, expired))
      yield* client.get(op("a"))
      yield* client.get(op("a"))
      yield* client.get(op("a"))
      assert.deepStrictEqual(s.seen.map((seen) => seen.headers["authorization"]), ["Bearer e1", "Bearer e2", "Bearer e3"])
    }))

  it.scopedLive("retries follow the policy, and RetryPolicy.withPolicy overrides it", () =>
    Effect.gen(function*() {
      let n = 0
      const s = yield* server((_, response) =>
        n++ % 2 === 0 ? send(response, 503, "") : send(response, 200, JSON.stringify({ name: op("r") }))
      )
      const client = yield* built(
        clientLayer(s.url, "fast", { retryPolicy: RetryPolicy.make({ retryable: () => true, schedule: Schedule.recurs(3) }) })
      )
      const retried = yield* Effect.either(client.get(op("r")))
      assert.isTrue(Either.isRight(retried))
      assert.strictEqual(n, 2)
      const overridden = yield* Effect.either(RetryPolicy.withPolicy(client.get(op("r")), RetryPolicy.none))
      assert.isTrue(Either.isLeft(overridden) && overridden.left._tag === "ApiError")
      assert.strictEqual(n, 3)
    }))

  it.scopedLive("with a real tracer installed the get is traced as before: client span and http span", () =>
    Effect.gen(function*() {
      const s = yield* server((request, response) =>
        send(response, 200, JSON.stringify({ name: op("t"), metadata: { "@type": "t/x", tp: request.headers["traceparent"] ?? null } }))
      )
      const { names, tracer: recording } = recordingTracer()
      const client = yield* built(clientLayer(s.url, "fast"))
      const untraced = yield* client.get(op("t"))
      assert.deepStrictEqual(untraced.metadata, { "@type": "t/x", tp: null })
      const traced = yield* Effect.withTracer(client.get(op("t")), recording)
      assert.deepStrictEqual(names, ["OperationsClient.get", "http.client GET"])
      assert.match(String(Predicate.hasProperty(traced.metadata, "tp") && traced.metadata.tp), /^00-[0-9a-f]{32}-/)
    }))

  it.scopedLive("a handler that throws in the one-step exchange ends the call with that defect instead of hanging it", () =>
    Effect.gen(function*() {
      const s = yield* server((_, response) => send(response, 200, "{}"))
      const pool = yield* Effect.acquireRelease(Effect.sync(() => new Pool(s.url)), (pool) => Effect.promise(() => pool.close()))
      const fused = Request.exchanging(UndiciHttpClient.make(pool))
      assert.isDefined(fused)
      if (fused === undefined) return
      const exchange = fused[Request.exchangeKey]
      const bug = new Error("a bug in a handler")
      const exit = yield* Effect.exit(Effect.withFiberRuntime<string, never>((fiber) =>
        exchange(fiber, HttpClientRequest.get(`${s.url}/v1/x`), {}, 5_000, 1024, {
          answer: () => {
            throw bug
          },
          failed: () => {
            throw bug
          }
        })
      ))
      assert.isTrue(Exit.isFailure(exit) && Option.contains(Cause.dieOption(exit.cause), bug))
    }))
})

