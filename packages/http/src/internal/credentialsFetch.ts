import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpMethod from "@effect/platform/HttpMethod"
import * as Effect from "effect/Effect"
import * as Runtime from "effect/Runtime"

// Statuses whose Response must be built without a body (the WHATWG constructor throws otherwise).
const nullBodyStatuses = new Set([101, 103, 204, 205, 304])

/**
 * A WHATWG `fetch` that sends through the given Effect `HttpClient`, for libraries (gaxios) that accept a fetch
 * implementation. Runs on `runtime`, so the client's own layers (tracing, proxies, test fakes) apply.
 */
export const fetchVia = (
  client: HttpClient.HttpClient,
  runtime: Runtime.Runtime<never>
): (input: string | URL | Request, init?: RequestInit) => Promise<Response> => {
  const run = Runtime.runPromise(runtime)
  return async (input, init) => {
    const source = new Request(input, init)
    const method = source.method.toUpperCase()
    if (!HttpMethod.isHttpMethod(method)) {
      throw new TypeError(`Unsupported HTTP method: ${method}`)
    }
    let request = HttpClientRequest.make(method)(source.url, { headers: source.headers })
    if (source.body !== null) {
      const body = new Uint8Array(await source.arrayBuffer())
      request = HttpClientRequest.bodyUint8Array(request, body, source.headers.get("content-type") ?? undefined)
    }
    return run(
      Effect.gen(function*() {
        const response = yield* client.execute(request)
        const body = nullBodyStatuses.has(response.status) ? null : yield* response.arrayBuffer
        return new Response(body, { status: response.status, headers: response.headers })
      }),
      { signal: source.signal }
    )
  }
}

/** `fetchVia` over the `HttpClient` and runtime of the current context. */
export const fetchFromContext = Effect.map(
  Effect.zip(HttpClient.HttpClient, Effect.runtime<never>()),
  ([client, runtime]) => fetchVia(client, runtime)
)
