/**
 * The fault suite, input half: names refused before anything is sent, hostile and random JSON through the
 * real client over loopback, generated operations round-tripping through the wire, and a token that never
 * shows up in an error, a log line or a span.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Endpoint, OperationsError } from "@longrunning/http"
import { OperationPoller, Policy } from "@longrunning/polling"
import { Dataproc, Operation } from "@longrunning/schema"
import * as Arbitrary from "effect/Arbitrary"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Emulator from "@longrunning/emulator/Emulator"
import {
  clientLayer,
  driven,
  failureOf,
  listenForRejections,
  makeClient,
  rawServer,
  type RawAnswer,
  type Recorder,
  recordingLogger,
  recordingTracer,
  retries,
  scenario,
  secret,
  stopListening,
  successOf
} from "./faultSupport.js"

beforeAll(listenForRejections)
afterAll(stopListening)

const asked = "projects/p/regions/us-central1/operations/op-1"

// -----------------------------------------------------------------------------
// bad input
// -----------------------------------------------------------------------------

const ops = "projects/p/regions/us-central1/operations"

const badNames: ReadonlyArray<readonly [string, string]> = [
  ["empty", ""],
  ["traversal in the id", `${ops}/../../../secrets`],
  ["traversal in the project", "projects/../regions/us-central1/operations/o"],
  ["a dot segment", `${ops}/.`],
  ["a dot-dot id", `${ops}/..`],
  ["an encoded slash", `${ops}/a%2Fb`],
  ["an encoded slash, lower case", `${ops}/a%2fb`],
  ["encoded dots", `${ops}/%2e%2e`],
  ["a query", `${ops}/o?alt=media`],
  ["a fragment", `${ops}/o#frag`],
  ["an empty id", `${ops}/`],
  ["a doubled slash", "projects//regions/us-central1/operations/o"],
  ["a leading slash", `/${ops}/o`],
  ["an absolute http URL", `http://evil.example/${ops}/o`],
  ["an absolute https URL", `https://dataproc.googleapis.com/v1/${ops}/o`],
  ["a scheme-relative URL", `//evil.example/${ops}/o`],
  ["a custom verb", `${ops}/o:cancel`],
  ["a backslash", `${ops}/o\\..\\x`],
  ["a newline", `${ops}/o\n`],
  ["a NUL", `${ops}/o\u0000`],
  ["header injection", `${ops}/o\r\nX-Injected: 1`],
  ["a tab", `${ops}/o\t`],
  ["a space", `${ops}/o o`],
  ["a Greek omicron look-alike", `${ops}/\u03bf`],
  ["a Cyrillic look-alike in 'operations'", "projects/p/regions/us-central1/\u043eperations/o"],
  ["a division slash", `${ops}/o\u2215x`],
  ["a fullwidth solidus", `${ops}/o\uff0fx`],
  ["a right-to-left override", `${ops}/\u202eo`],
  ["a zero-width space", `${ops}/o\u200b`],
  ["an emoji", `${ops}/\u{1f600}`],
  ["not an operation", "projects/p/regions/us-central1/clusters/c"],
  ["a collection", ops],
  ["10,000 characters", `${ops}/${"a".repeat(10_000)}`],
  ["10,000 slashes", "/".repeat(10_000)]
]

const badCollections: ReadonlyArray<readonly [string, string]> = [
  ["empty", ""],
  ["a trailing slash", `${ops}/`],
  ["a query", `${ops}?filter=done`],
  ["a fragment", `${ops}#x`],
  ["traversal", "projects/p/regions/../operations"],
  ["an encoded traversal", "projects/p/regions/r%2F..%2Foperations"],
  ["an absolute URL", `https://evil.example/${ops}`],
  ["a NUL", `${ops}\u0000`],
  ["a look-alike", "projects/p/regions/us-central1/operation\u0455"],
  ["an operation name", `${ops}/o`],
  ["10,000 characters", `projects/${"p".repeat(10_000)}/regions/r/operations`]
]

const printable = /^[\x20-\x7e]*$/

describe("FaultSuite: bad input is refused before anything is sent", () => {
  it.effect(`${badNames.length} names and ${badCollections.length} collections: InvalidName, and the emulator sees nothing`, () =>
    scenario(Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const client = yield* makeClient(emulator.url)
      const check = (method: OperationsError.Method, label: string, input: string, exit: Exit.Exit<unknown, unknown>) =>
        Effect.gen(function*() {
          const error = yield* failureOf(exit)
          assert.isTrue(error instanceof OperationsError.InvalidName, `${method} ${label}: ${String(error)}`)
          if (error instanceof OperationsError.InvalidName) {
            assert.strictEqual(error.method, method)
            assert.strictEqual(error.input, input)
            assert.isAbove(error.reason.length, 0)
            // neither a control character nor a look-alike is echoed into a message a person reads
            assert.match(error.message, printable, `${method} ${label}: ${error.message}`)
            assert.isAtMost(error.message.length, 600)
          }
        })
      for (const [label, name] of badNames) {
        yield* check("get", label, name, yield* Effect.exit(client.get(name)))
        yield* check("cancel", label, name, yield* Effect.exit(client.cancel(name)))
        yield* check("delete", label, name, yield* Effect.exit(client.delete(name)))
        const watched = yield* Effect.exit(
          OperationPoller.watch(name).pipe(Stream.runDrain, Effect.provide(clientLayer(client)))
        )
        yield* check("get", label, name, watched)
      }
      for (const [label, collection] of badCollections) {
        yield* check("list", label, collection, yield* Effect.exit(client.list(collection)))
        yield* check("list", label, collection, yield* Effect.exit(Stream.runDrain(client.listAll(collection))))
      }
      assert.deepStrictEqual(yield* emulator.requests, [])
    })))

  it.effect("regional and locational endpoints refuse a region that is not a host label: no request is made", () =>
    scenario(Effect.gen(function*() {
      const sent: Array<string> = []
      const recording = Layer.succeed(
        HttpClient.HttpClient,
        HttpClient.make((request) =>
          Effect.sync(() => {
            sent.push(request.url)
            return HttpClientResponse.fromWeb(request, new Response("{}", { status: 200 }))
          })
        )
      )
      const hostile = ["evil.example", "a@b", "US_CENTRAL1", "x--", "-x", "r".repeat(64), "a;b", "a=b", "a~b"]
      for (const endpoint of [Endpoint.regional(), Endpoint.locational()]) {
        const client = yield* makeClient("", { endpoint, httpClient: recording })
        for (const region of hostile) {
          const error = yield* Effect.flip(client.get(`projects/p/regions/${region}/operations/o`))
          assert.strictEqual(error._tag, "InvalidName", region)
          const listError = yield* Effect.flip(client.list(`projects/p/locations/${region}/operations`))
          assert.strictEqual(listError._tag, "InvalidName", region)
        }
      }
      assert.deepStrictEqual(sent, [])
    })))
})

// -----------------------------------------------------------------------------
// hostile JSON
// -----------------------------------------------------------------------------

/** A loopback server answering whatever the test put in `next` (a body, or a full answer). */
const servingNext = Effect.gen(function*() {
  const state: { next: RawAnswer } = { next: { body: "{}" } }
  const server = yield* rawServer(() => state.next)
  const client = yield* makeClient(server.url, { retryPolicy: retries(0) })
  return { state, server, client }
})

