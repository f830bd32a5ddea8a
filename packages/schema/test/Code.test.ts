import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Code from "../src/Code.js"

// google/rpc/code.proto: number, name and the HTTP mapping it documents.
const table: ReadonlyArray<readonly [number, Code.Name, number]> = [
  [0, "OK", 200],
  [1, "CANCELLED", 499],
  [2, "UNKNOWN", 500],
  [3, "INVALID_ARGUMENT", 400],
  [4, "DEADLINE_EXCEEDED", 504],
  [5, "NOT_FOUND", 404],
  [6, "ALREADY_EXISTS", 409],
  [7, "PERMISSION_DENIED", 403],
  [8, "RESOURCE_EXHAUSTED", 429],
  [9, "FAILED_PRECONDITION", 400],
  [10, "ABORTED", 409],
  [11, "OUT_OF_RANGE", 400],
  [12, "UNIMPLEMENTED", 501],
  [13, "INTERNAL", 500],
  [14, "UNAVAILABLE", 503],
  [15, "DATA_LOSS", 500],
  [16, "UNAUTHENTICATED", 401]
]

describe("Code", () => {
  it("holds the 17 canonical codes with code.proto's numbers, names and HTTP statuses", () => {
    assert.strictEqual(Code.names.length, 17)
    assert.strictEqual(Object.keys(Code.codes).length, 17)
    for (const [number, name, http] of table) {
      assert.strictEqual(Code.codes[name], number)
      assert.strictEqual(Code.names[number], name)
      assert.strictEqual(Code.name(number), name)
      assert.deepStrictEqual(Code.fromName(name), Option.some(number))
      assert.strictEqual(Code.httpStatuses[name], http)
      assert.strictEqual(Code.httpStatus(number), http)
      assert.isTrue(Code.isCode(number))
      assert.isTrue(Code.isName(name))
    }
  })

  it("names codes outside 0..16 CODE_<n> and maps them to HTTP 500", () => {
    assert.strictEqual(Code.name(17), "CODE_17")
    assert.strictEqual(Code.name(-1), "CODE_-1")
    assert.strictEqual(Code.httpStatus(42), 500)
    assert.isFalse(Code.isCode(17))
    assert.isFalse(Code.isCode(1.5))
    assert.isFalse(Code.isCode("1"))
  })

  it("refuses names that are not canonical, inherited keys included", () => {
    for (const name of ["ok", "NOT FOUND", "", "toString", "constructor", "__proto__", "CODE_17"]) {
      assert.isTrue(Option.isNone(Code.fromName(name)), name)
      assert.isFalse(Code.isName(name), name)
    }
  })

  it("reads an HTTP status as the code Google's REST mapping gives it", () => {
    const expected: ReadonlyArray<readonly [number, Code.Name]> = [
      [200, "OK"],
      [204, "OK"],
      [400, "INVALID_ARGUMENT"],
      [401, "UNAUTHENTICATED"],
      [403, "PERMISSION_DENIED"],
      [404, "NOT_FOUND"],
      [409, "ABORTED"],
      [412, "FAILED_PRECONDITION"],
      [416, "OUT_OF_RANGE"],
      [418, "FAILED_PRECONDITION"],
      [429, "RESOURCE_EXHAUSTED"],
      [499, "CANCELLED"],
      [500, "INTERNAL"],
      [501, "UNIMPLEMENTED"],
      [502, "UNAVAILABLE"],
      [503, "UNAVAILABLE"],
      [504, "DEADLINE_EXCEEDED"],
      [505, "UNKNOWN"],
      [302, "UNKNOWN"]
    ]
    for (const [status, name] of expected) {
      assert.strictEqual(Code.name(Code.fromHttpStatus(status)), name, `HTTP ${status}`)
    }
  })

  it.prop("fromHttpStatus returns a canonical code whose HTTP status is in the same class", [
    FastCheck.integer({ min: 100, max: 599 })
  ], ([status]) => {
    const code = Code.fromHttpStatus(status)
    assert.isTrue(Code.isCode(code))
    if (status >= 400 && status < 600) assert.strictEqual(Math.floor(Code.httpStatus(code) / 100), Math.floor(status / 100))
  })

  it("maps every code's HTTP status back to a code with that HTTP status", () => {
    for (const [number] of table) {
      const http = Code.httpStatus(number)
      assert.strictEqual(Code.httpStatus(Code.fromHttpStatus(http)), http, Code.name(number))
    }
  })

  it("has schemas for numbers and names", () => {
    assert.strictEqual(Schema.decodeUnknownSync(Code.Code)(14), 14)
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(Code.Code)(17)))
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(Code.Code)("14")))
    assert.strictEqual(Schema.decodeUnknownSync(Code.CodeName)("UNAVAILABLE"), "UNAVAILABLE")
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(Code.CodeName)("unavailable")))
  })
})
