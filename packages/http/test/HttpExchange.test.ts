import { recordingTracer, server } from "./loopback.js"
import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Credentials from "@longrunning/http/Credentials"
import * as Endpoint from "@longrunning/http/Endpoint"
import * as HttpExchange from "@longrunning/http/HttpExchange"
import * as OperationsClient from "@longrunning/http/OperationsClient"
import * as RetryPolicy from "@longrunning/http/RetryPolicy"
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import * as Code from "@longrunning/schema/Code"
import { Cause, Context, Deferred, Duration, Effect, Either, Fiber, Layer, Option, Predicate, Redacted, Schedule } from "effect"
import type * as Http from "node:http"

// OperationsClient over UndiciHttpClient's layer, which provides the one-step undici exchange, against the
// same client with the exchange over the HttpClient (HttpExchange.layerHttpClient). Each layer records which
// exchange ran and whether HttpClient.execute was called, so every test knows which path it checked.

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

/** What ran: the transport of each exchange, and how many requests went through HttpClient.execute. */
interface Ran {
  readonly exchanges: Array<string>
  executed: number
}

const recording = (path: Path, ran: Ran) =>
  Layer.map(UndiciHttpClient.layer(), (context) => {
    const client = HttpClient.tapRequest(Context.get(context, HttpClient.HttpClient), () =>
      Effect.sync(() => {
        ran.executed++
      }))
    const exchange = path === "fast" ? Context.get(context, HttpExchange.HttpExchange) : HttpExchange.fromHttpClient(client)
    return context.pipe(
      Context.add(HttpClient.HttpClient, client),
      Context.add(HttpExchange.HttpExchange, {
        transport: exchange.transport,
        exchange: (request) => {
          ran.exchanges.push(exchange.transport)
          return exchange.exchange(request)
        }
      })
    )
  })

const clientLayer = (
  url: string,
  path: Path,
  options: OperationsClient.Options = {},
  credentials: Layer.Layer<Credentials.Credentials> = Credentials.static(Redacted.make("t1")),
  ran: Ran = { exchanges: [], executed: 0 }
) =>
  OperationsClient.layer({ endpoint: Endpoint.fixed(url), retryPolicy: RetryPolicy.none, ...options }).pipe(
    Layer.provide(credentials),
    Layer.provide(recording(path, ran)),
    Layer.orDie
  )

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

