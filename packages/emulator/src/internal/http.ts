import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import * as Code from "@longrunning/schema/Code"
import * as Dataproc from "@longrunning/schema/Dataproc"
import * as Operation from "@longrunning/schema/Operation"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type { Fault } from "../Emulator.js"
import type { Engine } from "./engine.js"
import * as Statuses from "../Statuses.js"
import * as Model from "./model.js"
import * as Redact from "./redact.js"
import * as Routes from "./routes.js"
import * as Start from "./start.js"
import * as Wire from "./wire.js"

export const jsonContentType = Wire.jsonContentType

type Prepared = Wire.Prepared

const json = Wire.json

// Responses are kept as the wire Anys the model builds, so only the metadata goes through its message schema.
const encodeOperation = Schema.encode(Operation.schema({ metadata: Dataproc.operationMetadata }))

const operationJson = (operation: Model.EmulatedOperation, intEnums: boolean) =>
  Effect.map(Effect.orDie(encodeOperation(operation)), (encoded) => {
    const ordered = Model.orderOperation(encoded)
    return intEnums ? Model.intEnums(ordered) : ordered
  })

/** The AIP-193 error body of a Status, as `Status.toEnvelope` makes it. */
export const errorResponse = Wire.errorResponse

const operationNotFound = (name: string) => errorResponse(Wire.operationNotFound(name))

const list = (engine: Engine, collection: string, query: URLSearchParams, intEnums: boolean) =>
  Effect.gen(function*() {
    const now = yield* engine.now
    const prefix = `${collection}/`
    const encoded: Array<Record<string, unknown>> = []
    for (const entry of engine.entries()) {
      if (entry.name.startsWith(prefix)) encoded.push(yield* operationJson(Model.render(entry, now), false))
    }
    const result = Wire.page(encoded, Wire.listParams(query))
    if (Either.isLeft(result)) return yield* errorResponse(result.left)
    const operations = result.right.operations.map((op) => (intEnums ? Model.intEnums(op) : op))
    return json(200, Wire.pageBody({ ...result.right, operations }))
  })

/** The answer of a request when nothing goes wrong (but a `FailOperation` fault may shape what it starts). */
const answer = (
  engine: Engine,
  route: Routes.Route,
  query: URLSearchParams,
  body: Effect.Effect<string>,
  failure?: Start.Failure
): Effect.Effect<Prepared> =>
  Effect.gen(function*() {
    const intEnums = (query.get("$alt") ?? "").includes("enum-encoding=int")
    if (Routes.isStart(route)) {
      const outcome = yield* Start.start(engine, route, query, yield* body, failure)
      if (outcome._tag === "Refused") return yield* errorResponse(outcome.status)
      return json(200, yield* operationJson(Model.render(outcome.entry, yield* engine.now), intEnums))
    }
    switch (route._tag) {
      case "Refused":
        return yield* errorResponse(route.status, {
          httpStatus: route.httpStatus,
          headers: route.allow === undefined ? {} : { allow: route.allow }
        })
      case "Get": {
        const entry = engine.entry(route.name)
        if (entry === undefined) return yield* operationNotFound(route.name)
        const now = yield* engine.now
        return json(200, yield* operationJson(Model.render(entry, now), intEnums))
      }
      case "List":
        return yield* list(engine, route.collection, query, intEnums)
      case "Cancel": {
        const entry = engine.entry(route.name)
        if (entry === undefined) return yield* operationNotFound(route.name)
        engine.settle(entry, { _tag: "Fail", error: Statuses.cancelled }, yield* engine.now)
        return json(200, {})
      }
      case "Delete": {
        if (!engine.remove(route.name)) return yield* operationNotFound(route.name)
        return json(200, {})
      }
    }
  })

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

const proxyHtml = `<!DOCTYPE html>
<html lang=en>
  <meta charset=utf-8>
  <title>Error 502 (Server Error)!!1</title>
  <p><b>502.</b> <ins>That's an error.</ins>
  <p>The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds.  <ins>That's all we know.</ins>
`

/** Rewrites the JSON body of a successful `get`; other answers pass through. */
const bendOperation = (
  route: Routes.Route,
  prepared: Prepared,
  bend: (operation: Record<string, unknown>) => Record<string, unknown>
): Prepared => {
  if (route._tag !== "Get" || prepared.status !== 200) return prepared
  const parsed: unknown = JSON.parse(prepared.body)
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return prepared
  return { ...prepared, body: JSON.stringify(bend({ ...parsed }), null, 2) }
}

