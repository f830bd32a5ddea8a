import * as Either from "effect/Either"
import * as Encoding from "effect/Encoding"
import * as Predicate from "effect/Predicate"

/** One `field op value` term of a list filter. */
export interface Term {
  readonly field: string
  readonly op: "=" | "!=" | ":"
  readonly value: string
}

const termPattern = /^\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)\s*(!=|=|:)\s*("(?:[^"\\]|\\.)*"|[^\s"()]+)\s*/
const andPattern = /^AND\s+/

/**
 * Parses the filter subset the emulator understands: `field=value` terms (also `!=` and `:`) joined by `AND`,
 * values bare or double-quoted. Anything else (`OR`, parentheses, functions) is refused with a message.
 */
export const parse = (filter: string): Either.Either<ReadonlyArray<Term>, string> => {
  const terms: Array<Term> = []
  let rest = filter.trim()
  if (rest === "") return Either.right(terms)
  for (;;) {
    const match = termPattern.exec(rest)
    if (match === null) {
      return Either.left(`Invalid filter: expected "field=value" at ${JSON.stringify(rest.slice(0, 40))}`)
    }
    const [whole, field, op, raw] = match
    const value = raw.startsWith("\"") ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw
    terms.push({ field, op: op === "!=" ? "!=" : op === ":" ? ":" : "=", value })
    rest = rest.slice(whole.length)
    if (rest === "") return Either.right(terms)
    const and = andPattern.exec(rest)
    if (and === null) {
      return Either.left(
        `Invalid filter: expected "AND" or the end of the filter at ${JSON.stringify(rest.slice(0, 40))}`
      )
    }
    rest = rest.slice(and[0].length)
  }
}

const lookup = (value: unknown, path: ReadonlyArray<string>): unknown => {
  let current = value
  for (const key of path) {
    if (!Predicate.isRecord(current) || !Object.hasOwn(current, key)) return undefined
    current = current[key]
  }
  return current
}

// `done` and `name` are the operation's; every other field is read in its metadata, with or without the
// `metadata.` prefix (`operationType`, `status.state`, `labels.env`, `clusterName`).
const fieldValue = (operation: { readonly [key: string]: unknown }, field: string): unknown => {
  if (field === "done") return operation.done === true
  if (field === "name") return operation.name
  const path = field.split(".")
  return lookup(operation.metadata, path[0] === "metadata" ? path.slice(1) : path)
}

const matchesTerm = (operation: { readonly [key: string]: unknown }, term: Term): boolean => {
  const value = fieldValue(operation, term.field)
  const text = value === undefined || value === null ? undefined : typeof value === "object" ? undefined : String(value)
  const equal = text !== undefined &&
    (text === term.value || (typeof value === "boolean" && text === term.value.toLowerCase()))
  return term.op === "!=" ? !equal : equal
}

/** Tells whether an encoded operation matches every term. */
export const matches = (operation: { readonly [key: string]: unknown }, terms: ReadonlyArray<Term>): boolean =>
  terms.every((term) => matchesTerm(operation, term))

/** Makes the opaque token of the page starting at `offset`, bound to the filter and page size it was made for. */
export const makePageToken = (offset: number, filter: string): string =>
  Encoding.encodeBase64Url(JSON.stringify({ v: 1, o: offset, f: filter }))

/** Reads a page token, refusing one that was not made by this emulator or was made for another filter. */
export const readPageToken = (token: string, filter: string): Either.Either<number, string> =>
  Either.flatMap(
    Either.mapLeft(Encoding.decodeBase64UrlString(token), () => "Invalid page token"),
    (text) => {
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        return Either.left("Invalid page token")
      }
      if (
        parsed === null || typeof parsed !== "object" || !("v" in parsed) || parsed.v !== 1 || !("o" in parsed) ||
        typeof parsed.o !== "number" || !Number.isSafeInteger(parsed.o) || parsed.o < 0 || !("f" in parsed)
      ) {
        return Either.left("Invalid page token")
      }
      if (parsed.f !== filter) return Either.left("The page token was issued for a different filter")
      return Either.right(parsed.o)
    }
  )
