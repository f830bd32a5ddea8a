/**
 * Durable waits for many operations at once: each wait is a thin workflow that hands
 * its operation to a group and suspends on a durable deferred; each group is a sharded entity of
 * `@effect/cluster` that polls its operations with `OperationPoller.watchAll` in memory and completes an
 * operation's deferred when it is done. Rows are written when a wait starts and when it ends (six per wait:
 * the run, the `Watch` message and the deferred's result, each with its reply), not per poll, and a poll
 * costs what `watchAll`'s does. Same calls and outcomes as `DurableWait`.
 *
 * @since 0.1.0
 */
import * as ClusterSchema from "@effect/cluster/ClusterSchema"
import * as Entity from "@effect/cluster/Entity"
import type * as Sharding from "@effect/cluster/Sharding"
import * as Rpc from "@effect/rpc/Rpc"
import * as DurableDeferred from "@effect/workflow/DurableDeferred"
import * as Workflow from "@effect/workflow/Workflow"
import type * as WorkflowEngine from "@effect/workflow/WorkflowEngine"
import type * as OperationsClient from "@longrunning/http/OperationsClient"
import * as OperationPoller from "@longrunning/polling/OperationPoller"
import * as Policy from "@longrunning/polling/Policy"
import type * as Any from "@longrunning/schema/Any"
import * as Operation from "@longrunning/schema/Operation"
import * as OperationName from "@longrunning/schema/OperationName"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Hash from "effect/Hash"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import type * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type * as DurableWait from "./DurableWait.js"
import { OperationFailed, OperationNotFound, PollingFailed, WaitError, WaitTimeout } from "./internal/errors.js"
import * as Names from "./internal/names.js"

/**
 * Options of a grouped wait's definition. Every process that runs or awaits it must build it with the same
 * options.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<M, R, I> {
  /** The workflow's name, unique in the engine; the groups' entity type is this name with `/Group`. */
  readonly name: string
  /** The schema of a typed operation (`Operation.schema({ metadata, response })`). */
  readonly schema?: Schema.Schema<Operation.Operation<M, R>, I> | undefined
  /** The delays between polls, as `watchAll`'s `schedule`. Defaults to `Policy.defaultPolicy`. */
  readonly policy?: Schedule.Schedule<unknown, unknown> | undefined
  /** As `watchAll`'s `failureBackoff`. Defaults to 45 seconds. */
  readonly failureBackoff?: Duration.DurationInput | false | undefined
  /**
   * How many groups the operations are spread over (by a hash of the name). Groups are entities: the
   * cluster spreads them over its runners, so more groups spread the polling finer. Defaults to 16; keep
   * it the same for the life of a store.
   */
  readonly groups?: number | undefined
  /** Requests in flight at most per batch of a group's operations (`watchAll`'s `concurrency`). Defaults to 16. */
  readonly concurrency?: number | undefined
  /** As `DurableWait`'s: the grammar names are checked with (full operation URLs taken too). */
  readonly grammar?: OperationName.Grammar | undefined
}

/**
 * A grouped wait: the workflow, the layer that runs it and its groups, and the calls that await it.
 *
 * @since 0.1.0
 * @category models
 */
export interface GroupedWait<M, R, I> {
  readonly workflow: Workflow.Workflow<string, typeof Payload, Schema.Schema<Operation.Operation<M, R>, I>, typeof WaitError>
  /**
   * Registers the workflow and the group entity: the runner side. It needs the cluster's `Sharding` (both
   * `SqliteEngine.layer` and `PgEngine.layer` give it). `onComplete` runs in the group when the wait ends,
   * before the wait is resumed: at least once (again after a crash before the wait was resumed), with an
   * `idempotencyKey` derived from the execution id, the same on every run; a defect of it is logged.
   */
  readonly layer: <RC = never>(options?: {
    readonly onComplete?: ((completion: DurableWait.Completion<M, R>) => Effect.Effect<void, never, RC>) | undefined
  }) => Layer.Layer<
    never,
    never,
    WorkflowEngine.WorkflowEngine | Sharding.Sharding | OperationsClient.OperationsClient | RC
  >
  readonly wait: DurableWait.DurableWait<M, R, I>["wait"]
  readonly result: DurableWait.DurableWait<M, R, I>["result"]
  readonly submit: DurableWait.DurableWait<M, R, I>["submit"]
  readonly executionId: (operation: string) => Effect.Effect<string>
}

