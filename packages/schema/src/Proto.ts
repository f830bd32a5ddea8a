/**
 * proto3 JSON building blocks: timestamps, durations, enums, integers and messages, decoded the way
 * Google's JSON printers and parsers agree on.
 *
 * @since 0.1.0
 */
import * as DateTime from "effect/DateTime"
import type * as Effect from "effect/Effect"
import * as Duration_ from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import * as Nesting from "./internal/nesting.js"
import * as Proto3 from "./internal/proto3.js"

// -----------------------------------------------------------------------------
// integers
// -----------------------------------------------------------------------------

const decimalInteger = Proto3.decimalInteger

/**
 * A proto3 `int32`: a JSON number, or a decimal string as proto3 parsers also accept.
 *
 * @example
 * ```ts
 * import { Proto } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * Schema.decodeUnknownSync(Proto.Int32)("7") // 7
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Int32: Schema.Schema<number, number | string> = Schema.transformOrFail(
  Schema.Union(Schema.Number, Schema.String),
  Schema.Int.pipe(Schema.between(-2147483648, 2147483647)),
  {
    strict: true,
    decode: (input, _, ast) => {
      if (typeof input === "number") return ParseResult.succeed(input)
      return decimalInteger.test(input)
        ? ParseResult.succeed(Number(input))
        : ParseResult.fail(new ParseResult.Type(ast, input, `expected an int32, got ${JSON.stringify(input)}`))
    },
    encode: ParseResult.succeed
  }
).annotations({ identifier: "Int32" })

const int64Min = Proto3.int64Min
const int64Max = Proto3.int64Max
const uint64Max = Proto3.uint64Max

const int64Codec = (name: string, min: bigint, max: bigint) =>
  Schema.transformOrFail(
    Schema.Union(Schema.String, Schema.Number),
    Schema.BigIntFromSelf.pipe(Schema.betweenBigInt(min, max)),
    {
      strict: true,
      decode: (input, _, ast) => {
        const n = Proto3.parseInt64(input, name, min, max)
        return typeof n === "string" ? ParseResult.fail(new ParseResult.Type(ast, input, n)) : ParseResult.succeed(n)
      },
      encode: (n) => ParseResult.succeed(n.toString())
    }
  ).annotations({ identifier: name === "int64" ? "Int64" : "UInt64" })

/**
 * A proto3 `int64`: a decimal string on the wire (numbers are accepted), a `bigint` in code. Values
 * outside -2^63 to 2^63-1 are refused, whether written as strings or as numbers such as `1e20`.
 *
 * @example
 * ```ts
 * import { Proto } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * Schema.decodeUnknownSync(Proto.Int64)("9007199254740993") // 9007199254740993n
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Int64: Schema.Schema<bigint, string | number> = int64Codec("int64", int64Min, int64Max)

/**
 * A proto3 `uint64`: like {@link Int64}, within 0 to 2^64-1.
 *
 * @example
 * ```ts
 * import { Proto } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * Schema.decodeUnknownSync(Proto.UInt64)("18446744073709551615") // 18446744073709551615n
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const UInt64: Schema.Schema<bigint, string | number> = int64Codec("uint64", 0n, uint64Max)

/**
 * A proto3 `double` or `float`: a JSON number, or one of the strings proto3 writes for values JSON has
 * no number for (`"NaN"`, `"Infinity"`, `"-Infinity"`); decimal strings are accepted too. Encoding writes
 * numbers, and those three strings.
 *
 * @example
 * ```ts
 * import { Proto } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * Schema.decodeUnknownSync(Proto.Double)("Infinity") // Infinity
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const Double: Schema.Schema<number, number | string> = Schema.transformOrFail(
  Schema.Union(Schema.Number, Schema.String),
  Schema.Number,
  {
    strict: true,
    decode: (input, _, ast) => {
      if (typeof input === "number") return ParseResult.succeed(input)
      if (input === "NaN") return ParseResult.succeed(Number.NaN)
      if (input === "Infinity") return ParseResult.succeed(Number.POSITIVE_INFINITY)
      if (input === "-Infinity") return ParseResult.succeed(Number.NEGATIVE_INFINITY)
      return /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(input)
        ? ParseResult.succeed(Number(input))
        : ParseResult.fail(new ParseResult.Type(ast, input, `expected a double, got ${JSON.stringify(input)}`))
    },
    encode: (n) => ParseResult.succeed(Number.isFinite(n) ? n : String(n))
  }
).annotations({ identifier: "Double" })

// -----------------------------------------------------------------------------
// nesting
// -----------------------------------------------------------------------------

/**
 * How deeply JSON may nest, counting objects and arrays: 100, the recursion limit of protobuf's own
 * parsers. A value deeper than this cannot be a message Google sends, and handing it on would let a
 * recursive `JSON.stringify`, equality or formatter overflow the stack.
 *
 * @since 0.2.0
 * @category constants
 */
