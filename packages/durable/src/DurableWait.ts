/**
 * Waiting for a long-running operation as a durable workflow: the wait outlives the process that started
 * it. It runs on `@effect/workflow`'s engine (in memory, or `@effect/cluster` over SQLite or PostgreSQL),
 * polls on the same policy as `OperationPoller`, and ends with the same outcomes.
 *
 * @since 0.1.0
 */
import * as Activity from "@effect/workflow/Activity"
import * as DurableClock from "@effect/workflow/DurableClock"
import * as Workflow from "@effect/workflow/Workflow"
import type * as WorkflowEngine from "@effect/workflow/WorkflowEngine"
import * as OperationsClient from "@longrunning/http/OperationsClient"
import * as OperationsError from "@longrunning/http/OperationsError"
import * as RetryPolicy from "@longrunning/http/RetryPolicy"
import * as Policy from "@longrunning/polling/Policy"
import type * as Any from "@longrunning/schema/Any"
import * as Operation from "@longrunning/schema/Operation"
import * as OperationName from "@longrunning/schema/OperationName"
import * as Status from "@longrunning/schema/Status"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import type * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as Intervals from "effect/ScheduleIntervals"
import * as Schema from "effect/Schema"

// -----------------------------------------------------------------------------
// errors
// -----------------------------------------------------------------------------

/**
 * The operation ended in error (cancelled included); `status` is its google.rpc.Status. The same tag as
 * `OperationPoller.OperationFailed`, as a schema: a durable outcome is stored.
 *
 * @example
 * ```ts
 * import { DurableWait } from "@longrunning/durable"
 * import { Effect } from "effect"
 *
 * DurableWait.Default.result("projects/p/regions/r/operations/o").pipe(
 *   Effect.catchTag("OperationFailed", (e) => Effect.logError(e.message))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class OperationFailed extends Schema.TaggedError<OperationFailed>("@longrunning/durable/OperationFailed")(
  "OperationFailed",
  { operation: Schema.String, status: Status.Status }
) {
  override get message(): string {
    return `operation ${this.operation} failed: ${Status.format(this.status)}`
  }
}

/**
 * The operation is not found: it expired, was deleted, or never existed.
 *
 * @since 0.1.0
 * @category errors
 */
export class OperationNotFound extends Schema.TaggedError<OperationNotFound>("@longrunning/durable/OperationNotFound")(
  "OperationNotFound",
  { operation: Schema.String, polls: Schema.Number }
) {
  override get message(): string {
    return this.polls > 1
      ? `operation ${this.operation} was not found after ${this.polls} polls: it may have expired or been deleted`
      : `operation ${this.operation} was not found`
  }
}

/**
 * The wait ran out of time (its `timeout`, or its policy gave up) before the operation was done.
 *
 * @since 0.1.0
 * @category errors
 */
export class WaitTimeout extends Schema.TaggedError<WaitTimeout>("@longrunning/durable/WaitTimeout")(
  "WaitTimeout",
  { operation: Schema.String, timeout: Schema.Duration, polls: Schema.Number }
) {
  override get message(): string {
    const polls = `${this.polls} ${this.polls === 1 ? "poll" : "polls"}`
    return Duration.isFinite(this.timeout)
      ? `operation ${this.operation} was not done after ${Duration.format(this.timeout)} (${polls})`
      : `operation ${this.operation} was not done when its polling policy gave up (${polls})`
  }
}

/**
 * Polling could not go on: a poll failed with an error that is not transient (`PERMISSION_DENIED`, a
 * malformed answer, ...), or transient failures outlasted the policy. `error` is the client error's tag,
 * `code` its google.rpc code when the server answered.
 *
 * @since 0.1.0
 * @category errors
 */
export class PollingFailed extends Schema.TaggedError<PollingFailed>("@longrunning/durable/PollingFailed")(
  "PollingFailed",
  {
    operation: Schema.String,
    error: Schema.String,
    detail: Schema.String,
    code: Schema.optional(Schema.Number)
  }
) {
  override get message(): string {
    return `polling ${this.operation} failed: ${this.detail}`
  }
}

