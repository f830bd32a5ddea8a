import { assert, describe, it } from "@effect/vitest"
import { Dataproc, Status } from "@longrunning/schema"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import * as Emulator from "../src/Emulator.js"
import { field, json, send, untilSleeping } from "./helpers.js"

const setup = (options?: Emulator.Options) =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.make(options)
    const op = yield* emulator.create({ scenario: Emulator.succeedAfter("10 seconds"), resourceId: "faulty" })
    const url = `${emulator.url}/v1/${op.name}`
    return { emulator, op, url }
  })

const statuses = (url: string, n: number) =>
  Effect.forEach(Array.from({ length: n }), () => Effect.map(send(url), (answer) => answer.status))

describe("Emulator faults: error answers", () => {
  it.scoped("Unavailable: 503 with the UNAVAILABLE envelope", () =>
    Effect.gen(function*() {
      const { emulator, url } = yield* setup()
      yield* emulator.inject(Emulator.unavailable)
      const answer = yield* send(url)
      assert.strictEqual(answer.status, 503)
      assert.strictEqual(answer.headers.get("content-type"), Emulator.contentType)
      const status = Status.fromEnvelope(Schema.decodeUnknownSync(Status.ErrorEnvelope)(json(answer)))
      assert.strictEqual(status.code, 14)
    }))

  it.scoped("RateLimited: 429 RESOURCE_EXHAUSTED with ErrorInfo, RetryInfo and Retry-After", () =>
    Effect.gen(function*() {
      const { emulator, url } = yield* setup()
      yield* emulator.inject(Emulator.rateLimited("2.5 seconds"))
      const answer = yield* send(url)
      assert.strictEqual(answer.status, 429)
      assert.strictEqual(answer.headers.get("retry-after"), "3")
      const envelope = Schema.decodeUnknownSync(Status.ErrorEnvelope)(json(answer))
      assert.strictEqual(envelope.error.status, "RESOURCE_EXHAUSTED")
      const status = Status.fromEnvelope(envelope)
      assert.deepStrictEqual(Option.map(Status.retryDelay(status), Duration.toMillis), Option.some(2500))
      assert.strictEqual(Option.getOrThrow(Status.errorInfo(status)).reason, "RATE_LIMIT_EXCEEDED")
      assert.strictEqual(field(json(answer), "error", "details", 1, "retryDelay"), "2.500s")
    }))

  it.scoped("times: only the next N requests fail", () =>
    Effect.gen(function*() {
      const { emulator, url } = yield* setup()
      yield* emulator.inject(Emulator.unavailable, { times: 2 })
      assert.deepStrictEqual(yield* statuses(url, 4), [503, 503, 200, 200])
    }))

  it.scoped("a time window on the emulator's clock: from `after` for `during`", () =>
    Effect.gen(function*() {
      const { emulator, url } = yield* setup()
      yield* emulator.inject(Emulator.rateLimited(), { after: "10 seconds", during: "5 seconds" })
      assert.strictEqual((yield* send(url)).status, 200)
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual((yield* send(url)).status, 429)
      yield* TestClock.adjust("4999 millis")
      assert.strictEqual((yield* send(url)).status, 429)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual((yield* send(url)).status, 200)
    }))

  it.scoped("a rate draws from the seeded Random: about that share fails, and the same seed repeats", () =>
    Effect.gen(function*() {
      const run = (seed: number) =>
        Effect.gen(function*() {
          const { emulator, url } = yield* setup({ seed })
          yield* emulator.inject(Emulator.unavailable, { rate: 0.3 })
          return yield* statuses(url, 100)
        })
      const first = yield* run(42)
      const again = yield* run(42)
      const other = yield* run(43)
      const failures = first.filter((status) => status === 503).length
      assert.isAbove(failures, 15)
      assert.isBelow(failures, 45)
      assert.deepStrictEqual(first, again)
      assert.notDeepEqual(first, other)
    }))

  it.scoped("per-operation faults touch only that operation and come before global ones; methods narrow", () =>
    Effect.gen(function*() {
      const { emulator, op, url } = yield* setup()
      const other = yield* emulator.create({})
      const otherUrl = `${emulator.url}/v1/${other.name}`
      yield* emulator.inject(Emulator.unavailable, { times: 1 })
      yield* emulator.inject(Emulator.rateLimited(), { name: op.name, times: 1 })
      assert.strictEqual((yield* send(url)).status, 429) // the operation's own rule wins
      assert.strictEqual((yield* send(otherUrl)).status, 503) // then the global one fires elsewhere
      assert.strictEqual((yield* send(url)).status, 200)
      yield* emulator.inject(Emulator.unavailable, { methods: ["POST"] })
      assert.strictEqual((yield* send(url)).status, 200)
      assert.strictEqual((yield* send(`${url}:cancel`, { method: "POST" })).status, 503)
      // a collection name targets the list route
      yield* emulator.clearFaults
      yield* emulator.inject(Emulator.proxyHtml, { name: "projects/demo/regions/us-central1/operations" })
      assert.strictEqual((yield* send(`${emulator.url}/v1/projects/demo/regions/us-central1/operations`)).status, 502)
      assert.strictEqual((yield* send(url)).status, 200)
    }))

  it.scoped("removeFault and clearFaults stop faults; the log names the fault that fired", () =>
    Effect.gen(function*() {
      const { emulator, url } = yield* setup()
      const id = yield* emulator.inject(Emulator.unavailable)
      assert.strictEqual((yield* send(url)).status, 503)
      yield* emulator.removeFault(id)
      assert.strictEqual((yield* send(url)).status, 200)
      yield* emulator.inject(Emulator.emptyBody)
      yield* emulator.clearFaults
      assert.strictEqual((yield* send(url)).status, 200)
      assert.deepStrictEqual((yield* emulator.requests).map((r) => r.fault), ["Answer", undefined, undefined])
    }))
})