const Payload = Schema.Struct({
  operation: Schema.String,
  /** Milliseconds; absent for no deadline. */
  timeout: Schema.optional(Schema.Number)
})

/** The error a watch of `watchAll` ended with, as a stored outcome. */
const toWaitError = (name: string, error: OperationPoller.WatchError, polls: number): WaitError => {
  switch (error._tag) {
    case "OperationNotFound":
      return new OperationNotFound({ operation: name, polls })
    case "WaitTimeout":
      return new WaitTimeout({ operation: name, timeout: error.timeout, polls })
    case "PolicyExhausted":
      return new WaitTimeout({ operation: name, timeout: Duration.infinity, polls })
    default:
      return new PollingFailed({
        operation: name,
        error: error._tag,
        detail: error.message,
        ...(error._tag === "ApiError" ? { code: error.code } : {})
      })
  }
}

/**
 * Defines a grouped wait.
 *
 * @example
 * ```ts
 * import { GroupedWait, SqliteEngine } from "@longrunning/durable"
 * import { Layer } from "effect"
 *
 * const Waits = GroupedWait.make({ name: "ManyWaits", groups: 32 })
 * const runner = Waits.layer().pipe(Layer.provideMerge(SqliteEngine.layer({ filename: "waits.sqlite" })))
 * const done = Waits.wait("projects/p/regions/us-central1/operations/op-1", { timeout: "2 hours" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export function make(options: Options<Any.Any, Any.Any, unknown> & { readonly schema?: undefined }): GroupedWait<
  Any.Any,
  Any.Any,
  Operation.OperationEncoded
>
export function make<M, R, I>(
  options: Options<M, R, I> & { readonly schema: Schema.Schema<Operation.Operation<M, R>, I> }
): GroupedWait<M, R, I>
export function make<M, R, I>(
  options: Options<M, R, I>
): GroupedWait<M, R, I> | GroupedWait<Any.Any, Any.Any, Operation.OperationEncoded> {
  return options.schema === undefined
    ? makeWith(options.name, Operation.Operation, options)
    : makeWith(options.name, options.schema, options)
}

const makeWith = <M, R, I>(
  name: string,
  schema: Schema.Schema<Operation.Operation<M, R>, I>,
  options: Omit<Options<M, R, I>, "name" | "schema">
): GroupedWait<M, R, I> => {
  const groups = Math.max(1, Math.floor(options.groups ?? 16))
  const workflow = Workflow.make({
    name,
    payload: Payload,
    success: schema,
    error: WaitError,
    idempotencyKey: (payload) => payload.operation
  })
  const Done = DurableDeferred.make("done", { success: schema, error: WaitError })

  // One message per wait, persisted, answered only when the wait is over: a group that restarts (or whose
  // shard moves) is handed again every message it has not answered, so it resumes polling those operations.
  const Watch = Rpc.make("Watch", {
    payload: {
      operation: Schema.String,
      token: Schema.String,
      /** Epoch milliseconds, and the timeout it came from; absent for no deadline. */
      deadline: Schema.optional(Schema.Number),
      timeout: Schema.optional(Schema.Number)
    },
    primaryKey: ({ token }) => token
  }).annotate(ClusterSchema.Persisted, true)
  const Group = Entity.make(`${name}/Group`, [Watch])
  const groupOf = (operation: string) => String(Math.abs(Hash.string(operation)) % groups)

  interface Waiter {
    readonly token: string
    readonly released: Deferred.Deferred<void>
  }

  // The completion hook's key, from the execution id the deferred's token carries (hashed as
  // `Activity.idempotencyKey("complete")` hashes it in a workflow).
  const completionKey = (token: string) =>
    Effect.promise(async () => {
      const parsed = Schema.decodeUnknownOption(DurableDeferred.TokenParsed.FromString)(token)
      const key = `${Option.match(parsed, { onNone: () => token, onSome: (p) => p.executionId })}-complete`
      const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)))
      return Array.from(digest.subarray(0, 16), (byte) => byte.toString(16).padStart(2, "0")).join("")
    })

  const groupLayer = <RC>(
    onComplete: ((completion: DurableWait.Completion<M, R>) => Effect.Effect<void, never, RC>) | undefined
  ) =>
    Group.toLayer(
      Effect.gen(function*() {
        const scope = yield* Effect.scope
        const context = yield* Effect.context<WorkflowEngine.WorkflowEngine | OperationsClient.OperationsClient | RC>()
        const waiters = new Map<string, Array<Waiter>>()
        const polls = new Map<string, number>()
        const incoming = yield* Queue.unbounded<string>()

        /** Takes the waiter out: true for the first caller only (the end of the polling and a deadline may race). */
        const claim = (operation: string, waiter: Waiter) =>
          Effect.sync(() => {
            const all = waiters.get(operation) ?? []
            if (!all.includes(waiter)) return false
            const rest = all.filter((w) => w !== waiter)
            if (rest.length === 0) waiters.delete(operation)
            else waiters.set(operation, rest)
            return true
          })

        // The hook runs here, before the deferred is completed and the `Watch` answered: a crash in between
        // hands the operation to the group again, which ends the wait again and runs the hook again with the
        // same key (at least once, with a key, as DurableWait's). Each release runs in a fiber of its own so
        // that a slow hook does not hold the polling of the others.
        const deliver = (operation: string, waiter: Waiter, exit: Exit.Exit<Operation.Operation<M, R>, WaitError>) =>
          Effect.gen(function*() {
            if (onComplete !== undefined) {
              const idempotencyKey = yield* completionKey(waiter.token)
              yield* onComplete({
                operation,
                exit: Exit.flatMap(exit, (op) =>
                  Operation.isDone(op) ? Exit.succeed(op) : Exit.die("a grouped wait ended on a running operation")),
                idempotencyKey
              }).pipe(Effect.catchAllDefect((defect) => Effect.logError("the completion hook of a grouped wait died", defect)))
            }
            yield* DurableDeferred.done(Done, { token: DurableDeferred.Token.make(waiter.token), exit })
            yield* Deferred.succeed(waiter.released, undefined)
          }).pipe(Effect.provide(context))

        const release = (operation: string, waiter: Waiter, exit: Exit.Exit<Operation.Operation<M, R>, WaitError>) =>
          Effect.flatMap(
            claim(operation, waiter),
            (claimed) => (claimed ? Effect.asVoid(Effect.forkIn(deliver(operation, waiter, exit), scope)) : Effect.void)
          )

        const finish = (operation: string, exit: Exit.Exit<Operation.Operation<M, R>, WaitError>) =>
          Effect.forEach(waiters.get(operation) ?? [], (waiter) => release(operation, waiter, exit), { discard: true })

        const onEvent = (event: OperationPoller.WatchAllEvent<M, R>) =>
          Effect.suspend(() => {
            const count = (polls.get(event.name) ?? 0) + 1
            polls.set(event.name, count)
            if (event._tag === "WatchFailed") {
              polls.delete(event.name)
              return finish(event.name, Exit.fail(toWaitError(event.name, event.error, count)))
            }
            if (!Operation.isDone(event.operation)) return Effect.void
            polls.delete(event.name)
            return finish(event.name, Exit.succeed(event.operation))
          })

        // Operations handed over together are watched together: one watchAll per batch, each batch started as
        // soon as the previous one is, so a burst of waits is one scheduler and a trickle costs a small one each.
        yield* Queue.takeBetween(incoming, 1, Number.MAX_SAFE_INTEGER).pipe(
          Effect.flatMap((batch) =>
            OperationPoller.watchAll(batch, {
              schema,
              schedule: options.policy ?? Policy.defaultPolicy,
              failureBackoff: options.failureBackoff,
              concurrency: options.concurrency ?? 16
            }).pipe(Stream.runForEach(onEvent), Effect.provide(context), Effect.forkIn(scope))
          ),
          Effect.forever,
          Effect.forkIn(scope)
        )

        return Group.of({
          Watch: (envelope) =>
            Effect.gen(function*() {
              const { deadline, operation, timeout, token } = envelope.payload
              const others = waiters.get(operation)
              // The same message again (the cluster hands an unanswered message over again after 10 minutes; it
              // skips those in progress, but a second waiter would run the hook twice): join the first.
              const same = others?.find((w) => w.token === token)
              if (same !== undefined) return yield* Deferred.await(same.released)
              const waiter: Waiter = { token, released: yield* Deferred.make<void>() }
              waiters.set(operation, [...(others ?? []), waiter])
              if (others === undefined) yield* Queue.offer(incoming, operation)
              if (deadline !== undefined) {
                const now = yield* Clock.currentTimeMillis
                // after a restart the deadline may have passed already: it ends the wait at once
                yield* Effect.sleep(Duration.millis(Math.max(0, deadline - now))).pipe(
                  Effect.zipRight(Effect.suspend(() =>
                    release(
                      operation,
                      waiter,
                      Exit.fail(
                        new WaitTimeout({
                          operation,
                          timeout: timeout === undefined ? Duration.infinity : Duration.millis(timeout),
                          polls: polls.get(operation) ?? 0
                        })
                      )
                    )
                  )),
                  Effect.provide(context),
                  Effect.forkIn(scope)
                )
              }
              yield* Deferred.await(waiter.released)
            })
        })
      }),
      { concurrency: "unbounded", mailboxCapacity: "unbounded" }
    )

  const layer: GroupedWait<M, R, I>["layer"] = (layerOptions) => {
    const registered = workflow.toLayer((payload) =>
      Effect.gen(function*() {
        const token = yield* DurableDeferred.token(Done)
        // The hand-over is the `Watch` message itself, keyed by the deferred's token: a replay of this body
        // sends it again and the store drops the copy, so the payload (and the deadline in it, counted from
        // the first hand-over) is the first one's. No activity records it: that would be one more message,
        // and one more read of the store, per wait.
        const at = yield* Clock.currentTimeMillis
        const deadline = payload.timeout === undefined ? {} : { deadline: at + payload.timeout, timeout: payload.timeout }
        const client = yield* Group.client
        yield* Effect.orDie(
          client(groupOf(payload.operation)).Watch({ operation: payload.operation, token, ...deadline }, { discard: true })
        )
        // the group ran the completion hook before completing the deferred
        return yield* DurableDeferred.await(Done)
      })
    )
    return Layer.merge(registered, groupLayer(layerOptions?.onComplete))
  }

  const grammar = options.grammar ?? OperationName.standard
  const payloadOf = (operation: string, waitOptions: DurableWait.WaitOptions | undefined) =>
    Names.payloadOf(operation, grammar, waitOptions?.timeout)

  const wait: GroupedWait<M, R, I>["wait"] = (operation, waitOptions) =>
    Effect.gen(function*() {
      const op = yield* workflow.execute(yield* payloadOf(operation, waitOptions))
      if (!Operation.isDone(op)) return yield* Effect.dieMessage(`the wait of ${operation} ended without a done operation`)
      return op
    })

  const result: GroupedWait<M, R, I>["result"] = (operation, waitOptions) =>
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

  return {
    workflow,
    layer,
    wait,
    result,
    submit: (operation, waitOptions) =>
      Effect.flatMap(payloadOf(operation, waitOptions), (payload) => workflow.execute(payload, { discard: true })),
    executionId: (operation) => workflow.executionId({ operation })
  }
}
