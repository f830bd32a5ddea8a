import { assert, describe, it } from "@effect/vitest"
import { DurableStart, DurableWait } from "@longrunning/durable"
import { OperationPoller } from "@longrunning/polling"
import { Duration, Schema } from "effect"

// ABORTED
const status = { code: 10, message: "preempted", details: [] }

const errors = [
  new DurableWait.OperationFailed({ operation: "operations/o", status }),
  new DurableWait.OperationNotFound({ operation: "operations/o", polls: 3 }),
  new DurableWait.WaitTimeout({ operation: "operations/o", timeout: Duration.minutes(5), polls: 7 }),
  new DurableWait.PollingFailed({ operation: "operations/o", error: "ApiError", detail: "PERMISSION_DENIED", code: 7 }),
  new DurableStart.StartFailed({ key: "k", path: "v1/projects/p/regions/r/clusters", error: "ApiError", detail: "ALREADY_EXISTS" })
] as const

const Any = Schema.Union(
  DurableWait.OperationFailed,
  DurableWait.OperationNotFound,
  DurableWait.WaitTimeout,
  DurableWait.PollingFailed,
  DurableStart.StartFailed
)

describe("the durable errors", () => {
  it("carry the package's type id and qualified identifiers, and encode and decode back to the same class", () => {
    for (const error of errors) {
      assert.isTrue(DurableWait.isDurableError(error), error._tag)
      assert.strictEqual(error[DurableWait.DurableErrorTypeId], DurableWait.DurableErrorTypeId)
      const json = JSON.parse(JSON.stringify(Schema.encodeSync(Any)(error)))
      const back = Schema.decodeUnknownSync(Any)(json)
      assert.isTrue(DurableWait.isDurableError(back))
      assert.strictEqual(back._tag, error._tag)
      assert.strictEqual(back.message, error.message)
    }
  })

  it("guards test the type id: polling's errors of the same tag and plain look-alikes are refused", () => {
    const polling = {
      [OperationPoller.PollingErrorTypeId]: OperationPoller.PollingErrorTypeId,
      _tag: "OperationNotFound",
      operation: "operations/o",
      polls: 1
    }
    assert.isFalse(DurableWait.isOperationNotFound(polling))
    assert.isFalse(DurableWait.isDurableError({ _tag: "WaitTimeout", operation: "operations/o" }))
    assert.isFalse(DurableStart.isStartFailed({ _tag: "StartFailed" }))
    assert.isTrue(DurableWait.isOperationFailed(errors[0]))
    assert.isFalse(DurableWait.isOperationFailed(errors[1]))
    assert.isTrue(DurableWait.isOperationNotFound(errors[1]))
    assert.isTrue(DurableWait.isWaitTimeout(errors[2]))
    assert.isTrue(DurableWait.isPollingFailed(errors[3]))
    assert.isTrue(DurableStart.isStartFailed(errors[4]))
  })
})
