/**
 * A fake `HttpClient` that serves the Dataproc v1 operations REST surface (the emulator's paths, JSON and
 * error envelopes) from a `TestOperations` script, without a socket: run the real
 * `OperationsClient.layer(...)` of `@longrunning/http` end to end (headers, credentials, retry policy,
 * decoding of error bodies) inside a test, under `TestClock`.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Statuses from "@longrunning/emulator/Statuses"
import * as Wire from "@longrunning/emulator/Wire"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Control from "./internal/control.js"
import type * as Script from "./internal/script.js"
import * as TestOperations from "./TestOperations.js"

/**
 * Options of the fake: those of `TestOperations.layer`. In strict mode a request for a path that is not
 * part of the operations surface is a defect too.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = TestOperations.Options

const methodOf = (route: Wire.Route): Script.Method | undefined => {
  switch (route._tag) {
    case "Get":
      return "get"
    case "List":
      return "list"
    case "Cancel":
      return "cancel"
    case "Delete":
      return "delete"
    default:
      return undefined
  }
}

const respond = (request: Parameters<typeof HttpClientResponse.fromWeb>[0], prepared: Wire.Prepared) =>
  HttpClientResponse.fromWeb(
    request,
    new Response(prepared.body, {
      status: prepared.status,
      headers: { ...prepared.headers, "content-type": prepared.contentType }
    })
  )

/**
 * A layer of the fake `HttpClient` and the `TestOperations` control service over one script. Any host is
 * served (the global, locational and regional Dataproc endpoints, a fixed URL); the path decides. Requests
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
    Effect.map(Control.makeScript(options, "TestHttpClient"), ({ clock, script }) => {
      const latency = Duration.decode(options.latency ?? Duration.zero)
      const client = HttpClient.make((request, url) =>
        Effect.gen(function*() {
          if (Duration.toMillis(latency) > 0) yield* clock.sleep(latency)
          const route = Wire.parseRoute(request.method, url.pathname)
          const method = methodOf(route)
          const name = Wire.routeTarget(route)
          if (route._tag === "Refused" || method === undefined || name === undefined) {
            if (script.strict) {
              return yield* Effect.dieMessage(
                `TestHttpClient: strict mode: ${request.method} ${url.href} is not a Dataproc v1 operations call`
              )
            }
            return route._tag === "Refused"
              ? respond(
                request,
                yield* Wire.errorResponse(route.status, {
                  httpStatus: route.httpStatus,
                  headers: route.allow === undefined ? {} : { allow: route.allow }
                })
              )
              : respond(
                request,
                yield* Wire.errorResponse(
                  Statuses.unimplemented([`${route._tag} (TestHttpClient serves the operations methods; the Emulator serves this one)`])
                )
              )
          }
          const { bearer, headers } = Wire.recordHeaders(request.headers)
          const answer = yield* script.serve(method, name, Wire.listParams(url.searchParams), {
            method: request.method,
            url: url.href,
            headers,
            ...(bearer === undefined ? {} : { bearer })
          })
          return respond(
            request,
            answer._tag === "Ok"
              ? Wire.json(200, answer.json)
              : yield* Wire.errorResponse(answer.status)
          )
        })
      )
      return Context.make(HttpClient.HttpClient, client).pipe(
        Context.add(TestOperations.TestOperations, Control.service(script))
      )
    })
  )
