import { server } from "./loopback.js"
import { assert, describe, it } from "@effect/vitest"
import * as Credentials from "@longrunning/http/Credentials"
import * as Endpoint from "@longrunning/http/Endpoint"
import * as OperationsClient from "@longrunning/http/OperationsClient"
import * as OperationsError from "@longrunning/http/OperationsError"
import * as RetryPolicy from "@longrunning/http/RetryPolicy"
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import { Context, Duration, Effect, Either, Layer, Option, Schedule, Stream } from "effect"
import type * as Http from "node:http"
import * as Net from "node:net"
import type { AddressInfo } from "node:net"

// Issue 10's classes of fault over real loopback sockets, through UndiciHttpClient's exchange on the live
// clock. Waits are kept to milliseconds by the options; no test sleeps.

const op = (id: string) => `projects/p/regions/r/operations/${id}`

const send = (response: Http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers })
  response.end(body)
}

const unavailable = JSON.stringify({ error: { code: 503, message: "busy", status: "UNAVAILABLE" } })

/** Retries every retryable failure `n` times, 1 ms apart: the server's hints decide the waits. */
const quick = (n: number) =>
  RetryPolicy.make({ retryable: OperationsError.isRetryable, schedule: Schedule.spaced("1 millis").pipe(Schedule.intersect(Schedule.recurs(n))) })

const build = (url: string, options: OperationsClient.Options = {}) =>
  Effect.map(
    Layer.build(
      OperationsClient.layer({ endpoint: Endpoint.fixed(url), retryPolicy: quick(3), ...options }).pipe(
        Layer.provide(Credentials.unauthenticated),
        Layer.provide(UndiciHttpClient.layer())
      )
    ),
    (context) => Context.get(context, OperationsClient.OperationsClient)
  )

const client = (url: string, options: OperationsClient.Options = {}) => Effect.orDie(build(url, options))

/** Waits in event-loop turns until `condition` holds; gives up after 10 s of real time. */
const waitFor = (condition: () => boolean) =>
  Effect.async<boolean>((resume) => {
    const giveUpAt = Date.now() + 10_000
    const check = () => {
      if (condition()) return resume(Effect.succeed(true))
      if (Date.now() > giveUpAt) return resume(Effect.succeed(false))
      setImmediate(check)
    }
    check()
  })

const failure = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.flatMap(Effect.either(effect), (result) =>
    Either.isLeft(result) ? Effect.succeed(result.left) : Effect.dieMessage("expected a failure"))

describe("header values are checked before anything is sent", () => {
  it.scopedLive("CR/LF, control characters, non-ASCII and bad names fail the layer with InvalidHeader", () =>
    Effect.gen(function*() {
      const s = yield* server((_, response) => send(response, 200, "{}"))
      const cases: ReadonlyArray<[OperationsClient.Options, string]> = [
        [{ quotaProject: "p\r\nx-evil: 1" }, "line break"],
        [{ userAgent: "agent\u0000" }, "control character"],
        [{ headers: { "x-label": "caf\u00e9" } }, "outside printable ASCII"],
        [{ headers: { "bad name": "v" } }, "not an HTTP token"],
        [{ apiClient: "x\ny" }, "line break"]
      ]
      for (const [options, reason] of cases) {
        const error = yield* Effect.flip(build(s.url, options))
        assert.isTrue(OperationsError.isInvalidHeader(error), String(error))
        assert.include(OperationsError.isInvalidHeader(error) ? error.reason : "", reason)
      }
      assert.strictEqual(s.seen.length, 0)
      // a good set of headers goes out as given
      const good = yield* client(s.url, { quotaProject: "billing-1", headers: { "x-goog-request-reason": "audit 42" } })
      yield* Effect.either(good.get(op("a")))
      assert.strictEqual(s.seen[0]?.headers["x-goog-user-project"], "billing-1")
      assert.strictEqual(s.seen[0]?.headers["x-goog-request-reason"], "audit 42")
    }))
})

