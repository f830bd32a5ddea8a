/**
 * The clients compared, each as "fetch and decode one operation by name" plus a way to close it.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { ClusterControllerClient, protos } from "@google-cloud/dataproc"
import * as Credentials from "@longrunning/http/Credentials"
import * as Endpoint from "@longrunning/http/Endpoint"
import * as OperationsClient from "@longrunning/http/OperationsClient"
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import * as Dataproc from "@longrunning/schema/Dataproc"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import { OAuth2Client } from "google-auth-library"
import { Pool } from "undici"

export interface Contender {
  readonly name: string
  /** Runs `n` gets of `names[i % names.length]` with `inFlight` at a time. */
  readonly run: (names: ReadonlyArray<string>, n: number, inFlight: number) => Promise<void>
  readonly close: () => Promise<void>
}

const token = "ya29.bench-token"

const headers = {
  "accept": "application/json",
  "authorization": `Bearer ${token}`,
  "user-agent": "longrunning/0.1.0",
  "x-goog-api-client": `gl-node/${process.versions.node} longrunning/0.1.0`
}

const workers = async (n: number, inFlight: number, task: (i: number) => Promise<unknown>) => {
  let next = 0
  const worker = async () => {
    while (next < n) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.min(inFlight, n) }, worker))
}

/** The baseline: an undici Pool request, the body read as text, `JSON.parse`. */
export const rawUndici = (origin: string): Contender => {
  const pool = new Pool(origin)
  return {
    name: "raw undici + JSON.parse",
    run: (names, n, inFlight) =>
      workers(n, inFlight, async (i) => {
        const { body, statusCode } = await pool.request({
          method: "GET",
          path: `/v1/${names[i % names.length]}`,
          headers
        })
        const json: unknown = JSON.parse(await body.text())
        if (statusCode !== 200 || typeof json !== "object") throw new Error(`unexpected ${statusCode}`)
      }),
    close: () => pool.close()
  }
}

/** Our OperationsClient over an HttpClient layer. */
export const ours = async <M = unknown, R = unknown, I = unknown>(
  name: string,
  origin: string,
  httpClient: Layer.Layer<HttpClient.HttpClient>,
  options: OperationsClient.Options = {},
  schema?: OperationsClient.OperationSchema<M, R, I>
): Promise<Contender> => {
  const runtime = ManagedRuntime.make(
    OperationsClient.layer({ endpoint: Endpoint.fixed(origin), ...options }).pipe(
      Layer.provide(Credentials.static(Redacted.make(token))),
      Layer.provide(httpClient),
      Layer.orDie
    )
  )
  const client = await runtime.runPromise(OperationsClient.OperationsClient)
  return {
    name,
    // `inFlight` fibers, each polling in turn, as the raw contender's async workers do.
    run: (names, n, inFlight) => {
      let next = 0
      const get = schema === undefined
        ? () => client.get(names[next++ % names.length]!)
        : () => client.get(names[next++ % names.length]!, schema)
      const worker = Effect.whileLoop<unknown, OperationsClient.Error, never>({
        while: () => next < n,
        body: get,
        step: () => undefined
      })
      return runtime.runPromise(
        Effect.forEach(Array.from({ length: Math.min(inFlight, n) }), () => worker, {
          concurrency: "unbounded",
          discard: true
        })
      )
    },
    close: () => runtime.dispose()
  }
}

export const oursLean = (origin: string) =>
  ours("ours: OperationsClient.get, UndiciHttpClient", origin, UndiciHttpClient.layer())

export const oursTyped = (origin: string) =>
  ours(
    "ours typed: OperationsClient.get with Dataproc.Operations.clustersCreate, UndiciHttpClient",
    origin,
    UndiciHttpClient.layer(),
    {},
    Dataproc.Operations.clustersCreate
  )

export const oursPlatform = (origin: string) =>
  ours("ours: OperationsClient.get, NodeHttpClient.layerUndici", origin, NodeHttpClient.layerUndici)

type AuthClientOption = NonNullable<NonNullable<ConstructorParameters<typeof ClusterControllerClient>[0]>["authClient"]>

/** Google's Node client (google-gax 5, REST transport), `operationsClient.getOperation`. */
export const gax = (port: number): Contender => {
  const authClient = new OAuth2Client()
  authClient.setCredentials({ access_token: token })
  const client = new ClusterControllerClient({
    fallback: true,
    apiEndpoint: "127.0.0.1",
    port,
    protocol: "http",
    // google-auth-library 11 and the 10 inside google-gax declare the same classes twice (docs/emulator.md)
    authClient: authClient as unknown as AuthClientOption
  })
  return {
    name: "google-gax 5 REST: operationsClient.getOperation",
    run: (names, n, inFlight) =>
      workers(n, inFlight, async (i) => {
        const [operation] = await client.operationsClient.getOperation(
          protos.google.longrunning.GetOperationRequest.create({ name: names[i % names.length]! })
        )
        if (operation.name === undefined) throw new Error("no name")
      }),
    close: () => client.close()
  }
}
