/**
 * Waiting for a long-running operation as a durable workflow: the wait outlives the process that started
 * it. It runs on `@effect/workflow`'s engine (in memory, or `@effect/cluster` over SQLite or PostgreSQL),
 * polls on the same policy as `OperationPoller`, and ends with the same outcomes.
 *
 * @since 0.1.0
 */
import * as Workflow from "@effect/workflow/Workflow"
import type * as WorkflowEngine from "@effect/workflow/WorkflowEngine"
import type * as OperationsClient from "@longrunning/http/OperationsClient"
import type * as OperationsError from "@longrunning/http/OperationsError"
import type * as Any from "@longrunning/schema/Any"
import * as Operation from "@longrunning/schema/Operation"
import * as OperationName from "@longrunning/schema/OperationName"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import { OperationFailed, WaitError } from "./internal/errors.js"
import * as Loop from "./internal/loop.js"
import * as Names from "./internal/names.js"

// -----------------------------------------------------------------------------
// errors
// -----------------------------------------------------------------------------

export {
  /**
   * The operation ended in error (cancelled included); `status` is its google.rpc.Status.
   *
   * @since 0.1.0
   * @category errors
   */
  OperationFailed,
  /**
   * The operation is not found: it expired, was deleted, or never existed.
   *
   * @since 0.1.0
   * @category errors
   */
  OperationNotFound,
  /**
   * Polling could not go on: a poll failed with an error that is not transient, or transient failures
   * outlasted the policy.
   *
   * @since 0.1.0
   * @category errors
   */
  PollingFailed,
  /**
   * What a durable wait can end with besides a done operation.
   *
   * @since 0.1.0
   * @category errors
   */
  type WaitError,
  /**
   * The wait ran out of time (its `timeout`, or its policy gave up) before the operation was done.
   *
   * @since 0.1.0
   * @category errors
   */
  WaitTimeout
} from "./internal/errors.js"

export {
  /**
   * Marks the errors of durable waits; the guards test it.
   *
   * @since 0.1.0
   * @category type ids
   */
  DurableErrorTypeId,
  /**
   * Tells whether a value is one of the errors of durable waits and starts.
   *
   * @example
   * ```ts
   * import { DurableWait } from "@longrunning/durable"
   *
   * DurableWait.isDurableError(new DurableWait.OperationNotFound({ operation: "operations/o", polls: 1 })) // true
   * ```
   *
   * @since 0.1.0
   * @category guards
   */
  isDurableError,
  /**
   * @since 0.1.0
   * @category guards
   */
  isOperationFailed,
  /**
   * @since 0.1.0
   * @category guards
   */
  isOperationNotFound,
  /**
   * @since 0.1.0
   * @category guards
   */
  isPollingFailed,
  /**
   * @since 0.1.0
   * @category guards
   */
  isWaitTimeout
} from "./internal/errors.js"

// -----------------------------------------------------------------------------
// options
// -----------------------------------------------------------------------------

/**
 * What a completion hook receives: the operation, how its wait ended, and the key to make the hook's
 * effect idempotent in your own system.
 *
 * @since 0.1.0
 * @category models
 */
export interface Completion<M, R> {
  readonly operation: string
  readonly exit: Exit.Exit<Operation.Done<M, R>, WaitError>
  /**
   * The same on every run of the hook for this wait: the hook runs at least once (again after a crash
   * between its effect and the record of it), so deduplicate on this key.
   */
  readonly idempotencyKey: string
}

