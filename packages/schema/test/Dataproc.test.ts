import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"
import * as Any from "../src/Any.js"
import * as Dataproc from "../src/Dataproc.js"
import * as Operation from "../src/Operation.js"
import * as Proto from "../src/Proto.js"
import * as Status from "../src/Status.js"
import { decodeError, decodeOrFail, encodeOrFail, issuePaths, readJson, wire } from "./support.js"
import * as path from "node:path"

interface DiscoveryProperty {
  readonly type?: string
  readonly format?: string
  readonly enum?: ReadonlyArray<string>
}
interface Discovery {
  readonly schemas: { readonly [name: string]: { readonly properties: { readonly [field: string]: DiscoveryProperty } } }
}

const discovery = readJson(path.resolve(__dirname, "../codegen/discovery/dataproc-v1.json")) as Discovery

interface MessageSchema {
  readonly fields: Schema.Struct.Fields
  readonly ast: SchemaAST.AST
}

const fieldsOf = (schema: MessageSchema): ReadonlyArray<string> =>
  Object.keys(schema.fields).filter((field) => field !== "@type")

const ours: ReadonlyArray<readonly [string, MessageSchema]> = [
  ["ClusterOperationMetadata", Dataproc.ClusterOperationMetadata],
  ["ClusterOperationStatus", Dataproc.ClusterOperationStatus],
  ["BatchOperationMetadata", Dataproc.BatchOperationMetadata],
  ["SessionOperationMetadata", Dataproc.SessionOperationMetadata],
  ["NodeGroupOperationMetadata", Dataproc.NodeGroupOperationMetadata],
  ["WorkflowMetadata", Dataproc.WorkflowMetadata],
  ["ClusterOperation", Dataproc.WorkflowClusterOperation],
  ["WorkflowNode", Dataproc.WorkflowNode],
  ["JobMetadata", Dataproc.JobMetadata],
  ["JobStatus", Dataproc.JobStatus]
]

const enums: ReadonlyArray<readonly [string, string, Proto.Enum<string>]> = [
  ["ClusterOperationStatus", "state", Dataproc.ClusterOperationState],
  ["BatchOperationMetadata", "operationType", Dataproc.BatchOperationType],
  ["SessionOperationMetadata", "operationType", Dataproc.SessionOperationType],
  ["NodeGroupOperationMetadata", "operationType", Dataproc.NodeGroupOperationType],
  ["WorkflowMetadata", "state", Dataproc.WorkflowState],
  ["WorkflowNode", "state", Dataproc.WorkflowNodeState],
  ["JobStatus", "state", Dataproc.JobState],
  ["JobStatus", "substate", Dataproc.JobSubstate]
]

const discoveryFields = (name: string): { readonly [field: string]: DiscoveryProperty } => {
  const schema = discovery.schemas[name]
  if (schema === undefined) throw new Error(`the discovery document has no schema ${name}`)
  return schema.properties
}

const metadataFixture = (typeUrl: string, fields: object) => ({ "@type": typeUrl, ...fields })

