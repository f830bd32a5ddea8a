/**
 * A recipe of docs/polling.md, type-checked.
 */
import { Credentials, OperationsClient } from "@longrunning/http"
import { OperationPoller } from "@longrunning/polling"
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import { Effect, Layer } from "effect"

export const Live = OperationsClient.layer({ quotaProject: "my-project" }).pipe(
  Layer.provide(Credentials.layerConfig()),
  Layer.provide(UndiciHttpClient.layer())
)

export const program = OperationPoller.wait("projects/p/regions/us-central1/operations/1").pipe(Effect.provide(Live))

export {}