/**
 * What a durable wait can end with besides a done operation.
 *
 * @since 0.1.0
 * @category errors
 */
export type WaitError = OperationNotFound | WaitTimeout | PollingFailed

const WaitError = Schema.Union(OperationNotFound, WaitTimeout, PollingFailed)

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

const Started = Schema.Struct({ at: Schema.Number, seed: Schema.Number })

const pollResult = <M, R, I>(schema: Schema.Schema<Operation.Operation<M, R>, I>) =>
  Schema.Union(
    Schema.TaggedStruct("Done", { at: Schema.Number, operation: schema }),
    Schema.TaggedStruct("Running", { at: Schema.Number }),
    Schema.TaggedStruct("Transient", { at: Schema.Number, hint: Schema.Number }),
    Schema.TaggedStruct("NotFound", { at: Schema.Number }),
    Schema.TaggedStruct("Fatal", {
      at: Schema.Number,
      error: Schema.String,
      detail: Schema.String,
      code: Schema.optional(Schema.Number)
    })
  )

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

/** The gap after `failures` transient failures in a row: the schedule's gap doubled per failure, up to `max`. */
const backedOff = (gap: number, failures: number, max: number | undefined): number =>
  max === undefined || gap >= max ? gap : Math.min(gap * 2 ** Math.min(failures, 30), max)

const hintMillis = (error: OperationsClient.Error): number =>
  error._tag === "ApiError" ? Option.match(error.retryAfter, { onNone: () => 0, onSome: Duration.toMillis }) : 0

