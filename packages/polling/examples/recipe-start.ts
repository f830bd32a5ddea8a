/**
 * A recipe of docs/polling.md ("From a start call, and resuming from a name"), type-checked.
 */
import { OperationPoller } from "@longrunning/polling"
import { Dataproc } from "@longrunning/schema"
import { Effect, type Schema } from "effect"

// what a typed start call returns, e.g. a clusters.create
declare const createCluster: Effect.Effect<Schema.Schema.Type<typeof Dataproc.DataprocOperation>>

export const created = createCluster.pipe(
  Effect.flatMap((operation) => OperationPoller.wait(operation, { schema: Dataproc.DataprocOperation }))
)

// after a restart, from the name saved when the operation started
const resumed = OperationPoller.handle("projects/p/regions/us-central1/operations/op-1", Dataproc.DataprocOperation)
export const done = resumed.wait({ timeout: "30 minutes" })
