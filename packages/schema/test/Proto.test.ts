import { assert, describe, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as Proto from "../src/Proto.js"
import { decodeError, decodeOrFail, encodeOrFail } from "./support.js"

const isLeft = <A, I>(schema: Schema.Schema<A, I>, input: unknown): boolean =>
  Either.isLeft(Schema.decodeUnknownEither(schema)(input))

describe("Proto", () => {
  describe("Int32", () => {
    it("accepts numbers and decimal strings, and encodes numbers", () => {
      assert.strictEqual(decodeOrFail(Proto.Int32, 7), 7)
      assert.strictEqual(decodeOrFail(Proto.Int32, "7"), 7)
      assert.strictEqual(decodeOrFail(Proto.Int32, "-2147483648"), -2147483648)
      assert.strictEqual(decodeOrFail(Proto.Int32, 2147483647), 2147483647)
      assert.strictEqual(encodeOrFail(Proto.Int32, 7), 7)
    })

    it("refuses fractions, exponents, leading zeros and values outside 32 bits", () => {
      for (const input of [1.5, "1.5", "1e3", "07", " 7", "", 2147483648, "2147483648", -2147483649, true, null]) {
        assert.isTrue(isLeft(Proto.Int32, input), JSON.stringify(input))
      }
      assert.include(decodeError(Proto.Int32, "1e3").message, "expected an int32, got \"1e3\"")
    })
  })

  describe("Int64", () => {
    it("keeps every digit of int64 strings, which numbers cannot hold", () => {
      assert.strictEqual(decodeOrFail(Proto.Int64, "9007199254740993"), 9007199254740993n)
      assert.strictEqual(decodeOrFail(Proto.Int64, "-9223372036854775808"), -9223372036854775808n)
      assert.strictEqual(decodeOrFail(Proto.Int64, 42), 42n)
      assert.strictEqual(encodeOrFail(Proto.Int64, 9007199254740993n), "9007199254740993")
    })

    it("refuses what is not a decimal integer", () => {
      for (const input of ["1.5", 1.5, "abc", "", "0x10", "1e3", null, {}]) {
        assert.isTrue(isLeft(Proto.Int64, input), JSON.stringify(input))
      }
    })

    it.prop("round trips any int64 as a string", [
      FastCheck.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
    ], ([n]) => {
      const text = encodeOrFail(Proto.Int64, n)
      assert.strictEqual(text, n.toString())
      assert.strictEqual(decodeOrFail(Proto.Int64, text), n)
    })
  })

  describe("Int64 and UInt64 ranges", () => {
    it("refuse values past the bound, as strings or as numbers, naming the bound", () => {
      for (const input of ["123456789012345678901234567890", 1e20, "9223372036854775808", "-9223372036854775809"]) {
        assert.include(decodeError(Proto.Int64, input).message, "between -9223372036854775808 and 9223372036854775807")
      }
      for (const input of ["18446744073709551616", 1e20, "-1", -1]) {
        assert.include(decodeError(Proto.UInt64, input).message, "between 0 and 18446744073709551615")
      }
      assert.strictEqual(decodeOrFail(Proto.UInt64, "18446744073709551615"), 2n ** 64n - 1n)
      assert.strictEqual(decodeOrFail(Proto.Int64, 1e18), 10n ** 18n)
    })

    it.prop("Int64 accepts exactly -2^63..2^63-1 and UInt64 exactly 0..2^64-1, written as strings", [
      FastCheck.oneof(
        FastCheck.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
        FastCheck.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, 2n ** 63n, -(2n ** 63n) - 1n, 2n ** 64n - 1n, 2n ** 64n, -1n, 0n)
      )
    ], ([n]) => {
      const inInt64 = n >= -(2n ** 63n) && n <= 2n ** 63n - 1n
      const inUInt64 = n >= 0n && n <= 2n ** 64n - 1n
      assert.strictEqual(!isLeft(Proto.Int64, n.toString()), inInt64)
      assert.strictEqual(!isLeft(Proto.UInt64, n.toString()), inUInt64)
      if (inInt64) assert.strictEqual(decodeOrFail(Proto.Int64, n.toString()), n)
      if (inUInt64) assert.strictEqual(encodeOrFail(Proto.UInt64, n), n.toString())
    })

    it.prop("numbers are read as the integers they are, then range checked", [
      FastCheck.double({ noNaN: true, noDefaultInfinity: true, min: -1e25, max: 1e25 }).filter(Number.isInteger)
    ], ([x]) => {
      const n = BigInt(x)
      assert.strictEqual(!isLeft(Proto.Int64, x), n >= -(2n ** 63n) && n <= 2n ** 63n - 1n)
      assert.strictEqual(!isLeft(Proto.UInt64, x), n >= 0n && n <= 2n ** 64n - 1n)
    })
  })

  describe("Timestamp", () => {
    it("keeps nanoseconds and offers a DateTime view", () => {
      const t = decodeOrFail(Proto.Timestamp, "2024-05-01T10:00:00.123456789Z")
      assert.strictEqual(t.seconds, Date.UTC(2024, 4, 1, 10) / 1000)
      assert.strictEqual(t.nanos, 123456789)
      assert.strictEqual(t.epochNanos, BigInt(Date.UTC(2024, 4, 1, 10)) * 1_000_000n + 123456789n)
      assert.strictEqual(t.epochMillis, Date.UTC(2024, 4, 1, 10) + 123)
      assert.isTrue(DateTime.isDateTime(t.dateTime))
      assert.strictEqual(DateTime.formatIso(t.dateTime), "2024-05-01T10:00:00.123Z")
      assert.strictEqual(encodeOrFail(Proto.Timestamp, t), "2024-05-01T10:00:00.123456789Z")
      assert.strictEqual(t.toJSON(), "2024-05-01T10:00:00.123456789Z")
    })

    it("re-encodes canonically: UTC, with 0, 3, 6 or 9 fraction digits", () => {
      const cases: ReadonlyArray<readonly [string, string]> = [
        ["2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z"],
        ["2024-05-01T10:00:00.000Z", "2024-05-01T10:00:00Z"],
        ["2024-05-01T10:00:00.1Z", "2024-05-01T10:00:00.100Z"],
        ["2024-05-01T10:00:00.12Z", "2024-05-01T10:00:00.120Z"],
        ["2024-05-01T10:00:00.1234Z", "2024-05-01T10:00:00.123400Z"],
        ["2024-05-01T10:00:00.000001Z", "2024-05-01T10:00:00.000001Z"],
        ["2024-05-01T10:00:00.0000001Z", "2024-05-01T10:00:00.000000100Z"],
        ["2024-05-01T12:30:00.5+02:30", "2024-05-01T10:00:00.500Z"],
        ["2024-05-01T00:00:00-05:00", "2024-05-01T05:00:00Z"],
        ["2024-05-01t10:00:00z", "2024-05-01T10:00:00Z"],
        ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"],
        ["9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59.999999999Z"],
        ["1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.500Z"]
      ]
      for (const [input, canonical] of cases) {
        assert.strictEqual(encodeOrFail(Proto.Timestamp, decodeOrFail(Proto.Timestamp, input)), canonical, input)
      }
    })

    it("refuses impossible dates, times and offsets, naming the problem", () => {
      const cases: ReadonlyArray<readonly [string, string]> = [
        ["2024-02-30T00:00:00Z", "out of range"],
        ["2023-02-29T00:00:00Z", "out of range"],
        ["2024-05-01T24:00:00Z", "out of range"],
        ["2024-05-01T10:60:00Z", "out of range"],
        ["2024-05-01T10:00:60Z", "out of range"],
        ["2024-05-01T10:00:00+24:00", "offset is out of range"],
        ["2024-05-01T10:00:00", "RFC 3339"],
        ["2024-05-01 10:00:00Z", "RFC 3339"],
        ["2024-05-01T10:00:00.1234567891Z", "RFC 3339"],
        ["0001-01-01T00:00:00+00:01", "outside 0001-01-01 to 9999-12-31"],
        ["yesterday", "RFC 3339"]
      ]
      for (const [input, message] of cases) assert.include(decodeError(Proto.Timestamp, input).message, message, input)
      assert.isTrue(isLeft(Proto.Timestamp, 1714557600))
    })

    it.prop("decodes any offset to the instant Date reads", [
      FastCheck.date({ min: new Date("1000-01-01T00:00:00Z"), max: new Date("9000-12-31T00:00:00Z"), noInvalidDate: true }),
      FastCheck.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 })
    ], ([date, offsetMinutes]) => {
      const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 23)
      const abs = Math.abs(offsetMinutes)
      const offset = `${offsetMinutes < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${
        String(abs % 60).padStart(2, "0")
      }`
      const t = decodeOrFail(Proto.Timestamp, local + offset)
      assert.strictEqual(t.epochMillis, date.getTime())
      assert.strictEqual(decodeOrFail(Proto.Timestamp, encodeOrFail(Proto.Timestamp, t)).epochNanos, t.epochNanos)
    })

    it.prop("round trips every TimestampValue exactly", [Arbitrary.make(Proto.TimestampValue)], ([t]) => {
      const text = encodeOrFail(Proto.Timestamp, t)
      assert.match(text, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6}|\.\d{9})?Z$/)
      assert.deepStrictEqual(decodeOrFail(Proto.Timestamp, text), t)
    })

    it("makes timestamps from milliseconds", () => {
      assert.strictEqual(Proto.timestampFromMillis(Date.UTC(2024, 0, 1)).toJSON(), "2024-01-01T00:00:00Z")
      assert.strictEqual(Proto.timestampFromMillis(-1).toJSON(), "1969-12-31T23:59:59.999Z")
    })
  })

  describe("Duration", () => {
    it("decodes proto3 durations to Effect Durations with nanosecond precision", () => {
      const d = decodeOrFail(Proto.Duration, "2.463586755s")
      assert.isTrue(Duration.isDuration(d))
      assert.deepStrictEqual(Duration.toNanos(d), Duration.toNanos(Duration.nanos(2_463_586_755n)))
      assert.isTrue(Duration.equals(decodeOrFail(Proto.Duration, "30s"), Duration.seconds(30)))
      assert.isTrue(Duration.equals(decodeOrFail(Proto.Duration, "0.5s"), Duration.millis(500)))
      assert.isTrue(Duration.equals(decodeOrFail(Proto.Duration, "-0s"), Duration.zero))
      assert.isTrue(Duration.equals(decodeOrFail(Proto.Duration, "315576000000s"), Duration.seconds(315576000000)))
    })

    it("encodes with 0, 3, 6 or 9 fraction digits", () => {
      assert.strictEqual(encodeOrFail(Proto.Duration, Duration.seconds(3)), "3s")
      assert.strictEqual(encodeOrFail(Proto.Duration, Duration.millis(1500)), "1.500s")
      assert.strictEqual(encodeOrFail(Proto.Duration, Duration.micros(1_000_001n)), "1.000001s")
      assert.strictEqual(encodeOrFail(Proto.Duration, Duration.nanos(2_463_586_755n)), "2.463586755s")
      assert.strictEqual(encodeOrFail(Proto.Duration, Duration.zero), "0s")
    })

    it("refuses negative, malformed and out-of-range durations", () => {
      for (const input of ["-1s", "-0.5s", "1", "1m", "1.s", ".5s", "1.0000000001s", "315576000001s", "1e3s", 1.5]) {
        assert.isTrue(isLeft(Proto.Duration, input), JSON.stringify(input))
      }
      assert.include(decodeError(Proto.Duration, "1m").message, "expected a duration such as \"1.5s\"")
      assert.isTrue(Either.isLeft(Schema.encodeEither(Proto.Duration)(Duration.infinity)))
      assert.isTrue(Either.isLeft(Schema.encodeEither(Proto.Duration)(Duration.seconds(315576000001))))
    })

    it.prop("round trips every Duration its arbitrary makes", [Arbitrary.make(Proto.Duration)], ([d]) => {
      const text = encodeOrFail(Proto.Duration, d)
      assert.isTrue(Duration.equals(decodeOrFail(Proto.Duration, text), d))
      assert.strictEqual(encodeOrFail(Proto.Duration, decodeOrFail(Proto.Duration, text)), text)
    })
  })

  describe("Enum", () => {
    const State = Proto.Enum("State", { STATE_UNSPECIFIED: 0, PENDING: 1, RUNNING: 2, SETUP_DONE: 8 })

    it("decodes names and numbers to names, and keeps values it does not know", () => {
      assert.strictEqual(decodeOrFail(State, "RUNNING"), "RUNNING")
      assert.strictEqual(decodeOrFail(State, 2), "RUNNING")
      assert.strictEqual(decodeOrFail(State, 8), "SETUP_DONE")
      assert.strictEqual(decodeOrFail(State, "FROM_THE_FUTURE"), "FROM_THE_FUTURE")
      assert.strictEqual(decodeOrFail(State, 99), 99)
      assert.deepStrictEqual(State.values, { STATE_UNSPECIFIED: 0, PENDING: 1, RUNNING: 2, SETUP_DONE: 8 })
    })

    it("encodes names, the canonical form, even for a known number", () => {
      assert.strictEqual(encodeOrFail(State, "PENDING"), "PENDING")
      assert.strictEqual(encodeOrFail(State, 1), "PENDING")
      assert.strictEqual(encodeOrFail(State, 99), 99)
      assert.strictEqual(encodeOrFail(State, "FROM_THE_FUTURE"), "FROM_THE_FUTURE")
    })

    it("refuses what is neither a string nor an integer", () => {
      for (const input of [1.5, true, {}, []]) assert.isTrue(isLeft(State, input), JSON.stringify(input))
    })

    it.prop("decode after encode is the identity on decoded values", [Arbitrary.make(State)], ([value]) => {
      assert.deepStrictEqual(decodeOrFail(State, encodeOrFail(State, value)), value)
    })
  })

  describe("StringMap", () => {
    it("keeps every key, __proto__ included, and names a key whose value is not a string", () => {
      const input = JSON.parse(`{"team": "data", "__proto__": "x", "constructor": "y"}`)
      const decoded = decodeOrFail(Proto.StringMap, input)
      assert.deepStrictEqual(Object.keys(decoded), ["team", "__proto__", "constructor"])
      assert.strictEqual(Object.getPrototypeOf(decoded), Object.prototype)
      assert.strictEqual(JSON.stringify(encodeOrFail(Proto.StringMap, decoded)), JSON.stringify(input))
      assert.include(decodeError(Proto.StringMap, { team: "data", size: 3 }).message, "[\"size\"]")
      for (const input of [null, [], "x"]) assert.isTrue(isLeft(Proto.StringMap, input), JSON.stringify(input))
    })
  })

  describe("fields and messages", () => {
    const Example = Proto.message("acme.v1.Example", {
      displayName: Proto.optional(Schema.String),
      retryCount: Proto.withDefault(Proto.Int32, () => 0),
      tags: Proto.optional(Schema.Array(Schema.String))
    })

    it("reads null as absent and materializes defaults, which encoding leaves out", () => {
      assert.deepStrictEqual(decodeOrFail(Example, { displayName: null, retryCount: null }), { retryCount: 0 })
      assert.deepStrictEqual(decodeOrFail(Example, {}), { retryCount: 0 })
      assert.deepStrictEqual(encodeOrFail(Example, { retryCount: 0 }), {})
      assert.deepStrictEqual(encodeOrFail(Example, { retryCount: 3 }), { retryCount: 3 })
    })

    it("accepts snake_case names and writes lowerCamel ones", () => {
      const decoded = decodeOrFail(Example, { display_name: "x", retry_count: "2" })
      assert.deepStrictEqual(decoded, { displayName: "x", retryCount: 2 })
      assert.deepStrictEqual(encodeOrFail(Example, decoded), { displayName: "x", retryCount: 2 })
    })

    it("prefers the lowerCamel name when both spellings are present, keeping the other as unknown", () => {
      const decoded = decodeOrFail(Example, { displayName: "camel", display_name: "snake" })
      assert.deepStrictEqual(Object.keys(decoded).sort(), ["displayName", "display_name", "retryCount"])
      assert.strictEqual(decoded.displayName, "camel")
      assert.propertyVal(decoded, "display_name", "snake")
    })

    it("keeps fields it does not know through decode and encode", () => {
      const input = { displayName: "x", retryCount: 1, future: { a: [1, null, "b"] }, also_future: true }
      const decoded = decodeOrFail(Example, input)
      assert.deepStrictEqual(decoded, input)
      assert.deepStrictEqual(encodeOrFail(Example, decoded), input)
    })

    it("names the field that does not decode", () => {
      const error = decodeError(Example, { tags: ["a", 2] })
      assert.include(error.message, "[\"tags\"]")
      assert.include(error.message, "[1]")
    })

    it("refuses what is not a JSON object", () => {
      for (const input of [null, [], "x", 1]) assert.isTrue(isLeft(Example, input), JSON.stringify(input))
      assert.isTrue(Schema.is(Proto.JsonObject)({ a: 1 }))
      assert.isFalse(Schema.is(Proto.JsonObject)([1]))
    })
  })
})