const typed = Operation.schema({ metadata: Dataproc.ClusterOperationMetadata })

describe("FaultSuite: hostile JSON", () => {
  it.effect("__proto__ and constructor keys in labels and metadata change no prototype", () =>
    scenario(Effect.gen(function*() {
      const { client, state } = yield* servingNext
      state.next = {
        body: `{
          "__proto__": { "pollutedTop": true },
          "constructor": { "prototype": { "pollutedCtor": true } },
          "name": "${asked}",
          "metadata": {
            "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
            "__proto__": { "pollutedMetadata": true },
            "labels": { "__proto__": "label", "constructor": "c", "toString": "t", "hasOwnProperty": "h" },
            "status": { "__proto__": { "pollutedStatus": true }, "state": "RUNNING" }
          }
        }`
      }
      const untyped = yield* successOf(yield* driven(client.get(asked)))
      const decoded = yield* successOf(yield* driven(client.get(asked, typed)))
      for (const key of ["pollutedTop", "pollutedCtor", "pollutedMetadata", "pollutedStatus"]) {
        assert.notProperty({}, key)
        assert.notProperty(Object.prototype, key)
        assert.notProperty(untyped, key)
        assert.notProperty(decoded, key)
      }
      assert.strictEqual(Object.getPrototypeOf(untyped), Object.prototype)
      const labels = decoded.metadata?.labels ?? {}
      assert.strictEqual(Object.getPrototypeOf(labels), Object.prototype)
      assert.strictEqual(Object.getOwnPropertyDescriptor(labels, "__proto__")?.value, "label")
      assert.strictEqual(Reflect.get(labels, "constructor"), "c")
      assert.strictEqual(Reflect.get(labels, "toString"), "t")
      assert.isFunction(Object.prototype.hasOwnProperty)
    })))

  const protoLabels = Effect.gen(function*() {
    const emulator = yield* Emulator.make()
    const labels: Record<string, string> = JSON.parse(`{"__proto__": "p", "constructor": "c", "env": "x"}`)
    const op = yield* emulator.create({ labels })
    const client = yield* makeClient(emulator.url)
    const got = yield* client.get(op.name, typed)
    return got.metadata?.labels ?? {}
  })

  it.effect("__proto__ labels through the emulator change no prototype", () =>
    scenario(Effect.gen(function*() {
      const read = yield* protoLabels
      assert.strictEqual(Object.getPrototypeOf(read), Object.prototype)
      assert.strictEqual(Reflect.get(read, "constructor"), "c")
      assert.strictEqual(Reflect.get(read, "env"), "x")
      assert.notProperty({}, "p")
    })))

  // Known emulator bug: Model.orderOperation/typeFirst (packages/testing/src/internal/model.ts) copies keys
  // with `out[key] = ...`, so a "__proto__" label is dropped from the wire (the client keeps it, see above).
  // This test starts passing, and so fails as `.fails`, once the emulator copies with defineProperty.
  it.effect.fails("KNOWN BUG: the emulator drops a __proto__ label from the wire", () =>
    scenario(Effect.gen(function*() {
      const read = yield* protoLabels
      assert.strictEqual(Object.getOwnPropertyDescriptor(read, "__proto__")?.value, "p")
    })))

  const nested = (depth: number, leaf: string) => "[".repeat(depth) + leaf + "]".repeat(depth)

  it.effect("10,000 levels of nesting in metadata: a typed result or a typed error, never a crash", () =>
    scenario(Effect.gen(function*() {
      const { client, state } = yield* servingNext
      const bodies = [
        `{"name":"${asked}","metadata":{"@type":"type.googleapis.com/x.Y","deep":${nested(10_000, "1")}}}`,
        `{"name":"${asked}","metadata":{"@type":"type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata","labels":${nested(10_000, "1")}}}`,
        `{"name":"${asked}","done":true,"error":{"code":2,"details":[{"@type":"type.googleapis.com/x.Y","d":${nested(10_000, "{}")}}]}}`,
        `{"name":"${asked}","metadata":${"{\"a\":".repeat(10_000)}1${"}".repeat(10_000)}}`,
        nested(100_000, "0")
      ]
      for (const body of bodies) {
        state.next = { body }
        for (const get of [client.get(asked), client.get(asked, typed)]) {
          const exit = yield* driven(get)
          if (Exit.isFailure(exit)) {
            const error = yield* failureOf(exit)
            assert.strictEqual(error._tag, "MalformedResponse", String(error))
            // a logger or an exporter printing the failure does not overflow either
            assert.isString(Cause.pretty(exit.cause))
          }
        }
      }
      // deeper than protobuf's recursion limit (100): refused on the wire path, typed or not
      state.next = {
        body: `{"name":"${asked}","metadata":{"@type":"type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata","labels":${
          nested(200, "1")
        }}}`
      }
      for (const get of [client.get(asked), client.get(asked, typed)]) {
        const error = yield* failureOf(yield* driven(get))
        assert.match(error._tag === "MalformedResponse" ? error.path : "", /^\$\.metadata\.labels(\[0\])+$/)
        assert.include(error.message, "nests deeper than 100 levels")
      }
    })))
})

