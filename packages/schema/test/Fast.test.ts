import { assert, describe, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import * as Dataproc from "../src/Dataproc.js"
import * as Fast from "../src/internal/fast.js"
import * as Operation from "../src/Operation.js"
import * as Proto3 from "../src/internal/proto3.js"
import * as Proto from "../src/Proto.js"
import { corpus, fixture, wire } from "./support.js"

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

/** The operation schemas users decode with, each with its straight-line decoder and the schema behind it. */
const subjects: ReadonlyArray<readonly [string, Schema.Schema.AnyNoContext]> = [
  ["Operation.Operation", Operation.Operation],
  ["Dataproc.DataprocOperation", Dataproc.DataprocOperation],
  ...Object.entries(Dataproc.Operations).map(([key, schema]) =>
    [`Dataproc.Operations.${key}`, schema] as const
  )
]

// The straight-line decoder through the public accessor, and the wire schema behind the declaration.
const split = (schema: Schema.Schema.AnyNoContext) => {
  const fast: Fast.Fast<unknown> | undefined = Option.getOrUndefined(Operation.fastDecoder(schema))
  const ast = schema.ast
  if (fast === undefined || !SchemaAST.isDeclaration(ast) || ast.typeParameters[0] === undefined) {
    throw new Error("expected an operation schema with a fast path")
  }
  return { fast, slow: ParseResult.decodeUnknownEither(Schema.make<unknown, unknown, never>(ast.typeParameters[0])) }
}

/** Same value or both refuse: when the fast decoder answers, the schema answers the same. */
const agree = (
  fast: Fast.Fast<unknown>,
  slow: (u: unknown) => Either.Either<unknown, ParseResult.ParseIssue>,
  input: unknown
): "fast" | "fallback" => {
  const got = fast(input)
  const expected = slow(input)
  if (got === undefined) return "fallback"
  assert.isTrue(Either.isRight(expected), `the fast decoder accepted what the schema refuses: ${JSON.stringify(input)}`)
  if (Either.isRight(expected)) {
    assert.deepStrictEqual(got, expected.right)
    assert.deepStrictEqual(Object.keys(got as object), Object.keys(expected.right as object))
  }
  return "fast"
}

const interesting: ReadonlyArray<Json> = [
  null, true, 0, -1, 1.5, 2 ** 53, -(2 ** 53), 1e20, "", "x", "RUNNING", "1e3", "9223372036854775808",
  "123456789012345678901234567890", "2024-02-30T00:00:00Z", "2024-05-01T10:00:00.123456789Z", "1.5s", "-1s",
  [], [null], ["x"], {}, { a: 1 }, { "@type": "type.googleapis.com/x.Y" }
]

const paths = (json: Json, prefix: ReadonlyArray<string | number> = []): ReadonlyArray<ReadonlyArray<string | number>> => {
  if (Array.isArray(json)) return json.flatMap((item: Json, i: number) => [[...prefix, i], ...paths(item, [...prefix, i])])
  if (typeof json === "object" && json !== null) {
    return Object.entries(json).flatMap(([key, value]) => [[...prefix, key], ...paths(value, [...prefix, key])])
  }
  return []
}

const setAt = (json: Json, path: ReadonlyArray<string | number>, value: Json): Json => {
  const [head, ...rest] = path
  if (head === undefined) return value
  if (Array.isArray(json)) return json.map((item: Json, i: number) => (i === head ? setAt(item, rest, value) : item))
  if (typeof json === "object" && json !== null) {
    const out: Record<string, Json> = {}
    for (const [key, v] of Object.entries(json)) {
      Object.defineProperty(out, key, { value: key === head ? setAt(v, rest, value) : v, enumerable: true, writable: true, configurable: true })
    }
    return out
  }
  return json
}

const isJson = (u: unknown): u is Json => u === null || ["boolean", "number", "string", "object"].includes(typeof u)

const payloads = corpus().filter((c) => !c.isErrorBody).map((c) => c.json).concat([
  fixture("operation-unknown-fields.json"),
  fixture("operation-failed-unknown-fields.json")
])

describe("the fast path agrees with the schema", () => {
  for (const [label, schema] of subjects) {
    // The three schemas the docs and the bench use get more runs than each method's own.
    const main = ["Operation.Operation", "Dataproc.DataprocOperation", "Dataproc.Operations.clustersCreate"].includes(label)
    describe(label, () => {
      const { fast, slow } = split(schema)
      const arbitrary = Arbitrary.make(schema).map((op) => wire(Schema.encodeSync(schema)(op)))

      it.prop("on generated operations, and the fast path answers every one", [arbitrary], ([input]) => {
        assert.strictEqual(agree(fast, slow, input), "fast", "the fast path answers what the schema encodes")
      }, { fastCheck: { numRuns: main ? 100 : 20 } })

      it.prop("on generated operations with one value changed", [
        arbitrary,
        FastCheck.nat(),
        FastCheck.constantFrom(...interesting)
      ], ([input, pick, value]) => {
        if (!isJson(input)) return
        const all = paths(input)
        const mutated = all.length === 0 ? value : setAt(input, all[pick % all.length]!, value)
        agree(fast, slow, mutated)
      }, { fastCheck: { numRuns: main ? 300 : 40 } })

      it("on every corpus payload and fixture", () => {
        for (const payload of payloads) agree(fast, slow, payload)
      })
    })
  }

  it("the bench's typed fixture takes the fast path, and so does Schema.decodeUnknown", () => {
    const json = fixture("operation-unknown-fields.json")
    const { fast } = split(Dataproc.Operations.clustersCreate)
    const viaFast = fast(json)
    assert.isDefined(viaFast)
    assert.deepStrictEqual(Schema.decodeUnknownSync(Dataproc.Operations.clustersCreate)(json), viaFast)
  })
})

describe("Operation.fastDecoder", () => {
  const json = () => fixture("operation-unknown-fields.json")

  it("is the decoder the schema carries, kept by .annotations(...), and Schema.decodeUnknown runs it", () => {
    const schema = Dataproc.Operations.clustersCreate
    const fast = Option.getOrThrow(Operation.fastDecoder(schema))
    assert.strictEqual(Option.getOrThrow(Operation.fastDecoder(schema.annotations({ title: "mine" }))), fast)
    assert.isTrue(Option.isSome(Operation.fastDecoder(Operation.schema({ metadata: Dataproc.ClusterOperationMetadata }))))
    assert.isTrue(Option.isSome(Operation.fastDecoder(Operation.Operation)))
    const value = fast(json())
    assert.isDefined(value)
    assert.deepStrictEqual(Schema.decodeUnknownSync(schema)(json()), value)
  })

  it("is None for any other schema, and for one derived from an operation schema", () => {
    const schema = Dataproc.Operations.clustersCreate
    // The type side keeps the declaration's annotations but decodes decoded values: the wire decoder would
    // take what it refuses.
    const typeSide = Schema.typeSchema(schema)
    assert.isTrue(Option.isNone(Operation.fastDecoder(typeSide)))
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(typeSide)(json())))
    assert.isDefined(Option.getOrThrow(Operation.fastDecoder(schema))(json()))
    assert.isTrue(Option.isNone(Operation.fastDecoder(Schema.encodedSchema(schema))))
    assert.isTrue(Option.isNone(Operation.fastDecoder(schema.pipe(Schema.filter(() => true)))))
    assert.isTrue(Option.isNone(Operation.fastDecoder(Operation.ListOperationsResponse)))
    assert.isTrue(Option.isNone(Operation.fastDecoder(Operation.OperationJson)))
    assert.isTrue(Option.isNone(Operation.fastDecoder(Schema.Unknown)))
  })
})