describe("Emulator faults: bad bodies", () => {
  it.scoped("ProxyHtml: 502 with an HTML page", () =>
    Effect.gen(function*() {
      const { emulator, url } = yield* setup()
      yield* emulator.inject(Emulator.proxyHtml)
      const answer = yield* send(url)
      assert.strictEqual(answer.status, 502)
      assert.match(answer.headers.get("content-type") ?? "", /^text\/html/)
      assert.match(answer.text, /^<!DOCTYPE html>/)
      assert.throws(() => JSON.parse(answer.text))
    }))

  it.scoped("EmptyBody, NullBody, ArrayBody: 200 with no JSON object", () =>
    Effect.gen(function*() {
      const { emulator, url } = yield* setup()
      yield* emulator.inject(Emulator.emptyBody, { times: 1 })
      yield* emulator.inject(Emulator.nullBody, { times: 1 })
      yield* emulator.inject(Emulator.arrayBody, { times: 1 })
      const [empty, nul, arr] = [yield* send(url), yield* send(url), yield* send(url)]
      assert.deepStrictEqual([empty.status, nul.status, arr.status], [200, 200, 200])
      assert.strictEqual(empty.text, "")
      assert.strictEqual(empty.headers.get("content-length"), "0")
      assert.strictEqual(nul.text, "null")
      assert.strictEqual(arr.text, "[]")
    }))

  it.scoped("TruncatedJson: a prefix of the real answer that does not parse", () =>
    Effect.gen(function*() {
      const { emulator, url } = yield* setup()
      const whole = (yield* send(url)).text
      yield* emulator.inject(Emulator.truncatedJson)
      const answer = yield* send(url)
      assert.strictEqual(answer.status, 200)
      assert.isTrue(whole.startsWith(answer.text))
      assert.isBelow(answer.text.length, whole.length)
      assert.throws(() => JSON.parse(answer.text))
    }))

  it.scoped("OversizedBody: more than 4 MiB of valid JSON", () =>
    Effect.gen(function*() {
      const { emulator, op, url } = yield* setup()
      yield* emulator.inject(Emulator.oversizedBody())
      const answer = yield* send(url)
      assert.strictEqual(answer.status, 200)
      assert.isAbove(answer.text.length, 4 * 1024 * 1024)
      assert.strictEqual(Number(answer.headers.get("content-length")), 5 * 1024 * 1024)
      assert.strictEqual(field(json(answer), "name"), op.name)
    }))

  it.scoped("WrongName: an operation other than the one asked for", () =>
    Effect.gen(function*() {
      const { emulator, op, url } = yield* setup()
      yield* emulator.inject(Emulator.wrongName)
      const body = json(yield* send(url))
      assert.notStrictEqual(field(body, "name"), op.name)
      assert.match(String(field(body, "name")), /^projects\/demo\/regions\/us-central1\/operations\//)
    }))

  it.scoped("ErrorAndResponse: done with both, which the schema refuses", () =>
    Effect.gen(function*() {
      const { emulator, url } = yield* setup()
      yield* emulator.inject(Emulator.errorAndResponse)
      const body = json(yield* send(url))
      assert.strictEqual(field(body, "done"), true)
      assert.isDefined(field(body, "error"))
      assert.isDefined(field(body, "response"))
      assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(Dataproc.DataprocOperation)(body)))
    }))
})

