/**
 * `google.rpc.Code`: the 17 canonical error codes, their names and their HTTP statuses.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/**
 * The codes by name.
 *
 * @example
 * ```ts
 * import { Code } from "@longrunning/schema"
 *
 * Code.codes.NOT_FOUND // 5
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const codes = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16
} as const

/**
 * The name of a canonical code.
 *
 * @since 0.1.0
 * @category models
 */
export type Name = keyof typeof codes

/**
 * A canonical code, 0 to 16.
 *
 * @since 0.1.0
 * @category models
 */
export type Code = (typeof codes)[Name]

/**
 * The 17 names, in code order.
 *
 * @since 0.1.0
 * @category constants
 */
export const names: ReadonlyArray<Name> = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED"
]

/**
 * The HTTP status Google's REST APIs answer with for each code (google/rpc/code.proto).
 *
 * @since 0.1.0
 * @category constants
 */
export const httpStatuses: { readonly [K in Name]: number } = {
  OK: 200,
  CANCELLED: 499,
  UNKNOWN: 500,
  INVALID_ARGUMENT: 400,
  DEADLINE_EXCEEDED: 504,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  RESOURCE_EXHAUSTED: 429,
  FAILED_PRECONDITION: 400,
  ABORTED: 409,
  OUT_OF_RANGE: 400,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DATA_LOSS: 500,
  UNAUTHENTICATED: 401
}

/**
 * The schema of a canonical code number.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Code: Schema.Schema<Code> = Schema.Literal(...Object.values(codes)).annotations({
  identifier: "Code"
})

/**
 * The schema of a canonical code name.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CodeName: Schema.Schema<Name> = Schema.Literal(...names).annotations({ identifier: "CodeName" })

/**
 * Tells whether a number is a canonical code.
 *
 * @example
 * ```ts
 * import { Code } from "@longrunning/schema"
 *
 * Code.isCode(14) // true
 * Code.isCode(17) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isCode = (u: unknown): u is Code => typeof u === "number" && Number.isInteger(u) && u >= 0 && u <= 16

/**
 * Tells whether a string is a canonical code name.
 *
 * @since 0.1.0
 * @category guards
 */
export const isName = (u: unknown): u is Name => typeof u === "string" && Object.hasOwn(codes, u)

/**
 * The name of a code; a code outside 0..16 reads `CODE_<n>`.
 *
 * @example
 * ```ts
 * import { Code } from "@longrunning/schema"
 *
 * Code.name(8) // "RESOURCE_EXHAUSTED"
 * Code.name(42) // "CODE_42"
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const name = (code: number): string => (isCode(code) ? names[code]! : `CODE_${code}`)

/**
 * The code of a name, if it is one of the 17.
 *
 * @example
 * ```ts
 * import { Code } from "@longrunning/schema"
 *
 * Code.fromName("UNAVAILABLE") // Option.some(14)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromName = (name: string): Option.Option<Code> => (isName(name) ? Option.some(codes[name]) : Option.none())

/**
 * The HTTP status that carries a code; 500 for codes outside 0..16.
 *
 * @example
 * ```ts
 * import { Code } from "@longrunning/schema"
 *
 * Code.httpStatus(Code.codes.NOT_FOUND) // 404
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const httpStatus = (code: number): number => (isCode(code) ? httpStatuses[names[code]!] : 500)

/**
 * The code an HTTP status stands for when the body does not say (no envelope, or no `status` in it): the
 * inverse of the canonical table, with 502 read as UNAVAILABLE (a proxy in front of the API) and other
 * statuses by class.
 *
 * @example
 * ```ts
 * import { Code } from "@longrunning/schema"
 *
 * Code.fromHttpStatus(429) // 8, RESOURCE_EXHAUSTED
 * Code.fromHttpStatus(502) // 14, UNAVAILABLE
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromHttpStatus = (status: number): Code => {
  switch (status) {
    case 400:
      return codes.INVALID_ARGUMENT
    case 401:
      return codes.UNAUTHENTICATED
    case 403:
      return codes.PERMISSION_DENIED
    case 404:
      return codes.NOT_FOUND
    case 409:
      return codes.ABORTED
    case 412:
      return codes.FAILED_PRECONDITION
    case 416:
      return codes.OUT_OF_RANGE
    case 429:
      return codes.RESOURCE_EXHAUSTED
    case 499:
      return codes.CANCELLED
    case 500:
      return codes.INTERNAL
    case 501:
      return codes.UNIMPLEMENTED
    case 502:
    case 503:
      return codes.UNAVAILABLE
    case 504:
      return codes.DEADLINE_EXCEEDED
  }
  if (status >= 200 && status < 300) return codes.OK
  if (status >= 400 && status < 500) return codes.FAILED_PRECONDITION
  return codes.UNKNOWN
}
