/**
 * A lean `HttpClient` over an undici `Dispatcher` (a `Pool`, an `Agent`): the @effect/platform interface,
 * with little between the fiber and the socket. One handler object per request reads the body as it
 * arrives (no Node stream, no AbortController), headers are converted once and only when read. Its layers
 * also provide the `HttpExchange` that `OperationsClient` sends through: a whole exchange (request, body,
 * one timer) in one step.
 *
 * @since 0.1.0
 */
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import type * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as HttpTraceContext from "@effect/platform/HttpTraceContext"
import * as UrlParams from "@effect/platform/UrlParams"
import type * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { Readable } from "node:stream"
import { Agent, type Dispatcher } from "undici"
import * as HttpExchange from "./HttpExchange.js"
import * as Errors from "./internal/errors.js"

/**
 * Options of {@link layer}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Connections per origin at most. Unlimited by default (undici's default). */
  readonly connections?: number | undefined
  /** Requests pipelined on one connection. Defaults to 1 (no pipelining). */
  readonly pipelining?: number | undefined
  /** How long an idle connection is kept, in milliseconds. Defaults to undici's 4 seconds. */
  readonly keepAliveTimeout?: number | undefined
}

// -----------------------------------------------------------------------------
// tracing
// -----------------------------------------------------------------------------

// As the platform's clients do: a span per request unless tracing is off for it.
const tracing = (fiber: Fiber.RuntimeFiber<unknown, unknown>, request: HttpClientRequest.HttpClientRequest) =>
  fiber.getFiberRef(FiberRef.currentTracerEnabled) && !fiber.getFiberRef(HttpClient.currentTracerDisabledWhen)(request)

// -----------------------------------------------------------------------------
// the body, as it arrives
// -----------------------------------------------------------------------------

/** How many bytes a `stream` reader may leave unread before the socket is paused. */
const highWaterMark = 64 * 1024

class Body {
  chunks: Array<Buffer> = []
  size = 0
  done = false
  error: Error | undefined = undefined
  streaming = false
  private waiter: (() => void) | undefined = undefined

  constructor(readonly exchange: Exchange) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.size += chunk.length
    if (this.streaming && this.size > highWaterMark) this.exchange.controller?.pause()
    this.wake()
  }

  end(): void {
    this.done = true
    this.exchange.disarm()
    this.wake()
  }

  fail(error: Error): void {
    if (this.done) return
    this.error = error
    this.done = true
    this.exchange.disarm()
    this.wake()
  }

  /** Calls `f` once something happened: a chunk, the end, an error. One waiter at a time. */
  wait(f: () => void): void {
    this.waiter = f
  }

  cancelWait(): void {
    this.waiter = undefined
  }

  private wake(): void {
    const waiter = this.waiter
    if (waiter !== undefined) {
      this.waiter = undefined
      waiter()
    }
  }

  /** Takes what has arrived, for a stream reader. */
  take(): Array<Buffer> {
    const chunks = this.chunks
    this.chunks = []
    this.size = 0
    if (this.exchange.controller?.paused === true) this.exchange.controller.resume()
    return chunks
  }

  bytes(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size)
  }
}

const aborted = new Error("the request was interrupted")

/** One request and its response: the undici handler, and the state both sides read. */
class Exchange implements Dispatcher.DispatchHandler {
  controller: Dispatcher.DispatchController | undefined = undefined
  cancelled = false
  body: Body | undefined = undefined
  whenHeaders: ((status: number, headers: Record<string, string | Array<string> | undefined>) => void) | undefined =
    undefined
  whenFailed: ((error: Error) => void) | undefined = undefined
  timer: ReturnType<typeof setTimeout> | undefined = undefined

  cancel(): void {
    this.disarm()
    this.cancelled = true
    this.whenHeaders = undefined
    this.whenFailed = undefined
    if (this.controller !== undefined && !this.controller.aborted) this.controller.abort(aborted)
  }

  disarm(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller
    if (this.cancelled) controller.abort(aborted)
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | Array<string> | undefined>
  ): void {
    if (statusCode < 200) return // 1xx informational answers come before the real one
    this.body = new Body(this)
    const whenHeaders = this.whenHeaders
    this.whenHeaders = undefined
    this.whenFailed = undefined
    whenHeaders?.(statusCode, headers)
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.body?.push(chunk)
  }