describe("the fast decoders' values", () => {
  it("a Timestamp is the same TimestampValue the schema makes: class, fields, equality, views", () => {
    const text = "2024-05-01T10:00:00.123456789Z"
    const fast = Fast.timestamp(text)
    const slow = Schema.decodeSync(Proto.Timestamp)(text)
    assert.isTrue(fast instanceof Proto.TimestampValue)
    assert.deepStrictEqual(Reflect.ownKeys(fast ?? {}), Reflect.ownKeys(slow))
    assert.isTrue(Equal.equals(fast, slow))
    assert.strictEqual(fast?.toJSON(), slow.toJSON())
    assert.strictEqual(fast?.epochNanos, slow.epochNanos)
    assert.isUndefined(Fast.timestamp("2024-02-30T00:00:00Z"))
  })
})

// Timestamps as Google writes them and near misses: every field at and past its bounds, 0 to 10 fraction
// digits, Z/z or an offset, one character changed.
const pad = (n: number, width: number) => String(n).padStart(width, "0")
const timestampText = FastCheck.tuple(
  FastCheck.integer({ min: 0, max: 9999 }),
  FastCheck.integer({ min: 0, max: 13 }),
  FastCheck.integer({ min: 0, max: 32 }),
  FastCheck.integer({ min: 0, max: 24 }),
  FastCheck.integer({ min: 0, max: 60 }),
  FastCheck.integer({ min: 0, max: 60 }),
  FastCheck.option(FastCheck.stringMatching(/^[0-9]{0,10}$/), { nil: undefined }),
  FastCheck.oneof(
    FastCheck.constantFrom("Z", "z", "", "+00:00", "-00:00"),
    FastCheck.tuple(FastCheck.constantFrom("+", "-"), FastCheck.integer({ min: 0, max: 24 }), FastCheck.integer({ min: 0, max: 60 }))
      .map(([sign, h, m]) => `${sign}${pad(h, 2)}:${pad(m, 2)}`)
  ),
  FastCheck.constantFrom("T", "t")
).map(([y, mo, d, h, mi, s, frac, zone, t]) =>
  `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}${t}${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${frac === undefined ? "" : `.${frac}`}${zone}`
)
const mutatedText = FastCheck.tuple(timestampText, FastCheck.nat(), FastCheck.constantFrom("0", "9", "-", ":", ".", "T", "Z", " ", "+", "\u0660", "")).map(
  ([text, at, c]) => text.slice(0, at % (text.length + 1)) + c + text.slice((at % (text.length + 1)) + 1)
)