export const maxNestingDepth: number = Nesting.maxNestingDepth

/**
 * Checks that a decoded JSON value nests at most `maxDepth` objects and arrays deep (the top-level object
 * or array is depth 1). Returns `undefined` when it does, or the path to the first object or array past
 * the limit. It walks the value with a loop of its own, so a value nested 100,000 levels deep is measured
 * without overflowing the stack, and costs a small fraction of the `JSON.parse` that made the value.
 *
 * The decoders of this package apply it to every value they keep by reference (`Any.Any`, the unknown
 * fields of messages, whole operations at their root); the HTTP client applies it to every response body.
 *
 * @example
 * ```ts
 * import { Proto } from "@longrunning/schema"
 *
 * Proto.tooDeep({ a: [{ b: 1 }] }) // undefined
 * let deep: unknown = {}
 * for (let i = 0; i < 200; i++) deep = { a: deep }
 * Proto.tooDeep(deep)?.length // 100: the path "a", "a", ... to the 101st object
 * ```
 *
 * @since 0.2.0
 * @category nesting
 */
export const tooDeep: (json: unknown, maxDepth?: number) => ReadonlyArray<string | number> | undefined =
  Nesting.tooDeep

// -----------------------------------------------------------------------------
// Timestamp
// -----------------------------------------------------------------------------

const minSeconds = Proto3.minSeconds
const maxSeconds = Proto3.maxSeconds

/**
 * A `google.protobuf.Timestamp` with its full nanosecond precision, and a `DateTime` view.
 *
 * @example
 * ```ts
 * import { Proto } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * const t = Schema.decodeSync(Proto.Timestamp)("2024-05-01T10:00:00.123456789Z")
 * t.nanos // 123456789
 * t.dateTime // DateTime.Utc at millisecond precision
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export class TimestampValue extends Schema.Class<TimestampValue>("@longrunning/schema/Timestamp")({
  /** Seconds since the Unix epoch, within 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z. */
  seconds: Schema.Int.pipe(Schema.between(minSeconds, maxSeconds)),
  /** Nanoseconds within the second, 0 to 999,999,999. */
  nanos: Schema.Int.pipe(Schema.between(0, 999_999_999))
}) {
  /**
   * The instant as an Effect `DateTime` (millisecond precision).
   *
   * @since 0.1.0
   */
  get dateTime(): DateTime.Utc {
    return DateTime.unsafeMake(this.epochMillis)
  }

  /**
   * Milliseconds since the Unix epoch, nanoseconds truncated.
   *
   * @since 0.1.0
   */
  get epochMillis(): number {
    return this.seconds * 1000 + Math.floor(this.nanos / 1_000_000)
  }

  /**
   * Nanoseconds since the Unix epoch, exact.
   *
   * @since 0.1.0
   */
  get epochNanos(): bigint {
    return BigInt(this.seconds) * 1_000_000_000n + BigInt(this.nanos)
  }

  /**
   * The canonical proto3 JSON text (UTC, with 0, 3, 6 or 9 fractional digits).
   *
   * @since 0.1.0
   */
  toJSON(): string {
    return formatTimestamp(this.seconds, this.nanos)
  }
}

const fractionDigits = (nanos: number): string => {
  if (nanos === 0) return ""
  const nine = nanos.toString().padStart(9, "0")
  if (nanos % 1_000_000 === 0) return "." + nine.slice(0, 3)
  if (nanos % 1_000 === 0) return "." + nine.slice(0, 6)
  return "." + nine
}

const formatTimestamp = (seconds: number, nanos: number): string =>
  new Date(seconds * 1000).toISOString().slice(0, 19) + fractionDigits(nanos) + "Z"

