/**
 * Resource names of google.longrunning operations and of the collections that list them, such as Dataproc's
 * `projects/{project}/regions/{region}/operations/{operation}`.
 *
 * A name ends up as URL path segments (`GET /v1/{name}`, `POST /v1/{name}:cancel`), so validation is strict:
 * every segment is non-empty, not `.` or `..`, and made only of characters that stand for themselves in a
 * URL path. Segments are numbered from 0 in error messages.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import type * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

// Real names are far shorter; the bound keeps hostile input cheap to reject.
const maxLength = 4096

// Unreserved characters and sub-delimiters of RFC 3986 plus "@": the `pchar` set without ":" and "%". Each
// stands for itself in a URL path, so the path a server sees is the name we validated. ":" is left out because
// it starts a custom-method suffix (`:cancel`) or a URL scheme; "%" because a percent escape such as "%2F"
// could decode into "/" or ".." behind our back.
const safeCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=@"

const safeSegment = /^[A-Za-z0-9\-._~!$&'()*+,;=@]+$/

const codePoint = (char: string): string =>
  `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`

const isControl = (code: number): boolean => code <= 0x1f || (code >= 0x7f && code <= 0x9f)

// Only printable ASCII is echoed back verbatim: a bidi override or a look-alike in an error message or a log
// line would mislead the reader.
const describeCharacter = (char: string, index: number, position: number): string => {
  const code = char.codePointAt(0) ?? 0
  const shown = code > 0x20 && code < 0x7f ? `${JSON.stringify(char)} (${codePoint(char)})` : codePoint(char)
  const found = `segment ${index} contains ${shown} at position ${position}`
  if (isControl(code)) return `${found}, a control character${/\s/u.test(char) ? " and whitespace" : ""}`
  if (/\s/u.test(char)) return `${found}, a whitespace character`
  if (code > 0x7e) return `${found}, outside printable ASCII`
  switch (char) {
    case "?":
      return `${found}, which would start a URL query`
    case "#":
      return `${found}, which would start a URL fragment`
    case "%":
      return `${found}; percent escapes such as "%2F" are not allowed`
    case ":":
      return `${found}, which would start a custom method suffix such as ":cancel" or a URL scheme`
    case "\\":
      return `${found}, which some servers read as "/"`
    default:
      return `${found}, which is not allowed in a URL path segment`
  }
}

const quote = (segment: string): string =>
  JSON.stringify(segment.length > 64 ? `${segment.slice(0, 64)}...` : segment)

// Checks everything but the shape of the name, returning the segments or a message naming the first bad part.
const segmentsOf = (input: string): Either.Either<ReadonlyArray<string>, string> => {
  if (input.length === 0) return Either.left("the name is empty")
  if (input.length > maxLength) {
    return Either.left(`the name is ${input.length} characters long; at most ${maxLength} are allowed`)
  }
  const segments = input.split("/")
  let position = 0
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index]
    if (segment.length === 0) {
      const where = index === 0 ? "a leading" : index === segments.length - 1 ? "a trailing" : "a doubled"
      return Either.left(`segment ${index} is empty (${where} "/")`)
    }
    if (segment === "." || segment === "..") {
      return Either.left(`segment ${index} (${quote(segment)}) is a relative path segment`)
    }
    if (!safeSegment.test(segment)) {
      for (const char of segment) {
        if (!safeCharacters.includes(char)) return Either.left(describeCharacter(char, index, position))
        position += char.length
      }
    }
    position += segment.length + 1
  }
  return Either.right(segments)
}

const validateName = (input: string): string | undefined =>
  Either.match(segmentsOf(input), {
    onLeft: (message) => message,
    onRight: (segments) => {
      if (segments.length < 2) {
        return `expected ".../operations/{id}", but the name has a single segment (${quote(segments[0])})`
      }
      const penultimate = segments[segments.length - 2]
      return penultimate === "operations" ? undefined : `expected ".../operations/{id}", but segment ${
        segments.length - 2
      } is ${quote(penultimate)}`
    }
  })

const validateCollection = (input: string): string | undefined =>
  Either.match(segmentsOf(input), {
    onLeft: (message) => message,
    onRight: (segments) => {
      const last = segments[segments.length - 1]
      return last === "operations"
        ? undefined
        : `expected ".../operations", but the last segment (${segments.length - 1}) is ${quote(last)}`
    }
  })

const arbitrarySegment = (fc: typeof FastCheck): FastCheck.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...safeCharacters), minLength: 1, maxLength: 12 }).filter((segment) =>
    segment !== "." && segment !== ".."
  )

const arbitraryParent = (fc: typeof FastCheck): FastCheck.Arbitrary<string> =>
  fc.oneof(
    fc.tuple(arbitrarySegment(fc), arbitrarySegment(fc)).map(([project, region]) =>
      `projects/${project}/regions/${region}`
    ),
    fc.tuple(arbitrarySegment(fc), arbitrarySegment(fc)).map(([project, location]) =>
      `projects/${project}/locations/${location}`
    ),
    fc.array(arbitrarySegment(fc), { maxLength: 6 }).map((segments) => segments.join("/"))
  )

const withOperations = (parent: string): string => parent === "" ? "operations" : `${parent}/operations`

/**
 * A validated operation name: `/`-separated segments whose second to last segment is `operations`, such as
 * `projects/my-project/regions/us-central1/operations/4b9c...` or `operations/abc`.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 * import * as Schema from "effect/Schema"
 *
 * const name = Schema.decodeUnknownSync(OperationName.OperationName)(
 *   "projects/my-project/regions/us-central1/operations/1234"
 * )
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const OperationName = Schema.String.pipe(
  Schema.filter(validateName, {
    arbitrary: () => (fc) =>
      fc.tuple(arbitraryParent(fc), arbitrarySegment(fc)).map(([parent, id]) => `${withOperations(parent)}/${id}`)
  }),
  Schema.brand("@longrunning/schema/OperationName", {
    identifier: "OperationName",
    description: "the resource name of a google.longrunning.Operation, ending in \"operations/{id}\""
  })
)

/**
 * A validated operation name, as produced by the {@link OperationName} schema.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 *
 * const name: OperationName.OperationName = OperationName.unsafeMake("operations/abc")
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type OperationName = typeof OperationName.Type

/**
 * A validated name of a collection of operations, as listed by `ListOperations`: a name whose last segment is
 * `operations`, such as `projects/my-project/regions/us-central1/operations`.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 * import * as Schema from "effect/Schema"
 *
 * const collection = Schema.decodeUnknownSync(OperationName.OperationCollection)(
 *   "projects/my-project/regions/us-central1/operations"
 * )
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const OperationCollection = Schema.String.pipe(
  Schema.filter(validateCollection, {
    arbitrary: () => (fc) => arbitraryParent(fc).map(withOperations)
  }),
  Schema.brand("@longrunning/schema/OperationCollection", {
    identifier: "OperationCollection",
    description: "the name of a collection of google.longrunning.Operations, ending in \"operations\""
  })
)

/**
 * A validated operation collection name, as produced by the {@link OperationCollection} schema.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 * import * as Either from "effect/Either"
 *
 * const collection: Either.Either<OperationName.OperationCollection, unknown> =
 *   OperationName.parseCollection("projects/p/locations/l/operations")
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type OperationCollection = typeof OperationCollection.Type

/**
 * The parts of an operation name: Dataproc's regional and locational shapes, or any other name.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 *
 * const parts: OperationName.Parts = OperationName.parts(
 *   OperationName.unsafeMake("projects/p/regions/us-east1/operations/op-1")
 * )
 * // { _tag: "Regional", project: "p", region: "us-east1", operationId: "op-1" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Parts =
  | {
    readonly _tag: "Regional"
    /** The project id, from `projects/{project}/regions/{region}/operations/{operationId}`. */
    readonly project: string
    readonly region: string
    readonly operationId: string
  }
  | {
    readonly _tag: "Locational"
    /** The project id, from `projects/{project}/locations/{location}/operations/{operationId}`. */
    readonly project: string
    readonly location: string
    readonly operationId: string
  }
  | {
    readonly _tag: "Generic"
    /** Everything before `/operations/{operationId}`; empty for a top-level `operations/{operationId}`. */
    readonly parent: string
    readonly operationId: string
    /** All segments of the name, `operations` and the id included. */
    readonly segments: ReadonlyArray<string>
  }

