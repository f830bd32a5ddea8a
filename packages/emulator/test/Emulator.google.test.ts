import { assert, describe, it } from "@effect/vitest"
import { ClusterControllerClient, protos } from "@google-cloud/dataproc"
import { Status } from "@longrunning/schema"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { OAuth2Client } from "google-auth-library"
import * as Emulator from "../src/Emulator.js"

const v1 = protos.google.cloud.dataproc.v1

type AuthClientOption = NonNullable<NonNullable<ConstructorParameters<typeof ClusterControllerClient>[0]>["authClient"]>

// google-auth-library 10.9 (this package's devDependency) and the 10.5 that google-gax bundles declare the same
// classes twice; classes with private fields never match structurally, so the types need a bridge. At run time
// gax only asks the client for its request headers, which any OAuth2Client provides.
const bridge = (client: OAuth2Client): AuthClientOption => client as unknown as AuthClientOption

// The REST ("fallback") transport of Google's own client, pointed at the emulator over plain HTTP on loopback,
// with a fixed access token so that no credential lookup (metadata server, ADC files) happens.
const googleClient = (port: number) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const authClient = new OAuth2Client()
      authClient.setCredentials({ access_token: "test" })
      return new ClusterControllerClient({
        fallback: true,
        apiEndpoint: "127.0.0.1",
        port,
        protocol: "http",
        authClient: bridge(authClient)
      })
    }),
    (client) => Effect.promise(() => client.close())
  )

describe("Google's Node client against the emulator", () => {
  it.scoped("operationsClient.getOperation reads a running operation: name, done, metadata", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const op = yield* emulator.create({ scenario: Emulator.succeedAfter("1 minute"), resourceId: "wire-proof" })
      const client = yield* googleClient(emulator.port)
      const request = protos.google.longrunning.GetOperationRequest.create({ name: op.name })
      const [raw] = yield* Effect.promise(() => client.operationsClient.getOperation(request))
      assert.strictEqual(raw.name, op.name)
      assert.isFalse(raw.done)
      assert.strictEqual(raw.metadata?.type_url, "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata")
      const metadata = protos.google.cloud.dataproc.v1.ClusterOperationMetadata.decode(raw.metadata?.value ?? new Uint8Array())
      assert.strictEqual(metadata.clusterName, "wire-proof")
      assert.strictEqual(metadata.operationType, "CREATE")
      assert.strictEqual(metadata.status?.state, protos.google.cloud.dataproc.v1.ClusterOperationStatus.State.PENDING)

      // The client asked with its usual query and headers, and only the emulator saw it.
      const [recorded] = yield* emulator.requests
      assert.strictEqual(recorded.path, `/v1/${op.name}`)
      assert.strictEqual(recorded.headers["authorization"], "Bearer <redacted>")
      assert.isTrue(Emulator.hasBearer(recorded, "test"))
      assert.include(recorded.headers["x-goog-api-client"] ?? "", "gax/")
    }))

  it.scoped("checkCreateClusterProgress decodes the done operation's metadata and Cluster response", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const op = yield* emulator.create({ scenario: Emulator.succeedAfter("1 minute"), resourceId: "c-2" })
      const client = yield* googleClient(emulator.port)
      yield* TestClock.adjust("1 minute")
      const decoded = yield* Effect.promise(() => client.checkCreateClusterProgress(op.name))
      assert.isTrue(decoded.done)
      // gax types these loosely (and decodes them with its own copy of the protos), so re-read them as messages
      const metadata = v1.ClusterOperationMetadata.fromObject(decoded.metadata ?? {})
      const result = v1.Cluster.fromObject(decoded.result ?? {})
      assert.strictEqual(metadata.clusterName, "c-2")
      assert.strictEqual(metadata.status?.state, v1.ClusterOperationStatus.State.DONE)
      assert.lengthOf(metadata.statusHistory, 2)
      assert.strictEqual(result.clusterName, "c-2")
      assert.strictEqual(result.projectId, "demo")
      assert.strictEqual(result.clusterUuid, metadata.clusterUuid)
    }))

  it.scoped("a failed operation reaches the client as its error Status", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const error = Status.make({ code: 8, message: "Insufficient 'CPUS' quota." })
      const op = yield* emulator.create({ scenario: Emulator.failAfter("1 second", error) })
      const client = yield* googleClient(emulator.port)
      yield* TestClock.adjust("1 second")
      const request = protos.google.longrunning.GetOperationRequest.create({ name: op.name })
      const [raw] = yield* Effect.promise(() => client.operationsClient.getOperation(request))
      assert.isTrue(raw.done)
      assert.strictEqual(raw.error?.code, 8)
      assert.strictEqual(raw.error?.message, "Insufficient 'CPUS' quota.")
    }))

  // A limit of Google's client, not of the emulator: the REST transport decodes Anys against the protos it
  // loaded, and the Dataproc client does not load google/rpc/error_details.proto.
  it.scoped("Google's REST client cannot decode an operation error carrying ErrorInfo details", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const op = yield* emulator.create({ scenario: Emulator.failAfter("1 second", Emulator.quotaExceeded) })
      const client = yield* googleClient(emulator.port)
      yield* TestClock.adjust("1 second")
      const request = protos.google.longrunning.GetOperationRequest.create({ name: op.name })
      const failure = yield* Effect.flip(Effect.tryPromise(() => client.operationsClient.getOperation(request)))
      assert.include(String(failure.cause), "cannot find type google.rpc.ErrorInfo")
    }))

  it.scoped("an unknown operation surfaces as NOT_FOUND in the client", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const client = yield* googleClient(emulator.port)
      const request = protos.google.longrunning.GetOperationRequest.create({
        name: "projects/demo/regions/us-central1/operations/missing"
      })
      const error = yield* Effect.flip(Effect.tryPromise(() => client.operationsClient.getOperation(request)))
      assert.include(String(error.cause), "NOT_FOUND")
    }))
})
