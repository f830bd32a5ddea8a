/**
 * The poller over real loopback sockets: server hints as the http client reads them off the wire, and a
 * cancel on interrupt whose follow-up read never gets an answer.
 */
import { assert, describe, it } from "@effect/vitest"
import { OperationsClient } from "@longrunning/http"
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import { OperationPoller, Policy } from "@longrunning/polling"
import { Effect, Fiber, Layer, Option, Stream } from "effect"
import { json, server, until } from "./loopback.js"

const name = "projects/demo/regions/us-central1/operations/op-1"
const running = { name, metadata: { "@type": "type.googleapis.com/google.protobuf.Empty" } }
const done = { name, done: true, response: { "@type": "type.googleapis.com/google.protobuf.Empty" } }

const client = (url: string) => OperationsClient.layerEmulator(url).pipe(Layer.provide(UndiciHttpClient.layer()))

describe("over a loopback socket", () => {
  it.live("a Retry-After of a billion seconds holds the next poll back only maxHint", () =>
    Effect.scoped(Effect.gen(function*() {
      let gets = 0
      const s = yield* server((request, response) => {
        if (request.method !== "GET") return json(response, 404, {})
        gets++
        if (gets === 1) return json(response, 200, running)
        if (gets === 2) {
          return json(response, 429, { error: { code: 429, status: "RESOURCE_EXHAUSTED", message: "slow down" } }, {
            "retry-after": "1000000000"
          })
        }
        json(response, 200, done)
      })
      const started = Date.now()
      const result = yield* OperationPoller.wait(name, {
        schedule: Policy.fixed("10 millis"),
        maxHint: "200 millis",
        timeout: "20 seconds"
      }).pipe(Effect.provide(client(s.url)))
      assert.strictEqual(result._tag, "Succeeded")
      assert.strictEqual(gets, 3)
      // far less than the hint; the 20 s timeout would have ended the wait at once had the hint been kept
      assert.isBelow(Date.now() - started, 15_000)
    })))

  it.live("a server that answers the cancel and never the read after it holds the interrupt only cancelTimeout", () =>
    Effect.scoped(Effect.gen(function*() {
      let cancelled = false
      const s = yield* server((request, response) => {
        if (request.method === "POST" && request.url?.endsWith(":cancel") === true) {
          cancelled = true
          return json(response, 200, {})
        }
        // after the cancel, the read never gets an answer
        if (!cancelled) json(response, 200, running)
      })
      const reports: Array<{ readonly after: boolean; readonly answered: boolean }> = []
      const fiber = yield* Effect.fork(
        OperationPoller.watch(name, {
          schedule: Policy.fixed("20 millis"),
          cancelOnInterrupt: true,
          cancelTimeout: "500 millis",
          onCancelled: (after, cancel) => Effect.sync(() => reports.push({ after: Option.isSome(after), answered: cancel.answered }))
        }).pipe(Stream.runDrain, Effect.provide(client(s.url)))
      )
      yield* until(() => s.seen.length >= 2)
      const started = Date.now()
      yield* Fiber.interrupt(fiber)
      const took = Date.now() - started
      assert.deepStrictEqual(reports, [{ after: false, answered: true }])
      assert.deepStrictEqual(s.seen.slice(-2).map((r) => r.method), ["POST", "GET"])
      // the budget is 500 ms; before, the read was retried 6 x 30 s inside an uninterruptible finalizer
      assert.isBelow(took, 10_000)
      assert.isAtLeast(took, 400)
    })))
})
