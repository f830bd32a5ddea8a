/**
 * The errors and retries of docs/http.md, type-checked.
 */
import { OperationsClient, OperationsError, RetryPolicy } from "@longrunning/http"
import { Effect, Schedule } from "effect"

declare const client: OperationsClient.Service
const orNothing = client.get("projects/p/regions/us-central1/operations/1").pipe(
  Effect.catchIf(OperationsError.isNotFound, () => Effect.succeed(undefined))
)

const patient = OperationsClient.layer({
  retryPolicy: RetryPolicy.make({
    retryable: OperationsError.isRetryable,
    schedule: Schedule.exponential("1 second").pipe(Schedule.jittered, Schedule.upTo("2 minutes"))
  })
})
const never = OperationsClient.layer({ retryPolicy: RetryPolicy.none })

export { never, orNothing, patient }
