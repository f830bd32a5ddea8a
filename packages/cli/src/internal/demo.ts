import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Credentials from "@longrunning/http/Credentials"
import * as Endpoint from "@longrunning/http/Endpoint"
import * as OperationsClient from "@longrunning/http/OperationsClient"
import type * as OperationsError from "@longrunning/http/OperationsError"
import * as OperationPoller from "@longrunning/polling/OperationPoller"
import * as Policy from "@longrunning/polling/Policy"
import * as Code from "@longrunning/schema/Code"
import * as Operation from "@longrunning/schema/Operation"
import * as Status from "@longrunning/schema/Status"
import * as Emulator from "@longrunning/emulator/Emulator"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Exit from "./exit.js"
import * as Format from "./format.js"
import * as Output from "./output.js"
import * as Start from "./start.js"

/** One operation of the demo: how it is started, what should become of it, and what did. */
interface Tracked {
  readonly label: string
  readonly name: string
  readonly expected: string
  readonly check: (operation: Operation.Operation) => boolean
  polls: number
  lastKey: string
  outcome: string
  ok: boolean
  endedAfter: number | undefined
}

/** Polls often enough that the demo feels live: 0.5 s, growing to 2 s. */
export const policy: Policy.Policy = Policy.proportional({ initial: "500 millis", multiplier: 1.15, max: "2 seconds" })

/** When the cluster create succeeds, from the start of the demo. */
export const succeedAt = "8 seconds"

/** When the cancelled operation is cancelled, from the start of the demo. */
export const cancelAt = "3 seconds"

const isFailedWith = (code: number) => (operation: Operation.Operation) =>
  operation._tag === "Failed" && operation.error.code === code

/**
 * The demo: an emulator on a free loopback port, three operations started through the HTTP client as
 * `lro start` starts them (a cluster create that succeeds after 8 s, a batch that the emulator's fault
 * control fails on quota after 5 s, a cluster create cancelled at 3 s through the client), all watched
 * with `OperationPoller.watchAll` through the HTTP client in context, then a summary table. Fails with
 * `DemoFailed` when an operation did not end as expected.
 */
export const run: Effect.Effect<
  void,
  | Exit.ListenFailed
  | Endpoint.InvalidEndpoint
  | OperationsError.InvalidHeader
  | OperationsClient.Error
  | Exit.UsageError
  | Exit.DemoFailed,
  HttpClient.HttpClient | FileSystem.FileSystem
