import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as fs from "node:fs"
import * as path from "node:path"

/** The recorded payloads, read at test time so that new recordings are tested too. */
export const corpusDirectory = path.resolve(__dirname, "../../../fixtures/corpus/payloads")

/** The small fixtures of this package. */
export const fixturesDirectory = path.resolve(__dirname, "fixtures")

export interface CorpusFile {
  readonly file: string
  readonly json: unknown
  /** An HTTP error body (`{"error": ...}` or `[{"error": ...}]`) rather than an operation. */
  readonly isErrorBody: boolean
}

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

export const isErrorBody = (json: unknown): boolean => {
  const body = Array.isArray(json) && json.length === 1 ? json[0] : json
  return isRecord(body) && isRecord(body.error) && !("name" in body) && !("done" in body)
}

export const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, "utf8"))

export const corpus = (): ReadonlyArray<CorpusFile> =>
  fs.readdirSync(corpusDirectory)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => {
      const json = readJson(path.join(corpusDirectory, file))
      return { file, json, isErrorBody: isErrorBody(json) }
    })

export const fixture = (name: string): unknown => readJson(path.join(fixturesDirectory, name))

// Plain assignment of a "__proto__" key would set the copy's prototype instead of copying the field.
const setOwn = (target: Record<string, unknown>, key: string, value: unknown): void => {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/**
 * Removes the object fields proto3 JSON treats as "the default": `null`, `false`, `0`, `""` and `[]`
 * (values inside arrays are kept).
 */
export const withoutDefaults = (json: unknown): unknown => {
  if (Array.isArray(json)) return json.map(withoutDefaults)
  if (!isRecord(json)) return json
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(json)) {
    if (value === null || value === false || value === 0 || value === "") continue
    if (Array.isArray(value) && value.length === 0) continue
    setOwn(out, key, withoutDefaults(value))
  }
  return out
}

/** A JSON round trip, so that what is compared is what would go over the wire. */
export const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

/** Decodes or fails the test with the decoder's message. */
export const decodeOrFail = <A, I>(schema: Schema.Schema<A, I>, input: unknown): A =>
  Either.getOrThrowWith(
    Schema.decodeUnknownEither(schema)(input),
    (error) => new Error(`expected a successful decode:\n${error.message}`)
  )

/** Encodes or fails the test with the encoder's message. */
export const encodeOrFail = <A, I>(schema: Schema.Schema<A, I>, value: A): I =>
  Either.getOrThrowWith(
    Schema.encodeEither(schema)(value),
    (error) => new Error(`expected a successful encode:\n${error.message}`)
  )

/** The ParseError of a decode expected to fail. */
export const decodeError = <A, I>(schema: Schema.Schema<A, I>, input: unknown): ParseResult.ParseError =>
  Either.match(Schema.decodeUnknownEither(schema)(input), {
    onLeft: (error) => error,
    onRight: (value) => {
      throw new Error(`expected a decode error, got ${String(JSON.stringify(value))}`)
    }
  })

/** The paths of a ParseError's issues, as `a.b.0` strings. */
export const issuePaths = (error: ParseResult.ParseError): ReadonlyArray<string> =>
  ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => issue.path.map(String).join("."))

/**
 * A copy without `undefined`-valued keys: an optional field set to `undefined` and an absent one are the
 * same value on the wire; so are `-0` and `0` (JSON writes both as `0`). Only plain objects and arrays are
 * copied; class instances are kept.
 */
export const dropUndefined = (value: unknown): unknown => {
  if (Object.is(value, -0)) return 0
  if (Array.isArray(value)) return value.map(dropUndefined)
  if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) if (v !== undefined) setOwn(out, key, dropUndefined(v))
  return out
}