// -----------------------------------------------------------------------------
// fuzz
// -----------------------------------------------------------------------------

const corpusDirectory = path.resolve(__dirname, "../../../fixtures/corpus/payloads")

/** Replaces, drops or descends into one random place of a JSON value. */
const mutate = (json: unknown, random: () => number, replacement: unknown): unknown => {
  if (Array.isArray(json)) {
    if (json.length === 0 || random() < 0.2) return replacement
    const i = Math.floor(random() * json.length)
    return json.map((item: unknown, j: number) => (j === i ? mutate(item, random, replacement) : item))
  }
  if (typeof json === "object" && json !== null) {
    const keys = Object.keys(json)
    if (keys.length === 0 || random() < 0.2) return replacement
    const key = keys[Math.floor(random() * keys.length)]!
    const out: Record<string, unknown> = {}
    for (const k of keys) {
      if (k === key && random() < 0.3) continue
      Object.defineProperty(out, k, {
        value: k === key ? mutate(Reflect.get(json, k), random, replacement) : Reflect.get(json, k),
        enumerable: true,
        writable: true,
        configurable: true
      })
    }
    return out
  }
  return replacement
}

/** Every outcome a get may have on a 2xx or error body: a value, or one of these typed errors. */
const typedOutcome = (exit: Exit.Exit<unknown, unknown>, allowed: ReadonlyArray<string>) => {
  if (Exit.isSuccess(exit)) return
  // no defect and no interruption: only typed failures
  assert.isFalse(Cause.isDie(exit.cause), Cause.pretty(exit.cause))
  assert.isFalse(Cause.isInterrupted(exit.cause), Cause.pretty(exit.cause))
  const failure = Cause.failureOption(exit.cause)
  assert.isTrue(Option.isSome(failure), Cause.pretty(exit.cause))
  if (Option.isSome(failure)) assert.include(allowed, Reflect.get(Object(failure.value), "_tag"), Cause.pretty(exit.cause))
}

