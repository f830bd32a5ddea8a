import { assert, describe, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Any from "../src/Any.js"
import * as Proto from "../src/Proto.js"
import { decodeError, decodeOrFail, dropUndefined, encodeOrFail, issuePaths } from "./support.js"

const Widget = Any.message("acme.v1.Widget", {
  size: Proto.optional(Proto.Int32),
  madeAt: Proto.optional(Proto.Timestamp)
})
const Gadget = Any.message("acme.v1.Gadget", { name: Proto.optional(Schema.String) })
const Packed = Any.oneOf(Widget, Gadget)

describe("Any", () => {
  it("builds and reads type URLs", () => {
    assert.strictEqual(Any.typeUrl("google.rpc.ErrorInfo"), "type.googleapis.com/google.rpc.ErrorInfo")
    assert.strictEqual(Any.typeName({ "@type": "type.googleapis.com/google.rpc.ErrorInfo" }), "google.rpc.ErrorInfo")
    assert.strictEqual(Any.typeName({ "@type": "example.com/a/b/acme.Thing" }), "acme.Thing")
    assert.strictEqual(Any.typeName({ "@type": "acme.Thing" }), "acme.Thing")
    assert.strictEqual(Widget.typeUrl, "type.googleapis.com/acme.v1.Widget")
  })

  it("recognizes an Any: an object with a string @type", () => {
    assert.isTrue(Any.isAny({ "@type": "x" }))
    for (const u of [null, [], "x", {}, { "@type": 1 }, { type: "x" }]) assert.isFalse(Any.isAny(u), JSON.stringify(u))
  })

  it("keeps an Any as it came: the same object, nothing copied or dropped", () => {
    const input = { "@type": "type.googleapis.com/x.Y", z: 1, nested: { deep: [null] } }
    assert.strictEqual(decodeOrFail(Any.Any, input), input)
    assert.strictEqual(encodeOrFail(Any.Any, input), input)
    const error = decodeError(Any.Any, { z: 1 })
    assert.include(error.message, "Expected Any, actual {\"z\":1}")
  })

  describe("message schemas keep their type URL through .annotations()", () => {
    it("as an annotation and as the static typeUrl, and so are still dispatched on @type", () => {
      const Annotated = Widget.annotations({ description: "a widget", title: "Widget" })
      assert.isTrue(Any.isMessageSchema(Annotated))
      assert.strictEqual(Annotated.typeUrl, Widget.typeUrl)
      assert.deepStrictEqual(Any.typeUrlOf(Annotated), Option.some(Widget.typeUrl))
      assert.deepStrictEqual(Object.keys(Annotated.fields), Object.keys(Widget.fields))
      assert.isTrue(Option.isNone(Any.typeUrlOf(Schema.String)))
      // a plain schema that merely has a typeUrl property is not a message schema
      assert.isFalse(Any.isMessageSchema(Object.assign(Schema.make(Schema.String.ast), { typeUrl: "x" })))
      const decoded = decodeOrFail(Any.field(Annotated), { "@type": Widget.typeUrl, size: "3" })
      assert.isTrue(Any.is(Widget)(decoded))
      assert.strictEqual(Any.is(Widget)(decoded) ? decoded.size : undefined, 3)
      const packed = decodeOrFail(Any.oneOf(Annotated, Gadget.annotations({})), { "@type": Gadget.typeUrl, name: "g" })
      assert.isTrue(Any.is(Gadget)(packed))
      assert.include(issuePaths(decodeError(Any.field(Annotated), { "@type": Widget.typeUrl, size: "x" })), "size")
    })

    it("enums and messages keep their tables too", () => {
      const State = Proto.Enum("State", { A: 0, B: 1 }).annotations({ description: "s" })
      assert.deepStrictEqual(State.values, { A: 0, B: 1 })
      assert.strictEqual(decodeOrFail(State, 1), "B")
      const Plain = Proto.message("Plain", { a: Proto.optional(Schema.String) }).annotations({ title: "p" })
      assert.deepStrictEqual(Object.keys(Plain.fields), ["a"])
      assert.deepStrictEqual(decodeOrFail(Plain, { a: "x", extra: 1 }), JSON.parse("{\"extra\":1,\"a\":\"x\"}"))
    })
  })

  describe("oneOf", () => {
    it("decodes a known @type with its message schema", () => {
      const decoded = decodeOrFail(Packed, { "@type": Widget.typeUrl, size: "3", madeAt: "2024-05-01T10:00:00.5Z" })
      assert.isTrue(Any.is(Widget)(decoded))
      if (!Any.is(Widget)(decoded)) return
      assert.strictEqual(decoded.size, 3)
      assert.strictEqual(decoded.madeAt?.nanos, 500_000_000)
      assert.deepStrictEqual(encodeOrFail(Packed, decoded), {
        "@type": Widget.typeUrl,
        size: 3,
        madeAt: "2024-05-01T10:00:00.500Z"
      })
      assert.isTrue(Option.isSome(Any.get(decoded, Widget)))
      assert.isTrue(Option.isNone(Any.get(decoded, Gadget)))
    })

    it("keeps an Any of an unknown @type exactly as it came", () => {
      const input = { "@type": "type.googleapis.com/other.v1.Thing", size: "not a number", list: [1, { a: null }] }
      const decoded = decodeOrFail(Packed, input)
      assert.strictEqual(decoded, input)
      assert.isFalse(Any.is(Widget)(decoded))
      assert.deepStrictEqual(encodeOrFail(Packed, decoded), input)
    })

    it("dispatches on the whole type URL, not the message name alone", () => {
      const input = { "@type": "example.com/acme.v1.Widget", size: "x" }
      assert.strictEqual(decodeOrFail(Packed, input), input)
    })

    it("fails a known @type with a bad field, naming the field", () => {
      const error = decodeError(Packed, { "@type": Widget.typeUrl, size: 1.5 })
      assert.include(error.message, "acme.v1.Widget")
      assert.include(error.message, "[\"size\"]")
      assert.isTrue(issuePaths(error).some((p) => p === "size"), issuePaths(error).join(", "))
      const nested = decodeError(Packed, { "@type": Widget.typeUrl, madeAt: "noon" })
      assert.include(nested.message, "[\"madeAt\"]")
      assert.include(nested.message, "got \"noon\"")
    })

    it("keeps unknown fields of a known message", () => {
      const input = { "@type": Gadget.typeUrl, name: "g", color: "red" }
      const decoded = decodeOrFail(Packed, input)
      assert.deepStrictEqual(decoded, input)
      assert.deepStrictEqual(encodeOrFail(Packed, decoded), input)
    })

    it.prop("decode after encode gives back what its arbitrary makes", [Arbitrary.make(Packed)], ([value]) => {
      const json = JSON.parse(JSON.stringify(encodeOrFail(Packed, value)))
      assert.deepStrictEqual(decodeOrFail(Packed, json), dropUndefined(value))
      assert.deepStrictEqual(encodeOrFail(Packed, decodeOrFail(Packed, json)), json)
    })
  })

  describe("field", () => {
    it("dispatches message schemas and lists of them, and uses other schemas as they are", () => {
      const one = Any.field(Widget)
      const many = Any.field([Widget, Gadget])
      const unknown = Any.field(Schema.Unknown)
      assert.strictEqual(decodeOrFail(one, { "@type": Widget.typeUrl, size: "2" }).size, 2)
      assert.deepStrictEqual(Any.get(decodeOrFail(many, { "@type": Gadget.typeUrl, name: "n" }), Gadget).pipe(
        Option.map((gadget) => gadget.name)
      ), Option.some("n"))
      assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(many)({ "@type": Gadget.typeUrl, name: 1 })))
      assert.strictEqual(decodeOrFail(unknown, 42), 42)
      assert.isTrue(Any.isMessageSchema(Widget))
      assert.isFalse(Any.isMessageSchema(Schema.Unknown))
    })
  })

  it.prop("the Any arbitrary makes Anys that decode to themselves", [Arbitrary.make(Any.Any)], ([any]) => {
    assert.isTrue(Any.isAny(any))
    assert.strictEqual(decodeOrFail(Any.Any, any), any)
  })

  it("is exercised with FastCheck too", () => {
    FastCheck.assert(FastCheck.property(FastCheck.string(), (url) => {
      const any = { "@type": url }
      return decodeOrFail(Packed, any) === any || url === Widget.typeUrl || url === Gadget.typeUrl
    }))
  })
})
