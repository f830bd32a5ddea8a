/**
 * Resource names of google.longrunning operations and of the collections that list them, such as Dataproc's
 * `projects/{project}/regions/{region}/operations/{operation}`.
 *
 * A name ends up as URL path segments (`GET /v1/{name}`, `POST /v1/{name}:cancel`), so validation is strict:
 * every segment is non-empty, not `.` or `..`, and made only of characters that stand for themselves in a
 * URL path. Segments are numbered from 0 in error messages. A few APIs use names outside that standard shape
 * (Cloud Build, Service Management, IAM v2, Speech v1); a {@link Grammar} allows exactly what such an API
 * uses, and nothing else.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import type * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
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

/**
 * What an API's operation names may hold beyond the standard `.../operations/{id}` shape. Each allowance is
 * one that a real Google API uses; everything else (traversal, whitespace, control characters, query or
 * fragment characters, other percent escapes) is refused under every grammar.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 * import * as Either from "effect/Either"
 *
 * const cloudBuild = OperationName.grammar({ nestedIds: true })
 * Either.isRight(OperationName.parse("operations/build/my-project/MjE1ZDgxNTE=", cloudBuild)) // true
 * Either.isLeft(OperationName.parse("operations/build/my-project/MjE1ZDgxNTE=")) // true
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Grammar {
  /**
   * The id may span several segments after `operations`: Cloud Build's `operations/build/{project}/{id}`,
   * Access Context Manager's `operations/accessPolicies/{p}/accessLevels/{l}/update/{id}`, Cloud Asset's
   * `projects/{n}/operations/ExportAssets/RESOURCE/{id}`.
   */
  readonly nestedIds: boolean
  /**
   * A `:` inside a segment, as in Service Management's `operations/serviceConfigs.svc:{uuid}`. A segment still
   * may not start or end with one, nor carry a custom method (`:cancel`, `:wait`, `:delete`).
   */
  readonly colons: boolean
  /**
   * `%2F` inside a segment, as IAM v2 writes its parent
   * (`policies/cloudresourcemanager.googleapis.com%2Ffolders%2F123/denypolicies/p/operations/o`). No other
   * percent escape is allowed, and no piece between two escapes may be empty, `.` or `..`.
   */
  readonly encodedSlashes: boolean
  /** A bare id with no `operations/` before it, as Speech v1 names its operations (`8254262642733152416`). */
  readonly bareIds: boolean
}

