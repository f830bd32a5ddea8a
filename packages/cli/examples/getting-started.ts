// The library examples of docs/getting-started.md, kept here so that they are type-checked. Run the first
// against `lro emulator --port 8085`:
//   node --conditions=@longrunning/source --import tsx packages/cli/examples/getting-started.ts OPERATION_NAME
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import { OperationsClient } from "@longrunning/http"
import * as GoogleAuth from "@longrunning/http/GoogleAuth"
import { OperationPoller, Policy } from "@longrunning/polling"
import { Dataproc, Status } from "@longrunning/schema"
import { Effect, Layer, Stream } from "effect"

const name = process.argv[2] ?? "projects/demo/regions/us-central1/operations/6206f11f-6532-483d-aca0-ae7c8b8ddcdc"

const program = OperationPoller.watch(name, {
  schema: Dataproc.DataprocOperation, // metadata decoded by @type into the Dataproc messages
  schedule: Policy.defaultPolicy,
  timeout: "15 minutes",
  onlyChanges: true
}).pipe(
  Stream.runForEach((op) => Effect.log(op._tag, op.metadata)),
  Effect.zipRight(OperationPoller.result(name)), // the response, or OperationFailed with its Status
  Effect.catchTag("OperationFailed", (e) => Effect.logError(Status.format(e.status))),
  Effect.catchTag("WaitTimeout", (e) => Effect.logWarning(e.message))
)

// The emulator needs no credentials: layerEmulator is the client with a fixed loopback endpoint.
const Local = OperationsClient.layerEmulator("http://127.0.0.1:8085").pipe(Layer.provide(UndiciHttpClient.layer()))

// For Google Cloud, swap the layer (the client bundles neither an HttpClient nor credentials).
export const Live = OperationsClient.layer({ quotaProject: "my-project" }).pipe(
  Layer.provide(GoogleAuth.layer()),
  Layer.provide(UndiciHttpClient.layer())
)

Effect.runPromise(program.pipe(Effect.provide(Local))).catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
