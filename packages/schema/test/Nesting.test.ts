import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Any from "../src/Any.js"
import * as Dataproc from "../src/Dataproc.js"
import * as Operation from "../src/Operation.js"
import * as Proto from "../src/Proto.js"
import { decodeError, decodeOrFail, issuePaths } from "./support.js"

/** `{ key: { key: ... leaf } }`, `levels` objects deep, built without recursion. */
const nested = (levels: number, key: string, leaf: unknown = 1): unknown => {
  let value: unknown = leaf
  for (let i = 0; i < levels; i++) value = { [key]: value }
  return value
}

/** The depth by the obvious recursive definition, for values small enough to recurse over. */
const depthOf = (u: unknown): number => {
  if (typeof u !== "object" || u === null) return 0
  const children = Array.isArray(u) ? u : Object.values(u)
  return 1 + children.reduce((max: number, child) => Math.max(max, depthOf(child)), 0)
}

describe("Proto.tooDeep", () => {
  it("accepts 100 levels and points at the 101st", () => {
    assert.strictEqual(Proto.maxNestingDepth, 100)
    assert.isUndefined(Proto.tooDeep(nested(100, "a")))
    const path = Proto.tooDeep(nested(101, "a"))
    assert.deepStrictEqual(path, Array.from({ length: 100 }, () => "a"))
    assert.isUndefined(Proto.tooDeep("text"))
    assert.isUndefined(Proto.tooDeep(null))
  })

  it("measures 100,000 levels of objects and arrays without overflowing the stack", () => {
    let array: unknown = []
    for (let i = 0; i < 100_000; i++) array = [0, array]
    assert.deepStrictEqual(Proto.tooDeep(array, 3), [1, 1, 1])
    assert.strictEqual(Proto.tooDeep(nested(100_000, "x"))?.length, 100)
  })

  it("names the path through arrays and objects", () => {
    const value = { ok: [1, 2], deep: [{ x: 1 }, { y: nested(3, "z") }] }
    assert.isUndefined(Proto.tooDeep(value, 6))
    assert.deepStrictEqual(Proto.tooDeep(value, 5), ["deep", 1, "y", "z", "z"])
  })

  it.prop("agrees with the recursive depth on any JSON value", [
    FastCheck.json({ maxDepth: 8 }).map((text): unknown => JSON.parse(text)),
    FastCheck.integer({ min: 1, max: 9 })
  ], ([json, limit]) => {
    const path = Proto.tooDeep(json, limit)
    assert.strictEqual(path === undefined, depthOf(json) <= limit)
    if (path !== undefined) {
      // the path leads to a container at depth limit + 1
      let at: unknown = json
      for (const key of path) at = (at as Record<string, unknown>)[key]
      assert.strictEqual(path.length, limit)
      assert.isTrue(typeof at === "object" && at !== null)
    }
  })
})

describe("decoding refuses what nests too deeply", () => {
  const name = "projects/p/regions/r/operations/1"

  it("an Any kept by reference (untyped metadata), with the path and a message that prints", () => {
    const error = decodeError(Operation.Operation, {
      name,
      metadata: { "@type": "type.googleapis.com/x.Y", a: nested(100_000, "a") }
    })
    const [path] = issuePaths(error)
    assert.isTrue(path!.startsWith("metadata.a.a.a"), path)
    assert.include(error.message, "nested more than 100 objects or arrays deep")
    assert.include(ParseResult.TreeFormatter.formatErrorSync(error), "nested more than 100")
    assert.isTrue(ParseResult.isParseError(error))
  })

  it("an unknown field of a typed message, and of the operation itself", () => {
    const metadata = {
      "@type": Dataproc.ClusterOperationMetadata.typeUrl,
      clusterName: "c",
      futureField: nested(1000, "b")
    }
    const typed = decodeError(Dataproc.DataprocOperation, { name, metadata })
    assert.isTrue(issuePaths(typed)[0]!.startsWith("metadata.futureField.b.b"), issuePaths(typed)[0])
    const top = decodeError(Operation.Operation, { name, extra: [nested(200, "c")] })
    assert.isTrue(issuePaths(top)[0]!.startsWith("extra.0.c.c"), issuePaths(top)[0])
  })

  it("Any.Any alone, and leaves values within the limit alone", () => {
    assert.include(decodeError(Any.Any, { "@type": "t", v: nested(150, "v") }).message, "nested more than 100")
    const fine = { "@type": "t", v: nested(90, "v") }
    assert.strictEqual(decodeOrFail(Any.Any, fine), fine)
    assert.strictEqual(decodeOrFail(Operation.Operation, { name, metadata: fine }).metadata, fine)
  })

  it("a stored snapshot decoded with Schema.decodeUnknown fails with a ParseError, not a defect", () => {
    const snapshot = JSON.parse(`{"name":"${name}","metadata":{"@type":"t","x":${"[".repeat(50_000)}${"]".repeat(50_000)}}}`)
    const result = Schema.decodeUnknownEither(Dataproc.DataprocOperation)(snapshot)
    assert.isTrue(result._tag === "Left")
  })
})