const toMillis = (input: Duration.DurationInput): number => Duration.toMillis(Duration.decode(input))

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
  const policy = options.policy ?? Policy.defaultPolicy
  const threshold = toMillis(options.inMemoryThreshold ?? Duration.seconds(60))
  const backoffMax = options.failureBackoff === false
    ? undefined
    : toMillis(options.failureBackoff ?? Policy.defaultFailureBackoff)
  const PollResult = pollResult(schema)

  const workflow = Workflow.make({
    name,
    payload: Payload,
    success: schema,
    error: WaitError,
    idempotencyKey: (payload) => payload.operation
  })

  // One poll, recorded with the time it ended. Transient failures are answers too: the body decides when to
  // poll again, so that a restart replays the same decisions.
  const poll = (operation: string, k: number) =>
    Activity.make({
      name: `poll/${k}`,
      success: PollResult,
      execute: Effect.gen(function*() {
        const client = yield* OperationsClient.OperationsClient
        const result = yield* Effect.either(RetryPolicy.withPolicy(client.get(operation, schema), RetryPolicy.none))
        const at = yield* Clock.currentTimeMillis
        if (Either.isRight(result)) {
          const op = result.right
          return Operation.isDone(op) ? { _tag: "Done", at, operation: op } as const : { _tag: "Running", at } as const
        }
        const error = result.left
        const code = error._tag === "ApiError" ? { code: error.code } : {}
        if (OperationsError.isNotFound(error)) return { _tag: "NotFound", at } as const
        if (Policy.pollsAgainAfter(error)) return { _tag: "Transient", at, hint: hintMillis(error) } as const
        return {
          _tag: "Fatal",
          at,
          error: error._tag,
          detail: error.message,
          ...code
        } as const
      })
    })

  // Sleeps from `from` (the time of the last record) until `until`; a restart keeps the due time.
  const sleepUntil = (k: number, from: number, until: number) => {
    const gap = until - from
    if (gap <= 0) return Effect.void
    return gap > threshold
      ? DurableClock.sleep({ name: `wait/${k}`, duration: Duration.millis(gap), inMemoryThreshold: threshold })
      : Activity.make({
        name: `wait/${k}`,
        execute: Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sleep(Duration.millis(Math.max(0, until - now))))
      })
  }

  type Outcome = Either.Either<Operation.Done<M, R>, WaitError>

  const run = (payload: typeof Payload.Type) =>
    Effect.gen(function*() {
      const operation = payload.operation
      const started = yield* Activity.make({
        name: "start",
        success: Started,
        execute: Effect.all({ at: Clock.currentTimeMillis, seed: Random.nextInt })
      })
      const deadline = payload.timeout === undefined ? Infinity : started.at + payload.timeout
      const timeout = payload.timeout === undefined ? Duration.infinity : Duration.millis(payload.timeout)
      // The policy's randomness comes from the seed drawn once, so each replay takes the same steps.
      const random = Random.make(started.seed)
      const step = (state: unknown, now: number) =>
        Effect.map(
          Effect.withRandom(policy.step(now, undefined, state), random),
          ([next, _, decision]) =>
            ScheduleDecision.isDone(decision)
              ? Option.none()
              : Option.some([next, Intervals.start(decision.intervals)] as const)
        )

      let state = policy.initial
      let at = started.at
      let due = started.at
      let polls = 0
      let failures = 0
      for (let k = 0;; k++) {
        yield* sleepUntil(k, at, Math.min(due, deadline))
        if (due >= deadline) {
          return Either.left(new WaitTimeout({ operation, timeout, polls })) satisfies Outcome
        }
        const result = yield* poll(operation, k)
        polls++
        at = result.at
        switch (result._tag) {
          case "Done": {
            const op = result.operation
            if (!Operation.isDone(op)) return yield* Effect.dieMessage(`poll ${k} of ${operation} recorded a running operation as done`)
            return Either.right(op) satisfies Outcome
          }
          case "NotFound":
            return Either.left(new OperationNotFound({ operation, polls })) satisfies Outcome
          case "Fatal": {
            const { _tag, at: _at, ...rest } = result
            return Either.left(new PollingFailed({ operation, ...rest })) satisfies Outcome
          }
          case "Running": {
            failures = 0
            const next = yield* step(state, at)
            if (Option.isNone(next)) return Either.left(new WaitTimeout({ operation, timeout: Duration.infinity, polls })) satisfies Outcome
            ;[state, due] = next.value
            break
          }
          case "Transient": {
            failures++
            const next = yield* step(state, at)
            if (Option.isNone(next)) {
              return Either.left(
                new PollingFailed({ operation, error: "Transient", detail: `the policy gave up after ${failures} transient failures in a row` })
              ) satisfies Outcome
            }
            const [nextState, scheduledAt] = next.value
            const scheduled = Math.max(scheduledAt, at + result.hint)
            const backed = at + Math.max(backedOff(scheduledAt - at, failures, backoffMax), result.hint)
            // the backoff never costs the wait its last poll before the deadline
            state = nextState
            due = backed >= deadline && scheduled < deadline ? scheduled : backed
            break
          }
        }
      }
    })

  const layer: DurableWait<M, R, I>["layer"] = (layerOptions) => {
    const onComplete = layerOptions?.onComplete
    return workflow.toLayer((payload) =>
      Effect.gen(function*() {
        const outcome: Outcome = yield* run(payload)
        if (onComplete !== undefined) {
          yield* Activity.make({
            name: "complete",
            execute: Effect.flatMap(Activity.idempotencyKey("complete"), (idempotencyKey) =>
              onComplete({
                operation: payload.operation,
                exit: Either.match(outcome, { onLeft: Exit.fail, onRight: Exit.succeed }),
                idempotencyKey
              }))
          })
        }
        return yield* outcome
      })
    )
  }

  const payloadOf = (operation: string, options: WaitOptions | undefined) =>
    Either.match(OperationName.parse(operation), {
      onLeft: (error) => Effect.fail(new OperationsError.InvalidName({ method: "get", input: operation, reason: error.message })),
      onRight: (valid) =>
        Effect.succeed(
          options?.timeout === undefined
            ? { operation: valid }
            : { operation: valid, timeout: toMillis(options.timeout) }
        )
    })

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