describe("FaultSuite: fuzz over the wire", () => {
  it.effect("random JSON bodies never make the client throw", () =>
    scenario(Effect.gen(function*() {
      const { client, state } = yield* servingNext
      const samples = FastCheck.sample(
        FastCheck.oneof(
          FastCheck.jsonValue(),
          FastCheck.record({ name: FastCheck.constant(asked), metadata: FastCheck.jsonValue(), done: FastCheck.jsonValue() }),
          FastCheck.record({ name: FastCheck.constant(asked), done: FastCheck.constant(true), error: FastCheck.jsonValue() }),
          FastCheck.record({ name: FastCheck.constant(asked), done: FastCheck.constant(true), response: FastCheck.jsonValue() })
        ),
        { numRuns: 300, seed: 7 }
      )
      for (const json of samples) {
        state.next = { body: JSON.stringify(json) }
        typedOutcome(yield* driven(client.get(asked)), ["MalformedResponse"])
        typedOutcome(yield* driven(client.get(asked, typed)), ["MalformedResponse"])
      }
      const texts = FastCheck.sample(FastCheck.string({ unit: "binary", maxLength: 200 }), { numRuns: 100, seed: 8 })
      for (const body of texts) {
        state.next = { body }
        typedOutcome(yield* driven(client.get(asked)), ["MalformedResponse"])
      }
    })))

  it.effect("mutated corpus payloads, as 200s and as error answers, never make the client throw", () =>
    scenario(Effect.gen(function*() {
      const { client, state } = yield* servingNext
      const files = fs.readdirSync(corpusDirectory).filter((file) => file.endsWith(".json")).sort()
      assert.isAtLeast(files.length, 5)
      const replacements = FastCheck.sample(FastCheck.jsonValue({ maxDepth: 3 }), { numRuns: 400, seed: 11 })
      let seed = 1
      const random = () => {
        seed = (seed * 16807) % 2147483647
        return seed / 2147483647
      }
      let run = 0
      for (const file of files) {
        const original: unknown = JSON.parse(fs.readFileSync(path.join(corpusDirectory, file), "utf8"))
        const isError = /error-\d{3}/.test(file)
        const status = Number(/error-(\d{3})/.exec(file)?.[1] ?? "200")
        for (let i = 0; i < 40; i++) {
          const mutated = mutate(original, random, replacements[run++ % replacements.length]!)
          const text = JSON.stringify(mutated)
          const cut = i % 5 === 0 ? text.slice(0, Math.floor(random() * text.length)) : text
          state.next = { status: isError ? status : 200, body: cut }
          typedOutcome(
            yield* driven(client.get(asked)),
            isError ? ["ApiError"] : ["MalformedResponse"]
          )
        }
      }
    })))

  it.effect("generated operations round-trip through the wire: encode, serve, get, encode gives the same JSON", () =>
    scenario(Effect.gen(function*() {
      const { client, state } = yield* servingNext
      const schemas = [Operation.Operation, Dataproc.DataprocOperation] as const
      for (const schema of schemas) {
        const generated = FastCheck.sample(Arbitrary.make(schema), { numRuns: 150, seed: 3 })
        for (const op of generated) {
          const json = JSON.parse(JSON.stringify(Schema.encodeSync(schema)({ ...op, name: asked })))
          // a response of null reads back as absent: outside the wire's domain
          if (json.done === true && json.response === null) continue
          state.next = { body: JSON.stringify(json) }
          const got = yield* successOf(yield* driven(client.get(asked, schema)))
          assert.deepStrictEqual(JSON.parse(JSON.stringify(Schema.encodeSync(schema)(got))), json)
          assert.strictEqual(got._tag, op._tag)
        }
      }
    })))
})

