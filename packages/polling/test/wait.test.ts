/**
 * Waiting with `POST {name}:wait` where the service profile has it: a long poll bounded by the deadline,
 * counted as a poll, and the fallback to get on UNIMPLEMENTED or any failure. Under TestClock with a fake
 * transport, and once over a loopback socket with the real client.
 */
import { assert, describe, it } from "@effect/vitest"
import { OperationsClient, OperationsError, ServiceProfile } from "@longrunning/http"
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import { OperationPoller, Policy } from "@longrunning/polling"
import { Code, Status } from "@longrunning/schema"
import { Clock, Duration, Effect, Fiber, Layer, Option, Schedule, Stream, TestClock } from "effect"
import { json, server } from "./loopback.js"

const name = "projects/p/locations/us-central1/operations/o"
const runningAs = (name: string) => ({ name, metadata: { "@type": "type.googleapis.com/google.cloud.run.v2.Job" } })
const doneAs = (name: string) => ({ name, done: true, response: { "@type": "type.googleapis.com/google.cloud.run.v2.Job" } })
const done = doneAs(name)

interface Request {
  readonly method: "get" | "wait"
  readonly at: number
  /** The timeout the client asked the server for, in ms. */
  readonly timeout?: number | undefined
}

const unimplemented = new OperationsError.ApiError({
  method: "wait",
  operation: name,
  httpStatus: 501,
  status: Status.make({ code: Code.codes.UNIMPLEMENTED, message: "Method not found." }),
  retryAfter: Option.none()
})

/**
 * A client of `profile` over a fake service whose operation is done at `doneAt` (virtual ms). Its `:wait`
 * holds the request until the operation is done or the timeout (at most `hold`) passes, unless `waitFails`
 * gives the error its n-th wait fails with.
 */
const fake = (options: {
  readonly profile: ServiceProfile.ServiceProfile
  readonly doneAt: number
  readonly hold?: number
  readonly waitFails?: (n: number) => OperationsClient.Error | undefined
}) => {
  const requests: Array<Request> = []
  const state = (asked: string, now: number) => ({ json: now >= options.doneAt ? doneAs(asked) : runningAs(asked), httpStatus: 200 })
  let waits = 0
  const client = OperationsClient.fromTransport({
    get: (asked) =>
      Effect.map(Clock.currentTimeMillis, (at) => {
        requests.push({ method: "get", at })
        return state(asked, at)
      }),
    wait: (asked, _, timeout) =>
      Effect.gen(function*() {
        const at = yield* Clock.currentTimeMillis
        const requested = timeout === undefined ? undefined : Duration.toMillis(timeout)
        requests.push({ method: "wait", at, timeout: requested })
        const failure = options.waitFails?.(waits++)
        if (failure !== undefined) return yield* Effect.fail(failure)
        const until = Math.min(options.doneAt, at + Math.min(requested ?? Infinity, options.hold ?? 30_000))
        if (until > at) yield* Effect.sleep(Duration.millis(until - at))
        return state(asked, yield* Clock.currentTimeMillis)
      }),
    list: () => Effect.die("unused"),
    cancel: () => Effect.die("unused"),
    delete: () => Effect.die("unused")
  }, { requests: ServiceProfile.requests({ profile: options.profile }) })
  return { requests, layer: Layer.succeed(OperationsClient.OperationsClient, client) }
}

// A schedule of fixed 5 s gaps that records every outcome it is fed.
const recording = () => {
  const outcomes: Array<Policy.PollOutcome> = []
  const schedule = Schedule.spaced("5 seconds").pipe(
    Schedule.tapInput((outcome: Policy.PollOutcome) => Effect.sync(() => outcomes.push(outcome)))
  )
  return { outcomes, schedule }
}

// Runs the wait in a fiber, moving the clock a second at a time until it ends.
const waitOn = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    for (let i = 0; i < 600 && fiber.unsafePoll() === null; i++) yield* TestClock.adjust("1 second")
    return yield* Fiber.await(fiber)
  })

