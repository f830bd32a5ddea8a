/**
 * A fake `HttpClient` that serves the Dataproc v1 REST surface the emulator serves (the operations methods
 * and the methods that start operations; its paths, JSON, error envelopes and faults) from the emulator's
 * `OperationStore`, without a socket: run the real `OperationsClient.layer(...)` of `@longrunning/http` end
 * to end (headers, credentials, retry policy, request ids, decoding of error bodies) inside a test, under
 * `TestClock`.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Wire from "@longrunning/emulator/Wire"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Control from "./internal/control.js"
import * as TestOperations from "./TestOperations.js"

/**
 * Options of the fake: those of `TestOperations.layer`. In strict mode a request no method serves (an
 * unknown path, a wrong HTTP method) is a defect too.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = TestOperations.Options

const respond = (request: HttpClientRequest.HttpClientRequest, prepared: Wire.Prepared) =>
  HttpClientResponse.fromWeb(
    request,
    new Response(prepared.body, {
      status: prepared.status,
      headers: { ...prepared.headers, "content-type": prepared.contentType }
    })
  )

const bodyText = (request: HttpClientRequest.HttpClientRequest): string => {
  const body = request.body
  switch (body._tag) {
    case "Uint8Array":
      return new TextDecoder().decode(body.body)
    case "Raw":
      return typeof body.body === "string" ? body.body : ""
    default:
      return ""
  }
}

/**
 * A layer of the fake `HttpClient` and the `TestOperations` control service over one store. Any host is
 * served (the global, locational and regional Dataproc endpoints, a fixed URL); the path decides: the
 * operations methods and the Dataproc methods that start operations, as the emulator serves them. Requests
 * are recorded in `TestOperations.calls` with their method, URL and headers.
 *
 * @example
 * ```ts
 * import { it } from "@effect/vitest"
 * import { Credentials, OperationsClient } from "@longrunning/http"
 * import { TestHttpClient, TestOperations } from "@longrunning/testing"
 * import { Effect, Layer } from "effect"
 *
 * const Client = OperationsClient.layer({ quotaProject: "billing" }).pipe(
 *   Layer.provide(Credentials.unauthenticated),
 *   Layer.provideMerge(TestHttpClient.layer())
 * )
 *
 * it.effect("reads a scripted operation over the real HTTP client", () =>
 *   Effect.gen(function*() {
 *     yield* TestOperations.create("projects/p/regions/us-central1/operations/op-1")
 *     const client = yield* OperationsClient.OperationsClient
 *     yield* client.get("projects/p/regions/us-central1/operations/op-1")
 *   }).pipe(Effect.provide(Client)))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<HttpClient.HttpClient | TestOperations.TestOperations> =>
  Layer.effectContext(
    Effect.flatMap(Control.storeOf(options), (store) =>
      Effect.map(Effect.clock, (clock) => {
        const latency = Duration.decode(options.latency ?? Duration.zero)
        const serveOptions = { strict: options.strict === true, label: "TestHttpClient" }
        const client = HttpClient.make((request, url) =>
          Effect.gen(function*() {
            if (Duration.toMillis(latency) > 0) yield* clock.sleep(latency)
            const { bearer, headers } = Wire.recordHeaders(request.headers)
            const exchange = yield* store.receive({
              route: Wire.parseRoute(request.method, url.pathname),
              query: url.searchParams,
              body: Effect.sync(() => bodyText(request)),
              http: {
                method: request.method,
                url: url.href,
                path: url.pathname,
                query: Object.fromEntries(url.searchParams),
                headers,
                ...(bearer === undefined ? {} : { bearer })
              }
            }, serveOptions)
            yield* Control.applyTransport(clock, exchange.fault, (description) =>
              new HttpClientError.RequestError({ request, reason: "Transport", description }))
            return respond(request, yield* Wire.prepare(yield* exchange.reply))
          })
        )
        return Context.make(HttpClient.HttpClient, client).pipe(
          Context.add(TestOperations.TestOperations, Control.service(store, "TestHttpClient"))
        )
      }))
  )
