import { assert, describe, it } from "@effect/vitest"
import * as Schema from "effect/Schema"
import * as Dataproc from "../src/Dataproc.js"
import * as Operation from "../src/Operation.js"
import * as Status from "../src/Status.js"
import { corpus, decodeOrFail, encodeOrFail, fixture, wire, withoutDefaults } from "./support.js"

const files = corpus()
const operations = files.filter((c) => !c.isErrorBody)
const errorBodies = files.filter((c) => c.isErrorBody)
const isEnumInt = (file: string) => file.includes("enum-int")

const ClusterOperation = Operation.schema({ metadata: Dataproc.ClusterOperationMetadata, response: Schema.Unknown })
const operationSchemas: Record<string, Schema.Schema.AnyNoContext> = {
  "Operation.Operation": Operation.Operation,
  "Dataproc.DataprocOperation": Dataproc.DataprocOperation,
  "Operation.schema(ClusterOperationMetadata, Unknown)": ClusterOperation
}

const roundTrip = <A, I>(schema: Schema.Schema<A, I>, json: unknown): unknown =>
  wire(encodeOrFail(schema, decodeOrFail(schema, json)))

describe("the recorded corpus", () => {
  it("holds both operations and error bodies", () => {
    assert.isAtLeast(operations.length, 4)
    assert.isAtLeast(errorBodies.length, 5)
  })

  for (const [label, schema] of Object.entries(operationSchemas)) {
    describe(label, () => {
      for (const { file, json } of operations) {
        if (isEnumInt(file)) {
          it(`${file}: re-encodes enums as names, and decode after encode is idempotent`, () => {
            const once = roundTrip(schema, json)
            assert.deepStrictEqual(roundTrip(schema, once), once)
            if (label === "Dataproc.DataprocOperation") {
              // The documented exception to byte-for-byte round trips: enum numbers come back as names.
              const name = (once as { metadata: { operationType: unknown } }).metadata.operationType
              assert.oneOf(name, ["CREATE", "RESIZE"])
              assert.notDeepEqual(once, json)
            } else {
              // Node group metadata is not a type these schemas know: it is kept exactly as it came.
              assert.deepStrictEqual(once, json)
            }
          })
        } else {
          it(`${file}: encode after decode gives the payload back`, () => {
            assert.deepStrictEqual(withoutDefaults(roundTrip(schema, json)), withoutDefaults(json))
          })
        }
      }
    })
  }

  describe("through the generated operation schema of each payload's method (Dataproc.Operations)", () => {
    const byMetadata = new Map<string, Schema.Schema.AnyNoContext>()
    const pairs: ReadonlyArray<readonly [string, Schema.Schema.AnyNoContext]> = [
      [Dataproc.ClusterOperationMetadata.typeUrl, Dataproc.Operations.clustersCreate],
      [Dataproc.NodeGroupOperationMetadata.typeUrl, Dataproc.Operations.nodeGroupsCreate],
      [Dataproc.BatchOperationMetadata.typeUrl, Dataproc.Operations.batchesCreate],
      [Dataproc.SessionOperationMetadata.typeUrl, Dataproc.Operations.sessionsCreate],
      [Dataproc.WorkflowMetadata.typeUrl, Dataproc.Operations.workflowTemplatesInstantiate],
      [Dataproc.JobMetadata.typeUrl, Dataproc.Operations.jobsSubmitAsOperation]
    ]
    for (const [url, schema] of pairs) byMetadata.set(url, schema)
    for (const { file, json } of operations) {
      const type = (json as { metadata?: { "@type"?: string } }).metadata?.["@type"] ?? ""
      const schema = byMetadata.get(type) ?? Dataproc.DataprocOperation
      it(`${file}: decodes and re-encodes losslessly`, () => {
        const once = roundTrip(schema, json)
        if (isEnumInt(file)) {
          // enum numbers come back as names, then decode after encode is the identity
          assert.deepStrictEqual(roundTrip(schema, once), once)
          assert.oneOf((once as { metadata: { operationType: unknown } }).metadata.operationType, ["CREATE", "RESIZE"])
        } else {
          assert.deepStrictEqual(withoutDefaults(once), withoutDefaults(json))
        }
      })
    }
  })

  it("decodes the enum-int node group operations to the names Dataproc documents", () => {
    const byFile = Object.fromEntries(operations.filter((c) => isEnumInt(c.file)).map((c) => [c.file, c.json]))
    assert.isAtLeast(Object.keys(byFile).length, 2)
    const expected: Record<string, string> = {
      "kcc-nodegroup-create-operation-enum-int.json": "CREATE",
      "kcc-nodegroup-resize-operation-enum-int.json": "RESIZE"
    }
    for (const [file, name] of Object.entries(expected)) {
      const op = decodeOrFail(Dataproc.DataprocOperation, byFile[file])
      assert.propertyVal(op.metadata, "operationType", name, file)
      const json = wire(encodeOrFail(Dataproc.DataprocOperation, op))
      assert.deepStrictEqual(json, {
        ...(byFile[file] as object),
        metadata: { ...((byFile[file] as { metadata: object }).metadata), operationType: name }
      })
    }
  })

  it("decodes each recorded operation to the state its JSON describes", () => {
    for (const { file, json } of operations) {
      const op = decodeOrFail(Dataproc.DataprocOperation, json)
      const record = json as { done?: boolean; error?: unknown; response?: unknown }
      const expected = record.done !== true
        ? "Running"
        : record.error !== undefined
        ? "Failed"
        : record.response !== undefined
        ? "Succeeded"
        : "DoneWithoutResult"
      assert.strictEqual(op._tag, expected, file)
    }
  })

  for (const { file, json } of errorBodies) {
    it(`${file}: the error body round trips and names its rpc code`, () => {
      assert.deepStrictEqual(withoutDefaults(roundTrip(Status.ErrorBody, json)), withoutDefaults(json))
      assert.deepStrictEqual(roundTrip(Status.ErrorBody, [json]), json)
      const status = Status.fromEnvelope(decodeOrFail(Status.ErrorBody, json))
      assert.strictEqual(Status.codeName(status), (json as { error: { status: string } }).error.status)
    })
  }

  describe("unknown fields at every level survive exactly", () => {
    it("a running operation: top level, metadata, nested status, status history, labels", () => {
      const json = fixture("operation-unknown-fields.json")
      for (const schema of Object.values(operationSchemas)) assert.deepStrictEqual(roundTrip(schema, json), json)
      const op = decodeOrFail(ClusterOperation, json)
      assert.propertyVal(op, "estimatedCompletion", "2024-05-01T10:05:00Z")
      assert.propertyVal(op.metadata, "newMetadataField", "from a newer server")
      assert.propertyVal((op.metadata as { status: object }).status, "progressPercent", 42)
    })

    it("a failed operation: top level, metadata, Status, known and unknown details, nested violations", () => {
      const json = fixture("operation-failed-unknown-fields.json")
      for (const schema of Object.values(operationSchemas)) assert.deepStrictEqual(roundTrip(schema, json), json)
      const op = decodeOrFail(Dataproc.DataprocOperation, json)
      assert.isTrue(Operation.isFailed(op))
      if (!Operation.isFailed(op)) return
      assert.propertyVal(op.error, "statusRevision", 2)
      assert.strictEqual(Status.errorInfo(op.error).pipe((o) => o._tag === "Some" ? o.value.reason : ""), "RATE_LIMIT_EXCEEDED")
      assert.strictEqual(op.error.details[3]?.["@type"], "type.googleapis.com/acme.internal.v2.Diagnostics")
    })

    it("an error envelope: top level, error, details, legacy errors", () => {
      const json = fixture("envelope-unknown-fields.json")
      assert.deepStrictEqual(roundTrip(Status.ErrorBody, json), json)
      assert.deepStrictEqual(roundTrip(Status.ErrorEnvelope, json), json)
    })
  })
})