describe("Emulator faults: time and sockets", () => {
  it.scoped("Latency: nothing arrives until the clock moves, then the state at the later time", () =>
    Effect.gen(function*() {
      const { emulator, url } = yield* setup()
      yield* emulator.inject(Emulator.latency("10 seconds"))
      const fiber = yield* Effect.fork(send(url))
      yield* untilSleeping
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("10 seconds")
      const answer = yield* Fiber.join(fiber)
      assert.strictEqual(answer.status, 200)
      assert.strictEqual(field(json(answer), "done"), true) // the operation finished during the latency
    }))

  it.scoped("SlowHeaders: the state at arrival, delivered after the delay", () =>
    Effect.gen(function*() {
      const { emulator, url } = yield* setup()
      yield* emulator.inject(Emulator.slowHeaders("10 seconds"))
      const fiber = yield* Effect.fork(send(url))
      yield* untilSleeping
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("10 seconds")
      const answer = yield* Fiber.join(fiber)
      assert.strictEqual(answer.status, 200)
      assert.isUndefined(field(json(answer), "done"))
    }))

  it.scoped("SlowBody: headers at once, the body in chunks as the clock moves", () =>
    Effect.gen(function*() {
      const { emulator, op, url } = yield* setup()
      yield* emulator.inject(Emulator.slowBody("9 seconds", 4))
      const response = yield* Effect.promise(() => fetch(url))
      assert.strictEqual(response.status, 200)
      const body = yield* Effect.fork(Effect.promise(() => response.text()))
      for (let chunk = 1; chunk < 4; chunk++) {
        yield* untilSleeping
        assert.isTrue(Option.isNone(yield* Fiber.poll(body)), `body complete before chunk ${chunk}`)
        yield* TestClock.adjust("3 seconds")
      }
      const text = yield* Fiber.join(body)
      assert.strictEqual(field(JSON.parse(text), "name"), op.name)
    }))

  it.scoped("ConnectionReset: the socket is destroyed before any byte; the server keeps serving", () =>
    Effect.gen(function*() {
      const { emulator, url } = yield* setup()
      yield* emulator.inject(Emulator.connectionReset, { times: 1 })
      const failure = yield* Effect.flip(send(url))
      assert.instanceOf(failure, TypeError) // fetch failed
      assert.strictEqual((yield* send(url)).status, 200)
      assert.deepStrictEqual((yield* emulator.requests).map((r) => r.fault), ["ConnectionReset", undefined])
    }))

  it.scoped("ResetMidBody: headers and part of the body, then the socket is destroyed", () =>
    Effect.gen(function*() {
      const { emulator, url } = yield* setup()
      const whole = (yield* send(url)).text
      yield* emulator.inject(Emulator.resetMidBody, { times: 1 })
      const response = yield* Effect.promise(() => fetch(url))
      assert.strictEqual(response.status, 200)
      assert.strictEqual(Number(response.headers.get("content-length")), Buffer.byteLength(whole))
      const failure = yield* Effect.flip(Effect.tryPromise(() => response.text()))
      assert.include(String(failure.cause), "terminated") // undici: the body ended early
      assert.strictEqual((yield* send(url)).status, 200)
    }))
})
