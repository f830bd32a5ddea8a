/**
 * What the generated straight-line decoders are made of. Each reads one proto3 JSON value and returns
 * exactly what the field's schema returns, or `undefined` when it cannot tell (a value the schema may
 * refuse, or a spelling only the schema handles); the caller then falls back to the schema, which also
 * gives the ParseError.
 */
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import type * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import * as Any from "../Any.js"
import { TimestampValue } from "../Proto.js"
import { FastDecoderAnnotationId } from "./fastId.js"
import * as Proto3 from "./proto3.js"

/** A straight-line decoder: the schema's value, or `undefined` to fall back to the schema. */
export type Fast<A> = (input: unknown) => A | undefined

export { FastDecoderAnnotationId } from "./fastId.js"

/** The straight-line decoder a schema carries, if any. */
export const fastDecoderOf = <A, I, R>(schema: Schema.Schema<A, I, R>): Fast<A> | undefined => {
  // Annotations are not typed by their key: the decoder under this one was put there for this schema.
  const found = SchemaAST.getAnnotation<Fast<A>>(schema.ast, FastDecoderAnnotationId)
  return found._tag === "Some" ? found.value : undefined
}

/** A decoder that runs the schema itself: for fields with no straight-line decoder. */
export const viaSchema = <A, I>(schema: Schema.Schema<A, I>): Fast<A> => {
  const decode = ParseResult.decodeUnknownEither(schema)
  return (input) => {
    const result = decode(input)
    return Either.isRight(result) ? result.right : undefined
  }
}

/** A JSON object as JSON.parse makes them. */
export const isObject = (u: unknown): u is { readonly [key: string]: unknown } =>
  typeof u === "object" && u !== null && !Array.isArray(u) && Object.getPrototypeOf(u) === Object.prototype

/**
 * Adds `@type`, a message's last field, to the decoded message in place. Not `{ ...out, "@type": type }`:
 * V8 keeps copies made by spreading an object into a literal with one more field alive through
 * young-generation collections (they are promoted), and collecting them costs far more than the decoding.
 */
export const withTypeUrl = <A extends object, const U extends string>(out: A, type: U): A & { readonly "@type": U } =>
  Object.assign(out, { "@type": type })

/** Copies an unknown field onto the decoded message, as the schema's "preserve" does. */
export const keep = (out: object, key: string, value: unknown): void => {
  Reflect.set(out, key, value)
}

export const string = (u: unknown): string | undefined => (typeof u === "string" ? u : undefined)

export const boolean = (u: unknown): boolean | undefined => (typeof u === "boolean" ? u : undefined)

export const unknown = (u: unknown): unknown => u

export const double = (u: unknown): number | undefined => (typeof u === "number" ? u : undefined)

export const int32 = (u: unknown): number | undefined => {
  const n = typeof u === "number" ? u : typeof u === "string" && Proto3.decimalInteger.test(u) ? Number(u) : undefined
  return n !== undefined && Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 ? n : undefined
}

const int64Of = (name: string, min: bigint, max: bigint) => (u: unknown): bigint | undefined => {
  if (typeof u !== "string" && typeof u !== "number") return undefined
  const n = Proto3.parseInt64(u, name, min, max)
  return typeof n === "string" ? undefined : n
}

export const int64 = int64Of("int64", Proto3.int64Min, Proto3.int64Max)

export const uint64 = int64Of("uint64", 0n, Proto3.uint64Max)

// What the class constructor makes (its two fields, own and enumerable, on its prototype) without the
// constructor's per-call copy and defaulting of the fields, which costs more than parsing the text.
const timestampValue = (seconds: number, nanos: number): TimestampValue => {
  const value: TimestampValue = Object.create(TimestampValue.prototype)
  const fields: { seconds: number; nanos: number } = value
  fields.seconds = seconds
  fields.nanos = nanos
  return value
}

// The number written by the two digits of `text` from `at`, or -1 if one of them is not a digit.
const twoDigits = (text: string, at: number): number => {
  const tens = text.charCodeAt(at) - 48
  const ones = text.charCodeAt(at + 1) - 48
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1
}

/**
 * `Proto3.parseTimestamp` read character by character: the same texts accepted with the same value, without
 * the regular expression's match array, its substrings and the intermediate object (a poll's metadata holds
 * several timestamps).
 */
