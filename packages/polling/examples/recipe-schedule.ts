/**
 * A recipe of docs/polling.md ("The schedule sees each poll"), type-checked.
 */
import { OperationPoller, Policy } from "@longrunning/polling"
import { Schedule } from "effect"

// Poll every 5 s, wait as long as the server asks (up to 2 minutes), and stop once the operation has
// reported metadata: the watch then fails with PolicyExhausted holding that snapshot.
const schedule = Policy.fixed("5 seconds").pipe(
  Policy.respectHints(Policy.serverHint, { max: "2 minutes" }),
  Schedule.whileInput((outcome: Policy.PollOutcome) => outcome._tag === "Failed" || outcome.operation.metadata === undefined)
)
export const watched = OperationPoller.wait("projects/p/regions/us-central1/operations/1", { schedule, maxHint: "2 minutes" })