  onResponseEnd(): void {
    this.body?.end()
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.body !== undefined) return this.body.fail(error)
    this.disarm()
    const whenFailed = this.whenFailed
    this.whenHeaders = undefined
    this.whenFailed = undefined
    whenFailed?.(error)
  }
}

// -----------------------------------------------------------------------------
// the response
// -----------------------------------------------------------------------------

const decoder = new TextDecoder()

class Response extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  private cachedHeaders: Headers.Headers | undefined = undefined
  private cachedCookies: Cookies.Cookies | undefined = undefined
  private consumed: "stream" | undefined = undefined

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly status: number,
    private readonly rawHeaders: Record<string, string | Array<string> | undefined>,
    private readonly body: Body
  ) {
    super()
  }

  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(this.rawHeaders)
  }

  get cookies(): Cookies.Cookies {
    if (this.cachedCookies !== undefined) return this.cachedCookies
    const header = this.rawHeaders["set-cookie"]
    return this.cachedCookies = header === undefined
      ? Cookies.empty
      : Cookies.fromSetCookie(Array.isArray(header) ? header : [header])
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  private decodeError(cause: unknown, description?: string) {
    return new HttpClientError.ResponseError({
      request: this.request,
      response: this,
      reason: "Decode",
      cause,
      ...(description === undefined ? {} : { description })
    })
  }

  /** The whole body, once it has arrived. Reading it twice gives the same bytes. */
  private get whole(): Effect.Effect<Buffer, HttpClientError.ResponseError> {
    const body = this.body
    if (this.consumed === "stream") {
      return Effect.fail(this.decodeError(undefined, "the body was already read as a stream"))
    }
    const settle = (): Effect.Effect<Buffer, HttpClientError.ResponseError> =>
      body.error === undefined ? Effect.succeed(body.bytes()) : Effect.fail(this.decodeError(body.error))
    if (body.done) return settle()
    return Effect.async<Buffer, HttpClientError.ResponseError>((resume) => {
      const check = () => {
        if (body.done) resume(settle())
        else body.wait(check)
      }
      body.wait(check)
      return Effect.sync(() => {
        body.cancelWait()
        if (!body.done) body.exchange.cancel()
      })
    })
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return Effect.map(this.whole, (bytes) => decoder.decode(bytes))
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) => {
      try {
        return Effect.succeed(text === "" ? null : JSON.parse(text) as unknown)
      } catch (cause) {
        return Effect.fail(this.decodeError(cause))
      }
    })
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return Effect.map(this.whole, (bytes) => {
      const copy = new ArrayBuffer(bytes.byteLength)
      new Uint8Array(copy).set(bytes)
      return copy
    })
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) => {
      try {
        return Effect.succeed(UrlParams.fromInput(new URLSearchParams(text)))
      } catch (cause) {
        return Effect.fail(this.decodeError(cause))
      }
    })
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.flatMap(this.whole, (bytes) =>
      Effect.tryPromise({
        try: () => {
          const headers = new globalThis.Headers()
          const contentType = this.headers["content-type"]
          if (contentType !== undefined) headers.set("content-type", contentType)
          return new globalThis.Response(bytes, { headers }).formData()
        },
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    const body = this.body
    const pull: Effect.Effect<Chunk.Chunk<Uint8Array>, Option.Option<HttpClientError.ResponseError>> = Effect.suspend(
      () => {
        if (body.chunks.length > 0) return Effect.succeed(Chunk.unsafeFromArray<Uint8Array>(body.take()))
        if (body.done) {
          return body.error === undefined ? Effect.fail(Option.none()) : Effect.fail(Option.some(this.decodeError(body.error)))
        }
        return Effect.async<void>((resume) => {
          body.wait(() => resume(Effect.void))
          return Effect.sync(() => body.cancelWait())
        }).pipe(Effect.zipRight(pull))
      }
    )
    return Stream.suspend(() => {
      this.consumed = "stream"
      body.streaming = true
      return Stream.repeatEffectChunkOption(pull).pipe(
        Stream.ensuring(Effect.sync(() => {
          if (!body.done) body.exchange.cancel()
        }))
      )
    })
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}

// -----------------------------------------------------------------------------
// the client
// -----------------------------------------------------------------------------

const toDispatchBody = (
  body: HttpBody.HttpBody,
  headers: Headers.Headers
): { readonly body: string | Uint8Array | Readable | null; readonly headers: Headers.Headers } => {
  switch (body._tag) {
    case "Empty":
      return { body: null, headers }
    case "Uint8Array":
      return { body: body.body, headers }
    case "Raw":
      return {
        body: typeof body.body === "string" || body.body instanceof Uint8Array || body.body instanceof Readable
          ? body.body
          : String(body.body),
        headers
      }
    case "FormData": {
      // The multipart encoding of the platform's FormData, with its boundary in the content type.
      const encoded = new globalThis.Response(body.formData)
      const contentType = encoded.headers.get("content-type")
      return {
        body: encoded.body === null ? null : Readable.from(encoded.body),
        headers: contentType === null ? headers : Headers.set(headers, "content-type", contentType)
      }
    }
    case "Stream":
      return { body: Readable.from(Stream.toAsyncIterable(body.stream)), headers }
  }
}

type Target = { readonly origin: string; readonly path: string; readonly url: string }

/** Splits an absolute http(s) URL into origin and path without building a `URL`, when that is safe. */
const splitUrl = (raw: string): Target | Error => {
  if ((raw.startsWith("http://") || raw.startsWith("https://")) && !/[\s#?@\\]/.test(raw)) {
    const slash = raw.indexOf("/", raw.indexOf("//") + 2)
    return slash < 0 ? { origin: raw, path: "/", url: raw } : { origin: raw.slice(0, slash), path: raw.slice(slash), url: raw }
  }
  try {
    const url = new URL(raw)
    if (url.protocol !== "http:" && url.protocol !== "https:") return new Error(`not an http(s) URL: ${url.protocol}`)
    return { origin: url.origin, path: `${url.pathname}${url.search}`, url: url.href }
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error))
  }
}

const requestTarget = (request: HttpClientRequest.HttpClientRequest): Target | Error => {
  if (request.urlParams.length === 0 && Option.isNone(request.hash)) return splitUrl(request.url)
  const made = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
  if (made._tag === "Left") return made.left
  const url = made.right
  return { origin: url.origin, path: `${url.pathname}${url.search}`, url: url.href }
}

const send = (
  dispatcher: Dispatcher,
  request: HttpClientRequest.HttpClientRequest,
  target: { readonly origin: string; readonly path: string },
  headers: Headers.Headers
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError> =>
  Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>((resume) => {
    const exchange = new Exchange()
    exchange.whenHeaders = (status, rawHeaders) =>
      resume(Effect.succeed(new Response(request, status, rawHeaders, exchange.body!)))
    exchange.whenFailed = (cause) =>
      resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
    try {
      const payload = toDispatchBody(request.body, headers)
      dispatcher.dispatch({
        origin: target.origin,
        path: target.path,
        method: request.method,
        headers: payload.headers,
        body: payload.body,
        // timeouts are the caller's
        headersTimeout: 0,
        bodyTimeout: 0
      }, exchange)
    } catch (cause) {
      exchange.disarm()
      exchange.whenHeaders = undefined
      exchange.whenFailed = undefined
      resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
      return
    }
    return Effect.sync(() => exchange.cancel())
  })

const traced = (
  dispatcher: Dispatcher,
  request: HttpClientRequest.HttpClientRequest,
  target: { readonly origin: string; readonly path: string; readonly url: string },
  fiber: Fiber.RuntimeFiber<unknown, unknown>
) =>
  Effect.useSpan(
    Context.get(fiber.currentContext, HttpClient.SpanNameGenerator)(request),
    { kind: "client", captureStackTrace: false },
    (span) => {
      span.attribute("http.request.method", request.method)
      span.attribute("server.address", target.origin)
      span.attribute("url.full", target.url)
      const headers = fiber.getFiberRef(HttpClient.currentTracerPropagation)
        ? Headers.merge(request.headers, HttpTraceContext.toHeaders(span))
        : request.headers
      return send(dispatcher, request, target, headers).pipe(
        Effect.withParentSpan(span),
        Effect.tap((response) => span.attribute("http.response.status_code", response.status))
      )
    }
  )

// -----------------------------------------------------------------------------
// a whole exchange in one step
// -----------------------------------------------------------------------------

/** What the interrupt handler of one exchange reaches: cleared when the exchange settles (see `exchange`). */
interface Slot {
  handler: WholeExchange | undefined
}

/**
 * The handler of a whole exchange: headers, the body up to `maxBytes`, one timer over both. It settles once,
 * through `resume`.
 */
class WholeExchange implements Dispatcher.DispatchHandler {
  controller: Dispatcher.DispatchController | undefined = undefined
  settled = false
  status = 0
  headers: Record<string, string | Array<string> | undefined> | undefined = undefined
  chunks: Array<Buffer> = []
  size = 0
  timer: ReturnType<typeof setTimeout> | undefined = undefined

  constructor(
    readonly maxBytes: number,
    readonly resume: (effect: Effect.Effect<HttpExchange.Response, HttpExchange.ExchangeError>) => void,
    readonly slot: Slot
  ) {}

  arm(millis: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.fail(Errors.timedOut(millis))
    }, Errors.armable(millis))
  }

  private stop(): void {
    this.settled = true
    this.slot.handler = undefined
    if (this.timer !== undefined) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
  }

  /** Settles with a failure and aborts the request, once. */
  fail(error: HttpExchange.ExchangeError): void {
    if (this.settled) return
    this.stop()
    if (this.controller !== undefined && !this.controller.aborted) this.controller.abort(aborted)
    this.resume(Effect.fail(error))
  }

  /** The fiber was interrupted: abort at once, quietly. */
  abort(): void {
    if (this.settled) return
    this.stop()
    if (this.controller !== undefined && !this.controller.aborted) this.controller.abort(aborted)
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller
    if (this.settled) controller.abort(aborted)
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | Array<string> | undefined>
  ): void {
    if (statusCode < 200 || this.settled) return // 1xx informational answers come before the real one
    this.status = statusCode
    this.headers = headers
    const declared = headers["content-length"]
    if (typeof declared === "string" && /^\d+$/.test(declared) && Number(declared) > this.maxBytes) {
      this.fail(Errors.tooLarge(this.maxBytes))
    }
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled || this.headers === undefined) return
    this.size += chunk.length
    if (this.size > this.maxBytes) return this.fail(Errors.tooLarge(this.maxBytes))
    this.chunks.push(chunk)
  }

  onResponseEnd(): void {
    if (this.settled || this.headers === undefined) return
    this.stop()
    const chunks = this.chunks
    const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.size)
    const retryAfter = this.headers["retry-after"]
    this.chunks = []
    this.resume(Effect.succeed({
      status: this.status,
      text: decoder.decode(bytes),
      retryAfter: Array.isArray(retryAfter) ? retryAfter.join(", ") : retryAfter
    }))
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(Errors.fromCause(error))
  }
}