export const timestamp = (u: unknown): TimestampValue | undefined => {
  if (typeof u !== "string" || u.length < 20) return undefined
  if (
    u.charCodeAt(4) !== 45 || u.charCodeAt(7) !== 45 || (u.charCodeAt(10) | 32) !== 116 ||
    u.charCodeAt(13) !== 58 || u.charCodeAt(16) !== 58
  ) return undefined
  const century = twoDigits(u, 0), yearOf = twoDigits(u, 2)
  const year = century < 0 || yearOf < 0 ? -1 : century * 100 + yearOf
  const month = twoDigits(u, 5), day = twoDigits(u, 8)
  const hour = twoDigits(u, 11), minute = twoDigits(u, 14), second = twoDigits(u, 17)
  if (
    year < 0 || month < 1 || month > 12 || day < 1 || day > Proto3.daysInMonth(year, month) || hour < 0 ||
    hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59
  ) return undefined
  let at = 19
  let nanos = 0
  if (u.charCodeAt(at) === 46) {
    const first = ++at
    for (; at < u.length && at - first < 9; at++) {
      const digit = u.charCodeAt(at) - 48
      if (!(digit >= 0 && digit <= 9)) break
      nanos = nanos * 10 + digit
    }
    if (at === first) return undefined
    for (let n = at - first; n < 9; n++) nanos *= 10
  }
  let seconds = Proto3.daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
  const zone = u.charCodeAt(at)
  if ((zone | 32) === 122) {
    if (at + 1 !== u.length) return undefined
  } else if ((zone === 43 || zone === 45) && at + 6 === u.length && u.charCodeAt(at + 3) === 58) {
    const offsetHours = twoDigits(u, at + 1), offsetMinutes = twoDigits(u, at + 4)
    if (offsetHours < 0 || offsetHours > 23 || offsetMinutes < 0 || offsetMinutes > 59) return undefined
    const offset = (offsetHours * 60 + offsetMinutes) * 60
    seconds += zone === 43 ? -offset : offset
  } else {
    return undefined
  }
  if (seconds < Proto3.minSeconds || seconds > Proto3.maxSeconds) return undefined
  return timestampValue(seconds, nanos)
}

export const duration = (u: unknown): Duration.Duration | undefined => {
  if (typeof u !== "string") return undefined
  const nanos = Proto3.parseDurationNanos(u)
  return typeof nanos === "string" ? undefined : Duration.nanos(nanos)
}

/** An enum: names are kept, known numbers become names, other integers are kept. */
export const enumOf = (byNumber: ReadonlyMap<number, string>) => (u: unknown): string | number | undefined => {
  if (typeof u === "string") return u
  if (typeof u === "number" && Number.isSafeInteger(u)) return byNumber.get(u) ?? u
  return undefined
}

const isRecord = (u: unknown): u is { readonly [key: string]: unknown } =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const isStringMap = (u: unknown): u is { readonly [key: string]: string } => {
  if (!isRecord(u)) return false
  // Own enumerable keys, as Object.values reads them, without the array it would make.
  for (const key in u) if (Object.hasOwn(u, key) && typeof u[key] !== "string") return false
  return true
}

/** `Proto.StringMap`: the very object, when every value is a string. */
export const stringMap = (u: unknown): { readonly [key: string]: string } | undefined =>
  isStringMap(u) ? u : undefined

/** `Proto.mapOf(value)`: a new object of decoded values. */
export const mapOf = <A>(value: Fast<A>) => (u: unknown): { readonly [key: string]: A } | undefined => {
  if (!isObject(u) || Object.hasOwn(u, "__proto__")) return undefined
  const out: { [key: string]: A } = {}
  for (const key in u) {
    const decoded = value(u[key])
    if (decoded === undefined) return undefined
    out[key] = decoded
  }
  return out
}

/** `Schema.Array(item)`: a new array of decoded items. */
export const arrayOf = <A>(item: Fast<A>) => (u: unknown): ReadonlyArray<A> | undefined => {
  if (!Array.isArray(u)) return undefined
  const out: Array<A> = new Array(u.length)
  for (let i = 0; i < u.length; i++) {
    const decoded = item(u[i])
    if (decoded === undefined) return undefined
    out[i] = decoded
  }
  return out
}

/** `Any.Any`: the very object, when it has a string `@type`. */
export const any = (u: unknown): Any.Any | undefined => (Any.isAny(u) ? u : undefined)
