/**
 * The example of packages/polling/README.md, type-checked.
 */
import { OperationsClient } from "@longrunning/http"
import { OperationPoller, Policy } from "@longrunning/polling"
import { Dataproc, Operation } from "@longrunning/schema"
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import { Effect, Layer, Stream } from "effect"

const Local = OperationsClient.layerEmulator("http://127.0.0.1:8085").pipe(Layer.provide(UndiciHttpClient.layer()))

// Every change of one operation, typed, until it is done.
export const progress = OperationPoller.watch("projects/demo/regions/us-central1/operations/op-1", {
  schema: Dataproc.DataprocOperation,
  onlyChanges: true,
  timeout: "30 minutes"
}).pipe(
  Stream.runForEach((op) => Effect.log(op._tag)),
  Effect.provide(Local)
)

// Many operations with one scheduler, at most 20 requests a second.
export const many = (names: ReadonlyArray<string>) =>
  OperationPoller.watchAll(names, { concurrency: 8, requestsPerSecond: 20, schedule: Policy.defaultPolicy }).pipe(
    Stream.filter((event) => event._tag === "WatchFailed" || Operation.isDone(event.operation)),
    Stream.runCollect,
    Effect.provide(Local)
  )
