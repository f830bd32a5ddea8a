/**
 * Starting a long-running operation and awaiting it as one durable workflow: the start call's request id
 * (AIP-155) is drawn and recorded before the call, so a process killed while the call was in flight sends
 * the same id again on restart and the server answers with the operation it already started instead of a
 * second one; then the operation is awaited as `DurableWait` awaits it (same policy, ramp, deadline,
 * outcomes and completion hook).
 *
 * @since 0.1.0
 */
import * as Activity from "@effect/workflow/Activity"
import * as Workflow from "@effect/workflow/Workflow"
import type * as WorkflowEngine from "@effect/workflow/WorkflowEngine"
import * as Dataproc from "@longrunning/http/Dataproc"
import * as OperationsClient from "@longrunning/http/OperationsClient"
import type * as Any from "@longrunning/schema/Any"
import * as Operation from "@longrunning/schema/Operation"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Random from "effect/Random"
import * as Schema from "effect/Schema"
import type * as DurableWait from "./DurableWait.js"
import { OperationFailed, StartFailed, WaitError } from "./internal/errors.js"
import * as Loop from "./internal/loop.js"

export {
  /**
   * The start call failed, so there is nothing to await.
   *
   * @since 0.1.0
   * @category errors
   */
  StartFailed,
  /**
   * Tells whether a value is a {@link StartFailed} (its type id, not its `_tag` alone).
   *
   * @since 0.1.0
   * @category guards
   */
  isStartFailed
} from "./internal/errors.js"

// -----------------------------------------------------------------------------
// models
// -----------------------------------------------------------------------------

/**
 * What is started: a request of `OperationsClient.start` (any method that answers with an Operation), or a
 * typed Dataproc call (`Dataproc.clusters.create(...)` of `@longrunning/http/Dataproc`, whose path parameters
 * are checked before it is sent). It is stored with the execution, so its body must be JSON.
 *
 * @since 0.1.0
 * @category models
 */
export type Call<M = Any.Any, R = Any.Any, I = unknown> = OperationsClient.StartRequest | Dataproc.Start<M, R, I>

/**
 * How a start-and-await can end besides a done operation: the start failed, or the wait did.
 *
 * @since 0.1.0
 * @category errors
 */
export type StartError = StartFailed | DurableWait.WaitError

const StartError = Schema.Union(StartFailed, WaitError)

/**
 * What a completion hook receives: the execution's key, the operation's name once it was started, how it
 * ended, and the key to make the hook's effect idempotent in your own system.
 *
 * @since 0.1.0
 * @category models
 */
export interface Completion<M, R> {
  readonly key: string
  /** The started operation's name; None when the start failed. */
  readonly operation: Option.Option<string>
  readonly exit: Exit.Exit<Operation.Done<M, R>, StartError>
  /** The same on every run of the hook for this execution: it runs at least once, so deduplicate on it. */
  readonly idempotencyKey: string
}

const QueryValue = Schema.Union(Schema.String, Schema.Number, Schema.Boolean, Schema.Array(Schema.String))

/** The start call as stored with the execution. */
const StoredRequest = Schema.Struct({
  method: Schema.optional(Schema.Literal("GET", "POST", "PUT", "PATCH", "DELETE")),
  path: Schema.String,
  query: Schema.optional(Schema.Record({ key: Schema.String, value: QueryValue })),
  body: Schema.optional(Schema.Unknown),
  requestId: Schema.optional(Schema.Struct({
    in: Schema.Literal("query", "body"),
    name: Schema.optional(Schema.String)
  }))
})

const Payload = Schema.Struct({
  key: Schema.String,
  request: StoredRequest,
  /** A typed Dataproc call: its REST method and path parameters, checked before sending. */
  dataproc: Schema.optional(Schema.Struct({
    method: Schema.String,
    parameters: Schema.Record({ key: Schema.String, value: Schema.String })
  })),
  /** Milliseconds; absent for no deadline. */
  timeout: Schema.optional(Schema.Number)
})

/** What is recorded before the call: the time, a seed for the policy, and the request id the call carries. */
const Prepared = Schema.Struct({
  at: Schema.Number,
  seed: Schema.Number,
  requestId: Schema.optional(Schema.String)
})

const sent = <M, R, I>(schema: Schema.Schema<Operation.Operation<M, R>, I>) =>
  Schema.Union(
    Schema.TaggedStruct("Started", { at: Schema.Number, operation: schema }),
    Schema.TaggedStruct("Refused", {
      at: Schema.Number,
      error: Schema.String,
      detail: Schema.String,
      code: Schema.optional(Schema.Number)
    })
  )

/**
 * Options of a start-and-await's definition: those of `DurableWait.make`. Every process that runs or awaits
 * it must build it with the same options.
 *
 * @since 0.1.0
 * @category models
 */
export type Options<M, R, I> = DurableWait.Options<M, R, I>

/**
 * A durable start-and-await: the workflow, the layer that runs it, and the calls that start it or join it.
 *
 * @since 0.1.0
 * @category models
 */
