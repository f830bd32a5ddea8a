// Testing your own code with @longrunning/testing: the examples of docs/testing.md, kept here so that they
// type-check. Run it with
//   node --conditions=@longrunning/source --import tsx packages/testing/examples/testing-your-code.ts
// In a real suite each check is an `it.effect(...)` of @effect/vitest, which provides the TestClock itself;
// here `TestContext.TestContext` does it.
import { Credentials, OperationsClient } from "@longrunning/http"
import { OperationPoller, Policy } from "@longrunning/polling"
import { Code, Dataproc, Operation, Status } from "@longrunning/schema"
import { TestHttpClient, TestOperations } from "@longrunning/testing"
import { Data, Effect, Fiber, Layer, Redacted, TestClock, TestContext } from "effect"

// -----------------------------------------------------------------------------
// the code under test
// -----------------------------------------------------------------------------

class ClusterFailed extends Data.TaggedError("ClusterFailed")<{ readonly operation: string; readonly reason: string }> {}

const ClusterOperation = Operation.schema({ metadata: Dataproc.ClusterOperationMetadata })

/** Waits for a cluster create and returns the cluster's name. */
const awaitCluster = (operation: string) =>
  OperationPoller.wait(operation, { schema: ClusterOperation, schedule: Policy.fixed("10 seconds"), timeout: "10 minutes" })
    .pipe(
      Effect.flatMap((done) =>
        done._tag === "Succeeded"
          ? Effect.succeed(done.metadata !== undefined && "clusterName" in done.metadata ? done.metadata.clusterName : "")
          : Effect.fail(
            new ClusterFailed({
              operation,
              reason: done._tag === "Failed" ? Status.format(done.error) : "no result"
            })
          )
      )
    )

// -----------------------------------------------------------------------------
// tests
// -----------------------------------------------------------------------------

const name = "projects/demo/regions/us-central1/operations/create-c1"
const Clusters = TestOperations.typed(ClusterOperation)
const running = {
  "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
  clusterName: "c1",
  clusterUuid: "",
  status: { state: "RUNNING", innerState: "", details: "" },
  statusHistory: [],
  operationType: "CREATE",
  description: "Create cluster",
  labels: {},
  warnings: [],
  childOperationIds: []
} as const

const check = (condition: boolean, what: string) => condition ? Effect.void : Effect.dieMessage(`check failed: ${what}`)

// 1. The operation completes at t = 90 s: the code sees it at the next poll, without waiting 90 real seconds.
const completes = Effect.gen(function*() {
  yield* Clusters.create(name, { metadata: running })
  yield* TestOperations.completeAt(name, "90 seconds", { "@type": "type.googleapis.com/google.cloud.dataproc.v1.Cluster" })
  const fiber = yield* Effect.fork(awaitCluster(name))
  yield* TestClock.adjust("90 seconds")
  const cluster = yield* Fiber.join(fiber)
  yield* check(cluster === "c1", "the cluster name comes from the metadata")
  const gets = (yield* TestOperations.calls).filter((call) => call.method === "get")
  yield* check(gets.length === 10, "one poll every 10 seconds, from 0 to 90")
}).pipe(Effect.provide(TestOperations.layer()))

// 2. The operation fails for quota: the code's own error says why.
const failsForQuota = Effect.gen(function*() {
  yield* Clusters.create(name, { metadata: running })
  yield* TestOperations.failAt(
    name,
    "30 seconds",
    Status.make({ code: Code.codes.RESOURCE_EXHAUSTED, message: "Insufficient 'CPUS' quota" })
  )
  const fiber = yield* Effect.fork(Effect.flip(awaitCluster(name)))
  yield* TestClock.adjust("30 seconds")
  const error = yield* Fiber.join(fiber)
  yield* check(
    error._tag === "ClusterFailed" && error.reason === "RESOURCE_EXHAUSTED: Insufficient 'CPUS' quota",
    "ClusterFailed carries the Status"
  )
}).pipe(Effect.provide(TestOperations.layer()))

// 3. Three 503s in a row do not end the wait; the calls log shows them.
const survivesOutages = Effect.gen(function*() {
  yield* TestOperations.create(name)
  yield* TestOperations.completeAt(name, "1 minute")
  yield* TestOperations.injectError(TestOperations.unavailable, { methods: "get", times: 3 })
  const fiber = yield* Effect.fork(awaitCluster(name))
  yield* TestClock.adjust("2 minutes")
  yield* Fiber.join(fiber)
  const codes = (yield* TestOperations.calls).map((call) => call.code)
  yield* check(codes.slice(0, 3).every((code) => code === Code.codes.UNAVAILABLE), "the first three polls got 503")
}).pipe(Effect.provide(TestOperations.layer()))

// 4. An operation that never ends: the code's timeout fires on the TestClock.
const timesOut = Effect.gen(function*() {
  yield* TestOperations.create(name)
  const fiber = yield* Effect.fork(Effect.flip(awaitCluster(name)))
  yield* TestClock.adjust("10 minutes")
  const error = yield* Fiber.join(fiber)
  yield* check(error._tag === "WaitTimeout", "WaitTimeout after 10 minutes")
}).pipe(Effect.provide(TestOperations.layer({ strict: true })))

// 5. The same code over the real HTTP client: credentials, headers, JSON and error envelopes included.
const OverHttp = OperationsClient.layer({ quotaProject: "billing" }).pipe(
  Layer.provide(Credentials.static(Redacted.make("ya29.test"))),
  Layer.provideMerge(TestHttpClient.layer())
)

const overHttp = Effect.gen(function*() {
  yield* Clusters.create(name, { metadata: running })
  yield* TestOperations.completeAt(name, "20 seconds", { "@type": "type.googleapis.com/google.cloud.dataproc.v1.Cluster" })
  const fiber = yield* Effect.fork(awaitCluster(name))
  yield* TestClock.adjust("20 seconds")
  yield* Fiber.join(fiber)
  const [first] = yield* TestOperations.calls
  // the log keeps no secret: the header reads "Bearer <redacted>", hasBearer compares the token itself
  yield* check(first?.http?.headers["authorization"] === "Bearer <redacted>", "the log redacts the token")
  yield* check(TestOperations.hasBearer(first?.http, "ya29.test"), "the token reached the server")
  yield* check(first?.http?.headers["x-goog-user-project"] === "billing", "so did the quota project")
}).pipe(Effect.provide(OverHttp))

const all = Effect.all([completes, failsForQuota, survivesOutages, timesOut, overHttp], { discard: true }).pipe(
  Effect.provide(TestContext.TestContext)
)

Effect.runPromise(all).then(() => process.stdout.write("all checks passed\n"))