/**
 * The standard grammar: `/`-separated segments ending in `operations/{id}`, nothing more.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 *
 * OperationName.standard.nestedIds // false
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const standard: Grammar = { nestedIds: false, colons: false, encodedSlashes: false, bareIds: false }

/**
 * A grammar with the given allowances; the others stay off.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 *
 * const serviceManagement = OperationName.grammar({ colons: true })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const grammar = (allow: Partial<Grammar>): Grammar => ({ ...standard, ...allow })

const customMethod = /:(?:cancel|wait|delete|get|list|undelete)$/i

// Checks one segment's characters under a grammar; undefined when they are fine.
const checkSegment = (
  segment: string,
  index: number,
  position: number,
  allow: Grammar
): string | undefined => {
  for (let offset = 0; offset < segment.length;) {
    const char = String.fromCodePoint(segment.codePointAt(offset) ?? 0)
    if (!safeCharacters.includes(char)) {
      const at = position + offset
      if (char === ":" && allow.colons) {
        if (offset === 0 || offset === segment.length - 1) {
          return `segment ${index} has ":" at its ${offset === 0 ? "start" : "end"} (position ${at})`
        }
      } else if (char === "%" && allow.encodedSlashes) {
        const escape = segment.slice(offset, offset + 3)
        if (escape.toUpperCase() !== "%2F") {
          return `segment ${index} contains the percent escape ${
            JSON.stringify(escape.replace(/[^\x21-\x7e]/g, "?"))
          } at position ${at}; only "%2F" is allowed`
        }
        offset += 3
        continue
      } else {
        return describeCharacter(char, index, at)
      }
    }
    offset += char.length
  }
  if (allow.colons && customMethod.test(segment)) {
    return `segment ${index} (${quote(segment)}) ends in a custom method suffix`
  }
  if (allow.encodedSlashes && segment.includes("%")) {
    const pieces = segment.split(/%2F/i)
    const bad = pieces.find((piece) => piece === "" || piece === "." || piece === "..")
    if (bad !== undefined) {
      return `segment ${index} (${quote(segment)}) encodes ${
        bad === "" ? "an empty path segment" : "a relative path segment"
      }`
    }
  }
  return undefined
}

// Checks everything but the shape of the name, returning the segments or a message naming the first bad part.
const segmentsOf = (input: string, allow: Grammar): Either.Either<ReadonlyArray<string>, string> => {
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
      const problem = checkSegment(segment, index, position, allow)
      if (problem !== undefined) return Either.left(problem)
    }
    position += segment.length + 1
  }
  return Either.right(segments)
}

const validateName = (allow: Grammar) => (input: string): string | undefined =>
  Either.match(segmentsOf(input, allow), {
    onLeft: (message) => message,
    onRight: (segments) => {
      if (segments.length < 2) {
        if (allow.bareIds && segments[0] !== "operations") return undefined
        return `expected ".../operations/{id}", but the name has a single segment (${quote(segments[0])})`
      }
      const penultimate = segments[segments.length - 2]
      if (penultimate === "operations") return undefined
      if (allow.nestedIds) {
        const at = segments.indexOf("operations")
        return at !== -1 && at < segments.length - 1
          ? undefined
          : `expected ".../operations/{id...}", but no segment before the last is "operations"`
      }
      return `expected ".../operations/{id}", but segment ${segments.length - 2} is ${quote(penultimate)}`
    }
  })

const validateCollection = (allow: Grammar) => (input: string): string | undefined =>
  Either.match(segmentsOf(input, allow), {
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
  Schema.filter(validateName(standard), {
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
  Schema.filter(validateCollection(standard), {
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
 * Without a grammar the standard one applies.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 * import * as Either from "effect/Either"
 *
 * Either.isRight(OperationName.parse("projects/p/regions/r/operations/o")) // true
 * Either.isLeft(OperationName.parse("projects/p/regions/../operations/o")) // true
 * // Service Management's names hold a colon: refused by default, accepted under its grammar
 * Either.isRight(OperationName.parse("operations/serviceConfigs.svc:1f2e", OperationName.grammar({ colons: true }))) // true
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const parse = (input: string, allow: Grammar = standard): Either.Either<OperationName, ParseResult.ParseError> =>
  isValidName(input, allow) ? Either.right(input) : decodeName(allow)(input)

// Names are checked on every call the client makes: the check runs by hand, and only a refused name pays
// for the schema's error. Every grammar accepts what the quick test accepts, so it runs first for all.
const isValidName = (input: string, allow: Grammar): input is OperationName =>
  (input.length <= maxLength && quickName.test(input) && !relativeSegment.test(input)) ||
  validateName(allow)(input) === undefined

// The common case in one pass: safe segments ending in "operations/{id}", none of them "." or "..". What
// this misses still goes through the full check, which also says what is wrong.
const quickName = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=@]+\/)*operations\/[A-Za-z0-9\-._~!$&'()*+,;=@]+$/
const relativeSegment = /(?:^|\/)\.\.?(?:\/|$)/
const decodeStandardName = Schema.decodeUnknownEither(OperationName)
const decodeName = (allow: Grammar) =>
  allow.nestedIds || allow.colons || allow.encodedSlashes || allow.bareIds
    ? Schema.decodeUnknownEither(nameSchema(allow))
    : decodeStandardName

/**
 * The {@link OperationName} schema under another grammar; what it accepts is branded as an `OperationName`.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 * import * as Schema from "effect/Schema"
 *
 * const SpeechV1Name = OperationName.nameSchema(OperationName.grammar({ bareIds: true }))
 * Schema.decodeUnknownSync(SpeechV1Name)("8254262642733152416")
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const nameSchema = (allow: Grammar): Schema.brand<Schema.filter<typeof Schema.String>, "@longrunning/schema/OperationName"> =>
  Schema.String.pipe(
    Schema.filter(validateName(allow)),
    Schema.brand("@longrunning/schema/OperationName", {
      identifier: "OperationName",
      description: "the resource name of a google.longrunning.Operation"
    })
  )

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
export const parseCollection = (
  input: string,
  allow: Grammar = standard
): Either.Either<OperationCollection, ParseResult.ParseError> =>
  isValidCollection(input, allow) ? Either.right(input) : decodeCollection(allow)(input)

const isValidCollection = (input: string, allow: Grammar): input is OperationCollection =>
  validateCollection(allow)(input) === undefined
const decodeCollection = (allow: Grammar) =>
  Schema.decodeUnknownEither(
    Schema.String.pipe(
      Schema.filter(validateCollection(allow)),
      Schema.brand("@longrunning/schema/OperationCollection", {
        identifier: "OperationCollection",
        description: "the name of a collection of google.longrunning.Operations, ending in \"operations\""
      })
    )
  )

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
 * The location of a name or collection, wherever it has `locations/{location}` or `regions/{region}` (the
 * first such pair), for choosing a locational or regional host; `None` when it has neither. Nested names
 * count: `projects/p/locations/us-central1/endpoints/e/operations/o` is in `us-central1`. A location of
 * `global` is returned as it is; the endpoint maps it to the global host.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 *
 * OperationName.location("projects/p/locations/europe-west4/deploymentResourcePools/d/operations/o")
 * // Option.some("europe-west4")
 * OperationName.location("projects/p/instances/i/databases/d/operations/o") // Option.none()
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const location = (name: string): Option.Option<string> => {
  // A scan without splitting: this runs on every call to a locational endpoint.
  let from = 0
  while (from < name.length) {
    const slash = name.indexOf("/", from)
    if (slash === -1) return Option.none()
    const key = name.slice(from, slash)
    if (key === "locations" || key === "regions") {
      const end = name.indexOf("/", slash + 1)
      const value = end === -1 ? name.slice(slash + 1) : name.slice(slash + 1, end)
      // A collection ending in "locations/operations" has no location in it.
      return value === "" || (end === -1 && value === "operations") ? Option.none() : Option.some(value)
    }
    from = slash + 1
  }
  return Option.none()
}

/**
 * The region or location of a name, wherever it is in the name (see {@link location}).
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
export const region = (name: OperationName): Option.Option<string> => location(name)

/**
 * An operation named by a full URL, such as
 * `https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/operations/o`, or by a
 * plain name. The origin and version of a URL are kept so that a client sends the request where the URL
 * points.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 * import * as Either from "effect/Either"
 *
 * const reference = OperationName.parseReference(
 *   "https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/operations/o"
 * )
 * // Either.right({ name: "projects/p/...", origin: Option.some("https://us-central1-aiplatform.googleapis.com"),
 * //                host: Option.some("us-central1-aiplatform.googleapis.com"), version: Option.some("v1") })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Reference {
  readonly name: OperationName
  /** `https://{host}[:{port}]` of a URL; `None` for a plain name. */
  readonly origin: Option.Option<string>
  /** The host of a URL, without a port; `None` for a plain name. */
  readonly host: Option.Option<string>
  /** The API version of a URL (`v1`, `v1beta1`); `None` for a plain name. */
  readonly version: Option.Option<string>
}

