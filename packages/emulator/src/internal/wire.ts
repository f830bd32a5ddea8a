import * as Code from "@longrunning/schema/Code"
import * as Status from "@longrunning/schema/Status"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Statuses from "../Statuses.js"
import * as Filter from "./filter.js"

// The Dataproc REST wire format shared by the emulator (over a socket) and TestHttpClient (without one).

export const jsonContentType = "application/json; charset=UTF-8"

/** A response before it is written, so that faults can bend it. */
export interface Prepared {
  readonly status: number
  readonly contentType: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export const json = (status: number, value: unknown, headers: Readonly<Record<string, string>> = {}): Prepared => ({
  status,
  contentType: jsonContentType,
  headers,
  body: JSON.stringify(value, null, 2)
})

const encodeEnvelope = Schema.encode(Status.ErrorEnvelope)

// A RetryInfo also goes out as `Retry-After` (whole seconds, rounded up), as Google's front ends send it.
const retryAfter = (status: Status.Status): Record<string, string> =>
  Option.match(Status.retryDelay(status), {
    onNone: () => ({}),
    onSome: (delay) => ({ "retry-after": String(Math.max(1, Math.ceil(Duration.toSeconds(delay)))) })
  })

/** The AIP-193 error body of a Status, as `Status.toEnvelope` makes it, with `Retry-After` for a RetryInfo. */
export const errorResponse = (
  status: Status.Status,
  options?: { readonly httpStatus?: number | undefined; readonly headers?: Readonly<Record<string, string>> | undefined }
): Effect.Effect<Prepared> =>
  Effect.map(Effect.orDie(encodeEnvelope(Status.toEnvelope(status))), (envelope) => {
    const httpStatus = options?.httpStatus ?? Code.httpStatus(status.code)
    return json(httpStatus, { error: { ...envelope.error, code: httpStatus } }, {
      ...retryAfter(status),
      ...options?.headers
    })
  })

export const invalidArgument = (message: string): Status.Status =>
  Status.make({ code: Code.codes.INVALID_ARGUMENT, message })

export const operationNotFound = Statuses.operationNotFound

/** The query of a list call, as strings (absent is null), the way they arrive on the wire. */
export interface ListParams {
  readonly pageSize: string | null
  readonly pageToken: string | null
  readonly filter: string | null
  readonly returnPartialSuccess: string | null
}

const param = (query: URLSearchParams, camel: string, snake: string): string | null =>
  query.get(camel) ?? query.get(snake)

/** Reads the list parameters of a query, in camelCase or snake_case. */
export const listParams = (query: URLSearchParams): ListParams => ({
  pageSize: param(query, "pageSize", "page_size"),
  pageToken: param(query, "pageToken", "page_token"),
  filter: query.get("filter"),
  returnPartialSuccess: param(query, "returnPartialSuccess", "return_partial_success")
})

export const defaultPageSize = 100
export const maxPageSize = 1000

/** One page of a list result. */
export interface Page {
  readonly operations: ReadonlyArray<Record<string, unknown>>
  readonly nextPageToken: string | undefined
}

/**
 * Checks the list parameters, then filters and pages the encoded operations of a collection (in the order
 * given). A bad parameter is an INVALID_ARGUMENT Status, with Google's wording.
 */
export const page = (
  operations: ReadonlyArray<Record<string, unknown>>,
  params: ListParams
): Either.Either<Page, Status.Status> => {
  const rawSize = params.pageSize
  let pageSize = defaultPageSize
  if (rawSize !== null && rawSize !== "") {
    if (!/^-?\d+$/.test(rawSize)) {
      return Either.left(invalidArgument(`Invalid value at 'page_size' (TYPE_INT32), "${rawSize}"`))
    }
    const size = Number(rawSize)
    if (size < 0) return Either.left(invalidArgument(`page_size must not be negative, got ${size}`))
    pageSize = size === 0 ? defaultPageSize : Math.min(size, maxPageSize)
  }
  const partial = params.returnPartialSuccess
  if (partial !== null && partial !== "true" && partial !== "false") {
    return Either.left(invalidArgument(`Invalid value at 'return_partial_success' (TYPE_BOOL), "${partial}"`))
  }
  const filter = params.filter ?? ""
  const terms = Filter.parse(filter)
  if (Either.isLeft(terms)) return Either.left(invalidArgument(terms.left))
  const token = params.pageToken ?? ""
  let offset = 0
  if (token !== "") {
    const read = Filter.readPageToken(token, filter)
    if (Either.isLeft(read)) return Either.left(invalidArgument(read.left))
    offset = read.right
  }
  const matching = operations.filter((operation) => Filter.matches(operation, terms.right))
  return Either.right({
    operations: matching.slice(offset, offset + pageSize),
    nextPageToken: offset + pageSize < matching.length ? Filter.makePageToken(offset + pageSize, filter) : undefined
  })
}

/** The JSON body of a page: empty fields left out, as Google writes them. */
export const pageBody = (result: Page): Record<string, unknown> => ({
  ...(result.operations.length === 0 ? {} : { operations: result.operations }),
  ...(result.nextPageToken === undefined ? {} : { nextPageToken: result.nextPageToken })
})

/**
 * What the store answers a request with, before it is printed: a JSON body (HTTP 200), a Status (its
 * AIP-193 envelope), or a body already printed (one a fault bent: an HTML page, half the JSON...).
 */
export type Reply =
  | { readonly _tag: "Json"; readonly json: unknown }
  | {
    readonly _tag: "Error"
    readonly status: Status.Status
    readonly httpStatus?: number | undefined
    readonly headers?: Readonly<Record<string, string>> | undefined
  }
  | { readonly _tag: "Raw"; readonly prepared: Prepared }

/** Prints a reply as the emulator sends it. */
export const prepare = (reply: Reply): Effect.Effect<Prepared> => {
  switch (reply._tag) {
    case "Json":
      return Effect.succeed(json(200, reply.json))
    case "Error":
      return errorResponse(reply.status, { httpStatus: reply.httpStatus, headers: reply.headers })
    case "Raw":
      return Effect.succeed(reply.prepared)
  }
}
