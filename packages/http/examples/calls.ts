/**
 * The calls of docs/http.md, type-checked.
 */
import { OperationsClient } from "@longrunning/http"
import { Dataproc } from "@longrunning/schema"
import { Effect, Stream } from "effect"

const program = Effect.gen(function*() {
  const client = yield* OperationsClient.OperationsClient
  const op = yield* client.get("projects/p/regions/us-central1/operations/1")          // Operation
  const typed = yield* client.get("projects/p/regions/us-central1/operations/1", Dataproc.DataprocOperation)
  const page = yield* client.list("projects/p/regions/us-central1/operations", { filter: "status.state = RUNNING", pageSize: 50 })
  const all = yield* Stream.runCollect(client.listAll("projects/p/regions/us-central1/operations"))
  yield* client.cancel("projects/p/regions/us-central1/operations/1")                  // POST {name}:cancel
  yield* client.delete("projects/p/regions/us-central1/operations/1")                  // DELETE {name}
  return { op, typed, page, all }
})

export { program }
