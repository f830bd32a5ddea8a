import { assert, describe, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Schema from "effect/Schema"
import { isDeepStrictEqual } from "node:util"
import * as Any from "../src/Any.js"
import * as Dataproc from "../src/Dataproc.js"
import * as Operation from "../src/Operation.js"
import * as Status from "../src/Status.js"
import { decodeError, decodeOrFail, dropUndefined, encodeOrFail, issuePaths, wire } from "./support.js"

const name = "projects/p/regions/us-central1/operations/1"
const clusterMetadata = {
  "@type": Dataproc.ClusterOperationMetadata.typeUrl,
  clusterName: "analytics",
  status: { state: "RUNNING", stateStartTime: "2024-05-01T10:00:00.123456789Z" }
}
const ClusterOperation = Operation.schema({ metadata: Dataproc.ClusterOperationMetadata, response: Schema.Unknown })

const tagOf = (json: unknown) => decodeOrFail(Operation.Operation, json)._tag

describe("Operation", () => {
  describe("the four states", () => {
    it("reads done false, null or absent as Running", () => {
      assert.strictEqual(tagOf({ name }), "Running")
      assert.strictEqual(tagOf({ name, done: false }), "Running")
      assert.strictEqual(tagOf({ name, done: null, error: null, response: null }), "Running")
    })

    it("reads done with response as Succeeded, with error as Failed, with neither as DoneWithoutResult", () => {
      const response = { "@type": "type.googleapis.com/google.protobuf.Empty" }
      const succeeded = decodeOrFail(Operation.Operation, { name, done: true, response })
      assert.deepStrictEqual(succeeded, { _tag: "Succeeded", name, response })
      const failed = decodeOrFail(Operation.Operation, { name, done: true, error: { code: 1, message: "cancelled" } })
      assert.deepStrictEqual(failed, { _tag: "Failed", name, error: { code: 1, message: "cancelled", details: [] } })
      assert.deepStrictEqual(decodeOrFail(Operation.Operation, { name, done: true }), { _tag: "DoneWithoutResult", name })
      assert.strictEqual(tagOf({ name, done: true, error: null, response: null }), "DoneWithoutResult")
    })

    it("encodes each state back to Google's JSON, done only when done", () => {
      const cases: ReadonlyArray<readonly [Operation.Operation, unknown]> = [
        [Operation.running({ name }), { name }],
        [Operation.succeeded({ name, response: { "@type": "t/x" } }), { name, done: true, response: { "@type": "t/x" } }],
        [Operation.failed({ name, error: Status.make({ code: 1 }) }), { name, done: true, error: { code: 1 } }],
        [Operation.doneWithoutResult({ name }), { name, done: true }],
        [Operation.running({ name: "" }), {}]
      ]
      for (const [operation, json] of cases) assert.deepStrictEqual(encodeOrFail(Operation.Operation, operation), json)
    })

    it("reads an absent name as empty", () => {
      assert.deepStrictEqual(decodeOrFail(Operation.Operation, {}), { _tag: "Running", name: "" })
    })
  })

  describe("payloads that break the union", () => {
    it("refuses done with both error and response, saying so", () => {
      const error = decodeError(Operation.Operation, {
        name,
        done: true,
        error: { code: 2 },
        response: { "@type": "t/x" }
      })
      assert.include(error.message, "an operation that is done carries \"error\" or \"response\", not both")
    })

    it("refuses an operation that is not done but carries error or response, with the path", () => {
      const withError = decodeError(Operation.Operation, { name, error: { code: 2 } })
      assert.include(withError.message, "[\"error\"]")
      assert.include(withError.message, "an operation that is not done (done is absent) must not carry \"error\"")
      assert.deepStrictEqual(issuePaths(withError), ["error"])
      const withResponse = decodeError(Operation.Operation, { name, done: false, response: { "@type": "t/x" } })
      assert.include(withResponse.message, "[\"response\"]")
      assert.include(withResponse.message, "(done is false) must not carry \"response\"")
      assert.deepStrictEqual(issuePaths(withResponse), ["response"])
    })

    it("refuses a _tag field, which would collide with the state", () => {
      const error = decodeError(Operation.Operation, { name, _tag: "Succeeded" })
      assert.deepStrictEqual(issuePaths(error), ["_tag"])
    })

    it("names the path of a field of the wrong type", () => {
      assert.include(decodeError(Operation.Operation, { name: 1 }).message, "[\"name\"]")
      assert.include(decodeError(Operation.Operation, { name, done: "yes" }).message, "[\"done\"]")
      assert.include(decodeError(Operation.Operation, { name, metadata: { type: "x" } }).message, "[\"metadata\"]")
      const nested = decodeError(Operation.Operation, { name, done: true, error: { code: 2, details: [1] } })
      assert.include(nested.message, "[\"error\"]")
      assert.include(nested.message, "[\"details\"]")
    })
  })

  describe("guards and match", () => {
    const running = Operation.running({ name })
    const succeeded = Operation.succeeded({ name, response: { "@type": "t/x" } })
    const failed = Operation.failed({ name, error: Status.make({ code: 13 }) })
    const cancelled = Operation.failed({ name, error: Status.make({ code: 1, message: "Operation was cancelled" }) })
    const doneWithout = Operation.doneWithoutResult({ name })
    const all = [running, succeeded, failed, cancelled, doneWithout]
    const row = (op: Operation.Operation) => [
      Operation.isRunning(op),
      Operation.isDone(op),
      Operation.isSucceeded(op),
      Operation.isFailed(op),
      Operation.isDoneWithoutResult(op),
      Operation.isCancelled(op)
    ]

    it("tells the states apart", () => {
      assert.deepStrictEqual(all.map(row), [
        [true, false, false, false, false, false],
        [false, true, true, false, false, false],
        [false, true, false, true, false, false],
        [false, true, false, true, false, true],
        [false, true, false, false, true, false]
      ])
    })

    it("matches each state, data-first and data-last", () => {
      const describe = Operation.match({
        Running: (op) => `running ${op.name}`,
        Succeeded: (op) => `succeeded ${JSON.stringify(op.response)}`,
        Failed: (op) => Status.format(op.error),
        DoneWithoutResult: () => "done"
      })
      assert.deepStrictEqual(all.map(describe), [
        `running ${name}`,
        "succeeded {\"@type\":\"t/x\"}",
        "INTERNAL",
        "CANCELLED: Operation was cancelled",
        "done"
      ])
      assert.strictEqual(
        Operation.match(failed, {
          Running: () => 0,
          Succeeded: () => 1,
          Failed: (op) => op.error.code,
          DoneWithoutResult: () => 3
        }),
        13
      )
    })

    it("keeps metadata when constructing, and leaves it out when absent", () => {
      assert.deepStrictEqual(Operation.running({ name, metadata: { "@type": "t/m" } }), {
        _tag: "Running",
        name,
        metadata: { "@type": "t/m" }
      })
      assert.notProperty(Operation.running({ name, metadata: undefined }), "metadata")
    })
  })

  describe("typed operations", () => {
    it("decodes metadata whose @type the schema knows", () => {
      const op = decodeOrFail(ClusterOperation, { name, metadata: clusterMetadata })
      assert.isTrue(Operation.isRunning(op))
      const metadata = op.metadata
      assert.isTrue(Any.is(Dataproc.ClusterOperationMetadata)(metadata))
      if (!Any.is(Dataproc.ClusterOperationMetadata)(metadata)) return
      assert.strictEqual(metadata.status?.state, "RUNNING")
      assert.strictEqual(metadata.status?.stateStartTime?.nanos, 123456789)
      assert.deepStrictEqual(wire(encodeOrFail(ClusterOperation, op)), { name, metadata: clusterMetadata })
    })

    it("keeps metadata of an unknown @type exactly as it came", () => {
      const metadata = { "@type": "type.googleapis.com/google.cloud.other.v1.Metadata", clusterName: 42 }
      const op = decodeOrFail(ClusterOperation, { name, metadata })
      assert.deepStrictEqual(op.metadata, metadata)
      assert.deepStrictEqual(encodeOrFail(ClusterOperation, op), { name, metadata })
    })

    it("fails known metadata with a bad field, naming the field", () => {
      const error = decodeError(ClusterOperation, { name, metadata: { ...clusterMetadata, clusterName: 5 } })
      assert.include(error.message, "google.cloud.dataproc.v1.ClusterOperationMetadata")
      assert.include(error.message, "[\"clusterName\"]")
      assert.isTrue(issuePaths(error).some((p) => p === "metadata.clusterName"), issuePaths(error).join("\n"))
    })

    it("uses Schema.Unknown responses as they are", () => {
      const op = decodeOrFail(ClusterOperation, { name, done: true, response: [1, "two"] })
      assert.deepStrictEqual(op, { _tag: "Succeeded", name, response: [1, "two"] })
    })

    it("dispatches a list of metadata schemas", () => {
      const Typed = Operation.schema({ metadata: [Dataproc.BatchOperationMetadata, Dataproc.SessionOperationMetadata] })
      const op = decodeOrFail(Typed, {
        name,
        metadata: { "@type": Dataproc.SessionOperationMetadata.typeUrl, operationType: 2, createTime: "2024-05-01T10:00:00Z" }
      })
      assert.isTrue(Any.is(Dataproc.SessionOperationMetadata)(op.metadata))
      if (!Any.is(Dataproc.SessionOperationMetadata)(op.metadata)) return
      assert.strictEqual(op.metadata.operationType, "TERMINATE")
      assert.strictEqual(op.metadata.createTime?.toJSON(), "2024-05-01T10:00:00Z")
    })
  })

  describe("ListOperationsResponse", () => {
    it("decodes a page with defaults and leaves them out when encoding", () => {
      const page = decodeOrFail(Operation.ListOperationsResponse, {})
      assert.deepStrictEqual(page, { operations: [], nextPageToken: "", unreachable: [] })
      assert.deepStrictEqual(encodeOrFail(Operation.ListOperationsResponse, page), {})
    })

    it("decodes operations, token, unreachable and unknown fields", () => {
      const json = {
        operations: [{ name: "a" }, { name: "b", done: true }],
        nextPageToken: "t",
        unreachable: ["projects/p/locations/us-east9"],
        pageExtension: 1
      }
      const page = decodeOrFail(Operation.ListOperationsResponse, json)
      assert.deepStrictEqual(page.operations.map((op) => op._tag), ["Running", "DoneWithoutResult"])
      assert.strictEqual(page.nextPageToken, "t")
      assert.deepStrictEqual(encodeOrFail(Operation.ListOperationsResponse, page), json)
    })

    it("types the operations of a list made with listResponse", () => {
      const List = Operation.listResponse(ClusterOperation)
      const page = decodeOrFail(List, { operations: [{ name, metadata: clusterMetadata }] })
      assert.isTrue(Any.is(Dataproc.ClusterOperationMetadata)(page.operations[0]?.metadata))
      const error = decodeError(List, { operations: [{ name }, { name, metadata: { ...clusterMetadata, warnings: "x" } }] })
      assert.isTrue(
        issuePaths(error).some((p) => p === "operations.1.metadata.warnings"),
        issuePaths(error).join("\n")
      )
    })
  })

  describe("properties over generated operations", () => {
    // Schema.Unknown's arbitrary makes responses JSON cannot carry (undefined, -0, NaN), and a response of
    // null reads back as absent, which makes a DoneWithoutResult: both are outside the wire's domain.
    // Typed responses (bigints, Timestamps) are not JSON themselves: only their encoding is.
    const hasResult = <M, R>(op: Operation.Operation<M, R>, typedResponse: boolean) =>
      op._tag !== "Succeeded" ||
      (op.response != null && (typedResponse || isDeepStrictEqual(wire(op.response), op.response)))
    const properties = <M, R, MI, RI>(
      label: string,
      schema: Schema.Schema<Operation.Operation<M, R>, Operation.OperationEncoded<MI, RI>>,
      typedResponse = false
    ) => {
      const arbitrary = Arbitrary.make(schema)
      it.prop(`${label}: encode, decode, encode gives the same JSON`, [arbitrary], ([op]) => {
        if (!hasResult(op, typedResponse)) return
        const json = wire(encodeOrFail(schema, op))
        assert.deepStrictEqual(wire(encodeOrFail(schema, decodeOrFail(schema, json))), json)
      }, { fastCheck: { numRuns: 200 } })

      it.prop(`${label}: decode after encode gives the operation back`, [arbitrary], ([op]) => {
        if (!hasResult(op, typedResponse)) return
        const json = wire(encodeOrFail(schema, op))
        assert.deepStrictEqual(decodeOrFail(schema, json), dropUndefined(op))
      }, { fastCheck: { numRuns: 200 } })
    }
    properties("Operation", Operation.Operation)
    properties("DataprocOperation", Dataproc.DataprocOperation)
    properties("Dataproc.Operations.clustersCreate", Dataproc.Operations.clustersCreate, true)
    properties("ClusterOperation", ClusterOperation)

    it.prop("ListOperationsResponse: decode after encode gives the page back", [
      Arbitrary.make(Operation.ListOperationsResponse)
    ], ([page]) => {
      const json = wire(encodeOrFail(Operation.ListOperationsResponse, page))
      assert.deepStrictEqual(decodeOrFail(Operation.ListOperationsResponse, json), dropUndefined(page))
    }, { fastCheck: { numRuns: 50 } })
  })
})