export interface DurableStart<M, R, I> {
  /** The workflow; its payload is the key, the stored request and an optional timeout in milliseconds. */
  readonly workflow: Workflow.Workflow<string, typeof Payload, Schema.Schema<Operation.Operation<M, R>, I>, typeof StartError>
  /**
   * Registers the workflow with the engine: the runner side. `onComplete` runs once the execution has ended,
   * before its outcome is recorded, as an activity (at least once, with a stable idempotency key).
   */
  readonly layer: <RC = never>(options?: {
    readonly onComplete?: ((completion: Completion<M, R>) => Effect.Effect<void, never, RC>) | undefined
  }) => Layer.Layer<never, never, WorkflowEngine.WorkflowEngine | OperationsClient.OperationsClient | RC>
  /**
   * Starts the call (once per `key`) and awaits the done operation. An execution with this key that exists
   * already is joined, whatever its call: the key names the execution, the call is read only by the first.
   */
  readonly wait: (
    key: string,
    call: Call<M, R, I>,
    options?: DurableWait.WaitOptions
  ) => Effect.Effect<Operation.Done<M, R>, StartError, WorkflowEngine.WorkflowEngine>
  /** The operation's response (None when it was done without one), or `OperationFailed` with its Status. */
  readonly result: (
    key: string,
    call: Call<M, R, I>,
    options?: DurableWait.WaitOptions
  ) => Effect.Effect<Option.Option<R>, StartError | OperationFailed, WorkflowEngine.WorkflowEngine>
  /** Starts the execution (or finds it started) without awaiting it; gives its execution id. */
  readonly submit: (
    key: string,
    call: Call<M, R, I>,
    options?: DurableWait.WaitOptions
  ) => Effect.Effect<string, never, WorkflowEngine.WorkflowEngine>
  /** The execution id for this key: the same for every start with it. */
  readonly executionId: (key: string) => Effect.Effect<string>
}

// -----------------------------------------------------------------------------
// the request id
// -----------------------------------------------------------------------------

type StoredRequest = typeof StoredRequest.Type

const isDataproc = <M, R, I>(call: Call<M, R, I>): call is Dataproc.Start<M, R, I> =>
  "request" in call && "schema" in call && "parameters" in call

/** The request as stored: query parameters without a value are left out (they are not sent either). */
const storedRequest = (request: OperationsClient.StartRequest): StoredRequest => {
  const query: Record<string, typeof QueryValue.Type> = {}
  for (const key in request.query) {
    const value = request.query[key]
    if (value !== undefined) query[key] = value
  }
  return {
    path: request.path,
    ...(request.method === undefined ? {} : { method: request.method }),
    ...(request.query === undefined ? {} : { query }),
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(request.requestId === undefined
      ? {}
      : {
        requestId: request.requestId.name === undefined
          ? { in: request.requestId.in }
          : { in: request.requestId.in, name: request.requestId.name }
      })
  }
}

/** The request id the caller put in the request, if any. */
const givenRequestId = (request: StoredRequest): string | undefined => {
  if (request.requestId === undefined) return undefined
  const name = request.requestId.name ?? "requestId"
  const value = request.requestId.in === "query"
    ? request.query?.[name]
    : Predicate.isRecord(request.body)
    ? request.body[name]
    : undefined
  return typeof value === "string" && value !== "" ? value : undefined
}

/** The request with its id in place. */
const withRequestId = (request: StoredRequest, id: string | undefined): OperationsClient.StartRequest => {
  if (id === undefined || request.requestId === undefined) return request
  const name = request.requestId.name ?? "requestId"
  if (request.requestId.in === "query") return { ...request, query: { ...request.query, [name]: id } }
  // a body that is not an object is refused by the client, before anything is sent
  return Predicate.isRecord(request.body) || request.body === undefined
    ? { ...request, body: { ...request.body, [name]: id } }
    : request
}

// -----------------------------------------------------------------------------
// constructors
// -----------------------------------------------------------------------------