/**
 * Options of a durable wait's definition. Every process that runs or awaits it must build it with the same
 * options: a workflow replays its history on each wake-up, and the policy decides its steps.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<M, R, I> {
  /** The workflow's name, unique in the engine. Executions are found again by it and the operation name. */
  readonly name: string
  /** The schema of a typed operation (`Operation.schema({ metadata, response })`). */
  readonly schema?: Schema.Schema<Operation.Operation<M, R>, I> | undefined
  /**
   * The delays between polls after the first (immediate) one. Defaults to `Policy.defaultPolicy`. Its steps
   * are taken on the times the polls were recorded and with a random generator seeded once per wait, so a
   * wait replayed after a restart takes the same steps.
   */
  readonly policy?: Schedule.Schedule<unknown, unknown> | undefined
  /**
   * Gaps up to this long are slept in memory (an activity that sleeps until the stored due time, so a
   * restart sleeps only what is left); longer ones are durable clocks: the runner is free meanwhile and the
   * wake-up time is stored. Defaults to 60 seconds, the engine's own default.
   */
  readonly inMemoryThreshold?: Duration.DurationInput | undefined
  /** The failure backoff's longest gap, as `OperationPoller`'s `failureBackoff`. Defaults to 45 seconds. */
  readonly failureBackoff?: Duration.DurationInput | false | undefined
  /**
   * The grammar operation names are checked with before a wait is stored (the service's:
   * `ServiceProfile.grammar`). Defaults to `OperationName.standard`. A full operation URL
   * (`https://{host}/{version}/{name}`) is taken too, its name under this grammar; the client polls it at
   * its own host and version, and it is another execution than its plain name's.
   */
  readonly grammar?: OperationName.Grammar | undefined
}

/**
 * Options of one wait.
 *
 * @since 0.1.0
 * @category models
 */
export interface WaitOptions {
  /**
   * The longest the whole wait may take, counted from its first start. None by default. A second await of
   * the same operation joins the first execution and its deadline.
   */
  readonly timeout?: Duration.DurationInput | undefined
}

// -----------------------------------------------------------------------------
// the workflow
// -----------------------------------------------------------------------------

const Payload = Schema.Struct({
  operation: Schema.String,
  /** Milliseconds; absent for no deadline. */
  timeout: Schema.optional(Schema.Number)
})

/**
 * A durable wait: the workflow, the layer that runs it, and the calls that await it.
 *
 * @since 0.1.0
 * @category models
 */
export interface DurableWait<M, R, I> {
  /** The workflow (its payload is the operation name and an optional timeout in milliseconds). */
  readonly workflow: Workflow.Workflow<
    string,
    typeof Payload,
    Schema.Schema<Operation.Operation<M, R>, I>,
    typeof WaitError
  >
  /**
   * Registers the workflow with the engine: the runner side. `onComplete` runs once the wait has ended,
   * before its outcome is recorded, as an activity (at least once, with a stable idempotency key).
   */
  readonly layer: <RC = never>(options?: {
    readonly onComplete?: ((completion: Completion<M, R>) => Effect.Effect<void, never, RC>) | undefined
  }) => Layer.Layer<never, never, WorkflowEngine.WorkflowEngine | OperationsClient.OperationsClient | RC>
  /** Awaits the done operation; an execution for this operation that exists already is joined. */
  readonly wait: (
    operation: string,
    options?: WaitOptions
  ) => Effect.Effect<Operation.Done<M, R>, WaitError | OperationsError.InvalidName, WorkflowEngine.WorkflowEngine>
  /** The operation's response (None when it was done without one), or `OperationFailed` with its Status. */
  readonly result: (
    operation: string,
    options?: WaitOptions
  ) => Effect.Effect<
    Option.Option<R>,
    WaitError | OperationFailed | OperationsError.InvalidName,
    WorkflowEngine.WorkflowEngine
  >
  /** Starts the wait (or finds it started) without awaiting it; gives its execution id. */
  readonly submit: (
    operation: string,
    options?: WaitOptions
  ) => Effect.Effect<string, OperationsError.InvalidName, WorkflowEngine.WorkflowEngine>
  /** The execution id of the wait for this operation: the same for every await of it. */
  readonly executionId: (operation: string) => Effect.Effect<string>
}