const aborts = (slot: Slot) => <E>(cause: Cause.Cause<E>): Effect.Effect<never, E> => {
  slot.handler?.abort()
  return Effect.failCause(cause)
}

/**
 * The exchange over a dispatcher that `OperationsClient` sends through when this module's layers are
 * provided: request, body and one native timer, with nothing between them. The timer runs on real time
 * (under `TestClock`, provide `HttpExchange.layerHttpClient` to have time limits follow Effect's clock).
 *
 * Interruption aborts the request at once, through a handler that runs when the fiber is interrupted. The
 * handler reaches the exchange only through a slot that is emptied when the exchange settles: the
 * interrupt frames may be allocated in V8's old generation, and must not keep an answer alive after it is
 * handed back (docs/benchmarks.md).
 *
 * @example
 * ```ts
 * import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
 * import { Pool } from "undici"
 *
 * const exchange = UndiciHttpClient.exchange(new Pool("http://127.0.0.1:8085"))
 * exchange.transport // "undici"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const exchange = (dispatcher: Dispatcher): HttpExchange.Service => ({
  transport: "undici",
  exchange: (request) => {
    const target = splitUrl(request.url)
    if (target instanceof Error) {
      return Effect.fail(new HttpExchange.ExchangeError({ reason: "InvalidRequest", detail: target.message, cause: target }))
    }
    const slot: Slot = { handler: undefined }
    return Effect.uninterruptibleMask((restore) =>
      Effect.catchAllCause(
        restore(Effect.async<HttpExchange.Response, HttpExchange.ExchangeError>((resume) => {
          const handler = new WholeExchange(request.maxBytes, resume, slot)
          slot.handler = handler
          if (Number.isFinite(request.timeoutMillis)) handler.arm(request.timeoutMillis)
          try {
            dispatcher.dispatch({
              origin: target.origin,
              path: target.path,
              method: request.method,
              headers: request.body === undefined
                ? request.headers
                : { ...request.headers, "content-type": "application/json" },
              body: request.body ?? null,
              headersTimeout: 0,
              bodyTimeout: 0
            }, handler)
          } catch (cause) {
            handler.fail(Errors.fromCause(cause))
          }
        })),
        aborts(slot)
      )
    )
  }
})

/**
 * Makes the client over a dispatcher: an undici `Pool` for one origin, an `Agent` for many. Closing the
 * dispatcher is the caller's. Interrupting a request aborts it, whether it is queued, waiting for headers
 * or reading the body. A body is read into memory as it arrives; `stream` reads it with backpressure.
 *
 * @example
 * ```ts
 * import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
 * import { Pool } from "undici"
 *
 * const client = UndiciHttpClient.make(new Pool("http://127.0.0.1:8085", { connections: 16 }))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (dispatcher: Dispatcher): HttpClient.HttpClient =>
  HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
    (effect) =>
      Effect.flatMap(effect, (request) =>
        Effect.withFiberRuntime<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((fiber) => {
          const target = requestTarget(request)
          if (target instanceof Error) {
            return Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: target }))
          }
          return tracing(fiber, request)
            ? traced(dispatcher, request, target, fiber)
            : send(dispatcher, request, target, request.headers)
        })),
    Effect.succeed
  )

const services = (dispatcher: Dispatcher): Context.Context<HttpClient.HttpClient | HttpExchange.HttpExchange> =>
  Context.make(HttpClient.HttpClient, make(dispatcher)).pipe(
    Context.add(HttpExchange.HttpExchange, exchange(dispatcher))
  )

/**
 * A layer of the client over a new undici `Agent`, destroyed when the layer's scope closes. It provides
 * both the `HttpClient` and the `HttpExchange` over the same agent, so that `OperationsClient` sends through
 * the one-step exchange.
 *
 * @example
 * ```ts
 * import { Credentials, OperationsClient } from "@longrunning/http"
 * import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
 * import { Layer } from "effect"
 *
 * const Live = OperationsClient.layer().pipe(
 *   Layer.provide(Credentials.layerConfig()),
 *   Layer.provide(UndiciHttpClient.layer({ connections: 16 }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<HttpClient.HttpClient | HttpExchange.HttpExchange> =>
  Layer.scopedContext(
    Effect.map(
      Effect.acquireRelease(
        Effect.sync(() =>
          new Agent({
            ...(options.connections === undefined ? {} : { connections: options.connections }),
            ...(options.pipelining === undefined ? {} : { pipelining: options.pipelining }),
            ...(options.keepAliveTimeout === undefined ? {} : { keepAliveTimeout: options.keepAliveTimeout })
          })
        ),
        (agent) => Effect.promise(() => agent.destroy())
      ),
      services
    )
  )

/**
 * A layer of the client and the exchange over a dispatcher you own (and close).
 *
 * @example
 * ```ts
 * import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
 * import { Pool } from "undici"
 *
 * const layer = UndiciHttpClient.layerDispatcher(new Pool("https://dataproc.googleapis.com", { connections: 8 }))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerDispatcher = (
  dispatcher: Dispatcher
): Layer.Layer<HttpClient.HttpClient | HttpExchange.HttpExchange> => Layer.succeedContext(services(dispatcher))