describe("the fast timestamp agrees with Proto3.parseTimestamp", () => {
  const agreeTimestamp = (text: string) => {
    const expected = Proto3.parseTimestamp(text)
    const got = Fast.timestamp(text)
    if (typeof expected === "string") {
      assert.isUndefined(got, `accepted ${JSON.stringify(text)}, which the reference refuses: ${expected}`)
    } else {
      assert.isDefined(got, `refused ${JSON.stringify(text)}`)
      assert.deepStrictEqual({ seconds: got?.seconds, nanos: got?.nanos }, expected)
    }
    return typeof expected !== "string"
  }

  it.prop("on generated timestamps and near misses", [timestampText], ([text]) => {
    agreeTimestamp(text)
  }, { fastCheck: { numRuns: 2000 } })

  it.prop("on timestamps with one character changed", [mutatedText], ([text]) => {
    agreeTimestamp(text)
  }, { fastCheck: { numRuns: 2000 } })

  it.prop("on any string", [FastCheck.string()], ([text]) => {
    agreeTimestamp(text)
  })

  it("on the edges of the range and of the calendar", () => {
    const accepted = [
      "0001-01-01T00:00:00Z",
      "9999-12-31T23:59:59.999999999Z",
      "2024-02-29T00:00:00Z",
      "2024-05-01T10:00:00.5+02:00",
      "2024-05-01t10:00:00.123456789z",
      "0001-01-01T00:59:00-00:59"
    ]
    const refused = [
      "0000-12-31T23:59:59Z",
      "0001-01-01T00:00:00+00:01",
      "9999-12-31T23:59:59-00:01",
      "2023-02-29T00:00:00Z",
      "2024-05-01T10:00:00.Z",
      "2024-05-01T10:00:00.1234567890Z",
      "2024-05-01T10:00:00",
      "2024-05-01T10:00:00+0200",
      "2024-05-01T10:00:00Zz",
      "2024-05-01T24:00:00Z"
    ]
    for (const text of accepted) assert.isTrue(agreeTimestamp(text), text)
    for (const text of refused) assert.isFalse(agreeTimestamp(text), text)
  })
})