describe("transport errors carry a reason; only transient ones are retried", () => {
  it.scopedLive("a refused connection: Connect", () =>
    Effect.gen(function*() {
      const s = yield* server(() => undefined)
      yield* Effect.async<void>((resume) => {
        s.server.close(() => resume(Effect.void))
      })
      const error = yield* failure((yield* client(s.url)).get(op("x")))
      assert.isTrue(error._tag === "TransportError" && error.reason === "Connect")
      assert.isTrue(OperationsError.isRetryable(error))
    }))

  it.scopedLive("a connection reset before the answer: Reset, retried", () =>
    Effect.gen(function*() {
      let n = 0
      const s = yield* server((request, response) => {
        if (n++ < 2) request.socket.destroy()
        else send(response, 200, JSON.stringify({ name: op("x") }))
      })
      const got = yield* (yield* client(s.url)).get(op("x"))
      assert.strictEqual(got.name, op("x"))
      assert.strictEqual(s.seen.length, 3)
      const always = yield* server((request) => request.socket.destroy())
      const error = yield* failure((yield* client(always.url, { retryPolicy: quick(1) })).get(op("x")))
      assert.isTrue(error._tag === "TransportError" && error.reason === "Reset", String(error))
      assert.strictEqual(always.seen.length, 2)
    }))

  it.scopedLive("a body over the limit: BodyTooLarge, downloaded once, not retried", () =>
    Effect.gen(function*() {
      const s = yield* server((_, response) => send(response, 200, JSON.stringify({ name: op("x"), pad: "x".repeat(4096) })))
      const error = yield* failure((yield* client(s.url, { maxResponseBytes: 1024 })).get(op("x")))
      assert.isTrue(error._tag === "TransportError" && error.reason === "BodyTooLarge")
      assert.isFalse(OperationsError.isRetryable(error))
      assert.strictEqual(s.seen.length, 1)
    }))

  it.scopedLive("an answer that is not HTTP: Protocol, not retried", () =>
    Effect.gen(function*() {
      const connections: Array<Net.Socket> = []
      const tcp = yield* Effect.acquireRelease(
        Effect.async<Net.Server>((resume) => {
          const s = Net.createServer((socket) => {
            connections.push(socket)
            socket.once("data", () => socket.end("HTTP/1.1 2x0 Nonsense\r\n\u0000\u0001\r\n\r\n"))
          })
          s.listen(0, "127.0.0.1", () => resume(Effect.succeed(s)))
        }),
        (s) =>
          Effect.async<void>((resume) => {
            for (const socket of connections) socket.destroy()
            s.close(() => resume(Effect.void))
          })
      )
      const url = `http://127.0.0.1:${(tcp.address() as AddressInfo).port}`
      const error = yield* failure((yield* client(url)).get(op("x")))
      assert.isTrue(error._tag === "TransportError" && error.reason === "Protocol", String(error))
      assert.strictEqual(connections.length, 1)
    }))

  it.scopedLive("no answer within the attempt's timeout: Timeout, retried", () =>
    Effect.gen(function*() {
      const s = yield* server(() => undefined)
      const error = yield* failure((yield* client(s.url, { timeout: "200 millis", retryPolicy: quick(1) })).get(op("x")))
      assert.isTrue(error._tag === "TransportError" && error.reason === "Timeout")
      // the retry's request may still be on its way when its own time is up
      assert.isTrue(yield* waitFor(() => s.seen.length === 2))
    }))
})

