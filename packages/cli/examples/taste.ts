// The README's "A taste", kept here so that it is type-checked. Run it against `lro emulator --port 8085` with
// a name from `lro list projects/demo/regions/us-central1/operations --endpoint http://127.0.0.1:8085`:
//   node --conditions=@longrunning/source --import tsx packages/cli/examples/taste.ts OPERATION_NAME
import { Credentials, OperationsClient } from "@longrunning/http"
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import { OperationPoller } from "@longrunning/polling"
import { Any, Dataproc, Status } from "@longrunning/schema"
import { Effect, Layer, Option } from "effect"

// Google Cloud: the token in GOOGLE_OAUTH_ACCESS_TOKEN, quota billed to my-project.
export const Live = OperationsClient.layer({ quotaProject: "my-project" }).pipe(
  Layer.provide(Credentials.layerConfig()),
  Layer.provide(UndiciHttpClient.layer())
)

// The local emulator (`lro emulator --port 8085`): the same client on a loopback endpoint, no credentials.
export const Local = OperationsClient.layerEmulator("http://127.0.0.1:8085").pipe(
  Layer.provide(UndiciHttpClient.layer())
)

// `result` gives an Option: Some(response) when the operation succeeded with one, None when it was done
// without one. A failed operation is the OperationFailed error, with its google.rpc.Status.
export const outcome = (name: string) =>
  OperationPoller.result(name, { schema: Dataproc.DataprocOperation, timeout: "30 minutes" }).pipe(
    Effect.map(Option.match({
      onNone: () => "done, without a response",
      onSome: (response) => `succeeded: ${Any.typeName(response)}`
    })),
    Effect.catchTag("OperationFailed", (e) => Effect.succeed(`failed: ${Status.format(e.status)}`))
  )

const name = process.argv[2] ?? "projects/my-project/regions/us-central1/operations/1234"

Effect.runPromise(outcome(name).pipe(Effect.provide(Local))).then(console.log, (error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
