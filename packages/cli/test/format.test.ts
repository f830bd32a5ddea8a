/**
 * The text formatting: progress read from each Dataproc metadata type (real payloads from the corpus where
 * there are some), elapsed times, tables, and the JSON codec's losslessness.
 */
import { assert, describe, it } from "@effect/vitest"
import { Operation } from "@longrunning/schema"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { readFileSync } from "node:fs"
import * as Format from "../src/internal/format.js"

const corpus = (file: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/corpus/payloads/${file}`, import.meta.url), "utf8"))

const decode = Schema.decodeUnknownSync(Operation.Operation)

const dataproc = (type: string, fields: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  decode({
    name: "projects/p/regions/us-central1/operations/op",
    metadata: { "@type": `type.googleapis.com/google.cloud.dataproc.v1.${type}`, ...fields },
    ...extra
  })

describe("progress", () => {
  it("node group operations from the corpus, with enum names and numbers", () => {
    const done = Format.progress(decode(corpus("kcc-nodegroup-create-operation-done.json")))
    assert.strictEqual(done.state, "SUCCEEDED")
    assert.strictEqual(done.kind, "node group CREATE")
    assert.strictEqual(done.target, "dataprocnodegroup-${uniqueId}")
    assert.strictEqual(done.description, "Create Node Group")
    const resize = Format.progress(decode(corpus("kcc-nodegroup-resize-operation-enum-int.json")))
    assert.strictEqual(resize.state, "RUNNING")
    assert.strictEqual(resize.kind, "node group RESIZE", "operationType 4 is RESIZE")
  })

  it("an operation of another service: its metadata type, the error's code", () => {
    const operation = decode(corpus("kcc-resourcemanager-operation-done-error-already-exists.json"))
    const p = Format.progress(operation)
    assert.strictEqual(p.state, "FAILED")
    assert.strictEqual(p.kind, "google.cloud.resourcemanager.v3.CreateTagKeyMetadata")
    assert.match(Format.describe(operation, 0), /^error: +ALREADY_EXISTS: /m)
  })

  it("cluster operations: state, inner state and details; started and ended from the status history", () => {
    const p = Format.progress(dataproc("ClusterOperationMetadata", {
      clusterName: "c1",
      operationType: "CREATE",
      status: { state: 2, innerState: "PROVISIONING", details: "Creating 2 workers", stateStartTime: "2024-05-01T10:00:30Z" },
      statusHistory: [{ state: "PENDING", stateStartTime: "2024-05-01T10:00:00Z" }]
    }))
    assert.strictEqual(p.kind, "cluster CREATE")
    assert.strictEqual(p.target, "c1")
    assert.strictEqual(p.detail, "RUNNING: PROVISIONING: Creating 2 workers")
    assert.strictEqual(p.startedAt, Date.parse("2024-05-01T10:00:00Z"))
    assert.isUndefined(p.endedAt)
    assert.strictEqual(Format.elapsedOf(p, Date.parse("2024-05-01T10:01:05Z")), 65_000)
  })

  it("batches and sessions: create and done times, the resource's last segment", () => {
    const batch = Format.progress(dataproc("BatchOperationMetadata", {
      batch: "projects/p/locations/us-central1/batches/b-7",
      createTime: "2024-05-01T10:00:00Z",
      doneTime: "2024-05-01T10:02:03.500Z",
      operationType: 1
    }, { done: true, response: { "@type": "type.googleapis.com/google.cloud.dataproc.v1.Batch" } }))
    assert.deepStrictEqual([batch.state, batch.kind, batch.target], ["SUCCEEDED", "batch", "b-7"])
    assert.strictEqual(Format.formatElapsed(Format.elapsedOf(batch, 0) ?? -1), "2m 03s")
    const session = Format.progress(dataproc("SessionOperationMetadata", {
      session: "projects/p/locations/us-central1/sessions/s-1",
      operationType: "TERMINATE"
    }))
    assert.deepStrictEqual([session.kind, session.target], ["session TERMINATE", "s-1"])
  })

  it("workflows count completed steps; jobs show their state", () => {
    const workflow = Format.progress(dataproc("WorkflowMetadata", {
      template: "projects/p/regions/us-central1/workflowTemplates/nightly",
      state: "RUNNING",
      graph: { nodes: [{ stepId: "a", state: "COMPLETED" }, { stepId: "b", state: "RUNNING" }] }
    }))
    assert.deepStrictEqual([workflow.kind, workflow.target, workflow.detail], ["workflow", "nightly", "RUNNING: 1/2 steps"])
    const job = Format.progress(dataproc("JobMetadata", { jobId: "j1", status: { state: "SETUP_DONE" } }))
    assert.deepStrictEqual([job.kind, job.target, job.detail], ["job", "j1", "SETUP_DONE"])
  })

  it("cancelled and done-without-result states", () => {
    const cancelled = decode({ name: "operations/x", done: true, error: { code: 1, message: "cancelled" } })
    assert.strictEqual(Format.stateOf(cancelled), "CANCELLED")
    assert.strictEqual(Format.stateOf(decode({ name: "operations/x", done: true })), "DONE")
  })
})

describe("formatElapsed", () => {
  it("picks a unit a person reads at a glance", () => {
    assert.deepStrictEqual(
      [850, 12_340, 59_999, 60_000, 245_000, 3_600_000, 7_380_000, 90_000_000, -1].map(Format.formatElapsed),
      ["850ms", "12.3s", "59.9s", "1m 00s", "4m 05s", "1h 00m", "2h 03m", "1d 01h", "-"]
    )
  })

  it.prop("under a minute: whole milliseconds or tenths of seconds, never rounded up", [
    FastCheck.integer({ min: 0, max: 59_999 })
  ], ([ms]) => {
    const text = Format.formatElapsed(ms)
    const value = text.endsWith("ms") ? Number(text.slice(0, -2)) : Number(text.slice(0, -1)) * 1000
    assert.isAtMost(value, ms)
    assert.isAbove(value, ms - 100)
  })
})

describe("table", () => {
  it("pads columns to the widest cell and leaves the last one ragged", () => {
    assert.strictEqual(
      Format.table(["A", "BB", "C"], [["xxx", "y", "z z"], ["", "", ""]]),
      "A    BB  C\nxxx  y   z z\n"
    )
  })
})

describe("json", () => {
  it.prop("what the server sent comes back out: wire JSON, decoded, printed, is the same JSON", [
    Arbitrary.make(Operation.Operation)
  ], ([generated]) => {
    const sent: unknown = JSON.parse(JSON.stringify(Schema.encodeSync(Operation.Operation)(generated)))
    const received = Schema.decodeUnknownEither(Operation.Operation)(sent)
    // A generated response JSON cannot carry (null, undefined) is outside the wire's domain.
    if (Either.isLeft(received)) return
    const line = Format.json(received.right)
    assert.notInclude(line, "\n")
    assert.deepStrictEqual(JSON.parse(line), sent)
  }, { fastCheck: { numRuns: 200 } })
})

describe("isUntyped", () => {
  it("holds for what the untyped schema decodes, and the value is not copied", () => {
    const operation = dataproc("ClusterOperationMetadata", { clusterName: "c" }, {
      done: true,
      response: { "@type": "type.googleapis.com/google.cloud.dataproc.v1.Cluster", clusterName: "c" }
    })
    const widened: Operation.Operation<unknown, unknown> = operation
    assert.isTrue(Format.isUntyped(widened))
    assert.isTrue(Format.isUntyped(decode({ name: "n" })))
  })

  it("refuses metadata or a response that is not an Any", () => {
    const running: Operation.Operation<unknown, unknown> = { _tag: "Running", name: "n", metadata: { clusterName: "c" } }
    const succeeded: Operation.Operation<unknown, unknown> = { _tag: "Succeeded", name: "n", response: 42 }
    assert.isFalse(Format.isUntyped(running))
    assert.isFalse(Format.isUntyped(succeeded))
  })
})
