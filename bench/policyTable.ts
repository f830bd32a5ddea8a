/**
 * Measures polling policies by running them under `TestClock` against a simulated operation: the table of
 * docs/polling.md and figure 7. Docs and bench code, not part of the runtime package.
 *
 * Definitions (docs/polling.md repeats them):
 * - An operation of duration D is done from time D on. The first poll is at 0; then the policy's delays
 *   apply, until a poll at a time >= D sees it done.
 * - requests(D): polls made, counting the first and the one that sees done.
 * - detection(D): time of that poll − D.
 * - worst-case detection(D): the length of the gap between polls that contains D, t_k − t_(k−1) where
 *   t_(k−1) < D <= t_k. It is the supremum of detection delays over all finish times in that gap (finishing
 *   just after t_(k−1) is seen only at t_k), so it does not depend on where in the gap D happens to fall.
 * - A policy that stops before a poll at >= D gave up.
 * Jittered policies run with `Random.make(seed)`; a table cell aggregates a list of seeds.
 *
 * Two runners give the same poll times (a test checks it poll for poll): `run` is `Effect.repeat` of a
 * poll under `TestClock`, faithful but slow in real time (TestClock yields to the event loop around every
 * sleep); `timeline` steps the schedule itself, as `Effect.repeat` does when polls take no
 * time, and is what the table and the sweeps use.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import type * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import * as TestClock from "effect/TestClock"
import * as TestContext from "effect/TestContext"
import * as Policy from "@longrunning/polling/Policy"

/** Polls of one simulated run, in milliseconds since the first poll. */
export interface Run {
  readonly pollTimes: ReadonlyArray<number>
  /** The policy stopped before a poll at or after the horizon. */
  readonly gaveUp: boolean
}

const randomOf = (seed: number | Random.Random): Random.Random =>
  typeof seed === "number" ? Random.make(seed) : seed

// Far beyond any delay a policy here can choose; a run that needs more is reported as a defect.
const slackMillis = 24 * 60 * 60 * 1000

/**
 * Runs `policy` under a fresh `TestClock` against an operation that is done at `horizonMillis`, with
 * jitter drawn from `Random.make(seed)`.
 */
export const run = (
  policy: Schedule.Schedule<Duration.Duration, unknown>,
  options: { readonly horizonMillis: number; readonly seed: number | Random.Random }
): Effect.Effect<Run> =>
  Effect.gen(function*() {
    const pollTimes: Array<number> = []
    const start = yield* Clock.currentTimeMillis
    const poll = Effect.map(Clock.currentTimeMillis, (now) => {
      pollTimes.push(now - start)
      return now - start >= options.horizonMillis
    })
    const fiber = yield* Effect.fork(Effect.repeat(poll, { schedule: policy, until: (done) => done }))
    yield* TestClock.adjust(Duration.millis(options.horizonMillis + slackMillis))
    const exit = yield* Fiber.poll(fiber)
    if (Option.isNone(exit)) {
      yield* Fiber.interrupt(fiber)
      return yield* Effect.dieMessage(`policy did not reach ${options.horizonMillis} ms within a day of slack`)
    }
    const last = pollTimes[pollTimes.length - 1]
    return { pollTimes, gaveUp: last === undefined || last < options.horizonMillis }
  }).pipe(Effect.withRandom(randomOf(options.seed)), Effect.provide(TestContext.TestContext))

/**
 * Steps `policy` from time 0 with polls taking no time, until a poll at or after `horizonMillis` or until
 * the policy stops, with jitter drawn from `Random.make(seed)`.
 */
export const timeline = (
  policy: Schedule.Schedule<Duration.Duration, unknown>,
  options: { readonly horizonMillis: number; readonly seed: number | Random.Random }
): Effect.Effect<Run> =>
  Effect.gen(function*() {
    const pollTimes: Array<number> = [0]
    let now = 0
    let state: unknown = policy.initial
    while (now < options.horizonMillis) {
      const [next, , decision] = yield* policy.step(now, undefined, state)
      if (ScheduleDecision.isDone(decision)) return { pollTimes, gaveUp: true }
      state = next
      now = ScheduleIntervals.start(decision.intervals)
      pollTimes.push(now)
    }
    return { pollTimes, gaveUp: false }
  }).pipe(Effect.withRandom(randomOf(options.seed)))

/** What a run shows about an operation of one duration. */
export interface Measure {
  readonly requests: number
  readonly detectionMillis: number
  readonly worstDetectionMillis: number
}

