// The README's first example, kept here so that it is type-checked.
import { FetchHttpClient, HttpClient, HttpClientResponse } from "@effect/platform"
import { Dataproc } from "@longrunning/schema"
import { Emulator } from "@longrunning/emulator"
import { Effect } from "effect"

const program = Effect.gen(function*() {
  const emulator = yield* Emulator.Emulator
  const op = yield* emulator.create({ kind: "Batch", scenario: Emulator.failAfter("1 minute", Emulator.quotaExceeded) })
  yield* emulator.inject(Emulator.rateLimited("2 seconds"), { times: 1 })

  const client = (yield* HttpClient.HttpClient).pipe(HttpClient.filterStatusOk, HttpClient.retryTransient({ times: 2 }))
  // the first try gets the 429, the retry the running batch
  return yield* client.get(`${emulator.url}/v1/${op.name}`).pipe(
    Effect.flatMap(HttpClientResponse.schemaBodyJson(Dataproc.DataprocOperation))
  )
})

const runnable = program.pipe(Effect.provide([Emulator.layer(), FetchHttpClient.layer]))

Effect.runPromise(Effect.map(runnable, (op) => op._tag)).then((tag) => console.log(tag))
