/**
 * A recipe of docs/polling.md, type-checked.
 */
import { OperationsClient } from "@longrunning/http"
import { Adapters } from "@longrunning/polling"
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import { Layer, ManagedRuntime } from "effect"

export const runtime = ManagedRuntime.make(
  OperationsClient.layerEmulator("http://127.0.0.1:8085").pipe(Layer.provide(UndiciHttpClient.layer()))
)
export const done = await Adapters.waitPromise(runtime, "projects/demo/regions/us-central1/operations/op-1", {
  signal: AbortSignal.timeout(60_000)
})
for await (const op of Adapters.watchIterable(runtime, "projects/demo/regions/us-central1/operations/op-2")) {
  console.log(op._tag)
}

export {}
