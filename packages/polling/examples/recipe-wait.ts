/**
 * A recipe of docs/polling.md, type-checked.
 */
import { OperationPoller } from "@longrunning/polling"
import { Dataproc, Status } from "@longrunning/schema"
import { Effect, Option } from "effect"

declare const name: string

// The done operation (Succeeded, Failed or DoneWithoutResult), from the last snapshot of `watch`.
export const done = OperationPoller.wait(name, { timeout: "1 hour" })

// Its response, or OperationFailed (holding the Status) when it ended in error.
export const cluster = OperationPoller.result(name, { schema: Dataproc.DataprocOperation }).pipe(
  Effect.catchTag("OperationFailed", (e) => Effect.fail(`cluster failed: ${Status.format(e.status)}`)),
  Effect.map(Option.getOrUndefined)
)

export {}
