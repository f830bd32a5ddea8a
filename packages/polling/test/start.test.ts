/**
 * Start -> wait over a loopback socket: a Dataproc start call through the http client, then the poller on
 * the snapshot it returned, typed by the call's schema (metadata and response) from end to end; and the same wait resumed from the
 * operation's name.
 */
import { assert, describe, it } from "@effect/vitest"
import { OperationsClient } from "@longrunning/http"
import * as Dataproc from "@longrunning/http/Dataproc"
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import { OperationPoller, Policy } from "@longrunning/polling"
import * as SchemaDataproc from "@longrunning/schema/Dataproc"
import { Effect, Layer } from "effect"
import { json, server } from "./loopback.js"

const name = "projects/p/regions/us-central1/operations/op-1"
const metadata = (state: string) => ({
  "@type": SchemaDataproc.ClusterOperationMetadata.typeUrl,
  clusterName: "analytics",
  operationType: "CREATE",
  status: { state }
})

const client = (url: string) => OperationsClient.layerEmulator(url).pipe(Layer.provide(UndiciHttpClient.layer()))

describe("start, then wait", () => {
  it.live("clusters.create -> OperationPoller.wait on its snapshot, typed throughout; resumed from the name", () =>
    Effect.scoped(Effect.gen(function*() {
      let gets = 0
      const s = yield* server((request, response) => {
        if (request.method === "POST") return json(response, 200, { name, metadata: metadata("PENDING") })
        gets++
        if (gets < 2) return json(response, 200, { name, metadata: metadata("RUNNING") })
        json(response, 200, {
          name,
          done: true,
          metadata: metadata("DONE"),
          response: { "@type": "type.googleapis.com/google.cloud.dataproc.v1.Cluster", clusterName: "analytics" }
        })
      })
      const create = Dataproc.clusters.create({ projectId: "p", region: "us-central1" }, { clusterName: "analytics" })
      const done = yield* Effect.gen(function*() {
        const operation = yield* Dataproc.start(create)
        assert.strictEqual(operation._tag, "Running")
        return yield* OperationPoller.wait(operation, { schema: create.schema, schedule: Policy.fixed("10 millis") })
      }).pipe(Effect.provide(client(s.url)))
      assert.strictEqual(done._tag, "Succeeded")
      const typed = done.metadata
      assert.isTrue(typed !== undefined && "operationType" in typed && typed.operationType === "CREATE")
      // the response is a typed Cluster (Dataproc.Operations.clustersCreate)
      assert.strictEqual(done._tag === "Succeeded" && "clusterName" in done.response ? done.response.clusterName : "", "analytics")
      assert.deepStrictEqual(s.seen.map((r) => r.method), ["POST", "GET", "GET"])
      assert.match(new URL(s.seen[0]!.url, s.url).searchParams.get("requestId") ?? "", /^[0-9a-f-]{36}$/)

      const resumed = yield* OperationPoller.wait(name, { schema: SchemaDataproc.Operations.clustersCreate }).pipe(
        Effect.provide(client(s.url))
      )
      assert.strictEqual(resumed._tag, "Succeeded")
      assert.isTrue(resumed.metadata !== undefined && "clusterName" in resumed.metadata)
    })))
})
