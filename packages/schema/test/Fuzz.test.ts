import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Dataproc from "../src/Dataproc.js"
import * as Operation from "../src/Operation.js"
import * as Status from "../src/Status.js"
import { corpus, decodeOrFail, encodeOrFail, fixture, issuePaths, wire } from "./support.js"

const ClusterOperation = Operation.schema({ metadata: Dataproc.ClusterOperationMetadata, response: Schema.Unknown })
const schemas: ReadonlyArray<readonly [string, Schema.Schema.AnyNoContext]> = [
  ["Operation", Operation.Operation],
  ["DataprocOperation", Dataproc.DataprocOperation],
  ["ClusterOperation", ClusterOperation],
  ["ListOperationsResponse", Operation.ListOperationsResponse],
  ["Status", Status.Status],
  ["ErrorBody", Status.ErrorBody]
]

/** Decodes without throwing: a value, or a ParseError with a readable message. */
const decodesSafely = (schema: Schema.Schema.AnyNoContext, input: unknown): Either.Either<unknown, ParseResult.ParseError> => {
  const result = Schema.decodeUnknownEither(schema)(input)
  if (Either.isLeft(result)) {
    assert.isTrue(ParseResult.isParseError(result.left))
    assert.isAbove(result.left.message.length, 0)
  }
  return result
}

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }
type Path = ReadonlyArray<string | number>

const paths = (json: Json, prefix: Path = []): ReadonlyArray<Path> => {
  if (Array.isArray(json)) return json.flatMap((item: Json, i: number) => [[...prefix, i], ...paths(item, [...prefix, i])])
  if (typeof json === "object" && json !== null) {
    return Object.entries(json).flatMap(([key, value]) => [[...prefix, key], ...paths(value, [...prefix, key])])
  }
  return []
}

const isJsonArray = (json: Json): json is ReadonlyArray<Json> => Array.isArray(json)

const setAt = (json: Json, path: Path, value: Json | undefined): Json => {
  if (path.length === 0) return value ?? null
  const [head, ...rest] = path
  if (typeof json !== "object" || json === null) return json
  const copy: Array<Json> | Record<string, Json> = isJsonArray(json) ? [...json] : Object.assign({}, json)
  const key = String(head)
  const current: Json = Object.getOwnPropertyDescriptor(copy, key)?.value ?? null
  if (rest.length === 0 && value === undefined) {
    if (Array.isArray(copy)) copy.splice(Number(key), 1)
    else Reflect.deleteProperty(copy, key)
  } else {
    Object.defineProperty(copy, key, { value: setAt(current, rest, value), enumerable: true, writable: true, configurable: true })
  }
  return copy
}

const payloads: ReadonlyArray<{ readonly file: string; readonly json: Json; readonly schema: Schema.Schema.AnyNoContext }> = [
  ...corpus(),
  { file: "operation-unknown-fields.json", json: fixture("operation-unknown-fields.json"), isErrorBody: false },
  { file: "operation-failed-unknown-fields.json", json: fixture("operation-failed-unknown-fields.json"), isErrorBody: false },
  { file: "envelope-unknown-fields.json", json: fixture("envelope-unknown-fields.json"), isErrorBody: true }
].map(({ file, json, isErrorBody }) => ({
  file,
  json: wire(json) as Json,
  schema: isErrorBody ? Status.ErrorBody : Dataproc.DataprocOperation
}))

const mutation = FastCheck.constantFrom(...payloads).chain((payload) =>
  FastCheck.tuple(
    FastCheck.constant(payload),
    FastCheck.constantFrom(...paths(payload.json)),
    FastCheck.option(FastCheck.jsonValue({ maxDepth: 2 }), { nil: undefined })
  )
)

