/**
 * The examples of packages/durable/README.md, type-checked.
 */
import { WorkflowEngine } from "@effect/workflow"
import { DurableWait, SqliteEngine } from "@longrunning/durable"
import { Dataproc, Operation } from "@longrunning/schema"
import { Layer } from "effect"

// Every process that runs or awaits the wait builds it with the same options.
const ClusterWait = DurableWait.make({
  name: "ClusterOperation",
  schema: Operation.schema({ metadata: Dataproc.ClusterOperationMetadata })
})

export const program = ClusterWait.result("projects/p/regions/us-central1/operations/op-1", { timeout: "2 hours" })

// The runner side: the workflow registered with an engine, polling through an OperationsClient.
export const runner = ClusterWait.layer().pipe(Layer.provideMerge(WorkflowEngine.layerMemory))

export const onSqlite = DurableWait.Default.layer().pipe(
  Layer.provideMerge(SqliteEngine.layer({ filename: "waits.sqlite" }))
)
