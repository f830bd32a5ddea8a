/**
 * The Dataproc v1 REST wire format as the emulator speaks it, for doubles that serve the same answers
 * without a socket (`TestHttpClient` of `@longrunning/testing`): how a request path reads, the JSON of an
 * answer and of an AIP-193 error envelope, the list call's parameters and pages, and a request log that
 * never keeps a secret in clear.
 *
 * @example
 * ```ts
 * import { Wire } from "@longrunning/emulator"
 *
 * const route = Wire.parseRoute("GET", "/v1/projects/p/regions/us-central1/operations/op-1")
 * // { _tag: "Get", name: "projects/p/regions/us-central1/operations/op-1" }
 * ```
 *
 * @since 0.1.0
 */
import type * as Status from "@longrunning/schema/Status"
import type * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import type * as Redacted from "effect/Redacted"
import type * as OperationStore from "./OperationStore.js"
import * as Redact from "./internal/redact.js"
import * as Routes from "./internal/routes.js"
import * as InternalWire from "./internal/wire.js"

/**
 * What a request asks for, once its method and path are read: one of the operations methods, a Dataproc
 * method that starts an operation, or a refusal (with the Status and HTTP status a Google front end answers).
 *
 * @since 0.1.0
 * @category models
 */
export type Route = Routes.Route

/**
 * Reads a raw request path (not URL-normalized, so `..` and `%2F` reach the name check and are refused
 * there) and method as a {@link Route}.
 *
 * @example
 * ```ts
 * import { Wire } from "@longrunning/emulator"
 *
 * Wire.parseRoute("POST", "/v1/projects/p/regions/us-central1/operations/op-1:cancel")._tag // "Cancel"
 * ```
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseRoute: (method: string, path: string) => Route = Routes.parse

/**
 * The operation or collection a route is about (what per-operation fault and error rules match on).
 *
 * @example
 * ```ts
 * import { Wire } from "@longrunning/emulator"
 *
 * Wire.routeTarget(Wire.parseRoute("GET", "/v1/projects/p/regions/r/operations")) // "projects/p/regions/r/operations"
 * ```
 *
 * @since 0.1.0
 * @category parsing
 */
export const routeTarget: (route: Route) => string | undefined = Routes.target

/**
 * A response before it is written: status, Content-Type, other headers and the body.
 *
 * @since 0.1.0
 * @category models
 */
export type Prepared = InternalWire.Prepared

/**
 * The Content-Type of every JSON answer.
 *
 * @since 0.1.0
 * @category constants
 */
export const jsonContentType: string = InternalWire.jsonContentType

/**
 * A JSON answer, printed as Google's front ends print it.
 *
 * @example
 * ```ts
 * import { Wire } from "@longrunning/emulator"
 *
 * Wire.json(200, {}).body // "{}"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const json: (status: number, value: unknown, headers?: Readonly<Record<string, string>>) => Prepared =
  InternalWire.json

/**
 * The AIP-193 error answer of a Status: the envelope's `code` is the HTTP status, `status` the rpc code's
 * name; a `RetryInfo` detail also goes out as `Retry-After` (whole seconds, rounded up). The emulator and
 * `TestHttpClient` answer every Status through it.
 *
 * @example
 * ```ts
 * import { Wire } from "@longrunning/emulator"
 * import { Status } from "@longrunning/schema"
 *
 * Wire.errorResponse(Status.make({ code: 14, message: "down" })) // an Effect of a 503
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const errorResponse: (
  status: Status.Status,
  options?: { readonly httpStatus?: number | undefined; readonly headers?: Readonly<Record<string, string>> | undefined }
) => Effect.Effect<Prepared> = InternalWire.errorResponse

/**
 * Prints a reply of the `OperationStore` as the emulator sends it: JSON with status 200, a Status as its
 * AIP-193 error answer, a bent body as it is. `TestHttpClient` answers every request through it.
 *
 * @example
 * ```ts
 * import { Wire } from "@longrunning/emulator"
 *
 * Wire.prepare({ _tag: "Json", json: {} }) // an Effect of a 200 with the body "{}"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const prepare: (reply: OperationStore.Reply) => Effect.Effect<Prepared> = InternalWire.prepare

/**
 * The query of a list call as it arrives on the wire (strings; absent is null).
 *
 * @since 0.1.0
 * @category models
 */
export type ListParams = InternalWire.ListParams

/**
 * Reads the list parameters of a query, in camelCase or snake_case.
 *
 * @example
 * ```ts
 * import { Wire } from "@longrunning/emulator"
 *
 * Wire.listParams(new URLSearchParams("page_size=2")).pageSize // "2"
 * ```
 *
 * @since 0.1.0
 * @category parsing
 */
export const listParams: (query: URLSearchParams) => ListParams = InternalWire.listParams

/**
 * One page of a list result.
 *
 * @since 0.1.0
 * @category models
 */
export type Page = InternalWire.Page

/**
 * Checks the list parameters, then filters and pages the encoded operations of a collection: a bad
 * parameter is an INVALID_ARGUMENT Status in Google's wording.
 *
 * @example
 * ```ts
 * import { Wire } from "@longrunning/emulator"
 *
 * Wire.page([{ name: "projects/p/regions/r/operations/a" }], Wire.listParams(new URLSearchParams()))
 * ```
 *
 * @since 0.1.0
 * @category paging
 */
export const page: (
  operations: ReadonlyArray<Record<string, unknown>>,
  params: ListParams
) => Either.Either<Page, Status.Status> = InternalWire.page

/**
 * The JSON body of a page, empty fields left out as Google writes them.
 *
 * @example
 * ```ts
 * import { Wire } from "@longrunning/emulator"
 *
 * Wire.pageBody({ operations: [], nextPageToken: undefined }) // {}
 * ```
 *
 * @since 0.1.0
 * @category paging
 */
export const pageBody: (result: Page) => Record<string, unknown> = InternalWire.pageBody

/**
 * What a request log keeps of a request's headers: names lowercased, secret values `<redacted>`
 * (`Bearer <redacted>` for a bearer token), and the bearer token itself as a `Redacted`.
 *
 * @since 0.1.0
 * @category models
 */
export type RecordedHeaders = Redact.RecordedHeaders

/**
 * Copies a request's headers for a log, secrets redacted (see {@link RecordedHeaders}).
 *
 * @example
 * ```ts
 * import { Wire } from "@longrunning/emulator"
 *
 * Wire.recordHeaders({ Authorization: "Bearer ya29.x" }).headers.authorization // "Bearer <redacted>"
 * ```
 *
 * @since 0.1.0
 * @category logging
 */
export const recordHeaders: (input: Readonly<Record<string, string>>) => RecordedHeaders = Redact.recordHeaders

/**
 * Whether a logged request carried `Authorization: Bearer <token>`: logs keep the token only as a
 * `Redacted`, so a failing assertion prints `true`/`false`, never the token. The one check behind
 * `Emulator.hasBearer` and `TestOperations.hasBearer`.
 *
 * @example
 * ```ts
 * import { Wire } from "@longrunning/emulator"
 *
 * Wire.hasBearer({ bearer: Wire.recordHeaders({ authorization: "Bearer t" }).bearer }, "t") // true
 * ```
 *
 * @since 0.1.0
 * @category logging
 */
export const hasBearer: (
  request: { readonly bearer?: Redacted.Redacted<string> | undefined } | undefined,
  token: string | Redacted.Redacted<string>
) => boolean = Redact.hasBearer
