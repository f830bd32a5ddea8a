/**
 * The example of packages/http/README.md, type-checked.
 */
import { Credentials, OperationsClient, OperationsError } from "@longrunning/http"
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import { Operation, Status } from "@longrunning/schema"
import { Effect, Layer } from "effect"

const Live = OperationsClient.layer({ quotaProject: "my-project" }).pipe(
  Layer.provide(Credentials.layerConfig()), // GOOGLE_OAUTH_ACCESS_TOKEN
  Layer.provide(UndiciHttpClient.layer())
)

export const program = Effect.gen(function*() {
  const client = yield* OperationsClient.OperationsClient
  const op = yield* client.get("projects/my-project/regions/us-central1/operations/1234")
  return Operation.match(op, {
    Running: () => "still running",
    Succeeded: (done) => `done: ${done.response["@type"]}`,
    Failed: (failed) => `failed: ${Status.format(failed.error)}`,
    DoneWithoutResult: () => "done"
  })
}).pipe(
  Effect.catchIf(OperationsError.isNotFound, () => Effect.succeed("no such operation (it may have expired)")),
  Effect.provide(Live)
)