const applyFault = (
  engine: Engine,
  fault: Fault,
  request: HttpServerRequest.HttpServerRequest,
  route: Routes.Route,
  query: URLSearchParams,
  body: Effect.Effect<string>
): Effect.Effect<HttpServerResponse.HttpServerResponse> => {
  const normal = answer(engine, route, query, body)
  switch (fault._tag) {
    case "Latency":
      return Effect.zipRight(engine.clock.sleep(fault.delay), Effect.map(normal, toResponse))
    case "SlowHeaders":
      return Effect.flatMap(normal, (prepared) => Effect.as(engine.clock.sleep(fault.delay), toResponse(prepared)))
    case "Answer":
      return Effect.map(errorResponse(fault.status), toResponse)
    case "ConnectionReset":
      return destroySocket(request)
    case "ResetMidBody":
      // Destroyed only once the first half is handed to the kernel: destroying a socket drops unflushed writes.
      return Effect.flatMap(normal, (prepared) =>
        Effect.zipRight(
          Effect.async<void>((resume) => {
            const response = NodeHttpServerRequest.toServerResponse(request)
            response.writeHead(prepared.status, rawHeaders(prepared))
            response.write(prepared.body.slice(0, Math.max(1, Math.floor(prepared.body.length / 2))), () =>
              resume(Effect.void))
          }),
          destroySocket(request)
        ))
    case "SlowBody":
      return Effect.flatMap(normal, (prepared) =>
        Effect.gen(function*() {
          const response = NodeHttpServerRequest.toServerResponse(request)
          const bytes = Buffer.from(prepared.body)
          const chunks = Math.max(2, Math.min(fault.chunks, bytes.length))
          const size = Math.ceil(bytes.length / chunks)
          const pause = Duration.millis(Duration.toMillis(fault.delay) / (chunks - 1))
          response.writeHead(prepared.status, rawHeaders(prepared))
          response.write(bytes.subarray(0, size))
          for (let start = size; start < bytes.length; start += size) {
            yield* engine.clock.sleep(pause)
            response.write(bytes.subarray(start, start + size))
          }
          response.end()
          return HttpServerResponse.empty()
        }))
    case "ProxyHtml":
      return Effect.succeed(HttpServerResponse.text(proxyHtml, { status: 502, contentType: "text/html; charset=UTF-8" }))
    case "EmptyBody":
      return Effect.succeed(
        HttpServerResponse.text("", { status: 200, contentType: jsonContentType, headers: { "content-length": "0" } })
      )
    case "TruncatedJson":
      return Effect.map(normal, (prepared) =>
        toResponse({ ...prepared, body: prepared.body.slice(0, Math.floor(prepared.body.length / 2)) }))
    case "OversizedBody":
      // Trailing whitespace keeps the JSON valid: only a size limit tells this body from a good one.
      return Effect.map(normal, (prepared) =>
        toResponse({ ...prepared, body: prepared.body + " ".repeat(Math.max(0, fault.bytes - prepared.body.length)) }))
    case "NullBody":
      return Effect.succeed(HttpServerResponse.text("null", { status: 200, contentType: jsonContentType }))
    case "ArrayBody":
      return Effect.succeed(HttpServerResponse.text("[]", { status: 200, contentType: jsonContentType }))
    case "WrongName":
      return Effect.map(normal, (prepared) =>
        toResponse(bendOperation(route, prepared, (op) => ({
          ...op,
          name: typeof op.name === "string" ? `${op.name.slice(0, op.name.lastIndexOf("/"))}/not-the-one-asked-for` : op.name
        }))))
    case "FailOperation":
      return Effect.map(answer(engine, route, query, body, fault), toResponse)
    case "ErrorAndResponse":
      return Effect.map(normal, (prepared) =>
        toResponse(bendOperation(route, prepared, (op) => ({
          ...op,
          done: true,
          error: { code: Code.codes.INTERNAL, message: "Internal error" },
          response: op.response ?? { "@type": "type.googleapis.com/google.protobuf.Empty" }
        }))))
  }
}

/** The HTTP app of the emulator: every request goes through the fault rules, then the operations surface. */
export const makeApp = (engine: Engine) => {
  const handler = Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const now = yield* engine.now
    const url = request.url
    const mark = url.indexOf("?")
    const path = mark === -1 ? url : url.slice(0, mark)
    const query = new URLSearchParams(mark === -1 ? "" : url.slice(mark + 1))
    const route = Routes.parse(request.method, path)
    const fault = yield* engine.pickFault(Routes.target(route), request.method, now, Routes.isStart(route))
    // The body is read only by the methods that start operations; a failed read (the client went away)
    // reads as empty, and the answer goes nowhere.
    const body = Effect.orElseSucceed(request.text, () => "")
    const { bearer, headers } = Redact.recordHeaders(request.headers)
    engine.record({
      method: request.method,
      url,
      path,
      query: Object.fromEntries(query),
      headers,
      ...(bearer === undefined ? {} : { bearer }),
      time: now,
      route: route._tag,
      ...(fault === undefined ? {} : { fault: fault._tag })
    })
    if (fault === undefined) return toResponse(yield* answer(engine, route, query, body))
    return yield* applyFault(engine, fault, request, route, query, body)
  })
  return HttpRouter.empty.pipe(HttpRouter.all("*", handler))
}