const parseTimestamp = (text: string): TimestampValue | string => {
  const parts = Proto3.parseTimestamp(text)
  // The parser has checked both ranges, so the class need not check them again.
  return typeof parts === "string" ? parts : new TimestampValue(parts, true)
}

/**
 * Decodes proto3 JSON timestamps (RFC 3339, any offset, up to 9 fractional digits) into `TimestampValue`,
 * and encodes them in the canonical form Google's printers use.
 *
 * @example
 * ```ts
 * import { Proto } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * const t = Schema.decodeSync(Proto.Timestamp)("2024-05-01T12:00:00.500+02:00")
 * Schema.encodeSync(Proto.Timestamp)(t) // "2024-05-01T10:00:00.500Z"
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Timestamp: Schema.Schema<TimestampValue, string> = Schema.transformOrFail(
  Schema.String,
  Schema.typeSchema(TimestampValue),
  {
    strict: true,
    decode: (text, _, ast) => {
      const result = parseTimestamp(text)
      return typeof result === "string"
        ? ParseResult.fail(new ParseResult.Type(ast, text, `${result}, got ${JSON.stringify(text)}`))
        : ParseResult.succeed(result)
    },
    encode: (t) => ParseResult.succeed(formatTimestamp(t.seconds, t.nanos))
  }
).annotations({ identifier: "Timestamp" })

/**
 * Makes a `TimestampValue` from an Effect `DateTime` or epoch milliseconds.
 *
 * @example
 * ```ts
 * import { Proto } from "@longrunning/schema"
 *
 * Proto.timestampFromMillis(Date.UTC(2024, 0, 1)).toJSON() // "2024-01-01T00:00:00Z"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const timestampFromMillis = (millis: number): TimestampValue => {
  const seconds = Math.floor(millis / 1000)
  return new TimestampValue({ seconds, nanos: Math.round((millis - seconds * 1000) * 1_000_000) })
}

// -----------------------------------------------------------------------------
// Duration
// -----------------------------------------------------------------------------

// proto3 bounds a Duration at 10,000 years: 315,576,000,000 seconds.
const maxDurationNanos = Proto3.maxDurationNanos

/**
 * Decodes proto3 JSON durations (`"2.463586755s"`) into Effect `Duration`s with nanosecond precision, and
 * encodes them back with 0, 3, 6 or 9 fractional digits. Negative durations are refused: nothing in the
 * operations API can use one.
 *
 * @example
 * ```ts
 * import { Proto } from "@longrunning/schema"
 * import { Duration, Schema } from "effect"
 *
 * const d = Schema.decodeSync(Proto.Duration)("2.463586755s")
 * Duration.toMillis(d) // 2463.586755
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Duration: Schema.Schema<Duration_.Duration, string> = Schema.transformOrFail(
  Schema.String,
  Schema.DurationFromSelf,
  {
    strict: true,
    decode: (text, _, ast) => {
      const nanos = Proto3.parseDurationNanos(text)
      return typeof nanos === "string"
        ? ParseResult.fail(new ParseResult.Type(ast, text, nanos))
        : ParseResult.succeed(Duration_.nanos(nanos))
    },
    encode: (duration, _, ast) =>
      Option.match(Duration_.toNanos(duration), {
        onNone: () => ParseResult.fail(new ParseResult.Type(ast, duration, "an infinite duration has no proto3 form")),
        onSome: (nanos) => {
          if (nanos > maxDurationNanos) {
            return ParseResult.fail(new ParseResult.Type(ast, duration, "a duration over 315576000000s has no proto3 form"))
          }
          const seconds = nanos / 1_000_000_000n
          return ParseResult.succeed(`${seconds}${fractionDigits(Number(nanos % 1_000_000_000n))}s`)
        }
      })
  }
).annotations({
  identifier: "Duration",
  arbitrary: () => (fc) => fc.bigInt({ min: 0n, max: maxDurationNanos }).map((nanos) => Duration_.nanos(nanos))
})

// -----------------------------------------------------------------------------
// enums
// -----------------------------------------------------------------------------

/**
 * An enum value: one of the names this version knows, or a value it does not know yet (a name or number
 * sent by a newer server), kept as it came.
 *
 * @since 0.1.0
 * @category models
 */
