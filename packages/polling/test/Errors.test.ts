import { assert, describe, it } from "@effect/vitest"
import { OperationsError } from "@longrunning/http"
import { OperationPoller, Policy } from "@longrunning/polling"
import { Code, Dataproc, Operation, Status } from "@longrunning/schema"
import { Data, Duration, Effect, Fiber, Option, Schema, TestClock } from "effect"
import * as Fake from "./fake.js"

const name = "projects/demo/regions/us-central1/operations/op-1"

// What goes to a log line or over RPC: the encoded error as JSON text, read back and decoded.
const roundTrip = <A extends Error & { readonly _tag: string }, I>(
  schema: Schema.Schema<A, I>,
  error: A,
  guard: (u: unknown) => u is A
): A => {
  const encoded = Schema.encodeSync(schema)(error)
  const decoded = Schema.decodeUnknownSync(schema)(JSON.parse(JSON.stringify(encoded)))
  assert.strictEqual(Object.getPrototypeOf(decoded), Object.getPrototypeOf(error), error._tag)
  assert.isTrue(guard(decoded), error._tag)
  assert.isTrue(OperationPoller.isPollingError(decoded))
  assert.strictEqual(decoded.message, error.message)
  assert.deepStrictEqual(Schema.encodeSync(schema)(decoded), encoded)
  const union = Schema.decodeUnknownSync(OperationPoller.PollingError)(JSON.parse(JSON.stringify(encoded)))
  assert.strictEqual(union._tag, error._tag)
  assert.isFalse(guard({ ...(encoded as object), message: error.message }), `${error._tag} look-alike`)
  return decoded
}

const decodeOperation = Schema.decodeUnknownSync(Operation.Operation)
const running = decodeOperation({ name, metadata: { "@type": "type.googleapis.com/example.Meta", progress: 40 } })
const failed = decodeOperation({
  name,
  done: true,
  metadata: { "@type": "type.googleapis.com/example.Meta", progress: 100 },
  error: { code: 9, message: "quota", details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "QUOTA" }] }
})
const notFound = new OperationsError.ApiError({
  method: "get",
  operation: name,
  httpStatus: 404,
  status: Status.make({ code: Code.codes.NOT_FOUND, message: "gone" }),
  retryAfter: Option.none()
})