describe("server hints are bounded, and the call's deadline holds", () => {
  it.scopedLive("Retry-After: 1000000000 and RetryInfo 315576000000s are cut to maxRetryDelay, then the retry succeeds", () =>
    Effect.gen(function*() {
      let n = 0
      const s = yield* server((_, response) => {
        n++
        if (n === 1) return send(response, 503, unavailable, { "retry-after": "1000000000" })
        if (n === 2) {
          return send(
            response,
            429,
            JSON.stringify({
              error: {
                code: 429,
                message: "slow down",
                status: "RESOURCE_EXHAUSTED",
                details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "315576000000s" }]
              }
            })
          )
        }
        send(response, 200, JSON.stringify({ name: op("x") }))
      })
      const started = Date.now()
      const got = yield* (yield* client(s.url, { maxRetryDelay: "20 millis" })).get(op("x"))
      assert.strictEqual(got.name, op("x"))
      assert.strictEqual(n, 3)
      assert.isBelow(Date.now() - started, 10_000)
    }))

  it.scopedLive("a hint longer than what is left of totalTimeout ends the call at once with the 503", () =>
    Effect.gen(function*() {
      const s = yield* server((_, response) => send(response, 503, unavailable, { "retry-after": "60" }))
      const started = Date.now()
      const error = yield* failure((yield* client(s.url, { totalTimeout: "20 seconds" })).get(op("x")))
      assert.isTrue(OperationsError.isUnavailable(error))
      assert.isTrue(error._tag === "ApiError" && Option.contains(error.retryAfter, Duration.seconds(60)))
      assert.strictEqual(s.seen.length, 1)
      assert.isBelow(Date.now() - started, 10_000)
    }))

  it.scopedLive("negative, fractional and unparsable Retry-After are no hints: the policy's backoff applies", () =>
    Effect.gen(function*() {
      const hints = ["-5", "1.5", "soon", "99999999999999999999"]
      let n = 0
      const s = yield* server((_, response) =>
        n < hints.length
          ? send(response, 503, unavailable, { "retry-after": hints[n++]! })
          : send(response, 200, JSON.stringify({ name: op("x") }))
      )
      const got = yield* (yield* client(s.url, { retryPolicy: quick(5), totalTimeout: "20 seconds" })).get(op("x"))
      assert.strictEqual(got.name, op("x"))
      assert.strictEqual(s.seen.length, 5)
    }))

  it.scopedLive("totalTimeout bounds the attempts as well: a server that never answers ends the call within it", () =>
    Effect.gen(function*() {
      const s = yield* server(() => undefined)
      const error = yield* failure((yield* client(s.url, { timeout: "1 hour", totalTimeout: "100 millis" })).get(op("x")))
      assert.isTrue(error._tag === "TransportError" && error.reason === "Timeout")
      assert.strictEqual(s.seen.length, 1)
    }))
})

describe("hostile answers end in typed errors", () => {
  it.scopedLive("listAll ends with MalformedResponse when a page token comes back", () =>
    Effect.gen(function*() {
      const s = yield* server((_, response) =>
        send(response, 200, JSON.stringify({ operations: [{ name: op("x") }], nextPageToken: "again" }))
      )
      const result = yield* Effect.either(Stream.runCollect((yield* client(s.url)).listAll("projects/p/regions/r/operations")))
      assert.isTrue(Either.isLeft(result) && result.left._tag === "MalformedResponse" && result.left.path === "$.nextPageToken")
      assert.strictEqual(s.seen.length, 2)
    }))

  it.scopedLive("JSON nested deeper than 100 levels is a MalformedResponse, typed or not", () =>
    Effect.gen(function*() {
      const deep = "[".repeat(150) + "]".repeat(150)
      const s = yield* server((_, response) =>
        send(response, 200, `{"name":"${op("x")}","metadata":{"@type":"t/x","v":${deep}}}`)
      )
      const error = yield* failure((yield* client(s.url)).get(op("x")))
      assert.isTrue(error._tag === "MalformedResponse" && error.detail.includes("deeper than 100"), String(error))
      assert.match(error._tag === "MalformedResponse" ? error.path : "", /^\$\.metadata\.v(\[0\])+$/)
      const shallow = "[".repeat(90) + "]".repeat(90)
      const ok = yield* server((_, response) => send(response, 200, `{"name":"${op("x")}","metadata":{"@type":"t/x","v":${shallow}}}`))
      const got = yield* (yield* client(ok.url)).get(op("x"))
      assert.strictEqual(got.name, op("x"))
    }))
})
