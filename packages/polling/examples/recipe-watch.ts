/**
 * A recipe of docs/polling.md, type-checked.
 */
import { OperationPoller } from "@longrunning/polling"
import { Effect, Stream } from "effect"

export const name = "projects/my-project/regions/us-central1/operations/1234"

// The first poll is immediate, later ones follow the policy; the stream ends after the done snapshot.
export const progress = OperationPoller.watch(name, { onlyChanges: true }).pipe(
  Stream.runForEach((op) => Effect.log(`${op._tag} ${JSON.stringify(op.metadata?.["status"])}`))
)

export {}
