/**
 * The fault suite on the path production takes: `OperationsClient` over `UndiciHttpClient` on the live
 * clock, with a token at hand and no tracer, runs each exchange in one step (`internal/request.ts`,
 * "fused"), which the TestClock halves of the suite never reach. The same faults from the emulator end in
 * the same typed outcomes, interruption aborts the request in flight, and no scenario leaves a handle.
 * Time is real here: timeouts and delays are a few hundred milliseconds.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { OperationsError, RetryPolicy } from "@longrunning/http"
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import { OperationPoller, Policy } from "@longrunning/polling"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import * as Emulator from "@longrunning/emulator/Emulator"
import {
  clientLayer,
  countResources,
  excess,
  failureOf,
  ioTurns,
  listenForRejections,
  makeClient,
  retries,
  scenario,
  stopListening,
  successOf
} from "./faultSupport.js"

beforeAll(listenForRejections)
afterAll(stopListening)

const setup = (options: {
  readonly timeout?: Duration.DurationInput
  readonly retryPolicy?: RetryPolicy.RetryPolicy
  readonly connections?: number
} = {}) =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.make()
    const op = yield* emulator.create({ scenario: Emulator.succeedAfter("10 minutes"), resourceId: "live" })
    const client = yield* makeClient(emulator.url, {
      httpClient: UndiciHttpClient.layer(options.connections === undefined ? {} : { connections: options.connections }),
      timeout: options.timeout ?? "5 seconds",
      retryPolicy: options.retryPolicy ?? RetryPolicy.none
    })
    return { emulator, op, client }
  })

/** Waits in I/O turns (20,000 of them, about a tenth of a second when idle) until `condition` holds. */
const until = (condition: Effect.Effect<boolean>) =>
  Effect.gen(function*() {
    for (let turn = 0; turn < 20_000; turn++) {
      if (yield* condition) return
      yield* ioTurns(1)
    }
    return yield* Effect.dieMessage("the condition never held")
  })

/** One fault, once, then one get: its typed failure (a success or a defect fails the test). */
const once = (fault: Emulator.Fault, options: Parameters<typeof setup>[0] = {}) =>
  Effect.gen(function*() {
    const { client, emulator, op } = yield* setup(options)
    yield* emulator.inject(fault, { times: 1 })
    return yield* failureOf(yield* Effect.exit(client.get(op.name)))
  })

