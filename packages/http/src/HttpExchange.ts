/**
 * How `OperationsClient` puts one request on the wire and gets its whole answer back: the request, the body
 * read up to a size limit, all under one time limit, and an interrupt aborting the request at once. It is a
 * service chosen when the layers are built: `UndiciHttpClient`'s layers provide a lean one over undici,
 * {@link fromHttpClient} makes one over any `@effect/platform` `HttpClient`.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Errors from "./internal/errors.js"
import * as OperationsError from "./OperationsError.js"

/**
 * One request: everything the exchange needs, headers included (the client adds the token).
 *
 * @since 0.1.0
 * @category models
 */
export interface Request {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
  /** An absolute http(s) URL, query included. */
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  /** The body as JSON text (sent with `content-type: application/json`), if any. */
  readonly body: string | undefined
  /** The time the exchange may take, headers and body; at most 2^31-1 ms are armed. */
  readonly timeoutMillis: number
  /** The largest body read; a larger one fails with reason `BodyTooLarge`. */
  readonly maxBytes: number
}

/**
 * A whole answer, whatever its status.
 *
 * @since 0.1.0
 * @category models
 */
export interface Response {
  readonly status: number
  readonly text: string
  /** The `Retry-After` header, if any. */
  readonly retryAfter: string | undefined
}

/**
 * Marks an {@link ExchangeError}.
 *
 * @example
 * ```ts
 * import { HttpExchange } from "@longrunning/http"
 *
 * const error = new HttpExchange.ExchangeError({ reason: "Reset", detail: "socket hang up" })
 * error[HttpExchange.ExchangeErrorTypeId] === HttpExchange.ExchangeErrorTypeId // true
 * ```
 *
 * @since 0.1.0
 * @category type ids
 */
export const ExchangeErrorTypeId: unique symbol = Symbol.for("@longrunning/http/ExchangeError")

/**
 * @since 0.1.0
 * @category type ids
 */
export type ExchangeErrorTypeId = typeof ExchangeErrorTypeId

/**
 * No answer. `OperationsClient` turns it into an `OperationsError.TransportError` with the same reason.
 *
 * @example
 * ```ts
 * import { HttpExchange } from "@longrunning/http"
 *
 * const error = new HttpExchange.ExchangeError({ reason: "Reset", detail: "socket hang up" })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ExchangeError extends Schema.TaggedError<ExchangeError>("@longrunning/http/ExchangeError")("ExchangeError", {
  reason: OperationsError.TransportReason,
  detail: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {
  /**
   * @since 0.1.0
   */
  readonly [ExchangeErrorTypeId]: ExchangeErrorTypeId = ExchangeErrorTypeId

  override get message(): string {
    return `${this.reason}: ${this.detail}`
  }
}

/**
 * Tells whether a value is an {@link ExchangeError}.
 *
 * @example
 * ```ts
 * import { HttpExchange } from "@longrunning/http"
 *
 * HttpExchange.isExchangeError({ _tag: "ExchangeError" }) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isExchangeError = (u: unknown): u is ExchangeError => Predicate.hasProperty(u, ExchangeErrorTypeId)

/**
 * The exchange service.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Which transport this is (`"undici"`, `"HttpClient"`): for logs and tests. */
  readonly transport: string
  /** Sends the request and reads the whole answer; interrupting it aborts the request at once. */
  readonly exchange: (request: Request) => Effect.Effect<Response, ExchangeError>
}

/**
 * The exchange `OperationsClient` sends through. When none is provided, the client makes one over the
 * `HttpClient` in its context ({@link fromHttpClient}).
 *
 * @example
 * ```ts
 * import { HttpExchange } from "@longrunning/http"
 * import { Effect } from "effect"
 *
 * const which = Effect.map(HttpExchange.HttpExchange, (exchange) => exchange.transport)
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class HttpExchange extends Context.Tag("@longrunning/http/HttpExchange")<HttpExchange, Service>() {}

const readBody = (
  response: HttpClientResponse.HttpClientResponse,
  maxBytes: number
): Effect.Effect<string, ExchangeError> => {
  const declared = response.headers["content-length"]
  if (declared !== undefined && /^\d+$/.test(declared)) {
    if (Number(declared) > maxBytes) return Effect.fail(Errors.tooLarge(maxBytes))
    return Effect.mapError(response.text, Errors.fromPlatform)
  }
  return response.stream.pipe(
    Stream.catchAll((error) =>
      error._tag === "ResponseError" && error.reason === "EmptyBody" ? Stream.empty : Stream.fail(Errors.fromPlatform(error))
    ),
    Stream.runFoldEffect({ size: 0, chunks: Chunk.empty<Uint8Array>() }, (acc, chunk) => {
      const size = acc.size + chunk.byteLength
      return size > maxBytes
        ? Effect.fail(Errors.tooLarge(maxBytes))
        : Effect.succeed({ size, chunks: Chunk.append(acc.chunks, chunk) })
    }),
    Effect.map(({ chunks, size }) => {
      const bytes = new Uint8Array(size)
      let offset = 0
      for (const chunk of chunks) {
        bytes.set(chunk, offset)
        offset += chunk.byteLength
      }
      return new TextDecoder().decode(bytes)
    })
  )
}

/**
 * An exchange over any `@effect/platform` `HttpClient`: its `execute`, the body read as a stream up to the
 * limit, `Effect.timeoutFail` for the time limit (so it follows Effect's `Clock`, `TestClock` included).
 * The client aborts the request when it is interrupted, as the platform's clients do.
 *
 * @example
 * ```ts
 * import { HttpExchange } from "@longrunning/http"
 * import { FetchHttpClient, HttpClient } from "@effect/platform"
 * import { Effect } from "effect"
 *
 * const exchange = Effect.map(HttpClient.HttpClient, HttpExchange.fromHttpClient).pipe(Effect.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromHttpClient = (client: HttpClient.HttpClient): Service => ({
  transport: "HttpClient",
  exchange: (request) => {
    let httpRequest = HttpClientRequest.make(request.method)(request.url, { headers: request.headers })
    if (request.body !== undefined) httpRequest = HttpClientRequest.bodyText(httpRequest, request.body, "application/json")
    return Effect.timeoutFail(
      Effect.flatMap(
        Effect.mapError(client.execute(httpRequest), (error: HttpClientError.HttpClientError) => Errors.fromPlatform(error)),
        (response) =>
          Effect.map(readBody(response, request.maxBytes), (text): Response => ({
            status: response.status,
            text,
            retryAfter: response.headers["retry-after"]
          }))
      ),
      { duration: Errors.armable(request.timeoutMillis), onTimeout: () => Errors.timedOut(request.timeoutMillis) }
    )
  }
})

/**
 * The exchange over the `HttpClient` of the context, as a layer.
 *
 * @example
 * ```ts
 * import { HttpExchange } from "@longrunning/http"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer } from "effect"
 *
 * const layer = HttpExchange.layerHttpClient.pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerHttpClient: Layer.Layer<HttpExchange, never, HttpClient.HttpClient> = Layer.effect(
  HttpExchange,
  Effect.map(HttpClient.HttpClient, fromHttpClient)
)
