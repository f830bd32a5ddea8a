import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as OperationStore from "../OperationStore.js"
import * as Fault from "./fault.js"
import * as Redact from "./redact.js"
import * as Routes from "./routes.js"
import * as Wire from "./wire.js"

export const jsonContentType = Wire.jsonContentType

type Prepared = Wire.Prepared

const toResponse = (prepared: Prepared): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.text(prepared.body, {
    status: prepared.status,
    contentType: prepared.contentType,
    headers: prepared.headers
  })

const rawHeaders = (prepared: Prepared): Record<string, string> => ({
  ...prepared.headers,
  "content-type": prepared.contentType,
  "content-length": String(Buffer.byteLength(prepared.body))
})

// The fiber is interrupted when the socket closes (the platform watches the response's "close" event).
const destroySocket = (request: HttpServerRequest.HttpServerRequest) =>
  Effect.zipRight(
    Effect.sync(() => NodeHttpServerRequest.toIncomingMessage(request).socket.destroy()),
    Effect.never
  )

/** The faults only a socket can apply: on time, and on the connection. */
const applyTransport = (
  store: OperationStore.OperationStore.Service,
  fault: Fault.Transport,
  request: HttpServerRequest.HttpServerRequest,
  prepared: Effect.Effect<Prepared>
): Effect.Effect<HttpServerResponse.HttpServerResponse> => {
  switch (fault._tag) {
    case "Latency":
      return Effect.zipRight(store.clock.sleep(fault.delay), Effect.map(prepared, toResponse))
    case "SlowHeaders":
      return Effect.flatMap(prepared, (answer) => Effect.as(store.clock.sleep(fault.delay), toResponse(answer)))
    case "ConnectionReset":
      return destroySocket(request)
    case "ResetMidBody":
      // Destroyed only once the first half is handed to the kernel: destroying a socket drops unflushed writes.
      return Effect.flatMap(prepared, (answer) =>
        Effect.zipRight(
          Effect.async<void>((resume) => {
            const response = NodeHttpServerRequest.toServerResponse(request)
            response.writeHead(answer.status, rawHeaders(answer))
            response.write(answer.body.slice(0, Math.max(1, Math.floor(answer.body.length / 2))), () =>
              resume(Effect.void))
          }),
          destroySocket(request)
        ))
    case "SlowBody":
      return Effect.flatMap(prepared, (answer) =>
        Effect.gen(function*() {
          const response = NodeHttpServerRequest.toServerResponse(request)
          const bytes = Buffer.from(answer.body)
          const chunks = Math.max(2, Math.min(fault.chunks, bytes.length))
          const size = Math.ceil(bytes.length / chunks)
          const pause = Duration.millis(Duration.toMillis(fault.delay) / (chunks - 1))
          response.writeHead(answer.status, rawHeaders(answer))
          response.write(bytes.subarray(0, size))
          for (let start = size; start < bytes.length; start += size) {
            yield* store.clock.sleep(pause)
            response.write(bytes.subarray(start, start + size))
          }
          response.end()
          return HttpServerResponse.empty()
        }))
  }
}

/** The HTTP app of the emulator: every request goes to the store, which logs it and applies its fault rules. */
export const makeApp = (store: OperationStore.OperationStore.Service) => {
  const handler = Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const url = request.url
    const mark = url.indexOf("?")
    const path = mark === -1 ? url : url.slice(0, mark)
    const query = new URLSearchParams(mark === -1 ? "" : url.slice(mark + 1))
    const { bearer, headers } = Redact.recordHeaders(request.headers)
    const exchange = yield* store.receive({
      route: Routes.parse(request.method, path),
      query,
      // Read only by the methods that start operations; a failed read (the client went away) reads as
      // empty, and the answer goes nowhere.
      body: Effect.orElseSucceed(request.text, () => ""),
      http: {
        method: request.method,
        url,
        path,
        query: Object.fromEntries(query),
        headers,
        ...(bearer === undefined ? {} : { bearer })
      }
    })
    const prepared = Effect.flatMap(exchange.reply, Wire.prepare)
    const fault = exchange.fault
    return fault !== undefined && Fault.isTransport(fault)
      ? yield* applyTransport(store, fault, request, prepared)
      : toResponse(yield* prepared)
  })
  return HttpRouter.empty.pipe(HttpRouter.all("*", handler))
}