/**
 * The parts of an operation collection name: Dataproc's regional and locational shapes, or any other name.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 *
 * const parts: OperationName.CollectionParts = OperationName.collectionParts(
 *   OperationName.collectionOf(OperationName.unsafeMake("projects/p/locations/global/operations/op-1"))
 * )
 * // { _tag: "Locational", project: "p", location: "global" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type CollectionParts =
  | {
    readonly _tag: "Regional"
    readonly project: string
    readonly region: string
  }
  | {
    readonly _tag: "Locational"
    readonly project: string
    readonly location: string
  }
  | {
    readonly _tag: "Generic"
    /** Everything before `/operations`; empty for the top-level `operations` collection. */
    readonly parent: string
    /** All segments of the name, the final `operations` included. */
    readonly segments: ReadonlyArray<string>
  }

/**
 * Validates a string as an operation name, failing with a message that names the offending segment or character.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 * import * as Either from "effect/Either"
 *
 * Either.isRight(OperationName.parse("projects/p/regions/r/operations/o")) // true
 * Either.isLeft(OperationName.parse("projects/p/regions/../operations/o")) // true
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const parse = (input: string): Either.Either<OperationName, ParseResult.ParseError> =>
  isValidName(input) ? Either.right(input) : decodeName(input)

// Names are checked on every call the client makes: the check runs by hand, and only a refused name pays
// for the schema's error.
const isValidName = (input: string): input is OperationName =>
  (input.length <= maxLength && quickName.test(input) && !relativeSegment.test(input)) ||
  validateName(input) === undefined

// The common case in one pass: safe segments ending in "operations/{id}", none of them "." or "..". What
// this misses still goes through the full check, which also says what is wrong.
const quickName = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=@]+\/)*operations\/[A-Za-z0-9\-._~!$&'()*+,;=@]+$/
const relativeSegment = /(?:^|\/)\.\.?(?:\/|$)/
const decodeName = Schema.decodeUnknownEither(OperationName)

/**
 * Validates a string as an operation collection name, failing with a message that names the offending part.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 * import * as Either from "effect/Either"
 *
 * Either.isRight(OperationName.parseCollection("projects/p/locations/l/operations")) // true
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const parseCollection = (input: string): Either.Either<OperationCollection, ParseResult.ParseError> =>
  isValidCollection(input) ? Either.right(input) : decodeCollection(input)

const isValidCollection = (input: string): input is OperationCollection => validateCollection(input) === undefined
const decodeCollection = Schema.decodeUnknownEither(OperationCollection)

/**
 * Validates a string as an operation name and throws a `ParseError` if it is invalid; meant for literals in
 * tests and examples.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 *
 * const name = OperationName.unsafeMake("projects/p/regions/r/operations/o")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const unsafeMake: (input: string) => OperationName = Schema.decodeUnknownSync(OperationName)

/**
 * Whether a value is a valid operation name.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 *
 * OperationName.isOperationName("operations/abc") // true
 * OperationName.isOperationName("operations") // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isOperationName: (u: unknown) => u is OperationName = Schema.is(OperationName)

/**
 * Whether a value is a valid operation collection name.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 *
 * OperationName.isOperationCollection("projects/p/regions/r/operations") // true
 * OperationName.isOperationCollection("projects/p/regions/r") // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isOperationCollection: (u: unknown) => u is OperationCollection = Schema.is(OperationCollection)

/**
 * Splits an operation name into its parts, recognising Dataproc's `regions` and `locations` shapes.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 *
 * const parts = OperationName.parts(OperationName.unsafeMake("operations/abc"))
 * // { _tag: "Generic", parent: "", operationId: "abc", segments: ["operations", "abc"] }
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const parts = (name: OperationName): Parts => {
  const segments = name.split("/")
  const operationId = segments[segments.length - 1]
  if (segments.length === 6 && segments[0] === "projects") {
    if (segments[2] === "regions") {
      return { _tag: "Regional", project: segments[1], region: segments[3], operationId }
    }
    if (segments[2] === "locations") {
      return { _tag: "Locational", project: segments[1], location: segments[3], operationId }
    }
  }
  return { _tag: "Generic", parent: segments.slice(0, -2).join("/"), operationId, segments }
}

/**
 * Splits an operation collection name into its parts, recognising Dataproc's `regions` and `locations` shapes.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 * import * as Either from "effect/Either"
 *
 * const parts = Either.map(
 *   OperationName.parseCollection("projects/p/regions/europe-west1/operations"),
 *   OperationName.collectionParts
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const collectionParts = (collection: OperationCollection): CollectionParts => {
  const segments = collection.split("/")
  if (segments.length === 5 && segments[0] === "projects") {
    if (segments[2] === "regions") {
      return { _tag: "Regional", project: segments[1], region: segments[3] }
    }
    if (segments[2] === "locations") {
      return { _tag: "Locational", project: segments[1], location: segments[3] }
    }
  }
  return { _tag: "Generic", parent: segments.slice(0, -1).join("/"), segments }
}

/**
 * Joins parts back into a name string without validating it; {@link parse} the result to get an
 * {@link OperationName}.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 *
 * OperationName.format({ _tag: "Regional", project: "p", region: "r", operationId: "o" })
 * // "projects/p/regions/r/operations/o"
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const format = (parts: Parts): string => {
  switch (parts._tag) {
    case "Regional":
      return `projects/${parts.project}/regions/${parts.region}/operations/${parts.operationId}`
    case "Locational":
      return `projects/${parts.project}/locations/${parts.location}/operations/${parts.operationId}`
    case "Generic":
      return `${withOperations(parts.parent)}/${parts.operationId}`
  }
}

/**
 * The collection an operation belongs to: its name without the trailing `/{id}`.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 *
 * OperationName.collectionOf(OperationName.unsafeMake("projects/p/regions/r/operations/o"))
 * // "projects/p/regions/r/operations"
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const collectionOf = (name: OperationName): OperationCollection =>
  // A valid name minus its last segment is always a valid collection, so `make` cannot throw here.
  OperationCollection.make(name.slice(0, name.lastIndexOf("/")))

/**
 * The name of the operation with the given id in a collection, validated as a whole so that an id such as
 * `"a/b"`, `".."` or `"o:cancel"` is refused.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 * import * as Either from "effect/Either"
 *
 * const name = Either.flatMap(
 *   OperationName.parseCollection("projects/p/regions/r/operations"),
 *   (collection) => OperationName.nameIn(collection, "op-1")
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const nameIn = (
  collection: OperationCollection,
  operationId: string
): Either.Either<OperationName, ParseResult.ParseError> => parse(`${collection}/${operationId}`)

/**
 * The region of a Dataproc `regions` name or the location of a `locations` name, for choosing a regional
 * endpoint; `None` for any other shape.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 *
 * OperationName.region(OperationName.unsafeMake("projects/p/regions/us-central1/operations/o"))
 * // Option.some("us-central1")
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const region = (name: OperationName): Option.Option<string> => {
  const described = parts(name)
  switch (described._tag) {
    case "Regional":
      return Option.some(described.region)
    case "Locational":
      return Option.some(described.location)
    case "Generic":
      return Option.none()
  }
}