// Scheme, authority (no userinfo), version, and the rest; the rest is checked as a name, so nothing a URL
// parser would normalise (`..`, `%2E`) gets through unseen.
const operationUrl = /^(https?):\/\/([^/?#]*)\/([^/?#]*)\/(.*)$/s
const hostPattern = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
const portPattern = /^[0-9]{1,5}$/
const versionPattern = /^v[0-9][a-z0-9]*$/
const loopbackHost = /^(?:localhost|127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3})$/

const urlProblem = (input: string): string | { readonly origin: string; readonly host: string; readonly version: string; readonly name: string } => {
  const query = input.search(/[?#]/)
  if (query !== -1) return `the URL has a ${input[query] === "?" ? "query" : "fragment"} at position ${query}`
  const match = operationUrl.exec(input)
  if (match === null) return "the URL is not of the form https://{host}/{version}/{name}"
  const [, scheme, authority, version, name] = match
  const colon = authority.lastIndexOf(":")
  const host = colon === -1 ? authority : authority.slice(0, colon)
  const port = colon === -1 ? undefined : authority.slice(colon + 1)
  if (authority.includes("@")) return "the URL carries credentials"
  if (!hostPattern.test(host) && host !== "[::1]") return `the URL's host ${quote(host)} is not a host name`
  if (port !== undefined && !portPattern.test(port)) return `the URL's port ${quote(port)} is not a port`
  if (scheme === "http" && !(loopbackHost.test(host) || host === "[::1]")) {
    return "the URL must use https (plain http only for loopback hosts)"
  }
  if (!versionPattern.test(version)) return `the URL's first path segment ${quote(version)} is not an API version`
  return { origin: `${scheme}://${authority}`, host, version, name }
}

/**
 * Reads a plain name or a full operation URL (`https://{host}/{version}/{name}`), checking the name under the
 * grammar. A URL must be https (http only for loopback hosts), carry no credentials, query or fragment, and
 * have an API version as its first path segment.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 * import * as Either from "effect/Either"
 *
 * Either.isRight(OperationName.parseReference("https://speech.googleapis.com/v1/operations/123")) // true
 * Either.isLeft(OperationName.parseReference("https://example.com/v1/operations/o?x=1")) // true
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const parseReference = (
  input: string,
  allow: Grammar = standard
): Either.Either<Reference, ParseResult.ParseError> => readReference(input, (name) => parse(name, allow))

// A plain name, or a full URL's parts with its name read by `read`: the one reader of both references.
const readReference = <N>(
  input: string,
  read: (name: string) => Either.Either<N, ParseResult.ParseError>
): Either.Either<
  { readonly name: N; readonly origin: Option.Option<string>; readonly host: Option.Option<string>; readonly version: Option.Option<string> },
  ParseResult.ParseError
> => {
  if (!/^https?:\/\//i.test(input)) {
    return Either.map(read(input), (name) => ({
      name,
      origin: Option.none(),
      host: Option.none(),
      version: Option.none()
    }))
  }
  const url = urlProblem(input)
  if (typeof url === "string") {
    return Either.left(ParseResult.parseError(new ParseResult.Type(Schema.String.ast, input, url)))
  }
  return Either.map(read(url.name), (name) => ({
    name,
    origin: Option.some(url.origin),
    host: Option.some(url.host),
    version: Option.some(url.version)
  }))
}

/**
 * Reads a plain collection name or the full URL of one (`https://{host}/{version}/{collection}`), as
 * {@link parseReference} reads operation names: the same checks on the URL, the collection checked under the
 * grammar.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 * import * as Either from "effect/Either"
 *
 * Either.isRight(OperationName.parseCollectionReference("https://run.googleapis.com/v2/projects/p/locations/l/operations")) // true
 * Either.isRight(OperationName.parseCollectionReference("projects/p/locations/l/operations")) // true
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const parseCollectionReference = (
  input: string,
  allow: Grammar = standard
): Either.Either<CollectionReference, ParseResult.ParseError> =>
  readReference(input, (name) => parseCollection(name, allow))

/**
 * A collection of operations named by a full URL or by a plain collection name, as
 * {@link parseCollectionReference} reads it.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 * import * as Either from "effect/Either"
 *
 * const reference: Either.Either<OperationName.CollectionReference, unknown> =
 *   OperationName.parseCollectionReference("https://speech.googleapis.com/v1/operations")
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface CollectionReference {
  readonly name: OperationCollection
  readonly origin: Option.Option<string>
  readonly host: Option.Option<string>
  readonly version: Option.Option<string>
}

// A project id starts with a lower-case letter (6 to 30 characters); a project number is all digits.
const projectNumber = /^[0-9]+$/
const projectId = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/
const isProjectSegment = (segments: ReadonlyArray<string>, index: number): boolean =>
  index > 0 && (segments[index - 1] === "projects" || (index === 2 && segments[0] === "operations" && segments[1] === "build"))

/**
 * Whether an answer's name names the operation that was asked for: the same segments, except that a project
 * may be written as its number on one side and its id on the other (`projects/123456789012/...` for
 * `projects/my-project/...`, and the reverse), as Cloud Build, Speech v2 and Discovery Engine answer. The
 * project is the segment after `projects`, or after `operations/build` in Cloud Build's build names.
 *
 * @example
 * ```ts
 * import { OperationName } from "@longrunning/schema"
 *
 * OperationName.sameOperation(
 *   "projects/my-project/locations/global/operations/o",
 *   "projects/123456789012/locations/global/operations/o"
 * ) // true
 * OperationName.sameOperation("projects/a-project/operations/o", "projects/b-project/operations/o") // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const sameOperation = (asked: string, answered: string): boolean => {
  if (asked === answered) return true
  const a = asked.split("/")
  const b = answered.split("/")
  if (a.length !== b.length) return false
  for (let index = 0; index < a.length; index++) {
    if (a[index] === b[index]) continue
    if (!isProjectSegment(a, index) || !isProjectSegment(b, index)) return false
    const numberAndId = (projectNumber.test(a[index]) && projectId.test(b[index])) ||
      (projectId.test(a[index]) && projectNumber.test(b[index]))
    if (!numberAndId) return false
  }
  return true
}