describe("OperationsClient over its HttpExchange", () => {
  it.scopedLive("UndiciHttpClient.layer's exchange runs every call; HttpClient.execute is never called", () =>
    Effect.gen(function*() {
      const s = yield* server((_, response) => send(response, 200, JSON.stringify({ name: op("a") })))
      const fast: Ran = { exchanges: [], executed: 0 }
      const client = yield* built(clientLayer(s.url, "fast", {}, undefined, fast))
      yield* client.get(op("a"))
      yield* client.list("projects/p/regions/r/operations")
      yield* client.cancel(op("a"))
      yield* client.delete(op("a"))
      yield* client.start({ path: "projects/p/regions/r/clusters", body: { clusterName: "c" }, requestId: { in: "query" } })
      assert.deepStrictEqual(fast.exchanges, ["undici", "undici", "undici", "undici", "undici"])
      assert.strictEqual(fast.executed, 0)
      assert.deepStrictEqual(s.seen.map((seen) => seen.method), ["GET", "GET", "POST", "DELETE", "POST"])

      const generic: Ran = { exchanges: [], executed: 0 }
      const other = yield* built(clientLayer(s.url, "generic", {}, undefined, generic))
      yield* other.get(op("a"))
      assert.deepStrictEqual(generic.exchanges, ["HttpClient"])
      assert.strictEqual(generic.executed, 1)
    }))

  it.scopedLive("with only an HttpClient in context, the client sends through it", () =>
    Effect.gen(function*() {
      const s = yield* server((_, response) => send(response, 200, JSON.stringify({ name: op("a") })))
      let executed = 0
      const onlyClient = Layer.map(UndiciHttpClient.layer(), (context) =>
        Context.make(
          HttpClient.HttpClient,
          HttpClient.tapRequest(Context.get(context, HttpClient.HttpClient), () =>
            Effect.sync(() => {
              executed++
            }))
        ))
      const client = yield* built(
        OperationsClient.layer({ endpoint: Endpoint.fixed(s.url) }).pipe(
          Layer.provide(Credentials.unauthenticated),
          Layer.provide(onlyClient),
          Layer.orDie
        )
      )
      yield* client.get(op("a"))
      assert.strictEqual(executed, 1)
    }))

  it.scopedLive("an interrupted get is aborted at once on the undici exchange, even while its fiber's finalizers still run", () =>
    Effect.gen(function*() {
      const arrived = yield* Deferred.make<void>()
      const s = yield* server(() => Deferred.unsafeDone(arrived, Effect.void))
      const ran: Ran = { exchanges: [], executed: 0 }
      const client = yield* built(clientLayer(s.url, "fast", {}, undefined, ran))
      const release = yield* Deferred.make<void>()
      // a fiber whose own finalizer waits: it cannot end until released, and no Effect.disconnect anywhere
      const fiber = yield* Effect.fork(Effect.ensuring(client.get(op("hang")), Deferred.await(release)))
      yield* Deferred.await(arrived)
      yield* Fiber.interruptFork(fiber)
      yield* waitFor(() => s.closed.length > 0)
      assert.isNull(yield* Fiber.poll(fiber).pipe(Effect.map(Option.getOrNull)))
      assert.deepStrictEqual(s.closed, [`/v1/${op("hang")}`])
      assert.deepStrictEqual(ran.exchanges, ["undici"])
      yield* Deferred.succeed(release, undefined)
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(exit._tag === "Failure" && Cause.isInterruptedOnly(exit.cause))
    }))


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
      assert.isTrue(big1?._tag === "TransportError" && big1.reason === "BodyTooLarge" && big1.detail.includes("larger than 1024"))
      assert.isTrue(big2?._tag === "TransportError" && big2.reason === "BodyTooLarge" && big2.detail.includes("larger than 1024"))
      assert.isTrue(s.seen.every((seen) => seen.headers["authorization"] === "Bearer t1"))
    }))

  it.scopedLive("a refused connection is a Connect TransportError, as on the generic path", () =>
    Effect.gen(function*() {
      const s = yield* server(() => undefined)
      yield* Effect.async<void>((resume) => {
        s.server.close(() => resume(Effect.void))
      })
      const fast = yield* get(s.url, "fast", op("x"))
      const generic = yield* get(s.url, "generic", op("x"))
      assert.isTrue(Either.isLeft(fast) && fast.left._tag === "TransportError" && fast.left.reason === "Connect")
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

  it.scopedLive("spans are a choice made when the client is built: with spans, a client span and traceparent", () =>
    Effect.gen(function*() {
      const s = yield* server((request, response) =>
        send(response, 200, JSON.stringify({ name: op("t"), metadata: { "@type": "t/x", tp: request.headers["traceparent"] ?? null } }))
      )
      const { names, tracer: recording } = recordingTracer()
      const quiet = yield* built(clientLayer(s.url, "fast"))
      const untraced = yield* Effect.withTracer(quiet.get(op("t")), recording)
      assert.deepStrictEqual(untraced.metadata, { "@type": "t/x", tp: null })
      assert.deepStrictEqual(names, [])
      const spanning = yield* built(clientLayer(s.url, "fast", { spans: true }))
      const traced = yield* Effect.withTracer(spanning.get(op("t")), recording)
      assert.deepStrictEqual(names, ["OperationsClient.get"])
      assert.match(String(Predicate.hasProperty(traced.metadata, "tp") && traced.metadata.tp), /^00-[0-9a-f]{32}-/)
    }))
})

