/**
 * The polling of a durable wait, shared by `DurableWait` and `DurableStart`: each poll an activity recorded
 * with the time it ended, each gap a durable clock or an in-memory sleep to a recorded due time, the policy
 * stepped on the recorded times with a generator seeded once, so a replay takes the same steps.
 */
import * as Activity from "@effect/workflow/Activity"
import * as DurableClock from "@effect/workflow/DurableClock"
import * as OperationsClient from "@longrunning/http/OperationsClient"
import * as OperationsError from "@longrunning/http/OperationsError"
import * as RetryPolicy from "@longrunning/http/RetryPolicy"
import * as Policy from "@longrunning/polling/Policy"
import * as Operation from "@longrunning/schema/Operation"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import type * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as Intervals from "effect/ScheduleIntervals"
import * as Schema from "effect/Schema"
import { OperationNotFound, PollingFailed, type WaitError, WaitTimeout } from "./errors.js"

/** The options that decide a wait's steps: every process running the workflow must use the same. */
export interface LoopOptions<M, R, I> {
  readonly schema: Schema.Schema<Operation.Operation<M, R>, I>
  readonly policy?: Schedule.Schedule<unknown, unknown> | undefined
  readonly inMemoryThreshold?: Duration.DurationInput | undefined
  readonly failureBackoff?: Duration.DurationInput | false | undefined
}

/** What the first activity of a wait records: the time the wait began, and the seed of its randomness. */
export const Started = Schema.Struct({ at: Schema.Number, seed: Schema.Number })

/** How the polling ended. */
export type Outcome<M, R> = Either.Either<Operation.Done<M, R>, WaitError>

export const toMillis = (input: Duration.DurationInput): number => Duration.toMillis(Duration.decode(input))

/** The gap after `failures` transient failures in a row: the schedule's gap doubled per failure, up to `max`. */
const backedOff = (gap: number, failures: number, max: number | undefined): number =>
  max === undefined || gap >= max ? gap : Math.min(gap * 2 ** Math.min(failures, 30), max)

const hintMillis = (error: OperationsClient.Error): number =>
  error._tag === "ApiError" ? Option.match(error.retryAfter, { onNone: () => 0, onSome: Duration.toMillis }) : 0

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

/** Where the polling begins. */
export type From =
  /** Poll at once (an await by name). */
  | { readonly _tag: "Poll" }
  /** A running snapshot seen at `at` (a start call's answer): the first poll comes a policy step later. */
  | { readonly _tag: "Snapshot"; readonly at: number }

export const make = <M, R, I>(options: LoopOptions<M, R, I>) => {
  const schema = options.schema
  const policy = options.policy ?? Policy.defaultPolicy
  const threshold = toMillis(options.inMemoryThreshold ?? Duration.seconds(60))
  const backoffMax = options.failureBackoff === false
    ? undefined
    : toMillis(options.failureBackoff ?? Policy.defaultFailureBackoff)
  const PollResult = pollResult(schema)

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
        return { _tag: "Fatal", at, error: error._tag, detail: error.message, ...code } as const
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

  const ended = (outcome: Outcome<M, R>) => outcome

  /** Polls `operation` until done, the deadline (`timeout` ms after `started.at`) or an error. */
  const run = (operation: string, started: typeof Started.Type, timeoutMillis: number | undefined, from: From) =>
    Effect.gen(function*() {
      const deadline = timeoutMillis === undefined ? Infinity : started.at + timeoutMillis
      const timeout = timeoutMillis === undefined ? Duration.infinity : Duration.millis(timeoutMillis)
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
      if (from._tag === "Snapshot") {
        at = from.at
        const next = yield* step(state, at)
        if (Option.isNone(next)) {
          return ended(Either.left(new WaitTimeout({ operation, timeout: Duration.infinity, polls })))
        }
        ;[state, due] = next.value
      }
      for (let k = 0;; k++) {
        yield* sleepUntil(k, at, Math.min(due, deadline))
        if (due >= deadline) {
          return ended(Either.left(new WaitTimeout({ operation, timeout, polls })))
        }
        const result = yield* poll(operation, k)
        polls++
        at = result.at
        switch (result._tag) {
          case "Done": {
            const op = result.operation
            if (!Operation.isDone(op)) return yield* Effect.dieMessage(`poll ${k} of ${operation} recorded a running operation as done`)
            return ended(Either.right(op))
          }
          case "NotFound":
            return ended(Either.left(new OperationNotFound({ operation, polls })))
          case "Fatal": {
            const { _tag, at: _at, ...rest } = result
            return ended(Either.left(new PollingFailed({ operation, ...rest })))
          }
          case "Running": {
            failures = 0
            const next = yield* step(state, at)
            if (Option.isNone(next)) {
              return ended(Either.left(new WaitTimeout({ operation, timeout: Duration.infinity, polls })))
            }
            ;[state, due] = next.value
            break
          }
          case "Transient": {
            failures++
            const next = yield* step(state, at)
            if (Option.isNone(next)) {
              return ended(Either.left(
                new PollingFailed({ operation, error: "Transient", detail: `the policy gave up after ${failures} transient failures in a row` })
              ))
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

  return { run }
}

/** The record of the start of a wait: the clock and a seed, both from an activity (a replay reads them back). */
export const started = (name: string) =>
  Activity.make({
    name,
    success: Started,
    execute: Effect.all({ at: Clock.currentTimeMillis, seed: Random.nextInt })
  })

/** Runs a completion hook as the activity `complete`, with its stable idempotency key. */
export const complete = <A, RC>(hook: (idempotencyKey: string) => Effect.Effect<A, never, RC>) =>
  Activity.make({
    name: "complete",
    execute: Effect.asVoid(Effect.flatMap(Activity.idempotencyKey("complete"), hook))
  })

export const toExit = <A, E>(outcome: Either.Either<A, E>): Exit.Exit<A, E> =>
  Either.match(outcome, { onLeft: Exit.fail, onRight: Exit.succeed })
