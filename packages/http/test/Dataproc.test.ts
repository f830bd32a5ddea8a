import { server } from "./loopback.js"
import { assert, describe, it } from "@effect/vitest"
import * as Credentials from "@longrunning/http/Credentials"
import * as Dataproc from "@longrunning/http/Dataproc"
import * as Endpoint from "@longrunning/http/Endpoint"
import * as HttpExchange from "@longrunning/http/HttpExchange"
import * as OperationsClient from "@longrunning/http/OperationsClient"
import * as OperationsError from "@longrunning/http/OperationsError"
import * as RetryPolicy from "@longrunning/http/RetryPolicy"
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import * as SchemaDataproc from "@longrunning/schema/Dataproc"
import { Context, Effect, Layer, Schedule } from "effect"
import type * as Http from "node:http"

// Starting operations over a recording loopback server, through UndiciHttpClient's exchange: each layer
// counts the exchanges it ran, so every test also shows that its calls went through the one sender.

const send = (response: Http.ServerResponse, status: number, body: string) => {
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
  response.end(body)
}

const unavailable = JSON.stringify({ error: { code: 503, message: "busy", status: "UNAVAILABLE" } })

const running = (name: string) =>
  JSON.stringify({
    name,
    metadata: {
      "@type": SchemaDataproc.ClusterOperationMetadata.typeUrl,
      clusterName: "c1",
      status: { state: "PENDING" },
      operationType: "CREATE"
    }
  })

const quick = (n: number) =>
  RetryPolicy.make({ retryable: OperationsError.isRetryable, schedule: Schedule.spaced("1 millis").pipe(Schedule.intersect(Schedule.recurs(n))) })

/** The client over the undici exchange, counting the exchanges it runs. */
const client = (url: string, exchanges: Array<string>, retries = 3) =>
  Effect.map(
    Layer.build(
      OperationsClient.layer({ endpoint: Endpoint.fixed(url), retryPolicy: quick(retries) }).pipe(
        Layer.provide(Credentials.unauthenticated),
        Layer.provide(Layer.map(UndiciHttpClient.layer(), (context) => {
          const exchange = Context.get(context, HttpExchange.HttpExchange)
          return Context.add(context, HttpExchange.HttpExchange, {
            transport: exchange.transport,
            exchange: (request) => {
              exchanges.push(`${exchange.transport} ${request.method}`)
              return exchange.exchange(request)
            }
          })
        })),
        Layer.orDie
      )
    ),
    (context) => Context.get(context, OperationsClient.OperationsClient)
  )

/** A start call, its REST method and the effect that sends it. */
interface Start {
  readonly method: string
  readonly send: Effect.Effect<unknown, OperationsClient.Error, OperationsClient.OperationsClient>
}
const started = <M, R, I>(call: Dataproc.Start<M, R, I>): Start => ({ method: call.method, send: Dataproc.start(call) })

const opName = "projects/p/regions/us-central1/operations/op-1"
const region = { projectId: "p", region: "us-central1" } as const