> =
  Effect.scoped(Effect.gen(function*() {
    const emulator = yield* Emulator.make({ port: 0 }).pipe(
      Effect.catchTag("ServeError", (error) => Effect.fail(Exit.listenFailed("127.0.0.1")(error)))
    )
    const client = Context.get(
      yield* Layer.build(
        OperationsClient.layer({ endpoint: Endpoint.fixed(emulator.url) }).pipe(Layer.provide(Credentials.unauthenticated))
      ),
      OperationsClient.OperationsClient
    )
    // Each operation is started as `lro start` starts one: the call built from the flags, sent by the client
    // with a request id.
    const startOne = (path: string, body: unknown, params: ReadonlyArray<string> = []) =>
      Effect.flatMap(
        Start.request({
          method: "POST",
          path,
          data: Option.some(JSON.stringify(body)),
          params,
          requestId: Option.none(),
          dataproc: true
        }),
        (request) => client.start(request)
      )
    const clusters = "projects/demo/regions/us-central1/clusters"
    const labels = { demo: "lro" }
    const create = yield* startOne(clusters, { projectId: "demo", clusterName: "demo-cluster", labels })
    // The emulator's fault control makes the next operation started fail on CPU quota after 5 s.
    yield* emulator.inject(Emulator.failOperation(Emulator.quotaExceeded, "5 seconds"), { times: 1 })
    const batch = yield* startOne("projects/demo/locations/us-central1/batches", { labels }, ["batchId=demo-batch"])
    const cancelled = yield* startOne(clusters, { projectId: "demo", clusterName: "demo-cancelled", labels })
    const tracked: ReadonlyArray<Tracked> = [
      { label: "demo-cluster", name: create.name, expected: "SUCCEEDED", check: Operation.isSucceeded },
      {
        label: "demo-batch",
        name: batch.name,
        expected: "FAILED (RESOURCE_EXHAUSTED)",
        check: isFailedWith(Code.codes.RESOURCE_EXHAUSTED)
      },
      {
        label: "demo-cancelled",
        name: cancelled.name,
        expected: "CANCELLED",
        check: isFailedWith(Code.codes.CANCELLED)
      }
    ].map((t) => ({ ...t, polls: 0, lastKey: "", outcome: "still running", ok: false, endedAfter: undefined }))
    const byName = new Map(tracked.map((t) => [t.name, t]))
    const width = Math.max(...tracked.map((t) => t.label.length))

    yield* Output.out(`lro demo: the Dataproc operations emulator is on ${emulator.url}`)
    yield* Output.out(`  ${"demo-cluster".padEnd(width)}  cluster create, succeeds after ~8 s`)
    yield* Output.out(`  ${"demo-batch".padEnd(width)}  batch, fails on CPU quota after ~5 s`)
    yield* Output.out(`  ${"demo-cancelled".padEnd(width)}  cluster create, cancelled by the client after ~3 s`)
    yield* Output.out(`watching them through the HTTP client (OperationPoller.watchAll):`)

    const start = yield* Clock.currentTimeMillis
    const stamp = Effect.map(Clock.currentTimeMillis, (now) => {
      const seconds = (Math.floor((now - start) / 100) / 10).toFixed(1)
      return { now, text: `[${seconds.padStart(5)}s]` }
    })

    const program = Effect.gen(function*() {
      // A cluster create runs for minutes; the emulator's control API ends this one at 8 s.
      yield* Effect.forkScoped(Effect.delay(Effect.ignore(emulator.complete(create.name)), succeedAt))
      yield* Effect.forkScoped(Effect.gen(function*() {
        yield* Effect.sleep(cancelAt)
        const sent = yield* Effect.either(client.cancel(cancelled.name))
        const { text } = yield* stamp
        yield* sent._tag === "Right"
          ? Output.out(`${text} ${"demo-cancelled".padEnd(width)}  cancel sent (POST :cancel)`)
          : Output.out(`${text} ${"demo-cancelled".padEnd(width)}  cancel failed: ${Format.escape(sent.left.message)}`)
      }))
      yield* OperationPoller.watchAll(tracked.map((t) => t.name), {
        schedule: policy,
        timeout: "25 seconds",
        spread: "200 millis"
      }).pipe(
        Stream.runForEach((event) =>
          Effect.gen(function*() {
            const t = byName.get(event.name)
            if (t === undefined) return
            const { now, text } = yield* stamp
            if (event._tag === "WatchFailed") {
              t.outcome = `watch failed: ${Format.escape(event.error.message)}`
              t.endedAfter = now - start
              return yield* Output.out(`${text} ${t.label.padEnd(width)}  ${t.outcome}`)
            }
            const operation = event.operation
            t.polls++
            const p = Format.progress(operation)
            const key = [p.state, p.detail].join("\u0000")
            if (Operation.isDone(operation)) {
              t.endedAfter = now - start
              t.ok = t.check(operation)
              t.outcome = operation._tag === "Failed" && p.state === "FAILED"
                ? `${p.state} (${Status.codeName(operation.error)})`
                : p.state
            }
            if (key === t.lastKey) return
            t.lastKey = key
            const detail = operation._tag === "Failed" ? Format.escape(Status.format(operation.error)) : p.detail
            yield* Output.out(`${text} ${t.label.padEnd(width)}  ${p.state.padEnd(9)}  ${detail}`)
          })
        )
      )
    })

    yield* Effect.provideService(program, OperationsClient.OperationsClient, client)

    yield* Output.out("")
    yield* Output.out(Format.table(
      ["NAME", "OUTCOME", "EXPECTED", "ELAPSED", "POLLS"],
      tracked.map((t) => [
        t.label,
        t.outcome,
        t.ok ? "yes" : `no, expected ${t.expected}`,
        t.endedAfter === undefined ? "-" : Format.formatElapsed(t.endedAfter),
        String(t.polls)
      ])
    ))
    const { now } = yield* stamp
    const failures = tracked.filter((t) => !t.ok)
    if (failures.length > 0) {
      return yield* new Exit.DemoFailed({
        message: `demo: ${failures.map((t) => t.label).join(", ")} did not end as expected`
      })
    }
    yield* Output.out(`all ${tracked.length} operations ended as expected, in ${Format.formatElapsed(now - start)}`)
  }))