describe("decoding never throws", () => {
  for (const [label, schema] of schemas) {
    it.prop(`${label}: any JSON value decodes or fails with a ParseError`, [FastCheck.jsonValue()], ([json]) => {
      decodesSafely(schema, json)
    }, { fastCheck: { numRuns: 300 } })

    it.prop(`${label}: any JavaScript value decodes or fails with a ParseError`, [FastCheck.anything()], ([value]) => {
      decodesSafely(schema, value)
    }, { fastCheck: { numRuns: 300 } })
  }

  it.prop("a mutated payload decodes, or fails naming the path of a field", [mutation], ([[payload, path, value]]) => {
    const mutated = setAt(payload.json, path, value === undefined ? undefined : (value as Json))
    const result = decodesSafely(payload.schema, mutated)
    if (Either.isLeft(result)) {
      assert.match(result.left.message, /\["[^"]*"\]/, `${payload.file} at ${path.join(".")}`)
      assert.isTrue(issuePaths(result.left).some((p) => p.length > 0), result.left.message)
    } else {
      // What decodes also encodes, and encodes to a fixed point.
      const once = wire(encodeOrFail(payload.schema, result.right))
      assert.deepStrictEqual(wire(encodeOrFail(payload.schema, decodeOrFail(payload.schema, once))), once)
    }
  }, { fastCheck: { numRuns: 1000 } })
})

describe("hostile JSON", () => {
  const hostile = JSON.parse(`{
    "__proto__": { "pollutedTop": true },
    "constructor": { "prototype": { "pollutedCtor": true } },
    "name": "projects/p/regions/r/operations/o",
    "metadata": {
      "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
      "__proto__": { "pollutedMetadata": true },
      "constructor": "a field named constructor",
      "labels": { "__proto__": "label", "constructor": "c", "toString": "t", "hasOwnProperty": "h" },
      "status": { "__proto__": { "pollutedStatus": true }, "state": "RUNNING" }
    }
  }`)

  it("changes no prototype, of the decoded values or of Object", () => {
    const operationSchemas: ReadonlyArray<Schema.Schema.AnyNoContext> = [
      Operation.Operation,
      Dataproc.DataprocOperation,
      ClusterOperation
    ]
    for (const schema of operationSchemas) {
      const op = decodeOrFail(schema, hostile)
      const metadata = op.metadata as Record<string, unknown>
      const labels = metadata.labels as Record<string, unknown>
      for (const value of [op, metadata, labels, metadata.status]) {
        assert.strictEqual(Object.getPrototypeOf(value), Object.prototype)
      }
      for (const key of ["pollutedTop", "pollutedCtor", "pollutedMetadata", "pollutedStatus"]) {
        assert.notProperty({}, key)
        assert.notProperty(op, key)
        assert.notProperty(metadata, key)
      }
      assert.propertyVal(labels, "constructor", "c")
      assert.propertyVal(labels, "toString", "t")
      assert.propertyVal(labels, "hasOwnProperty", "h")
      assert.propertyVal(metadata, "constructor", "a field named constructor")
      assert.isFunction(Object.prototype.hasOwnProperty)
      // A "__proto__" label is a label like any other: kept as an own field, and written back.
      assert.strictEqual(Object.getOwnPropertyDescriptor(labels, "__proto__")?.value, "label")
      const encoded = JSON.stringify(encodeOrFail(schema, op))
      assert.include(encoded, `"labels":{"__proto__":"label","constructor":"c","toString":"t","hasOwnProperty":"h"}`)
    }
  })

  it("reads __proto__ inside a Status or an envelope without touching a prototype", () => {
    const status = decodeOrFail(Status.Status, JSON.parse(`{"code": 3, "__proto__": {"code": 99, "x": 1}}`))
    assert.strictEqual(status.code, 3)
    assert.strictEqual(Object.getPrototypeOf(status), Object.prototype)
    assert.notProperty(status, "x")
    const envelope = decodeOrFail(Status.ErrorBody, JSON.parse(`{"error": {"code": 400, "__proto__": {"status": "OK"}}}`))
    assert.strictEqual(Object.getPrototypeOf(envelope.error), Object.prototype)
    assert.isUndefined(envelope.error.status)
    assert.notProperty({}, "x")
  })
})