// -----------------------------------------------------------------------------
// secrets
// -----------------------------------------------------------------------------

describe("FaultSuite: the token never leaks", () => {
  it.effect("no error message, log line or span attribute contains the token, across every failure", () =>
    scenario(Effect.gen(function*() {
      const recorder: Recorder = { lines: [], attributes: [], spanNames: [] }
      const emulator = yield* Emulator.make()
      const op = yield* emulator.create({ scenario: Emulator.neverFinish })
      const auth = yield* rawServer((_, index) => ({
        status: index % 2 === 0 ? 401 : 403,
        body: JSON.stringify({ error: { code: 401, status: "UNAUTHENTICATED", message: "no" } })
      }))
      const client = yield* makeClient(emulator.url, { timeout: "5 seconds", retryPolicy: retries(1) })
      const authClient = yield* makeClient(auth.url)
      const faults: ReadonlyArray<Emulator.Fault> = [
        Emulator.answer(Emulator.unavailable),
        Emulator.answer(Emulator.rateLimited("1 second")),
        Emulator.connectionReset,
        Emulator.resetMidBody,
        Emulator.proxyHtml,
        Emulator.emptyBody,
        Emulator.truncatedJson,
        Emulator.oversizedBody(),
        Emulator.nullBody,
        Emulator.wrongName,
        Emulator.errorAndResponse,
        Emulator.slowHeaders("1 minute")
      ]
      const outcomes: Array<Exit.Exit<unknown, unknown>> = []
      const observed = <A, E>(effect: Effect.Effect<A, E>) =>
        effect.pipe(
          Effect.withTracer(recordingTracer(recorder)),
          Effect.provide(Logger.replace(Logger.defaultLogger, recordingLogger(recorder))),
          Logger.withMinimumLogLevel(LogLevel.All)
        )
      for (const fault of faults) {
        yield* emulator.clearFaults
        yield* emulator.inject(fault)
        outcomes.push(yield* driven(observed(client.get(op.name)), "1 minute"))
        outcomes.push(yield* driven(observed(client.cancel(op.name)), "1 minute"))
        outcomes.push(
          yield* driven(
            observed(
              OperationPoller.watch(op.name, { schedule: Policy.fixed("1 second"), timeout: "2500 millis" }).pipe(
                Stream.runDrain,
                Effect.provide(clientLayer(client))
              )
            ),
            "1 minute"
          )
        )
      }
      outcomes.push(yield* driven(observed(authClient.get(asked))))
      outcomes.push(yield* driven(observed(authClient.list("projects/p/regions/r/operations"))))
      // the token did travel: the servers saw it
      assert.isTrue(Emulator.hasBearer((yield* emulator.requests)[0], secret))
      assert.strictEqual(auth.requests[0]!.headers.authorization, `Bearer ${secret}`)
      assert.isAbove(recorder.lines.length, 10)
      assert.include(recorder.spanNames, "OperationsClient.get")
      assert.isTrue(recorder.attributes.some(([, key]) => key === "http.request.header.authorization"))
      const failures = outcomes.filter(Exit.isFailure)
      assert.isAbove(failures.length, 20)
      const texts: Array<string> = [...recorder.lines]
      for (const exit of failures) {
        texts.push(Cause.pretty(exit.cause))
        for (const failure of Cause.failures(exit.cause)) {
          texts.push(String(failure), JSON.stringify(failure) ?? "")
          if (failure instanceof Error) texts.push(failure.message, failure.stack ?? "")
        }
      }
      // attributes and events; a span's exit value is the response itself (holding the request) and no
      // exporter writes it out, but a failure's Cause is
      for (const [span, key, value] of recorder.attributes) {
        if (Exit.isExit(value)) {
          if (Exit.isFailure(value)) texts.push(`${span} ${Cause.pretty(value.cause)}`)
        } else {
          texts.push(`${span} ${key} ${typeof value === "string" ? value : JSON.stringify(value)}`)
        }
      }
      const leaks = texts.filter((text) => text.includes(secret))
      assert.deepStrictEqual(leaks, [])
    })))
})
