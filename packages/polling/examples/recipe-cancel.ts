/**
 * A recipe of docs/polling.md ("Cancel when a race is interrupted"), type-checked.
 */
import { OperationPoller } from "@longrunning/polling"
import { Effect, Stream } from "effect"

const name = "projects/p/regions/us-central1/operations/1"
const ticker = Effect.forever(Effect.sleep("1 second"))
export const program = Stream.runDrain(OperationPoller.watch(name)).pipe(
  Effect.raceFirst(ticker),
  OperationPoller.cancelOnInterrupt(name, {
    cancelTimeout: "3 seconds",
    onCancelled: (_after, cancel) => Effect.log(cancel.answered ? "cancel sent" : "the cancel got no answer")
  })
)
