/**
 * The fault suite, HTTP half: the real client (`OperationsClient` over undici) against the emulator and a bare
 * loopback server, over real sockets, with time on the TestClock. Every scenario ends in its documented typed
 * outcome and leaves no handle behind (`scenario` checks `process.getActiveResourcesInfo()`).
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Credentials, OperationsError, RetryPolicy } from "@longrunning/http"
import { OperationPoller } from "@longrunning/polling"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Undici from "@effect/platform-node/Undici"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as Net from "node:net"
import * as Emulator from "@longrunning/emulator/Emulator"
import {
  clientLayer,
  countingProxy,
  driven,
  failureOf,
  freePort,
  listenForRejections,
  makeClient,
  rawServer,
  retries,
  scenario,
  stopListening,
  successOf,
  untilSleeps
} from "./faultSupport.js"

beforeAll(listenForRejections)
afterAll(stopListening)

const setup = (options: Parameters<typeof makeClient>[1] = {}) =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.make()
    const op = yield* emulator.create({ scenario: Emulator.succeedAfter("10 minutes"), resourceId: "faulty" })
    const client = yield* makeClient(emulator.url, options)
    return { emulator, op, client }
  })

const notFoundEnvelope = (code: number, status: string, message: string) =>
  JSON.stringify({ error: { code, status, message } })

describe("FaultSuite: retried failures", () => {
  it.effect("a burst of 503s is retried on the schedule, then the get succeeds", () =>
    scenario(Effect.gen(function*() {
      const { client, emulator, op } = yield* setup({ retryPolicy: retries(3, "250 millis") })
      yield* emulator.inject(Emulator.unavailable, { times: 2 })
      const got = yield* successOf(yield* driven(client.get(op.name)))
      assert.strictEqual(got.name, op.name)
      const log = yield* emulator.requests
      assert.deepStrictEqual(log.map((r) => r.fault), ["Answer", "Answer", undefined])
      assert.deepStrictEqual(log.map((r) => r.time - log[0]!.time), [0, 250, 500])
    })))

  it.effect("503s beyond the retries end in ApiError UNAVAILABLE after 1 + 3 requests", () =>
    scenario(Effect.gen(function*() {
      const { client, emulator, op } = yield* setup()
      yield* emulator.inject(Emulator.unavailable)
      const error = yield* failureOf(yield* driven(client.get(op.name)))
      assert.isTrue(OperationsError.isUnavailable(error))
      assert.strictEqual(error._tag === "ApiError" ? error.httpStatus : 0, 503)
      assert.strictEqual((yield* emulator.requests).length, 4)
    })))

  it.effect("429 with RetryInfo: no request before the delay the server asked for", () =>
    scenario(Effect.gen(function*() {
      // the schedule's own delay (100 ms) is much shorter: the server's 2.5 s must win
      const { client, emulator, op } = yield* setup()
      yield* emulator.inject(Emulator.rateLimited("2.5 seconds"), { times: 2 })
      const got = yield* successOf(yield* driven(client.get(op.name)))
      assert.strictEqual(got.name, op.name)
      const log = yield* emulator.requests
      assert.deepStrictEqual(log.map((r) => r.fault), ["Answer", "Answer", undefined])
      assert.isAtLeast(log[1]!.time - log[0]!.time, 2500)
      assert.isAtLeast(log[2]!.time - log[1]!.time, 2500)
    })))

  it.effect("429 with only a Retry-After header: no request before its seconds", () =>
    scenario(Effect.gen(function*() {
      const clock = yield* Effect.clock
      const times: Array<number> = []
      const server = yield* rawServer((_, index) => {
        times.push(clock.unsafeCurrentTimeMillis())
        return index === 0
          ? {
            status: 429,
            headers: { "retry-after": "3" },
            body: notFoundEnvelope(429, "RESOURCE_EXHAUSTED", "Quota exceeded")
          }
          : { body: JSON.stringify({ name: "projects/p/regions/r/operations/o", done: true }) }
      })
      const client = yield* makeClient(server.url)
      const got = yield* successOf(yield* driven(client.get("projects/p/regions/r/operations/o")))
      assert.strictEqual(got._tag, "DoneWithoutResult")
      assert.strictEqual(times.length, 2)
      assert.isAtLeast(times[1]! - times[0]!, 3000)
    })))

  it.effect("429 without any hint is not retried: ApiError RESOURCE_EXHAUSTED after one request", () =>
    scenario(Effect.gen(function*() {
      const server = yield* rawServer(() => ({
        status: 429,
        body: notFoundEnvelope(429, "RESOURCE_EXHAUSTED", "Quota exceeded")
      }))
      const client = yield* makeClient(server.url)
      const error = yield* failureOf(yield* driven(client.get("projects/p/regions/r/operations/o")))
      assert.isTrue(OperationsError.isResourceExhausted(error))
      assert.strictEqual(server.requests.length, 1)
    })))

  it.effect("connection refused: TransportError Connect after the retries", () =>
    scenario(Effect.gen(function*() {
      const port = yield* freePort
      const client = yield* makeClient(`http://127.0.0.1:${port}`, { retryPolicy: retries(2, "1 second") })
      const start = yield* Clock.currentTimeMillis
      const error = yield* failureOf(yield* driven(client.get("projects/p/regions/r/operations/o")))
      assert.strictEqual(error._tag, "TransportError")
      assert.strictEqual(error._tag === "TransportError" ? error.reason : "", "Connect")
      // two retries, one second apart: the schedule ran to its end
      assert.strictEqual((yield* Clock.currentTimeMillis) - start, 2000)
    })))

  it.effect("a connection reset is retried: one reset, then the answer", () =>
    scenario(Effect.gen(function*() {
      const { client, emulator, op } = yield* setup()
      yield* emulator.inject(Emulator.connectionReset, { times: 1 })
      const got = yield* successOf(yield* driven(client.get(op.name)))
      assert.strictEqual(got.name, op.name)
      assert.deepStrictEqual((yield* emulator.requests).map((r) => r.fault), ["ConnectionReset", undefined])
    })))

  it.effect("connection resets beyond the retries: TransportError Reset", () =>
    scenario(Effect.gen(function*() {
      const { client, emulator, op } = yield* setup()
      yield* emulator.inject(Emulator.connectionReset)
      const error = yield* failureOf(yield* driven(client.get(op.name)))
      assert.strictEqual(error._tag, "TransportError")
      assert.strictEqual(error._tag === "TransportError" ? error.reason : "", "Reset")
      assert.strictEqual((yield* emulator.requests).length, 4)
    })))

  it.effect("a reset in the middle of the body: TransportError Reset, and a retry recovers", () =>
    scenario(Effect.gen(function*() {
      const { client, emulator, op } = yield* setup({ retryPolicy: RetryPolicy.none })
      yield* emulator.inject(Emulator.resetMidBody, { times: 1 })
      const error = yield* failureOf(yield* driven(client.get(op.name)))
      assert.strictEqual(error._tag, "TransportError")
      assert.strictEqual(error._tag === "TransportError" ? error.reason : "", "Reset")
      const retrying = yield* makeClient(emulator.url)
      yield* emulator.inject(Emulator.resetMidBody, { times: 1 })
      const got = yield* successOf(yield* driven(retrying.get(op.name)))
      assert.strictEqual(got.name, op.name)
    })))
})

describe("FaultSuite: the per-attempt timeout", () => {
  const timeoutScenario = (fault: Emulator.Fault, timeout: Duration.DurationInput) =>
    Effect.gen(function*() {
      const { client, emulator, op } = yield* setup({ timeout, retryPolicy: RetryPolicy.none })
      yield* emulator.inject(fault)
      const fiber = yield* Effect.fork(Effect.either(client.get(op.name)))
      // the client's timeout timer and the emulator's pause both sleep on the TestClock
      yield* untilSleeps(2)
      yield* TestClock.adjust("2 minutes")
      return yield* Fiber.join(fiber)
    })

  it.effect("slow headers beyond the timeout: TransportError Timeout", () =>
    scenario(Effect.gen(function*() {
      const result = yield* timeoutScenario(Emulator.slowHeaders("1 minute"), "5 seconds")
      assert.strictEqual(result._tag, "Left")
      if (result._tag === "Left") {
        assert.strictEqual(result.left._tag, "TransportError")
        assert.strictEqual(result.left._tag === "TransportError" ? result.left.reason : "", "Timeout")
      }
    })))

  it.effect("a slow body beyond the timeout: TransportError Timeout (the timeout covers reading the body)", () =>
    scenario(Effect.gen(function*() {
      const result = yield* timeoutScenario(Emulator.slowBody("1 minute", 4), "5 seconds")
      assert.strictEqual(result._tag, "Left")
      if (result._tag === "Left") {
        assert.strictEqual(result.left._tag === "TransportError" ? result.left.reason : "", "Timeout")
      }
    })))

  it.effect("the same slow body within a longer timeout is read whole", () =>
    scenario(Effect.gen(function*() {
      const result = yield* timeoutScenario(Emulator.slowBody("1 minute", 4), "90 seconds")
      assert.strictEqual(result._tag, "Right")
    })))
})

describe("FaultSuite: bad answers", () => {
  it.effect("an HTML 502 from a proxy: ApiError UNAVAILABLE with an excerpt of the page, after the retries", () =>
    scenario(Effect.gen(function*() {
      const { client, emulator, op } = yield* setup()
      yield* emulator.inject(Emulator.proxyHtml)
      const error = yield* failureOf(yield* driven(client.get(op.name)))
      assert.strictEqual(error._tag, "ApiError")
      if (error._tag === "ApiError") {
        assert.strictEqual(error.httpStatus, 502)
        assert.include(error.bodyExcerpt ?? "", "That's an error.")
        assert.isBelow((error.bodyExcerpt ?? "").length, 250)
        assert.include(error.message, "502")
      }
      assert.strictEqual((yield* emulator.requests).length, 4)
    })))

  const malformed = (fault: Emulator.Fault, path: string, detail?: string) =>
    scenario(Effect.gen(function*() {
      const { client, emulator, op } = yield* setup()
      yield* emulator.inject(fault)
      const error = yield* failureOf(yield* driven(client.get(op.name)))
      assert.strictEqual(error._tag, "MalformedResponse")
      if (error._tag === "MalformedResponse") {
        assert.strictEqual(error.path, path)
        assert.strictEqual(error.httpStatus, 200)
        if (detail !== undefined) assert.include(error.detail, detail)
      }
      // a malformed answer is not retried
      assert.strictEqual((yield* emulator.requests).length, 1)
    }))

  it.effect("an empty body: MalformedResponse at $", () => malformed(Emulator.emptyBody, "$"))
  it.effect("truncated JSON: MalformedResponse at $, not JSON", () =>
    malformed(Emulator.truncatedJson, "$", "not JSON"))
  it.effect("null: MalformedResponse at $", () => malformed(Emulator.nullBody, "$"))
  it.effect("[]: MalformedResponse at $", () => malformed(Emulator.arrayBody, "$"))
  it.effect("a name other than the one asked for: MalformedResponse at $.name", () =>
    malformed(Emulator.wrongName, "$.name", "not-the-one-asked-for"))
  it.effect("done with both error and response: MalformedResponse", () =>
    malformed(Emulator.errorAndResponse, "$", "not both"))

  it.effect("a body over 4 MiB (Content-Length): TransportError BodyTooLarge, not read", () =>
    scenario(Effect.gen(function*() {
      const { client, emulator, op } = yield* setup({ retryPolicy: RetryPolicy.none })
      yield* emulator.inject(Emulator.oversizedBody())
      const error = yield* failureOf(yield* driven(client.get(op.name)))
      assert.strictEqual(error._tag === "TransportError" ? error.reason : "", "BodyTooLarge")
      assert.include(error.message, "larger than 4194304 bytes")
    })))

  it.effect("a chunked body over 4 MiB (no Content-Length): the bounded read stops with TransportError BodyTooLarge", () =>
    scenario(Effect.gen(function*() {
      let written = 0
      const server = yield* rawServer(() => (_, response) => {
        response.writeHead(200, { "content-type": "application/json" })
        const piece = " ".repeat(64 * 1024)
        const pump = (): void => {
          while (written < 64 * 1024 * 1024) {
            written += piece.length
            if (!response.write(piece)) {
              response.once("drain", pump)
              return
            }
          }
          response.end()
        }
        response.write("{")
        pump()
      })
      const client = yield* makeClient(server.url, { retryPolicy: RetryPolicy.none })
      const error = yield* failureOf(yield* driven(client.get("projects/p/regions/r/operations/o")))
      assert.strictEqual(error._tag === "TransportError" ? error.reason : "", "BodyTooLarge")
      // the client stopped reading: far less than the 64 MiB offered went out
      assert.isBelow(written, 32 * 1024 * 1024)
    })))

  const rawMalformed = (body: string, path: string, detail?: string) =>
    scenario(Effect.gen(function*() {
      const server = yield* rawServer(() => ({ body }))
      const client = yield* makeClient(server.url)
      const error = yield* failureOf(yield* driven(client.get("projects/p/regions/r/operations/o")))
      assert.strictEqual(error._tag, "MalformedResponse")
      if (error._tag === "MalformedResponse") {
        assert.strictEqual(error.path, path)
        if (detail !== undefined) assert.include(error.detail, detail)
      }
      assert.strictEqual(server.requests.length, 1)
    }))

  it.effect("wrong shapes: name a number", () => rawMalformed(`{"name":5}`, "$.name"))
  it.effect("wrong shapes: done a string", () => rawMalformed(`{"done":"yes"}`, "$.done"))
  it.effect("wrong shapes: metadata an array", () => rawMalformed(`{"metadata":[1]}`, "$.metadata"))
  it.effect("wrong shapes: error.code a string", () =>
    rawMalformed(`{"done":true,"error":{"code":"x"}}`, "$.error.code"))
  it.effect("wrong shapes: a string body", () => rawMalformed(`"operation"`, "$"))
  it.effect("done: false with an error: MalformedResponse at $.error", () =>
    rawMalformed(`{"name":"projects/p/regions/r/operations/o","done":false,"error":{"code":2}}`, "$.error", "not done"))
  // done absent with a response is done (the answer rules); written false beside one is a contradiction.
  it.effect("done false with a response: MalformedResponse at $.response", () =>
    rawMalformed(`{"name":"projects/p/regions/r/operations/o","done":false,"response":{"@type":"type.googleapis.com/google.protobuf.Empty"}}`, "$.response", "not done"))

  it.effect("done without a result: a DoneWithoutResult operation, and result() gives None", () =>
    scenario(Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const op = yield* emulator.create({ scenario: Emulator.doneWithoutResultAfter("1 second"), startedAgo: "1 minute" })
      const client = yield* makeClient(emulator.url)
      const got = yield* successOf(yield* driven(client.get(op.name)))
      assert.strictEqual(got._tag, "DoneWithoutResult")
      const result = yield* successOf(
        yield* driven(OperationPoller.result(op.name).pipe(Effect.provide(clientLayer(client))))
      )
      assert.isTrue(Option.isNone(result))
    })))
})

describe("FaultSuite: credentials", () => {
  const counting = (tokens: ReadonlyArray<string>) => {
    let fetches = 0
    const fetch = Effect.sync(() => {
      const token = tokens[Math.min(fetches, tokens.length - 1)]!
      fetches++
      return { token: Redacted.make(token), expiresAt: Option.none() }
    })
    return { fetch, fetches: () => fetches }
  }

  it.effect("401: one credential refresh and one more request, then UNAUTHENTICATED", () =>
    scenario(Effect.gen(function*() {
      const server = yield* rawServer(() => ({
        status: 401,
        body: notFoundEnvelope(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
      }))
      const source = counting(["test-token-first", "test-token-second"])
      const credentials = yield* Credentials.fromFetcher(source.fetch)
      const client = yield* makeClient(server.url, { credentials: Layer.succeed(Credentials.Credentials, credentials) })
      const error = yield* failureOf(yield* driven(client.get("projects/p/regions/r/operations/o")))
      assert.isTrue(OperationsError.isUnauthenticated(error))
      assert.strictEqual(source.fetches(), 2)
      assert.deepStrictEqual(server.requests.map((r) => r.headers.authorization), [
        "Bearer test-token-first",
        "Bearer test-token-second"
      ])
    })))

  it.effect("401 once, then the refreshed token works", () =>
    scenario(Effect.gen(function*() {
      const server = yield* rawServer((request) =>
        request.headers.authorization === "Bearer test-token-fresh"
          ? { body: JSON.stringify({ name: "projects/p/regions/r/operations/o" }) }
          : { status: 401, body: notFoundEnvelope(401, "UNAUTHENTICATED", "expired") }
      )
      const source = counting(["test-token-stale", "test-token-fresh"])
      const credentials = yield* Credentials.fromFetcher(source.fetch)
      const client = yield* makeClient(server.url, { credentials: Layer.succeed(Credentials.Credentials, credentials) })
      const got = yield* successOf(yield* driven(client.get("projects/p/regions/r/operations/o")))
      assert.strictEqual(got._tag, "Running")
      assert.strictEqual(source.fetches(), 2)
      assert.strictEqual(server.requests.length, 2)
    })))

  it.effect("403: PERMISSION_DENIED at once, one request, no refresh", () =>
    scenario(Effect.gen(function*() {
      const server = yield* rawServer(() => ({
        status: 403,
        body: notFoundEnvelope(403, "PERMISSION_DENIED", "Permission 'dataproc.operations.get' denied")
      }))
      const source = counting(["test-token-only"])
      const credentials = yield* Credentials.fromFetcher(source.fetch)
      const client = yield* makeClient(server.url, { credentials: Layer.succeed(Credentials.Credentials, credentials) })
      const error = yield* failureOf(yield* driven(client.get("projects/p/regions/r/operations/o")))
      assert.isTrue(OperationsError.isPermissionDenied(error))
      assert.strictEqual(server.requests.length, 1)
      assert.strictEqual(source.fetches(), 1)
    })))
})

describe("FaultSuite: keep-alive", () => {
  // undici frees a connection for the next request one event-loop turn after the body has been read, so a
  // request sent right after another one finished can find every connection still busy and open one more:
  // with the default Agent the pool settles at up to twice the concurrency. An Agent with `connections: N`
  // holds it to N.
  const measure = (port: number, names: ReadonlyArray<string>, concurrency: number, limit?: number) =>
    Effect.scoped(Effect.gen(function*() {
      const proxy = yield* countingProxy(port)
      const httpClient = limit === undefined
        ? NodeHttpClient.layerUndici
        : NodeHttpClient.layerUndiciWithoutDispatcher.pipe(
          Layer.provide(Layer.scoped(
            NodeHttpClient.Dispatcher,
            Effect.acquireRelease(
              Effect.sync(() => new Undici.Agent({ connections: limit })),
              (agent) => Effect.promise(() => agent.destroy())
            )
          ))
        )
      const client = yield* makeClient(proxy.url, { httpClient })
      for (let round = 0; round < 3; round++) {
        yield* Effect.forEach(
          Array.from({ length: 60 }, (_, i) => names[i % names.length]!),
          (name) => client.get(name),
          { concurrency, discard: true }
        )
      }
      assert.strictEqual(proxy.remotePorts().size, proxy.accepted())
      return proxy.accepted()
    }))

  it.effect("180 gets open at most twice the concurrency with the default Agent, at most it with a limit", () =>
    scenario(Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const names = (yield* Effect.forEach(Array.from({ length: 8 }), () => emulator.create({}))).map((op) => op.name)
      for (const concurrency of [1, 2, 4, 8]) {
        const free = yield* measure(emulator.port, names, concurrency)
        const limited = yield* measure(emulator.port, names, concurrency, concurrency)
        assert.isAtMost(free, 2 * concurrency, `concurrency ${concurrency}, default Agent`)
        assert.isAtMost(limited, concurrency, `concurrency ${concurrency}, Agent({ connections })`)
      }
      assert.strictEqual((yield* emulator.requests).length, 4 * 2 * 180)
    })))
})

describe("FaultSuite: the leak check itself", () => {
  it.effect("a listening socket left open by a scenario fails it", () =>
    Effect.gen(function*() {
      const server = Net.createServer()
      const exit = yield* Effect.exit(scenario(Effect.async<void>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.void))
      })))
      yield* Effect.async<void>((resume) => {
        server.close(() => resume(Effect.void))
      })
      assert.isTrue(Exit.isFailure(exit) && Cause.isDie(exit.cause))
      if (Exit.isFailure(exit)) assert.include(Cause.pretty(exit.cause), "TCPServerWrap")
    }))
})