export type EnumValue<Name extends string> = Name | (string & {}) | number

/**
 * The schema of a proto3 enum, with its table of names and numbers.
 *
 * @since 0.1.0
 * @category models
 */
export interface Enum<Name extends string>
  extends Schema.AnnotableClass<Enum<Name>, EnumValue<Name>, string | number>
{
  readonly values: { readonly [K in Name]: number }
}

// A schema class whose statics are made again by `.annotations()`, as Effect's own Struct keeps `fields`.
const makeEnum = <Name extends string>(ast: SchemaAST.AST, values: { readonly [K in Name]: number }): Enum<Name> =>
  class EnumClass extends Schema.make<EnumValue<Name>, string | number, never>(ast) {
    static override annotations(annotations: Schema.Annotations.GenericSchema<EnumValue<Name>>): Enum<Name> {
      return makeEnum(Schema.make<EnumValue<Name>, string | number, never>(this.ast).annotations(annotations).ast, values)
    }
    static values = values
  }

/**
 * Makes the schema of a proto3 enum from its names and numbers. Names and numbers both decode to the
 * name; values this table does not hold are kept as they came; encoding writes names, proto3's canonical
 * form.
 *
 * @example
 * ```ts
 * import { Proto } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * const State = Proto.Enum("State", { UNKNOWN: 0, PENDING: 1, RUNNING: 2, DONE: 3 })
 * Schema.decodeUnknownSync(State)(2) // "RUNNING"
 * Schema.decodeUnknownSync(State)("FUTURE_STATE") // "FUTURE_STATE"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const Enum = <const Name extends string>(
  identifier: string,
  values: { readonly [K in Name]: number }
): Enum<Name> => {
  const byNumber = new Map<number, string>()
  for (const [name, number] of Object.entries<number>(values)) byNumber.set(number, name)
  const schema = Schema.transform(
    Schema.Union(Schema.String, Schema.Int),
    Schema.Union(Schema.String, Schema.Int),
    {
      strict: true,
      decode: (value): EnumValue<Name> => (typeof value === "number" ? byNumber.get(value) ?? value : value),
      encode: (value) => (typeof value === "number" ? byNumber.get(value) ?? value : value)
    }
  ).annotations({
    identifier,
    // What decoding yields: a known name, or an unknown name or number kept as it came.
    arbitrary: () => (fc) =>
      fc.oneof(
        fc.constantFrom(...byNumber.values()),
        fc.stringMatching(/^[A-Z][A-Z0-9_]{0,15}$/),
        fc.integer({ min: -2147483648, max: 2147483647 }).filter((n) => !byNumber.has(n))
      )
  })
  return makeEnum(schema.ast, values)
}

// -----------------------------------------------------------------------------
// fields and messages
// -----------------------------------------------------------------------------

/**
 * An optional message field: absent stays absent, and `null` (proto3 JSON's "default") reads as absent.
 *
 * @example
 * ```ts
 * import { Proto } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * const S = Proto.message("Example", { note: Proto.optional(Schema.String) })
 * Schema.decodeUnknownSync(S)({ note: null }) // {}
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const optional = <S extends Schema.Schema.All>(schema: S) => Schema.optionalWith(schema, { nullable: true })

/**
 * A field whose proto3 default is materialized on decode and left out on encode, as Google's printers do.
 *
 * @example
 * ```ts
 * import { Proto } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * const S = Proto.message("Example", { count: Proto.withDefault(Schema.Number, () => 0) })
 * Schema.decodeUnknownSync(S)({}) // { count: 0 }
 * Schema.encodeSync(S)({ count: 0 }) // {}
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const withDefault = <A, I, R>(
  schema: Schema.Schema<A, I, R>,
  defaultValue: () => A,
  isDefault: (a: A) => boolean = (a) => a === defaultValue()
) =>
  Schema.optionalToRequired(Schema.NullOr(schema), Schema.typeSchema(schema), {
    decode: (o) => (Option.isSome(o) && o.value !== null ? o.value : defaultValue()),
    encode: (a) => (isDefault(a) ? Option.none() : Option.some(a))
  })

/**
 * A JSON value kept as it came (a field of type `any` in a discovery document, such as
 * `google.protobuf.Value`): decoding returns it by reference, as `Schema.Unknown` does; its arbitrary makes
 * JSON values only.
 *
 * @example
 * ```ts
 * import { Proto } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * Schema.decodeUnknownSync(Proto.JsonValue)({ any: ["json"] })
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const JsonValue: Schema.Schema<unknown> = Schema.Unknown.annotations({
  identifier: "JsonValue",
  // Parsed JSON text rather than fc.jsonValue, which makes -0: JSON cannot carry it.
  arbitrary: () => (fc) => fc.json({ maxDepth: 2 }).map((text): unknown => JSON.parse(text))
})

/**
 * A JSON object as it arrives, before its fields are read.
 *
 * @since 0.1.0
 * @category schemas
 */
