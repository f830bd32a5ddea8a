/**
 * Starts the emulator with the demo operations, makes a cluster create that succeeds after 3 seconds, injects
 * one 503, and polls the operation over HTTP until it is done.
 *
 *   node --conditions=@longrunning/source --import tsx packages/emulator/examples/emulator.ts
 */
import { FetchHttpClient, HttpClient, HttpClientResponse } from "@effect/platform"
import { NodeRuntime } from "@effect/platform-node"
import { Dataproc, Operation } from "@longrunning/schema"
import { Emulator } from "@longrunning/emulator"
import { Console, Effect, Schedule } from "effect"

const program = Effect.gen(function*() {
  const emulator = yield* Emulator.Emulator
  yield* Console.log(emulator.url)

  const op = yield* emulator.create({ scenario: Emulator.succeedAfter("3 seconds"), pendingFor: "1 second" })
  yield* emulator.inject(Emulator.unavailable, { name: op.name, times: 1 })

  const client = (yield* HttpClient.HttpClient).pipe(
    HttpClient.filterStatusOk,
    HttpClient.retryTransient({ times: 3, schedule: Schedule.spaced("200 millis") })
  )
  const get = client.get(`${emulator.url}/v1/${op.name}`).pipe(
    Effect.flatMap(HttpClientResponse.schemaBodyJson(Dataproc.DataprocOperation))
  )

  const done = yield* get.pipe(
    Effect.tap((current) => Console.log(current._tag)),
    Effect.tap((current) => Operation.isDone(current) ? Effect.void : Effect.sleep("500 millis")),
    Effect.repeat({ until: Operation.isDone })
  )
  yield* Console.log(`${done.name}: ${done._tag}`)

  const requests = yield* emulator.requests
  yield* Console.log(`${requests.length} requests, faults: ${requests.flatMap((r) => r.fault ?? []).join(", ")}`)
})

program.pipe(
  Effect.provide([Emulator.layer({ seedDemo: true }), FetchHttpClient.layer]),
  NodeRuntime.runMain
)
