import { assert, describe, it } from "@effect/vitest"
import * as Answer from "@longrunning/schema/Answer"
import * as Dataproc from "@longrunning/schema/Dataproc"
import * as Operation from "@longrunning/schema/Operation"
import * as OperationName from "@longrunning/schema/OperationName"
import * as Proto from "@longrunning/schema/Proto"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as fs from "node:fs"
import * as path from "node:path"
import { answering } from "./fake.js"

// The typed get: `OperationsClient.get(name, schema)` decodes with the schema's straight-line decoder
// (`Operation.fastDecoder`) and goes to the schema only when that cannot tell. These tests hold it to what
// the schema itself answers, and show that a typical body never reaches the schema.

const asked = "projects/my-project/regions/us-central1/operations/op-1"

const renderPath = (keys: ReadonlyArray<PropertyKey>): string =>
  "$" + keys.map((key) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`)).join("")

/**
 * What the client promises, from the public pieces: the nesting limit, the answer rules, the schema's own
 * decode (its first issue's path on refusal) and the name check.
 */
const expected = <M, R, I>(
  schema: Schema.Schema<Operation.Operation<M, R>, I>,
  json: unknown
): Either.Either<Operation.Operation<M, R>, string> => {
  const deep = Proto.tooDeep(json)
  if (deep !== undefined) return Either.left(renderPath(deep))
  const answer = Answer.normalize(json, asked)
  if (Either.isLeft(answer)) return Either.left("$")
  const decoded = Schema.decodeUnknownEither(schema, { errors: "first" })(answer.right)
  if (Either.isLeft(decoded)) {
    const [issue] = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)
    return Either.left(issue === undefined ? "$" : renderPath(issue.path))
  }
  return OperationName.sameOperation(asked, decoded.right.name) ? Either.right(decoded.right) : Either.left("$.name")
}

/** The typed get of `json`: the same value as the schema, key order included, or both refuse at the same path. */
const agrees = <M, R, I>(schema: Schema.Schema<Operation.Operation<M, R>, I>, json: unknown) =>
  Effect.gen(function*() {
    const got = yield* Effect.either(answering(json).get(asked, schema))
    const want = expected(schema, json)
    if (Either.isRight(want)) {
      assert.isTrue(Either.isRight(got), `the client refused what the schema decodes: ${Either.isLeft(got) ? got.left.message : ""}`)
      if (Either.isRight(got)) {
        assert.deepStrictEqual(got.right, want.right)
        assert.deepStrictEqual(Object.keys(got.right), Object.keys(want.right))
        const metadata = (op: Operation.Operation<M, R>) => (Predicate.isObject(op.metadata) ? Object.keys(op.metadata) : [])
        assert.deepStrictEqual(metadata(got.right), metadata(want.right))
      }
    } else {
      assert.isTrue(Either.isLeft(got), `the client decoded what the schema refuses at ${want.left}`)
      if (Either.isLeft(got)) {
        assert.strictEqual(got.left._tag, "MalformedResponse")
        assert.strictEqual(got.left._tag === "MalformedResponse" ? got.left.path : undefined, want.left)
      }
    }
  })

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

const isJson = (u: unknown): u is Json => u === null || ["boolean", "number", "string", "object"].includes(typeof u)

// Plain assignment of a "__proto__" key would set the copy's prototype instead of copying the field.
const setOwn = (target: Record<string, unknown>, key: string, value: unknown): void => {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

const paths = (json: Json, prefix: ReadonlyArray<string | number> = []): ReadonlyArray<ReadonlyArray<string | number>> => {
  if (Array.isArray(json)) return json.flatMap((item: Json, i: number) => [[...prefix, i], ...paths(item, [...prefix, i])])
  if (typeof json === "object" && json !== null) {
    return Object.entries(json).flatMap(([key, value]) => [[...prefix, key], ...paths(value, [...prefix, key])])
  }
  return []
}

const setAt = (json: Json, at: ReadonlyArray<string | number>, value: Json): Json => {
  const [head, ...rest] = at
  if (head === undefined) return value
  if (Array.isArray(json)) return json.map((item: Json, i: number) => (i === head ? setAt(item, rest, value) : item))
  if (typeof json === "object" && json !== null) {
    const out: Record<string, Json> = {}
    for (const [key, v] of Object.entries(json)) setOwn(out, key, key === head ? setAt(v, rest, value) : v)
    return out
  }
  return json
}

/** The JSON of an operation of `schema`, as a server would send it, under the name asked for. */
const generated = <M, R, I>(schema: Schema.Schema<Operation.Operation<M, R>, I>) =>
  Arbitrary.make(schema).map((op): unknown => JSON.parse(JSON.stringify({ ...Schema.encodeSync(schema)(op), name: asked })))

const hostileValues: ReadonlyArray<Json> = [
  null, true, 0, -1, 1.5, 2 ** 53, 1e20, "", "x", "RUNNING", "9223372036854775808", "2024-02-30T00:00:00Z",
  "2024-05-01T10:00:00.123456789Z", "1.5s", "-1s", [], [null], {}, { "@type": "type.googleapis.com/x.Y" },
  { "__proto__": { polluted: true } }
]

const repositoryRoot = path.resolve(__dirname, "../../..")
const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, "utf8"))

// The recorded payloads (HTTP error envelopes aside) and the schema package's operation fixtures.
const corpus: ReadonlyArray<readonly [string, unknown]> = [
  ...fs.readdirSync(path.join(repositoryRoot, "fixtures/corpus/payloads")).filter((file) => file.endsWith(".json"))
    .sort().map((file) => [file, readJson(path.join(repositoryRoot, "fixtures/corpus/payloads", file))] as const)
    .filter(([, json]) => Predicate.isObject(json) && !Predicate.hasProperty(json, "error")),
  ...["operation-unknown-fields.json", "operation-failed-unknown-fields.json"].map((file) =>
    [file, readJson(path.join(repositoryRoot, "packages/schema/test/fixtures", file))] as const
  )
]

const underAsked = (json: unknown): unknown => (Predicate.isObject(json) ? { ...json, name: asked } : json)

describe("the typed get decodes exactly as the schema does", () => {
  const subjects = [
    ["Dataproc.Operations.clustersCreate", Dataproc.Operations.clustersCreate],
    ["Dataproc.DataprocOperation", Dataproc.DataprocOperation],
    ["Operation.Operation (the untyped get's)", Operation.Operation]
  ] as const

  for (const [label, schema] of subjects) {
    describe(label, () => {
      it.effect.prop("on generated operations", [generated(schema)], ([json]) => agrees(schema, json), {
        fastCheck: { numRuns: 100 }
      })

      it.effect.prop(
        "on generated operations with one value made hostile",
        [generated(schema), FastCheck.nat(), FastCheck.constantFrom(...hostileValues)],
        ([json, pick, value]) => {
          if (!isJson(json)) return Effect.void
          const all = paths(json)
          return agrees(schema, all.length === 0 ? value : setAt(json, all[pick % all.length]!, value))
        },
        { fastCheck: { numRuns: 300 } }
      )
    })
  }

  it.effect("on every corpus payload and fixture, under the name asked for, with every Dataproc operation schema", () =>
    Effect.gen(function*() {
      assert.isAbove(corpus.length, 4)
      for (const schema of [Dataproc.DataprocOperation, ...Object.values(Dataproc.Operations)]) {
        for (const [, json] of corpus) yield* agrees(schema, underAsked(json))
      }
    }))
})

describe("a typical typed body takes the straight-line decoder, and only it", () => {
  const typical = () =>
    underAsked(readJson(path.join(repositoryRoot, "packages/schema/test/fixtures/operation-unknown-fields.json")))

  it.effect("the value is the straight-line decoder's, and the schemas made by Operation.schema all have one", () =>
    Effect.gen(function*() {
      const schema = Dataproc.Operations.clustersCreate
      const fast = Option.getOrThrow(Operation.fastDecoder(schema))
      const op = yield* answering(typical()).get(asked, schema)
      assert.deepStrictEqual(op, fast(typical()))
      for (const each of [Dataproc.DataprocOperation, ...Object.values(Dataproc.Operations)]) {
        assert.isTrue(Option.isSome(Operation.fastDecoder(each)))
      }
    }))

  it.effect("the body is read by one nesting check and the decoder: nothing walks it a second time", () =>
    Effect.gen(function*() {
      // An unknown field is kept by reference: only a walk over the whole body (the nesting check) reads
      // inside it. The client checks once; the schema's decode would check again.
      let reads = 0
      const probe = {
        get inside() {
          reads++
          return 1
        }
      }
      const op = yield* answering({ ...(typical() as object), probe }).get(asked, Dataproc.Operations.clustersCreate)
      assert.strictEqual(op._tag, "Running")
      assert.strictEqual(reads, 1)
      reads = 0
      const untyped = yield* answering({ ...(typical() as object), probe }).get(asked)
      assert.strictEqual(untyped._tag, "Running")
      assert.strictEqual(reads, 1, "the untyped get takes Operation.Operation's straight-line decoder too")
      reads = 0
      Schema.decodeUnknownSync(Dataproc.Operations.clustersCreate)({ ...(typical() as object), probe })
      assert.strictEqual(reads, 1, "the schema's decode checks the nesting once itself")
    }))
})

describe("hostile answers to the typed get", () => {
  const schema = Dataproc.Operations.clustersCreate
  const metadata = { "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata", clusterName: "c" }

  it.effect("nested deeper than 100 levels, from any transport: a MalformedResponse naming the path, typed or not", () =>
    Effect.gen(function*() {
      let deep: unknown = 1
      for (let i = 0; i < 150; i++) deep = { x: deep }
      const json = { name: asked, metadata: { ...metadata, future: deep } }
      for (const get of [answering(json).get(asked, schema), answering(json).get(asked)]) {
        const error = yield* Effect.flip(get)
        assert.strictEqual(error._tag, "MalformedResponse")
        assert.match(error._tag === "MalformedResponse" ? error.path : "", /^\$\.metadata\.future(\.x)+$/)
        assert.include(error.message, "nests deeper than 100 levels")
      }
      assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(schema)(json)))
      // at the limit it decodes
      let shallow: unknown = 1
      for (let i = 0; i < 90; i++) shallow = { x: shallow }
      const op = yield* answering({ name: asked, metadata: { ...metadata, future: shallow } }).get(asked, schema)
      assert.strictEqual(op.name, asked)
    }))

  it.effect("__proto__ keys are read as the schema reads them, never as a prototype", () =>
    Effect.gen(function*() {
      const json = JSON.parse(
        `{"name":"${asked}","__proto__":{"polluted":true},"metadata":{"@type":"${metadata["@type"]}","__proto__":{"polluted":true},"labels":{"__proto__":"x"}}}`
      )
      yield* agrees(schema, json)
      const op = yield* answering(json).get(asked, schema)
      assert.strictEqual(Object.getPrototypeOf(op), Object.prototype)
      assert.strictEqual(Object.getPrototypeOf(op.metadata), Object.prototype)
      // a map's key is a key like any other
      assert.isTrue(Object.hasOwn(op.metadata?.labels ?? {}, "__proto__"))
      assert.isUndefined(Reflect.get({}, "polluted"))
    }))

  it.effect("another operation's answer is refused at $.name; a project number for the id is the same one", () =>
    Effect.gen(function*() {
      const other = yield* Effect.flip(answering({ name: asked.replace("op-1", "op-2"), metadata }).get(asked, schema))
      assert.strictEqual(other._tag === "MalformedResponse" && other.path, "$.name")
      const byNumber = yield* answering({ name: asked.replace("my-project", "123456789012"), metadata }).get(asked, schema)
      assert.strictEqual(byNumber._tag, "Running")
    }))

  it.effect("the answer rules apply: a nameless answer is the one asked for, a response without done is done, a foreign operation fails", () =>
    Effect.gen(function*() {
      const nameless = yield* answering({ metadata }).get(asked, schema)
      assert.strictEqual(nameless.name, asked)
      const response = { "@type": "type.googleapis.com/google.cloud.dataproc.v1.Cluster", clusterName: "c" }
      const done = yield* answering({ name: asked, metadata, response }).get(asked, schema)
      assert.strictEqual(done._tag, "Succeeded")
      const foreign = yield* Effect.flip(
        answering({ name: asked, kind: "compute#operation", status: "RUNNING", progress: 0, selfLink: "x" }).get(asked, schema)
      )
      assert.strictEqual(foreign._tag === "MalformedResponse" && foreign.path, "$")
      assert.include(foreign.message, "Compute Engine")
    }))
})