export const JsonObject: Schema.Schema<{ readonly [key: string]: unknown }> = Schema.declare(
  (u): u is { readonly [key: string]: unknown } => Predicate.isRecord(u),
  { identifier: "JsonObject", description: "a JSON object" }
)

const isStringMap = (u: unknown): u is { readonly [key: string]: string } =>
  Predicate.isRecord(u) && Object.values(u).every(Predicate.isString)

const readStringMap = (
  u: unknown,
  ast: SchemaAST.AST
): Effect.Effect<{ readonly [key: string]: string }, ParseResult.ParseIssue> => {
  if (isStringMap(u)) return ParseResult.succeed(u)
  if (!Predicate.isRecord(u)) return ParseResult.fail(new ParseResult.Type(ast, u, "expected an object of strings"))
  const bad = Object.entries(u).find(([, value]) => typeof value !== "string")
  return ParseResult.fail(
    bad === undefined
      ? new ParseResult.Type(ast, u)
      : new ParseResult.Pointer(bad[0], u, new ParseResult.Type(SchemaAST.stringKeyword, bad[1]))
  )
}

/**
 * A proto3 `map<string, string>` (labels, ErrorInfo metadata). Unlike `Schema.Record`, it returns the
 * object it was given rather than a copy, so a key such as `"__proto__"` is kept as the field it is
 * instead of being lost in an assignment; a value that is not a string fails naming its key.
 *
 * @example
 * ```ts
 * import { Proto } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * Schema.decodeUnknownSync(Proto.StringMap)({ team: "data" }) // { team: "data" }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const StringMap: Schema.Schema<{ readonly [key: string]: string }> = Schema.declare([], {
  decode: () => (u, _, ast) => readStringMap(u, ast),
  encode: () => (u, _, ast) => readStringMap(u, ast)
}, {
  identifier: "StringMap",
  description: "an object of strings",
  arbitrary: () => (fc) => fc.dictionary(fc.string(), fc.string(), { maxKeys: 6 })
})

/**
 * A proto3 `map<string, V>` whose values are decoded with `value`. Keys are kept as the fields they are
 * (a key such as `"__proto__"` included); a value that does not decode fails naming its key.
 *
 * @example
 * ```ts
 * import { Proto } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * Schema.decodeUnknownSync(Proto.mapOf(Proto.Int64))({ a: "1" }) // { a: 1n }
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const mapOf = <A, I>(
  value: Schema.Schema<A, I>
): Schema.Schema<{ readonly [key: string]: A }, { readonly [key: string]: I }> => {
  const each = <T>(
    parse: (u: unknown, options?: SchemaAST.ParseOptions) => Either.Either<T, ParseResult.ParseIssue>
  ) =>
  (
    u: unknown,
    options: SchemaAST.ParseOptions,
    ast: SchemaAST.AST
  ): Effect.Effect<{ readonly [key: string]: T }, ParseResult.ParseIssue> => {
    if (!Predicate.isRecord(u)) return ParseResult.fail(new ParseResult.Type(ast, u, "expected an object"))
    const out: Record<string, T> = {}
    for (const key of Object.keys(u)) {
      const result = parse(u[key], options)
      if (Either.isLeft(result)) return ParseResult.fail(new ParseResult.Pointer(key, u, result.left))
      Object.defineProperty(out, key, { value: result.right, enumerable: true, writable: true, configurable: true })
    }
    return ParseResult.succeed(out)
  }
  return Schema.declare([value], {
    decode: (v) => each(ParseResult.decodeUnknownEither(v)),
    encode: (v) => each(ParseResult.encodeUnknownEither(v))
  }, {
    identifier: "Map",
    description: "an object of values",
    arbitrary: (v) => (fc) => fc.dictionary(fc.string({ maxLength: 6 }), v(fc), { maxKeys: 4 }),
    pretty: (v) => (map) => `{ ${Object.entries(map).map(([k, x]) => `${JSON.stringify(k)}: ${v(x)}`).join(", ")} }`,
    equivalence: (v) => (a, b) => {
      const keys = Object.keys(a)
      return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && v(a[k]!, b[k]!))
    }
  })
}

const snakeCase = (camel: string): string => camel.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase())

/**
 * Keeps fields this version does not know through decode and encode.
 *
 * @since 0.1.0
 * @category annotations
 */
