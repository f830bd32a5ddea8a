/**
 * The example of packages/schema/README.md, kept here so that `tsc -p tsconfig.check.json` compiles it.
 */
import { Any, Dataproc, Operation, Status } from "@longrunning/schema"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

// An operation whose metadata is decoded as Dataproc cluster metadata; the response is left as it came.
const ClusterOperation = Operation.schema({
  metadata: Dataproc.ClusterOperationMetadata,
  response: Schema.Unknown
})

const json: unknown = {
  name: "projects/my-project/regions/us-central1/operations/4b9c2f0e",
  metadata: {
    "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
    clusterName: "analytics",
    status: { state: "DONE", stateStartTime: "2024-05-01T10:07:31.250123456Z" }
  },
  done: true,
  error: {
    code: 8,
    message: "Insufficient 'CPUS' quota.",
    details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "2.463586755s" }]
  }
}

export const program = Effect.gen(function*() {
  const op = yield* Schema.decodeUnknown(ClusterOperation)(json)
  const summary = Operation.match(op, {
    Running: () => "still running",
    Succeeded: () => "created",
    DoneWithoutResult: () => "done",
    Failed: (failed) => {
      const wait = Option.match(Status.retryDelay(failed.error), {
        onNone: () => "",
        onSome: (delay) => `, retry in ${Duration.format(delay)}`
      })
      return `${Status.format(failed.error)}${wait}` // "RESOURCE_EXHAUSTED: Insufficient 'CPUS' quota., retry in 2s 463ms 586755ns"
    }
  })
  const state = Any.is(Dataproc.ClusterOperationMetadata)(op.metadata) ? op.metadata.status?.state : undefined
  const back = yield* Schema.encode(ClusterOperation)(op) // the same JSON again
  return { summary, state, back }
})