describe("OperationPoller's errors: Schema errors with a TypeId", () => {
  it("each round-trips through JSON with its snapshot, status and cause", () => {
    assert.isTrue(Operation.isFailed(failed))
    if (!Operation.isFailed(failed)) return
    const operationFailed = roundTrip(
      OperationPoller.OperationFailed,
      new OperationPoller.OperationFailed({ operation: name, status: failed.error, snapshot: failed }),
      OperationPoller.isOperationFailed
    )
    assert.strictEqual(operationFailed.snapshot._tag, "Failed")
    assert.deepStrictEqual(Option.map(Status.errorInfo(operationFailed.status), (info) => info.reason), Option.some("QUOTA"))
    assert.strictEqual(operationFailed.message, `operation ${name} failed: FAILED_PRECONDITION: quota`)

    const finite = roundTrip(
      OperationPoller.WaitTimeout,
      new OperationPoller.WaitTimeout({ operation: name, timeout: Duration.minutes(10), polls: 7, lastSnapshot: Option.some(running) }),
      OperationPoller.isWaitTimeout
    )
    assert.strictEqual(finite.message, `operation ${name} was not done after 10m (7 polls)`)
    assert.deepStrictEqual(Option.map(finite.lastSnapshot, (op) => op.metadata), Option.some(running.metadata))
    const endless = roundTrip(
      OperationPoller.WaitTimeout,
      new OperationPoller.WaitTimeout({ operation: name, timeout: Duration.infinity, polls: 1, lastSnapshot: Option.none() }),
      OperationPoller.isWaitTimeout
    )
    assert.isFalse(Duration.isFinite(endless.timeout))

    const gone = roundTrip(
      OperationPoller.OperationNotFound,
      new OperationPoller.OperationNotFound({ operation: name, polls: 3, lastSnapshot: Option.some(running), cause: notFound }),
      OperationPoller.isOperationNotFound
    )
    assert.isTrue(OperationsError.isNotFound(gone.cause))
    assert.strictEqual(gone.message, `operation ${name} was not found after 3 polls: it may have expired or been deleted`)

    const exhausted = roundTrip(
      OperationPoller.PolicyExhausted,
      new OperationPoller.PolicyExhausted({ operation: name, polls: 1, lastSnapshot: Option.some(running) }),
      OperationPoller.isPolicyExhausted
    )
    assert.strictEqual(exhausted.message, `operation ${name} was not done when its polling policy gave up (1 poll)`)
  })

  it("OperationFailed refuses a snapshot that is not Failed", () => {
    const encoded = Schema.encodeSync(OperationPoller.OperationFailed)(
      new OperationPoller.OperationFailed({ operation: name, status: Status.make({ code: 2 }), snapshot: failed as Operation.Failed<unknown> })
    )
    const tampered = { ...encoded, snapshot: { name, metadata: {} } }
    assert.isTrue(Schema.decodeUnknownEither(OperationPoller.OperationFailed)(tampered)._tag === "Left")
  })

  it("guards test the TypeId: look-alikes with the same _tag are refused", () => {
    class FakeTimeout extends Data.TaggedError("WaitTimeout")<{ readonly operation: string }> {}
    const lookAlikes: ReadonlyArray<unknown> = [
      new FakeTimeout({ operation: name }),
      { _tag: "OperationFailed", operation: name, status: { code: 2 } },
      { _tag: "OperationNotFound", operation: name, polls: 1 },
      { _tag: "PolicyExhausted", operation: name, polls: 1 },
      notFound
    ]
    for (const u of lookAlikes) {
      assert.isFalse(OperationPoller.isPollingError(u))
      assert.isFalse(OperationPoller.isOperationFailed(u))
      assert.isFalse(OperationPoller.isWaitTimeout(u))
      assert.isFalse(OperationPoller.isOperationNotFound(u))
      assert.isFalse(OperationPoller.isPolicyExhausted(u))
    }
    const exhausted = new OperationPoller.PolicyExhausted({ operation: name, polls: 1, lastSnapshot: Option.none() })
    assert.isTrue(OperationPoller.isPolicyExhausted(exhausted))
    assert.isFalse(OperationPoller.isWaitTimeout(exhausted))
    assert.isFalse(OperationsError.isOperationsError(exhausted))
  })

  it.effect("the errors a real watch ends with are the classes, and encode with their typed snapshots", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(
        Effect.flip(OperationPoller.wait(name, { schema: Dataproc.DataprocOperation, schedule: Policy.fixed("1 second"), timeout: "5 seconds" }))
      )
      yield* TestClock.adjust(Duration.minutes(1))
      const error = yield* Fiber.join(fiber)
      assert.isTrue(OperationPoller.isWaitTimeout(error), String(error))
      if (!OperationPoller.isWaitTimeout(error)) return
      assert.isTrue(Option.isSome(error.lastSnapshot))
      const decoded = roundTrip(OperationPoller.WaitTimeout, error, OperationPoller.isWaitTimeout)
      assert.strictEqual(decoded.polls, error.polls)
      const caught = yield* Effect.fail(error).pipe(Effect.catchTag("WaitTimeout", (e) => Effect.succeed(e.polls)))
      assert.strictEqual(caught, error.polls)
    }).pipe(Effect.provide(Fake.layer((n) => Fake.running(n, 50)))))

  it.effect("a failed operation ends a real wait in OperationFailed, which round-trips", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(OperationPoller.result(name))
      assert.isTrue(OperationPoller.isOperationFailed(error), String(error))
      if (!OperationPoller.isOperationFailed(error)) return
      assert.strictEqual(error.status.code, Code.codes.RESOURCE_EXHAUSTED)
      roundTrip(OperationPoller.OperationFailed, error, OperationPoller.isOperationFailed)
    }).pipe(Effect.provide(Fake.layer((n) => Fake.failed(n, Code.codes.RESOURCE_EXHAUSTED, "no quota")))))
})