describe(":wait where the profile has it", () => {
  it.effect("a long poll answers when the operation is done, each :wait a poll the schedule sees", () =>
    Effect.gen(function*() {
      const service = fake({ profile: ServiceProfile.cloudRun, doneAt: 45_000 })
      const { outcomes, schedule } = recording()
      const exit = yield* waitOn(
        OperationPoller.wait(name, { schedule, timeout: "10 minutes" }).pipe(Effect.provide(service.layer))
      )
      assert.strictEqual(exit._tag, "Success")
      // a wait at 0 held 30 s, the schedule's 5 s gap, a wait at 35 s that answered at 45 s when it was done
      assert.deepStrictEqual(service.requests.map((r) => [r.method, r.at]), [["wait", 0], ["wait", 35_000]])
      // no deadline but 10 minutes: the server is asked for what is left of them
      assert.deepStrictEqual(service.requests.map((r) => r.timeout), [600_000, 565_000])
      assert.deepStrictEqual(outcomes.map((o) => [o._tag, o.polls]), [["Answered", 1]])
      const end = yield* Clock.currentTimeMillis
      assert.isAtLeast(end, 45_000)
    }))

  it.effect("the deadline bounds the long poll: the server is asked for the time left, and the wait ends in time", () =>
    Effect.gen(function*() {
      const service = fake({ profile: ServiceProfile.vertexAi, doneAt: Infinity, hold: 3_600_000 })
      const exit = yield* waitOn(OperationPoller.wait(name, { schedule: Policy.fixed("1 second"), timeout: "20 seconds" }).pipe(
        Effect.provide(service.layer)
      ))
      assert.strictEqual(exit._tag, "Failure")
      if (exit._tag === "Failure") {
        const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
        assert.strictEqual(error?._tag, "WaitTimeout")
      }
      assert.deepStrictEqual(service.requests[0], { method: "wait", at: 0, timeout: 20_000 })
      // the wait held until the deadline, not an hour
      assert.isAtMost(service.requests.length, 2)
    }))

  it.effect("UNIMPLEMENTED: a get at once, and gets from then on; the policy never sees the :wait's error", () =>
    Effect.gen(function*() {
      const service = fake({ profile: ServiceProfile.cloudRun, doneAt: 12_000, waitFails: () => unimplemented })
      const { outcomes, schedule } = recording()
      const exit = yield* waitOn(OperationPoller.wait(name, { schedule }).pipe(Effect.provide(service.layer)))
      assert.strictEqual(exit._tag, "Success")
      assert.deepStrictEqual(service.requests.map((r) => [r.method, r.at]), [
        ["wait", 0],
        ["get", 0],
        ["get", 5_000],
        ["get", 10_000],
        ["get", 15_000]
      ])
      // the failed :wait counts as a poll: the first outcome the policy sees is after two requests
      assert.deepStrictEqual(outcomes.map((o) => [o._tag, o.polls]), [["Answered", 2], ["Answered", 3], ["Answered", 4]])
    }))

  it.effect("any other failure of a :wait falls back too (a timeout, an UNAVAILABLE)", () =>
    Effect.gen(function*() {
      const timeout = new OperationsError.TransportError({ method: "wait", operation: name, reason: "Timeout", detail: "no answer" })
      const service = fake({
        profile: ServiceProfile.translation,
        doneAt: 0,
        waitFails: (n) => n === 0 ? timeout : undefined
      })
      const exit = yield* waitOn(OperationPoller.wait(name).pipe(Effect.provide(service.layer)))
      assert.strictEqual(exit._tag, "Success")
      assert.deepStrictEqual(service.requests.map((r) => r.method), ["wait", "get"])
    }))

  it.effect("a service without :wait (Dataproc, the default) polls with get and sends no :wait", () =>
    Effect.gen(function*() {
      const service = fake({ profile: ServiceProfile.dataproc, doneAt: 10_000 })
      const { outcomes, schedule } = recording()
      const exit = yield* waitOn(
        OperationPoller.wait("projects/p/regions/us-central1/operations/o", { schedule }).pipe(Effect.provide(service.layer))
      )
      assert.strictEqual(exit._tag, "Success")
      assert.deepStrictEqual(service.requests.map((r) => [r.method, r.at]), [["get", 0], ["get", 5_000], ["get", 10_000]])
      // Unsupported is found before any request: it is no poll
      assert.deepStrictEqual(outcomes.map((o) => o.polls), [1, 2])
    }))

  it.effect("useWait: false polls with get where :wait exists", () =>
    Effect.gen(function*() {
      const service = fake({ profile: ServiceProfile.cloudRun, doneAt: 10_000 })
      const exit = yield* waitOn(
        OperationPoller.wait(name, { schedule: Policy.fixed("5 seconds"), useWait: false }).pipe(Effect.provide(service.layer))
      )
      assert.strictEqual(exit._tag, "Success")
      assert.deepStrictEqual(service.requests.map((r) => [r.method, r.at]), [["get", 0], ["get", 5_000], ["get", 10_000]])
    }))

  it.effect("watch emits each :wait answer as a snapshot", () =>
    Effect.gen(function*() {
      const service = fake({ profile: ServiceProfile.cloudRun, doneAt: 40_000 })
      const fiber = yield* Effect.fork(
        Stream.runCollect(OperationPoller.watch(name, { schedule: Policy.fixed("1 second") })).pipe(Effect.provide(service.layer))
      )
      for (let i = 0; i < 60; i++) yield* TestClock.adjust("1 second")
      const snapshots = Array.from(yield* Fiber.join(fiber))
      assert.deepStrictEqual(snapshots.map((s) => s._tag), ["Running", "Succeeded"])
      assert.deepStrictEqual(service.requests.map((r) => [r.method, r.at]), [["wait", 0], ["wait", 31_000]])
    }))
})