describe("Dataproc", () => {
  describe("against the v1 discovery document", () => {
    for (const [name, schema] of ours) {
      it(`${name} has every field the discovery document lists, and no other`, () => {
        assert.deepStrictEqual([...fieldsOf(schema)].sort(), Object.keys(discoveryFields(name)).sort())
      })
    }

    it("the WorkflowGraph inside WorkflowMetadata has the discovery document's fields", () => {
      const graph = decodeOrFail(Dataproc.WorkflowMetadata, {
        "@type": Dataproc.WorkflowMetadata.typeUrl,
        graph: { nodes: [{ stepId: "a", state: 4 }] }
      }).graph
      assert.deepStrictEqual(Object.keys(discoveryFields("WorkflowGraph")), ["nodes"])
      assert.strictEqual(graph?.nodes?.[0]?.state, "COMPLETED")
    })

    for (const [message, field, schema] of enums) {
      it(`${message}.${field} knows every value the discovery document lists`, () => {
        const listed = discoveryFields(message)[field]?.enum
        assert.deepStrictEqual([...Object.keys(schema.values)].sort(), [...(listed ?? [])].sort())
      })
    }

    it("times are Timestamps, durations Durations and int32s numbers where the discovery document says so", () => {
      let checked = 0
      for (const [name, schema] of ours) {
        const typeUrl = schema.fields["@type"] === undefined ? {} : { "@type": `type.googleapis.com/google.cloud.dataproc.v1.${name}` }
        const read = (field: string, value: unknown): unknown => {
          checked++
          return Object.getOwnPropertyDescriptor(decodeOrFail(Schema.make<object, unknown>(schema.ast), { ...typeUrl, [field]: value }), field)?.value
        }
        for (const [field, property] of Object.entries(discoveryFields(name))) {
          if (property.format === "google-datetime") {
            const t = read(field, "2024-05-01T10:00:00.000000001Z")
            assert.instanceOf(t, Proto.TimestampValue, `${name}.${field}`)
            assert.strictEqual(t instanceof Proto.TimestampValue ? t.nanos : -1, 1)
          }
          if (property.format === "google-duration") {
            const d = read(field, "1.5s")
            assert.isTrue(Duration.isDuration(d) && Duration.equals(d, Duration.millis(1500)), `${name}.${field}`)
          }
          if (property.format === "int32") assert.strictEqual(read(field, "7"), 7, `${name}.${field}`)
        }
      }
      assert.strictEqual(checked, 13)
    })

    it("Operation, Status and ListOperationsResponse cover the discovery document's fields", () => {
      const op = decodeOrFail(Operation.Operation, { name: "n", done: true, error: { code: 3, message: "m", details: [] } })
      const operationJson = wire(encodeOrFail(Operation.Operation, op)) as object
      const failedFields = ["name", "done", "error"]
      assert.deepStrictEqual(Object.keys(operationJson).sort(), failedFields.sort())
      assert.includeMembers(Object.keys(discoveryFields("Operation")), [...failedFields, "metadata", "response"])
      assert.deepStrictEqual(Object.keys(decodeOrFail(Status.Status, {})).sort(), Object.keys(discoveryFields("Status")).sort())
      assert.deepStrictEqual(
        Object.keys(decodeOrFail(Operation.ListOperationsResponse, {})).sort(),
        Object.keys(discoveryFields("ListOperationsResponse")).sort()
      )
    })
  })

  describe("metadata", () => {
    it("decodes cluster metadata with its status history, times and labels", () => {
      const json = metadataFixture(Dataproc.ClusterOperationMetadata.typeUrl, {
        clusterName: "analytics",
        clusterUuid: "u",
        status: { state: "DONE", innerState: "DONE", details: "ok", stateStartTime: "2024-05-01T10:05:00.000001Z" },
        statusHistory: [{ state: 1, stateStartTime: "2024-05-01T10:00:00Z" }, { state: "RUNNING" }],
        operationType: "CREATE",
        description: "Create cluster",
        labels: { team: "data" },
        warnings: ["w"],
        childOperationIds: ["c"]
      })
      const metadata = decodeOrFail(Dataproc.ClusterOperationMetadata, json)
      assert.strictEqual(metadata.status?.stateStartTime?.nanos, 1000)
      assert.deepStrictEqual(metadata.statusHistory?.map((s) => s.state), ["PENDING", "RUNNING"])
      assert.deepStrictEqual(wire(encodeOrFail(Dataproc.ClusterOperationMetadata, metadata)), {
        ...json,
        statusHistory: [{ state: "PENDING", stateStartTime: "2024-05-01T10:00:00Z" }, { state: "RUNNING" }]
      })
    })

    it("decodes workflow metadata: int32 version, Duration timeout, cluster operations, node states", () => {
      const metadata = decodeOrFail(Dataproc.WorkflowMetadata, {
        "@type": Dataproc.WorkflowMetadata.typeUrl,
        template: "projects/p/regions/r/workflowTemplates/t",
        version: "3",
        createCluster: { operationId: "projects/p/regions/r/operations/1", done: true },
        deleteCluster: { operationId: "projects/p/regions/r/operations/2", error: "boom", done: true },
        state: 2,
        parameters: { ZONE: "us-central1-a" },
        dagTimeout: "1800s",
        dagStartTime: "2024-05-01T10:00:00Z"
      })
      assert.strictEqual(metadata.version, 3)
      assert.strictEqual(metadata.state, "RUNNING")
      assert.isTrue(metadata.dagTimeout !== undefined && Duration.equals(metadata.dagTimeout, Duration.minutes(30)))
      assert.strictEqual(metadata.deleteCluster?.error, "boom")
    })

    it("reads job states by their numbers, which are not in name order", () => {
      const job = decodeOrFail(Dataproc.JobMetadata, {
        "@type": Dataproc.JobMetadata.typeUrl,
        jobId: "j",
        status: { state: 8, substate: 2 },
        operationType: "SUBMIT"
      })
      assert.strictEqual(job.status?.state, "SETUP_DONE")
      assert.strictEqual(job.status?.substate, "QUEUED")
      assert.strictEqual(decodeOrFail(Dataproc.JobState, 9), "ATTEMPT_FAILURE")
      assert.strictEqual(decodeOrFail(Dataproc.JobState, 4), "CANCELLED")
    })

    it("keeps enum values a newer server sends", () => {
      const metadata = decodeOrFail(Dataproc.NodeGroupOperationMetadata, {
        "@type": Dataproc.NodeGroupOperationMetadata.typeUrl,
        operationType: 42,
        status: { state: "SOMETHING_NEW" }
      })
      assert.strictEqual(metadata.operationType, 42)
      assert.strictEqual(metadata.status?.state, "SOMETHING_NEW")
    })

    it("names the field that does not decode", () => {
      const error = decodeError(Dataproc.BatchOperationMetadata, {
        "@type": Dataproc.BatchOperationMetadata.typeUrl,
        doneTime: "2024-13-01T00:00:00Z"
      })
      assert.deepStrictEqual([...new Set(issuePaths(error))], ["doneTime"])
    })
  })

  describe("DataprocOperation", () => {
    const examples: ReadonlyArray<readonly [Any.AnyMessageSchema, object]> = [
      [Dataproc.ClusterOperationMetadata, { clusterName: "c", status: { state: "RUNNING" } }],
      [Dataproc.BatchOperationMetadata, { batch: "b", operationType: "BATCH" }],
      [Dataproc.SessionOperationMetadata, { session: "s", operationType: "CREATE" }],
      [Dataproc.NodeGroupOperationMetadata, { nodeGroupId: "n", operationType: "RESIZE" }],
      [Dataproc.WorkflowMetadata, { template: "t", state: "DONE" }],
      [Dataproc.JobMetadata, { jobId: "j", status: { state: "DONE" } }]
    ]

    it("dispatches every Dataproc metadata type, and keeps others", () => {
      for (const [message, fields] of examples) {
        const json = { name: "projects/p/regions/r/operations/o", metadata: metadataFixture(message.typeUrl, fields) }
        const op = decodeOrFail(Dataproc.DataprocOperation, json)
        assert.isTrue(Any.is(message)(op.metadata), message.typeUrl)
        assert.deepStrictEqual(wire(encodeOrFail(Dataproc.DataprocOperation, op)), json)
      }
      assert.strictEqual(Dataproc.operationMetadata.length, 7)
      const other = { "@type": "type.googleapis.com/google.cloud.dataproc.v1.Future", x: 1 }
      assert.deepStrictEqual(decodeOrFail(Dataproc.DataprocOperation, { name: "o", metadata: other }).metadata, other)
    })
  })
})
