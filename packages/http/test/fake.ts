import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as OperationsClient from "@longrunning/http/OperationsClient"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as fs from "node:fs"
import * as path from "node:path"

export const corpusDir = path.resolve(__dirname, "../../../fixtures/corpus/payloads")
export const corpus = (file: string): string => fs.readFileSync(path.join(corpusDir, file), "utf8")

export interface Recorded {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly hasBody: boolean
  readonly at: number
}

export type Answer =
  | { readonly status: number; readonly body?: string; readonly headers?: Record<string, string> }
  | { readonly fail: "transport" }
  | { readonly hang: true }

export interface Fake {
  readonly requests: Effect.Effect<ReadonlyArray<Recorded>>
}
export const Fake = Context.GenericTag<Fake>("test/Fake")

/** An HttpClient answering from a script, recording every request it is sent. */
export const layer = (
  answer: (request: Recorded, index: number) => Answer
): Layer.Layer<HttpClient.HttpClient | Fake> =>
  Layer.effectContext(Effect.gen(function*() {
    const log = yield* Ref.make<ReadonlyArray<Recorded>>([])
    const client = HttpClient.make((request: HttpClientRequest.HttpClientRequest, url: URL) =>
      Effect.gen(function*() {
        const recorded: Recorded = {
          method: request.method,
          url,
          headers: request.headers,
          hasBody: request.body._tag !== "Empty",
          at: yield* Clock.currentTimeMillis
        }
        const index = (yield* Ref.getAndUpdate(log, (all) => [...all, recorded])).length
        const a = answer(recorded, index)
        if ("fail" in a) {
          return yield* new HttpClientError.RequestError({ request, reason: "Transport", cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) })
        }
        if ("hang" in a) return yield* Effect.never
        return HttpClientResponse.fromWeb(
          request,
          new Response(a.body ?? null, {
            status: a.status,
            headers: { "content-type": "application/json", ...a.headers }
          })
        )
      })
    )
    return Context.make(HttpClient.HttpClient, client).pipe(Context.add(Fake, { requests: Ref.get(log) }))
  }))

export const requests = Effect.flatMap(Fake, (fake) => fake.requests)

export const json = (status: number, value: unknown, headers?: Record<string, string>): Answer => ({
  status,
  body: JSON.stringify(value),
  ...(headers === undefined ? {} : { headers })
})

/** A client over a test transport whose every get answers `json` (a 200 with that body, already parsed). */
export const answering = (json: unknown) =>
  OperationsClient.fromTransport({
    get: () => Effect.succeed({ json, httpStatus: 200 }),
    list: () => Effect.die("unused"),
    cancel: () => Effect.die("unused"),
    delete: () => Effect.die("unused")
  })