/** Reads requests and detection delays for an operation of `durationMillis` off a run's poll times. */
export const measure = (pollTimes: ReadonlyArray<number>, durationMillis: number): Option.Option<Measure> => {
  const k = pollTimes.findIndex((time) => time >= durationMillis)
  if (k < 0) return Option.none()
  const seen = pollTimes[k]
  return Option.some({
    requests: k + 1,
    detectionMillis: seen - durationMillis,
    worstDetectionMillis: k === 0 ? 0 : seen - pollTimes[k - 1]
  })
}

/** Runs `policy` under `TestClock` against an operation of `durationMillis` and measures it (`None`: it gave up). */
export const simulate = (
  policy: Schedule.Schedule<Duration.Duration, unknown>,
  options: { readonly durationMillis: number; readonly seed: number }
): Effect.Effect<Option.Option<Measure>> =>
  Effect.map(
    run(policy, { horizonMillis: options.durationMillis, seed: options.seed }),
    (result) => measure(result.pollTimes, options.durationMillis)
  )

/** One cell of the table: a policy against one duration, over several seeds. */
export interface Cell {
  readonly requestsMin: number
  readonly requestsMax: number
  readonly worstDetectionMillis: number
  /** Seeds under which the policy gave up before the operation was done. */
  readonly gaveUp: number
}

/** A named policy for the table. */
export interface Entry {
  readonly name: string
  readonly policy: Schedule.Schedule<Duration.Duration, unknown>
}

/** The durations of the table, in milliseconds. */
export const durations: ReadonlyArray<number> = [2, 10, 30, 90, 300, 1800, 7200].map((seconds) => seconds * 1000)

/** The seeds of the table. */
export const seeds: ReadonlyArray<number> = Array.from({ length: 16 }, (_, i) => i + 1)

/** Simulates every policy against every duration under every seed. */
export const table = (
  entries: ReadonlyArray<Entry>,
  options: { readonly durations: ReadonlyArray<number>; readonly seeds: ReadonlyArray<number> }
): Effect.Effect<ReadonlyArray<ReadonlyArray<Cell>>> =>
  Effect.forEach(entries, (entry) =>
    Effect.map(
      Effect.forEach(
        options.seeds,
        (seed) => timeline(entry.policy, { horizonMillis: Math.max(...options.durations), seed })
      ),
      (runs) =>
        options.durations.map((durationMillis): Cell => {
          const measures = runs.map((result) => measure(result.pollTimes, durationMillis))
          const seen = measures.flatMap((measure) => Option.toArray(measure))
          return {
            requestsMin: Math.min(...seen.map((m) => m.requests)),
            requestsMax: Math.max(...seen.map((m) => m.requests)),
            worstDetectionMillis: Math.max(...seen.map((m) => m.worstDetectionMillis)),
            gaveUp: measures.length - seen.length
          }
        })
    ))

const formatDuration = (millis: number): string =>
  millis < 60_000 ? `${millis / 1000} s` : millis < 3_600_000 ? `${millis / 60_000} min` : `${millis / 3_600_000} h`

const formatSeconds = (millis: number): string => `${(millis / 1000).toFixed(1)} s`

const formatCell = (cell: Cell): string => {
  if (cell.gaveUp > 0) return "gives up"
  const requests = cell.requestsMin === cell.requestsMax ? `${cell.requestsMin}` : `${cell.requestsMin}–${cell.requestsMax}`
  return `${requests} / ${formatSeconds(cell.worstDetectionMillis)}`
}

/** The table as markdown: one row per duration, one column per policy, cells "requests / worst-case detection". */
export const markdown = (
  entries: ReadonlyArray<Entry>,
  options: { readonly durations: ReadonlyArray<number> },
  cells: ReadonlyArray<ReadonlyArray<Cell>>
): string => {
  const header = `| operation | ${entries.map((entry) => entry.name).join(" | ")} |`
  const rule = `|---|${entries.map(() => "---").join("|")}|`
  const rows = options.durations.map((durationMillis, row) =>
    `| ${formatDuration(durationMillis)} | ${cells.map((column) => formatCell(column[row])).join(" | ")} |`
  )
  return [header, rule, ...rows].join("\n")
}

/** Our default policy and the three Google clients it is compared with. */
export const standardEntries: ReadonlyArray<Entry> = [
  { name: "ours (`defaultPolicy`)", policy: Policy.defaultPolicy },
  { name: "gax (`gaxCompatible`)", policy: Policy.gaxCompatible },
  { name: "api-core (`apiCoreCompatible`)", policy: Policy.apiCoreCompatible },
  { name: "Go (`goCompatible`)", policy: Policy.goCompatible }
]

/** The table of docs/polling.md. */
export const standardMarkdown: Effect.Effect<string> = Effect.map(
  table(standardEntries, { durations, seeds }),
  (cells) => markdown(standardEntries, { durations }, cells)
)