/**
 * Defines a durable wait.
 *
 * @example
 * ```ts
 * import { DurableWait } from "@longrunning/durable"
 * import { Dataproc, Operation } from "@longrunning/schema"
 *
 * const ClusterWait = DurableWait.make({
 *   name: "ClusterOperation",
 *   schema: Operation.schema({ metadata: Dataproc.ClusterOperationMetadata })
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export function make(options: Options<Any.Any, Any.Any, unknown> & { readonly schema?: undefined }): DurableWait<
  Any.Any,
  Any.Any,
  Operation.OperationEncoded
>
export function make<M, R, I>(
  options: Options<M, R, I> & { readonly schema: Schema.Schema<Operation.Operation<M, R>, I> }
): DurableWait<M, R, I>
export function make<M, R, I>(
  options: Options<M, R, I>
): DurableWait<M, R, I> | DurableWait<Any.Any, Any.Any, Operation.OperationEncoded> {
  return options.schema === undefined
    ? makeWith(options.name, Operation.Operation, options)
    : makeWith(options.name, options.schema, options)
}

const makeWith = <M, R, I>(
  name: string,
  schema: Schema.Schema<Operation.Operation<M, R>, I>,
  options: Omit<Options<M, R, I>, "name" | "schema">
): DurableWait<M, R, I> => {
  const loop = Loop.make({ ...options, schema })
  const workflow = Workflow.make({
    name,
    payload: Payload,
    success: schema,
    error: WaitError,
    idempotencyKey: (payload) => payload.operation
  })

  const run = (payload: typeof Payload.Type) =>
    Effect.flatMap(
      Loop.started("start"),
      (started) => loop.run(payload.operation, started, payload.timeout, { _tag: "Poll" })
    )

  const layer: DurableWait<M, R, I>["layer"] = (layerOptions) => {
    const onComplete = layerOptions?.onComplete
    return workflow.toLayer((payload) =>
      Effect.gen(function*() {
        const outcome = yield* run(payload)
        if (onComplete !== undefined) {
          yield* Loop.complete((idempotencyKey) =>
            onComplete({ operation: payload.operation, exit: Loop.toExit(outcome), idempotencyKey })
          )
        }
        return yield* outcome
      })
    )
  }

  const grammar = options.grammar ?? OperationName.standard
  const payloadOf = (operation: string, waitOptions: WaitOptions | undefined) =>
    Names.payloadOf(operation, grammar, waitOptions?.timeout)

  const wait: DurableWait<M, R, I>["wait"] = (operation, waitOptions) =>
    Effect.gen(function*() {
      const payload = yield* payloadOf(operation, waitOptions)
      const op = yield* workflow.execute(payload)
      if (!Operation.isDone(op)) return yield* Effect.dieMessage(`the wait of ${operation} ended without a done operation`)
      return op
    })

  const result: DurableWait<M, R, I>["result"] = (operation, waitOptions) =>
    Effect.flatMap(wait(operation, waitOptions), (done): Effect.Effect<Option.Option<R>, OperationFailed> => {
      switch (done._tag) {
        case "Succeeded":
          return Effect.succeed(Option.some(done.response))
        case "DoneWithoutResult":
          return Effect.succeed(Option.none())
        case "Failed":
          return Effect.fail(new OperationFailed({ operation, status: done.error }))
      }
    })

  const submit: DurableWait<M, R, I>["submit"] = (operation, waitOptions) =>
    Effect.flatMap(payloadOf(operation, waitOptions), (payload) => workflow.execute(payload, { discard: true }))

  return {
    workflow,
    layer,
    wait,
    result,
    submit,
    executionId: (operation) => workflow.executionId({ operation })
  }
}

/**
 * A durable wait of untyped operations (metadata and response kept as Anys), named
 * `@longrunning/durable/Wait`.
 *
 * @example
 * ```ts
 * import { DurableWait } from "@longrunning/durable"
 *
 * const done = DurableWait.Default.wait("projects/p/regions/us-central1/operations/op-1", { timeout: "2 hours" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const Default: DurableWait<Any.Any, Any.Any, Operation.OperationEncoded> = make({
  name: "@longrunning/durable/Wait"
})