describe(":wait over a loopback socket, with the real client", () => {
  // The loopback server, answering with `handler`; what it was sent as `METHOD URL BODY`.
  const recordingServer = (handler: (method: string, url: string) => readonly [number, unknown]) =>
    Effect.map(
      server((request, response) => {
        const [status, answer] = handler(request.method ?? "", request.url ?? "")
        json(response, status, answer)
      }),
      (s) => ({
        url: s.url,
        lines: () => s.seen.map((r) => `${r.method} ${r.url}${r.body === "" ? "" : ` ${r.body}`}`)
      })
    )

  const client = (url: string, profile: ServiceProfile.ServiceProfile) =>
    OperationsClient.layerEmulator(url, { profile }).pipe(Layer.provide(UndiciHttpClient.layer()))

  it.live("Cloud Run: POST {name}:wait with the timeout in the body; UNIMPLEMENTED falls back to GET at once", () =>
    Effect.scoped(Effect.gen(function*() {
      const s = yield* recordingServer((method, url) =>
        method === "POST" && url.endsWith(":wait")
          ? [501, { error: { code: 501, status: "UNIMPLEMENTED", message: "Method not found." } }]
          : [200, done]
      )
      const result = yield* OperationPoller.wait(name, { timeout: "1 minute" }).pipe(Effect.provide(client(s.url, ServiceProfile.cloudRun)))
      assert.strictEqual(result._tag, "Succeeded")
      // one attempt is 30 s by default: the server is asked for 28 s, leaving 2 for the answer
      assert.deepStrictEqual(s.lines(), [`POST /v2/${name}:wait {"timeout":"28s"}`, `GET /v2/${name}`])
    })))

  it.live("Vertex AI: the timeout as a query parameter; a done answer ends the wait in one request", () =>
    Effect.scoped(Effect.gen(function*() {
      const s = yield* recordingServer(() => [200, done])
      const result = yield* OperationPoller.wait(name, { timeout: "10 seconds" }).pipe(
        Effect.provide(client(s.url, ServiceProfile.vertexAi))
      )
      assert.strictEqual(result._tag, "Succeeded")
      assert.strictEqual(s.lines().length, 1)
      assert.match(s.lines()[0]!, new RegExp(`^POST /v1/${name}:wait\\?timeout=[0-9.]+s$`))
      // what is left of the 10 seconds, less the 2 s margin
      const asked = Number(/timeout=([0-9.]+)s/.exec(s.lines()[0]!)![1])
      assert.isAbove(asked, 5)
      assert.isAtMost(asked, 8)
    })))
})
