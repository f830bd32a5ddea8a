import { OperationsClient, OperationsError } from "@longrunning/http"
import { Code, Status } from "@longrunning/schema"
import { Clock, Context, Duration, Effect, Layer, Option, Ref } from "effect"

/** What the fake server does on one call. */
export type Reply =
  | { readonly json: unknown }
  | { readonly error: OperationsClient.Error }
  | { readonly hang: true }

export interface Call {
  readonly method: "get" | "list" | "cancel" | "delete"
  readonly name: string
  readonly at: number
}

export interface Log {
  readonly calls: Effect.Effect<ReadonlyArray<Call>>
  readonly inFlight: Effect.Effect<number>
  readonly maxInFlight: Effect.Effect<number>
  readonly interrupted: Effect.Effect<number>
}
export const Log = Context.GenericTag<Log>("test/Log")

/** An OperationsClient whose `get` answers `reply(name, n)` for the n-th get of that name (from 0). */
export const layer = (
  reply: (name: string, n: number, at: number) => Reply,
  options: {
    readonly latency?: Duration.DurationInput
    /** What `cancel` answers (an empty success by default). */
    readonly cancel?: (name: string) => Reply
    /** Once `current` is true every call fails as a closed client's would. */
    readonly closed?: { readonly current: boolean }
  } = {}
): Layer.Layer<OperationsClient.OperationsClient | Log> =>
  Layer.effectContext(Effect.gen(function*() {
    const calls = yield* Ref.make<ReadonlyArray<Call>>([])
    const counts = new Map<string, number>()
    let inFlight = 0
    let maxInFlight = 0
    let interrupted = 0
    const record = (method: Call["method"], name: string) =>
      Effect.flatMap(Clock.currentTimeMillis, (at) => Ref.update(calls, (all) => [...all, { method, name, at }]).pipe(Effect.as(at)))
    const answer = (reply: Reply): Effect.Effect<OperationsClient.Answer, OperationsClient.Error> => {
      // a closed client answers nothing: an UNAVAILABLE stands for its error
      if (options.closed?.current === true) return Effect.fail(apiError("closed", Code.codes.UNAVAILABLE).error)
      if ("hang" in reply) return Effect.never
      if ("error" in reply) return Effect.fail(reply.error)
      return Effect.succeed({ json: reply.json, httpStatus: 200 })
    }
    const client = OperationsClient.fromTransport({
      get: (name) =>
        Effect.gen(function*() {
          const at = yield* record("get", name)
          const n = counts.get(name) ?? 0
          counts.set(name, n + 1)
          inFlight++
          maxInFlight = Math.max(maxInFlight, inFlight)
          if (options.latency !== undefined) yield* Effect.sleep(options.latency)
          return yield* answer(reply(name, n, at))
        }).pipe(
          Effect.onInterrupt(() => Effect.sync(() => interrupted++)),
          Effect.ensuring(Effect.sync(() => inFlight--))
        ),
      list: () => Effect.succeed({ json: {}, httpStatus: 200 }),
      cancel: (name) =>
        Effect.zipRight(record("cancel", name), answer(options.cancel === undefined ? { json: {} } : options.cancel(name))),
      delete: (name) => Effect.as(record("delete", name), { json: {}, httpStatus: 200 })
    })
    return Context.make(OperationsClient.OperationsClient, client).pipe(
      Context.add(Log, {
        calls: Ref.get(calls),
        inFlight: Effect.sync(() => inFlight),
        maxInFlight: Effect.sync(() => maxInFlight),
        interrupted: Effect.sync(() => interrupted)
      })
    )
  }))

export const calls = Effect.flatMap(Log, (log) => log.calls)
export const gets = Effect.map(calls, (all) => all.filter((c) => c.method === "get"))

const metadata = (progress: number) => ({
  "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
  status: { state: progress >= 100 ? "DONE" : "RUNNING", details: `${progress}%` }
})

export const running = (name: string, progress = 0) => ({ json: { name, metadata: metadata(progress) } })
export const succeeded = (name: string) => ({
  json: { name, done: true, metadata: metadata(100), response: { "@type": "type.googleapis.com/google.cloud.dataproc.v1.Cluster", clusterName: "c1" } }
})
export const failed = (name: string, code: number, message: string) => ({
  json: { name, done: true, metadata: metadata(100), error: { code, message } }
})

export const apiError = (name: string, code: number, retryAfter?: Duration.DurationInput) => ({
  error: new OperationsError.ApiError({
    method: "get",
    operation: name,
    httpStatus: 0,
    status: Status.make({ code, message: "scripted" }),
    retryAfter: retryAfter === undefined ? Option.none() : Option.some(Duration.decode(retryAfter))
  })
})