export const preserveUnknownFields = { parseOptions: { onExcessProperty: "preserve" } } as const

/**
 * The JSON form of a message: an object whose fields are read by the message's schema.
 *
 * @since 0.2.0
 * @category models
 */
export type MessageEncoded = { readonly [key: string]: unknown }

/**
 * The schema of a proto3 message.
 *
 * @since 0.1.0
 * @category models
 */
export interface Message<Fields extends Schema.Struct.Fields> extends
  Schema.AnnotableClass<
    Message<Fields>,
    Schema.Struct<Fields>["Type"],
    { readonly [key: string]: unknown },
    Schema.Struct.Context<Fields>
  >
{
  readonly fields: Fields
}

const makeMessage = <Fields extends Schema.Struct.Fields>(ast: SchemaAST.AST, fields: Fields): Message<Fields> =>
  class MessageClass extends Schema.make<
    Schema.Struct<Fields>["Type"],
    { readonly [key: string]: unknown },
    Schema.Struct.Context<Fields>
  >(ast) {
    static override annotations(annotations: Schema.Annotations.GenericSchema<Schema.Struct<Fields>["Type"]>): Message<Fields> {
      return makeMessage(
        Schema.make<Schema.Struct<Fields>["Type"], { readonly [key: string]: unknown }, Schema.Struct.Context<Fields>>(
          this.ast
        ).annotations(annotations).ast,
        fields
      )
    }
    static fields = fields
  }

/**
 * Makes the schema of a proto3 message: fields this version does not know are kept as they came, and the
 * original snake_case spelling of a field (`cluster_uuid`) is read as its lowerCamel JSON name
 * (`clusterUuid`), as proto3 parsers do. Encoding writes lowerCamel names.
 *
 * @example
 * ```ts
 * import { Proto } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * const Link = Proto.message("Link", { description: Proto.optional(Schema.String), url: Proto.optional(Schema.String) })
 * Schema.decodeUnknownSync(Link)({ url: "https://cloud.google.com", rel: "docs" })
 * // { url: "https://cloud.google.com", rel: "docs" }
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const message = <Fields extends Schema.Struct.Fields>(identifier: string, fields: Fields): Message<Fields> => {
  const struct = Schema.Struct(fields).annotations({ identifier, ...preserveUnknownFields })
  const renames: Array<readonly [snake: string, camel: string]> = []
  for (const key of Object.keys(fields)) {
    const snake = snakeCase(key)
    if (snake !== key) renames.push([snake, key])
  }
  const normalize = (input: { readonly [key: string]: unknown }): { readonly [key: string]: unknown } => {
    let out: Record<string, unknown> | undefined
    for (const [snake, camel] of renames) {
      if (Object.hasOwn(input, snake) && !Object.hasOwn(input, camel)) {
        out ??= { ...input }
        out[camel] = out[snake]
        delete out[snake]
      }
    }
    return out ?? input
  }
  const isKnown = (key: string) => Object.hasOwn(fields, key)
  const schema = Schema.compose(
    Schema.transformOrFail(JsonObject, JsonObject, {
      strict: true,
      // Unknown fields are kept by reference: their depth is checked here, before anything walks them.
      decode: (input, _, ast) => {
        const normalized = normalize(input)
        const issue = Nesting.checkFields(ast, normalized, isKnown)
        return issue === undefined ? ParseResult.succeed(normalized) : ParseResult.fail(issue)
      },
      encode: ParseResult.succeed
    }),
    struct,
    { strict: false }
  ).annotations({ identifier })
  return makeMessage(schema.ast, fields)
}