describe("FaultSuite on the live clock (UndiciHttpClient, the exchange in one step)", () => {
  it.live("a burst of 503s is retried by the policy, then the get succeeds", () =>
    scenario(Effect.gen(function*() {
      const { client, emulator, op } = yield* setup({ retryPolicy: retries(3, "20 millis") })
      yield* emulator.inject(Emulator.unavailable, { times: 2 })
      const got = yield* Effect.flatMap(Effect.exit(client.get(op.name)), successOf)
      assert.strictEqual(got.name, op.name)
      assert.deepStrictEqual((yield* emulator.requests).map((r) => r.fault), ["Answer", "Answer", undefined])
    })))

  it.live("429 with RetryInfo: the retry waits for the delay the server asked for", () =>
    scenario(Effect.gen(function*() {
      const { client, emulator, op } = yield* setup({ retryPolicy: retries(3, "10 millis") })
      yield* emulator.inject(Emulator.rateLimited("300 millis"), { times: 1 })
      yield* Effect.flatMap(Effect.exit(client.get(op.name)), successOf)
      const log = yield* emulator.requests
      assert.strictEqual(log.length, 2)
      assert.isAtLeast(log[1]!.time - log[0]!.time, 300)
    })))

  it.live("a reset in the middle of the body: TransportError Reset", () =>
    scenario(Effect.gen(function*() {
      const error = yield* once(Emulator.resetMidBody)
      assert.isTrue(error._tag === "TransportError" && error.reason === "Reset")
    })))

  it.live("slow headers beyond the timeout: TransportError Timeout", () =>
    scenario(Effect.gen(function*() {
      const error = yield* once(Emulator.slowHeaders("1 minute"), { timeout: "150 millis" })
      assert.isTrue(error._tag === "TransportError" && error.reason === "Timeout")
    })))

  it.live("a slow body beyond the timeout: TransportError Timeout (the timeout covers the body)", () =>
    scenario(Effect.gen(function*() {
      const error = yield* once(Emulator.slowBody("1 minute", 4), { timeout: "150 millis" })
      assert.isTrue(error._tag === "TransportError" && error.reason === "Timeout")
    })))

  it.live("an HTML 502 from a proxy: ApiError with an excerpt of the page", () =>
    scenario(Effect.gen(function*() {
      const error = yield* once(Emulator.proxyHtml)
      assert.strictEqual(error._tag, "ApiError")
      if (error._tag === "ApiError") {
        assert.strictEqual(error.httpStatus, 502)
        assert.isTrue(OperationsError.isUnavailable(error))
        assert.include(error.bodyExcerpt ?? "", "502")
      }
    })))

  it.live("a body over 4 MiB: TransportError BodyTooLarge, not read whole", () =>
    scenario(Effect.gen(function*() {
      const error = yield* once(Emulator.oversizedBody())
      assert.isTrue(error._tag === "TransportError" && error.reason === "BodyTooLarge")
    })))

  for (
    const [label, fault, path] of [
      ["an empty body", Emulator.emptyBody, "$"],
      ["truncated JSON", Emulator.truncatedJson, "$"],
      ["null", Emulator.nullBody, "$"],
      ["a name other than the one asked for", Emulator.wrongName, "$.name"]
    ] as const
  ) {
    it.live(`${label}: MalformedResponse at ${path}`, () =>
      scenario(Effect.gen(function*() {
        const error = yield* once(fault)
        assert.strictEqual(error._tag, "MalformedResponse")
        assert.strictEqual(error._tag === "MalformedResponse" ? error.path : "", path)
      })))
  }

  describe("interrupting a watch", () => {
    // Interrupts a watch once the emulator holds its request (headers or body not yet sent), then checks that
    // the request was aborted: its socket and its timer (and the emulator's pause, interrupted when the socket
    // closes) are gone while the client is still open. Closing the client would end them anyway (its Agent is
    // destroyed with the scope), so `scenario`'s own check cannot tell. With no timer left, the interrupted
    // watch cannot send another request either.
    const interruptInFlight = (fault: Emulator.Fault) =>
      scenario(Effect.gen(function*() {
        const { client, emulator, op } = yield* setup()
        yield* emulator.inject(fault)
        const before = countResources()
        const fiber = yield* Effect.fork(
          OperationPoller.watch(op.name, { schedule: Policy.fixed("50 millis") }).pipe(
            Stream.runDrain,
            Effect.provide(clientLayer(client))
          )
        )
        yield* until(Effect.map(emulator.requests, (log) => log.length > 0))
        yield* Fiber.interrupt(fiber)
        yield* until(Effect.sync(() => excess(before, countResources()).length === 0))
        return (yield* emulator.requests).length
      }))

    it.live("waiting for headers", () => Effect.map(interruptInFlight(Emulator.slowHeaders("1 minute")), (n) => assert.strictEqual(n, 1)))
    it.live("with the body half sent", () => Effect.map(interruptInFlight(Emulator.slowBody("1 minute", 6)), (n) => assert.strictEqual(n, 1)))

    it.live("cancelOnInterrupt: the poll in flight is aborted before the cancel is sent, even on one connection", () =>
      scenario(Effect.gen(function*() {
        // One connection and an hour-long attempt timeout: a poll left running would hold the connection, and
        // the cancel would wait behind it for an hour.
        const { client, emulator, op } = yield* setup({ connections: 1, timeout: "1 hour" })
        yield* emulator.inject(Emulator.slowHeaders("1 hour"), { times: 1 })
        const seen: Array<string> = []
        const fiber = yield* Effect.fork(
          OperationPoller.watch(op.name, {
            cancelOnInterrupt: true,
            onCancelled: (after) => Effect.sync(() => seen.push(after._tag === "Some" ? after.value._tag : "none"))
          }).pipe(Stream.runDrain, Effect.provide(clientLayer(client)))
        )
        yield* until(Effect.map(emulator.requests, (log) => log.length > 0))
        const interrupted = yield* Effect.timeout(Fiber.interrupt(fiber), "10 seconds").pipe(Effect.option)
        assert.isTrue(interrupted._tag === "Some", "the interrupt (cancel and read included) did not end within 10 s")
        assert.deepStrictEqual((yield* emulator.requests).map((r) => r.route), ["Get", "Cancel", "Get"])
        assert.deepStrictEqual(seen, ["Failed"])
      })))
  })
})