/**
 * Defines a durable start-and-await. With a typed Dataproc call, give the schema of its method
 * (`Dataproc.Operations.clustersCreate` of `@longrunning/schema`).
 *
 * @example
 * ```ts
 * import { DurableStart } from "@longrunning/durable"
 * import * as Dataproc from "@longrunning/http/Dataproc"
 * import { Dataproc as Schemas } from "@longrunning/schema"
 *
 * const CreateCluster = DurableStart.make({ name: "CreateCluster", schema: Schemas.Operations.clustersCreate })
 *
 * // the same key twice starts one cluster, and a restart re-sends the same request id
 * const cluster = CreateCluster.result(
 *   "analytics-2026-12-01",
 *   Dataproc.clusters.create({ projectId: "my-project", region: "us-central1" }, { clusterName: "analytics" }),
 *   { timeout: "30 minutes" }
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export function make(options: Options<Any.Any, Any.Any, unknown> & { readonly schema?: undefined }): DurableStart<
  Any.Any,
  Any.Any,
  Operation.OperationEncoded
>
export function make<M, R, I>(
  options: Options<M, R, I> & { readonly schema: Schema.Schema<Operation.Operation<M, R>, I> }
): DurableStart<M, R, I>
export function make<M, R, I>(
  options: Options<M, R, I>
): DurableStart<M, R, I> | DurableStart<Any.Any, Any.Any, Operation.OperationEncoded> {
  return options.schema === undefined
    ? makeWith(options.name, Operation.Operation, options)
    : makeWith(options.name, options.schema, options)
}

const makeWith = <M, R, I>(
  name: string,
  schema: Schema.Schema<Operation.Operation<M, R>, I>,
  options: Omit<Options<M, R, I>, "name" | "schema">
): DurableStart<M, R, I> => {
  const loop = Loop.make({ ...options, schema })
  const Sent = sent(schema)
  const workflow = Workflow.make({
    name,
    payload: Payload,
    success: schema,
    error: StartError,
    idempotencyKey: (payload) => payload.key
  })

  type Outcome = Either.Either<Operation.Done<M, R>, StartError>
  const ended = (outcome: Outcome) => outcome

  // Recorded before the call: a replay after a crash reads the same request id back and sends it again.
  const prepare = (request: StoredRequest) =>
    Activity.make({
      name: "prepare",
      success: Prepared,
      execute: Effect.gen(function*() {
        const at = yield* Clock.currentTimeMillis
        const seed = yield* Random.nextInt
        if (request.requestId === undefined) return { at, seed }
        return { at, seed, requestId: givenRequestId(request) ?? globalThis.crypto.randomUUID() }
      })
    })

  // The call, with the client's retry policy (it carries a request id, so every retry is safe).
  const send = (payload: typeof Payload.Type, requestId: string | undefined) =>
    Activity.make({
      name: "send",
      success: Sent,
      execute: Effect.gen(function*() {
        const request = withRequestId(payload.request, requestId)
        const call = payload.dataproc === undefined
          ? Effect.flatMap(OperationsClient.OperationsClient, (client) => client.start(request, schema))
          : Dataproc.start({ ...payload.dataproc, request, schema })
        const result = yield* Effect.either(call)
        const at = yield* Clock.currentTimeMillis
        if (Either.isRight(result)) return { _tag: "Started", at, operation: result.right } as const
        const error = result.left
        return {
          _tag: "Refused",
          at,
          error: error._tag,
          detail: error.message,
          ...(error._tag === "ApiError" ? { code: error.code } : {})
        } as const
      })
    })

  const run = (payload: typeof Payload.Type) =>
    Effect.gen(function*() {
      const prepared = yield* prepare(payload.request)
      const answer = yield* send(payload, prepared.requestId)
      if (answer._tag === "Refused") {
        const { _tag, at: _at, ...rest } = answer
        return { operation: Option.none(), outcome: ended(Either.left(new StartFailed({ key: payload.key, path: payload.request.path, ...rest }))) }
      }
      const op = answer.operation
      const operation = Option.some(op.name)
      if (Operation.isDone(op)) return { operation, outcome: ended(Either.right(op)) }
      const outcome = yield* loop.run(op.name, prepared, payload.timeout, { _tag: "Snapshot", at: answer.at })
      return { operation, outcome: ended(outcome) }
    })

  const layer: DurableStart<M, R, I>["layer"] = (layerOptions) => {
    const onComplete = layerOptions?.onComplete
    return workflow.toLayer((payload) =>
      Effect.gen(function*() {
        const { operation, outcome } = yield* run(payload)
        if (onComplete !== undefined) {
          yield* Loop.complete((idempotencyKey) =>
            onComplete({ key: payload.key, operation, exit: Loop.toExit(outcome), idempotencyKey })
          )
        }
        return yield* outcome
      })
    )
  }

  const payloadOf = (key: string, call: Call<M, R, I>, waitOptions: DurableWait.WaitOptions | undefined): typeof Payload.Type => {
    const timeout = waitOptions?.timeout === undefined ? {} : { timeout: Loop.toMillis(waitOptions.timeout) }
    return isDataproc(call)
      ? {
        key,
        request: storedRequest(call.request),
        dataproc: { method: call.method, parameters: call.parameters },
        ...timeout
      }
      : { key, request: storedRequest(call), ...timeout }
  }

  const wait: DurableStart<M, R, I>["wait"] = (key, call, waitOptions) =>
    Effect.gen(function*() {
      const op = yield* workflow.execute(payloadOf(key, call, waitOptions))
      if (!Operation.isDone(op)) return yield* Effect.dieMessage(`the start-and-await ${key} ended without a done operation`)
      return op
    })

  const result: DurableStart<M, R, I>["result"] = (key, call, waitOptions) =>
    Effect.flatMap(wait(key, call, waitOptions), (done): Effect.Effect<Option.Option<R>, OperationFailed> => {
      switch (done._tag) {
        case "Succeeded":
          return Effect.succeed(Option.some(done.response))
        case "DoneWithoutResult":
          return Effect.succeed(Option.none())
        case "Failed":
          return Effect.fail(new OperationFailed({ operation: done.name, status: done.error }))
      }
    })

  return {
    workflow,
    layer,
    wait,
    result,
    submit: (key, call, waitOptions) => workflow.execute(payloadOf(key, call, waitOptions), { discard: true }),
    executionId: (key) => workflow.executionId({ key, request: { path: "" } })
  }
}