describe("starting operations", () => {
  it.scopedLive("a 503 on clusters.create is retried with the same request id; the answer is typed", () =>
    Effect.gen(function*() {
      let n = 0
      const s = yield* server((_, response) => (n++ === 0 ? send(response, 503, unavailable) : send(response, 200, running(opName))))
      const exchanges: Array<string> = []
      const c = yield* client(s.url, exchanges)
      const operation = yield* Effect.provideService(
        Dataproc.start(Dataproc.clusters.create(region, { clusterName: "c1", config: {} })),
        OperationsClient.OperationsClient,
        c
      )
      assert.strictEqual(operation._tag, "Running")
      assert.strictEqual(operation.name, opName)
      const metadata = operation.metadata
      assert.isTrue(metadata !== undefined && "operationType" in metadata && metadata.operationType === "CREATE")
      assert.deepStrictEqual(exchanges, ["undici POST", "undici POST"])
      assert.strictEqual(s.seen.length, 2)
      const ids = s.seen.map((seen) => new URL(seen.url, s.url).searchParams.get("requestId"))
      assert.match(ids[0] ?? "", /^[0-9a-f-]{36}$/)
      assert.strictEqual(ids[0], ids[1])
      assert.deepStrictEqual(s.seen.map((seen) => new URL(seen.url, s.url).pathname), [
        "/v1/projects/p/regions/us-central1/clusters",
        "/v1/projects/p/regions/us-central1/clusters"
      ])
      assert.deepStrictEqual(s.seen.map((seen) => JSON.parse(seen.body)), [{ clusterName: "c1", config: {} }, {
        clusterName: "c1",
        config: {}
      }])
      assert.strictEqual(s.seen[0]?.headers["content-type"], "application/json")
      // the next logical call gets a fresh id
      yield* Effect.provideService(Dataproc.start(Dataproc.clusters.create(region, { clusterName: "c2" })), OperationsClient.OperationsClient, c)
      assert.notStrictEqual(new URL(s.seen[2]!.url, s.url).searchParams.get("requestId"), ids[0])
    }))

  it.scopedLive("a request id in the body (clusters.stop): yours is kept, and retries carry it", () =>
    Effect.gen(function*() {
      let n = 0
      const s = yield* server((_, response) => (n++ === 0 ? send(response, 503, unavailable) : send(response, 200, running(opName))))
      const c = yield* client(s.url, [])
      yield* Effect.provideService(
        Dataproc.start(Dataproc.clusters.stop({ ...region, clusterName: "c1", requestId: "mine-1" })),
        OperationsClient.OperationsClient,
        c
      )
      assert.deepStrictEqual(s.seen.map((seen) => [seen.method, seen.url, JSON.parse(seen.body)]), [
        ["POST", "/v1/projects/p/regions/us-central1/clusters/c1:stop", { requestId: "mine-1" }],
        ["POST", "/v1/projects/p/regions/us-central1/clusters/c1:stop", { requestId: "mine-1" }]
      ])
    }))

  it.scopedLive("a POST without a request id is never retried after it may have reached the server", () =>
    Effect.gen(function*() {
      const s = yield* server((_, response) => send(response, 503, unavailable))
      const exchanges: Array<string> = []
      const c = yield* client(s.url, exchanges)
      const error = yield* Effect.flip(c.start({ path: "projects/p/regions/us-central1/jobs:submitAsOperation", body: {} }))
      assert.isTrue(OperationsError.isUnavailable(error))
      assert.strictEqual(s.seen.length, 1)
      assert.deepStrictEqual(exchanges, ["undici POST"])
      // a reset: the request may have been read, so it is not sent again
      const reset = yield* server((request) => request.socket.destroy())
      const resetExchanges: Array<string> = []
      const onReset = yield* client(reset.url, resetExchanges)
      const resetError = yield* Effect.flip(onReset.start({ path: "projects/p/regions/us-central1/jobs:submitAsOperation", body: {} }))
      assert.isTrue(resetError._tag === "TransportError" && resetError.reason === "Reset", String(resetError))
      assert.deepStrictEqual(resetExchanges, ["undici POST"])
    }))

  it.scopedLive("a refused connection is retried even without a request id: the request never left", () =>
    Effect.gen(function*() {
      const s = yield* server(() => undefined)
      yield* Effect.async<void>((resume) => {
        s.server.close(() => resume(Effect.void))
      })
      const exchanges: Array<string> = []
      const c = yield* client(s.url, exchanges, 2)
      const error = yield* Effect.flip(c.start({ path: "projects/p/regions/us-central1/jobs:submitAsOperation", body: {} }))
      assert.isTrue(error._tag === "TransportError" && error.reason === "Connect")
      assert.deepStrictEqual(exchanges, ["undici POST", "undici POST", "undici POST"])
    }))

  it.scopedLive("an answer that is already done is a done snapshot; a GET start is retried as reads are", () =>
    Effect.gen(function*() {
      let n = 0
      const done = JSON.stringify({
        name: opName,
        done: true,
        response: { "@type": "type.googleapis.com/google.cloud.dataproc.v1.Cluster", clusterName: "c1" }
      })
      const s = yield* server((_, response) => (n++ === 0 ? send(response, 503, unavailable) : send(response, 200, done)))
      const c = yield* client(s.url, [])
      const operation = yield* c.start({ method: "GET", path: "projects/p/regions/us-central1/operations/op-1" })
      assert.strictEqual(operation._tag, "Succeeded")
      assert.strictEqual(s.seen.length, 2)
    }))

  it.scopedLive("bad paths and path parameters fail with InvalidName before anything is sent", () =>
    Effect.gen(function*() {
      const s = yield* server((_, response) => send(response, 200, running(opName)))
      const c = yield* client(s.url, [])
      for (const path of ["../x", "projects/p/../clusters", "/projects/p", "projects/p?x=1", "projects/p#f", "projects//p", "a:b/c"]) {
        const error = yield* Effect.flip(c.start({ path }))
        assert.strictEqual(error._tag, "InvalidName", path)
      }
      const bad = yield* Effect.flip(
        Effect.provideService(Dataproc.start(Dataproc.clusters.delete({ ...region, clusterName: "a/b" })), OperationsClient.OperationsClient, c)
      )
      assert.isTrue(bad._tag === "InvalidName" && bad.input === "a/b")
      assert.strictEqual(s.seen.length, 0)
    }))

  it.scopedLive("every Dataproc start method: its HTTP method, path and request id, through the one sender", () =>
    Effect.gen(function*() {
      const s = yield* server((_, response) => send(response, 200, running(opName)))
      const exchanges: Array<string> = []
      const c = yield* client(s.url, exchanges)
      const cluster = { ...region, clusterName: "c1" }
      const group = { ...cluster, nodeGroup: "g1" }
      const location = { projectId: "p", location: "us-central1" }
      const calls: ReadonlyArray<[Start, string, string, "query" | "body"]> = [
        [started(Dataproc.clusters.create(region, { clusterName: "c1" })), "POST", "/clusters", "query"],
        [started(Dataproc.clusters.update({ ...cluster, updateMask: "config.worker_config.num_instances" }, { config: {} })), "PATCH", "/clusters/c1", "query"],
        [started(Dataproc.clusters.delete(cluster)), "DELETE", "/clusters/c1", "query"],
        [started(Dataproc.clusters.start(cluster)), "POST", "/clusters/c1:start", "body"],
        [started(Dataproc.clusters.stop(cluster)), "POST", "/clusters/c1:stop", "body"],
        [started(Dataproc.clusters.repair(cluster, { nodePools: [] })), "POST", "/clusters/c1:repair", "body"],
        [started(Dataproc.nodeGroups.create(cluster, { roles: ["DRIVER"] })), "POST", "/clusters/c1/nodeGroups", "query"],
        [started(Dataproc.nodeGroups.resize(group, { size: 2 })), "POST", "/clusters/c1/nodeGroups/g1:resize", "body"],
        [started(Dataproc.nodeGroups.repair(group, { instanceNames: ["i"] })), "POST", "/clusters/c1/nodeGroups/g1:repair", "body"],
        [started(Dataproc.batches.create(location, { pysparkBatch: {} })), "POST", "/batches", "query"],
        [started(Dataproc.sessions.create({ ...location, sessionId: "s1" }, {})), "POST", "/sessions", "query"],
        [started(Dataproc.sessions.terminate({ ...location, session: "s1" })), "POST", "/sessions/s1:terminate", "body"],
        [started(Dataproc.sessions.delete({ ...location, session: "s1" })), "DELETE", "/sessions/s1", "query"],
        [started(Dataproc.workflowTemplates.instantiate({ ...region, template: "t1" })), "POST", "/workflowTemplates/t1:instantiate", "body"],
        [started(Dataproc.workflowTemplates.instantiateInline(region, { jobs: [] })), "POST", "/workflowTemplates:instantiateInline", "query"]
      ]
      for (const [call] of calls) {
        yield* Effect.provideService(call.send, OperationsClient.OperationsClient, c)
      }
      assert.strictEqual(exchanges.length, calls.length)
      assert.isTrue(exchanges.every((e) => e.startsWith("undici ")))
      calls.forEach(([call, method, suffix, idIn], i) => {
        const seen = s.seen[i]!
        const url = new URL(seen.url, s.url)
        assert.strictEqual(seen.method, method, call.method)
        assert.isTrue(url.pathname.startsWith("/v1/projects/p/") && url.pathname.endsWith(suffix), `${call.method} ${url.pathname}`)
        const id = idIn === "query" ? url.searchParams.get("requestId") : JSON.parse(seen.body).requestId
        assert.match(String(id), /^[0-9a-f-]{36}$/, call.method)
      })
    }))

  it("requestIdLocation finds, from the HTTP method and path alone, where each call of the module puts its request id", () => {
    const cluster = { ...region, clusterName: "c1" }
    const group = { ...cluster, nodeGroup: "g1" }
    const location = { projectId: "p", location: "us-central1" }
    const calls: ReadonlyArray<{ readonly method: string; readonly request: OperationsClient.StartRequest }> = [
      Dataproc.clusters.create(region, { clusterName: "c1" }),
      Dataproc.clusters.update({ ...cluster, updateMask: "labels" }, {}),
      Dataproc.clusters.delete(cluster),
      Dataproc.clusters.start(cluster),
      Dataproc.clusters.stop(cluster),
      Dataproc.clusters.repair(cluster, {}),
      Dataproc.nodeGroups.create(cluster, {}),
      Dataproc.nodeGroups.resize(group, { size: 2 }),
      Dataproc.nodeGroups.repair(group, {}),
      Dataproc.batches.create(location, {}),
      Dataproc.sessions.create({ ...location, sessionId: "s1" }, {}),
      Dataproc.sessions.terminate({ ...location, session: "s1" }),
      Dataproc.sessions.delete({ ...location, session: "s1" }),
      Dataproc.workflowTemplates.instantiate({ ...region, template: "t1" }),
      Dataproc.workflowTemplates.instantiateInline(region, {})
    ]
    for (const call of calls) {
      assert.isDefined(call.request.requestId, call.method)
      assert.deepStrictEqual(Dataproc.requestIdLocation(call.request.method ?? "POST", call.request.path), call.request.requestId, call.method)
    }
    // Not a start method of the module: another HTTP method, a read, a custom method without an id, a deeper path.
    for (
      const [method, path] of [
        ["GET", "projects/p/regions/r/clusters"],
        ["POST", "projects/p/regions/r/clusters/c1"],
        ["POST", "projects/p/regions/r/clusters/c1:diagnose"],
        ["DELETE", "projects/p/locations/l/batches/b1"],
        ["POST", "projects/p/regions/r/clusters/c1/extra"],
        ["POST", "projects/p/regions/r/clusters/c1:start/x"],
        ["POST", "v1/projects/p/regions/r/clusters"]
      ] as const
    ) {
      assert.isUndefined(Dataproc.requestIdLocation(method, path), `${method} ${path}`)
    }
  })
})
