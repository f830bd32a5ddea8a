/**
 * Figure 6, in its own process: 1,000 operations watched with `watchAll` while the emulator answers 503 for
 * a while, then recovers; and a window of 429 with RetryInfo. Real time, scaled down by `scale`: every
 * duration of the scenario and of the policy is divided by it (the default policy's shape is kept:
 * `proportional({ initial: 1 s / scale, multiplier: 1.23, max: 60 s / scale })`, and the failure backoff's cap,
 * `Policy.defaultFailureBackoff` / scale).
 */
import * as OperationPoller from "@longrunning/polling/OperationPoller"
import * as Policy from "@longrunning/polling/Policy"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Random from "effect/Random"
import * as Stream from "effect/Stream"
import { runtime } from "./clients.js"
import { type Child, sleep, spawn } from "./lib.js"

type Logged = readonly [path: string, time: number, fault: string | null]

export interface StormRun {
  readonly requestsInWindow: number
  readonly failed: number
  /** Per operation: the first successful poll after the storm ended, minus that end (ms). */
  readonly resumeMillis: ReadonlyArray<number>
  readonly resumed: number
}

export interface StormResult {
  readonly scale: number
  readonly operations: number
  readonly warmMillis: number
  readonly stormMillis: number
  readonly capMillis: number
  readonly control: StormRun
  readonly storm: StormRun
  readonly rateRatio: number
  readonly maxResumeMillis: number
  readonly rateLimited: {
    readonly operations: number
    readonly retryAfterMillis: number
    readonly answered429: number
    readonly earlyRequests: number
    readonly minGapAfter429Millis: number
  }
}

/** The default failure backoff's cap, scaled as the policy is. */
const backoff = (scale: number) => Duration.millis(Duration.toMillis(Policy.defaultFailureBackoff) / scale)

const policy = (scale: number) =>
  Policy.proportional({ initial: `${1000 / scale} millis`, multiplier: 1.23, max: `${60_000 / scale} millis` })

/** Watches `names` for `totalMillis`, injecting the fault `injectAt` after the start; returns what it saw. */
const watchRun = async (options: {
  readonly emulator: Child
  readonly url: string
  readonly names: ReadonlyArray<string>
  readonly scale: number
  readonly warmMillis: number
  readonly stormMillis: number
  readonly fault: "unavailable" | "none"
  readonly untilResumedMillis: number
  readonly seed: number
}): Promise<StormRun & { readonly log: ReadonlyArray<Logged> }> => {
  const { emulator, names, scale } = options
  await emulator.ask("clearRequests", "cleared")
  const rt = runtime(options.url, { connections: 16 })
  let failed = 0
  let stormEnd = Infinity
  const resumed = new Map<string, number>()
  const start = Date.now()
  const watching = rt.runFork(
    OperationPoller.watchAll(names, {
      concurrency: 16,
      schedule: policy(scale),
      spread: `${1000 / scale} millis`,
      timeout: `${300_000 / scale} millis`,
      failureBackoff: backoff(scale)
    })
      .pipe(
        Stream.runForEach((event) =>
          Effect.sync(() => {
            if (event._tag === "WatchFailed") failed++
            else if (Date.now() >= stormEnd && !resumed.has(event.name)) resumed.set(event.name, Date.now() - stormEnd)
          })
        ),
        Effect.withRandom(Random.make(options.seed)),
        Effect.timeout(`${options.warmMillis + options.stormMillis + options.untilResumedMillis} millis`),
        Effect.ignore
      )
  )
  await sleep(options.warmMillis)
  const stormStart = Date.now()
  if (options.fault === "unavailable") {
    await emulator.ask({ inject: "unavailable", duringMillis: options.stormMillis }, "injected")
  }
  await sleep(stormStart + options.stormMillis - Date.now())
  stormEnd = Date.now()
  // Wait until every watch has polled successfully since, or the limit.
  while (resumed.size < names.length && Date.now() - stormEnd < options.untilResumedMillis) await sleep(50)
  // The watches end before their client does: disposing the runtime first closes the HTTP client under them,
  // and the failures that follow ("the client is destroyed") are teardown, not the storm.
  await rt.runPromise(Fiber.interrupt(watching))
  await rt.dispose()
  const { requests } = await emulator.ask<{ requests: Array<Logged> }>("requests", "requests")
  return {
    requestsInWindow: requests.filter(([, time]) => time >= stormStart && time < stormStart + options.stormMillis).length,
    failed,
    resumeMillis: [...resumed.values()],
    resumed: resumed.size,
    log: requests.map((r) => [r[0], r[1] - start, r[2]] as const)
  }
}

export const main = async (options: { readonly scale: number; readonly operations: number }): Promise<StormResult> => {
  const { scale } = options
  const { child: emulator, ready } = await spawn<{ url: string }>("servers/emulator.ts")
  const { names } = await emulator.ask<{ names: Array<string> }>(
    { create: { count: options.operations, afterMillis: 3_600_000, spreadMillis: 0 } },
    "names"
  )
  const warmMillis = 20_000 / scale
  const stormMillis = 60_000 / scale
  const capMillis = 60_000 / scale
  const common = { emulator, url: ready.url, names, scale, warmMillis, stormMillis, seed: 7 }
  const control = await watchRun({ ...common, fault: "none", untilResumedMillis: 0 })
  const storm = await watchRun({ ...common, fault: "unavailable", untilResumedMillis: capMillis + 2000 })

  // 429 with RetryInfo: a fresh set of operations, a window of refusals, then check every gap.
  const retryAfterMillis = 2000
  const rlNames = names.slice(0, 200)
  await emulator.ask("clearRequests", "cleared")
  const rt = runtime(ready.url, { connections: 16 })
  const watching = rt.runPromise(
    OperationPoller.watchAll(rlNames, {
      concurrency: 16,
      schedule: policy(scale),
      spread: `${1000 / scale} millis`,
      failureBackoff: backoff(scale)
    }).pipe(
      Stream.runDrain,
      Effect.timeout(`${2000 + 3000 + 2 * retryAfterMillis + 1000} millis`),
      Effect.ignore
    )
  )
  await sleep(2000)
  await emulator.ask({ inject: "rateLimited", retryAfterMillis, duringMillis: 3000 }, "injected")
  await watching
  await rt.dispose()
  const { requests } = await emulator.ask<{ requests: Array<Logged> }>("requests", "requests")
  let answered429 = 0
  let earlyRequests = 0
  let minGap = Infinity
  const byPath = new Map<string, Array<Logged>>()
  for (const r of requests) byPath.set(r[0], [...(byPath.get(r[0]) ?? []), r])
  for (const list of byPath.values()) {
    list.sort((a, b) => a[1] - b[1])
    list.forEach((r, i) => {
      if (r[2] !== "Answer") return
      answered429++
      const next = list[i + 1]
      if (next === undefined) return
      const gap = next[1] - r[1]
      minGap = Math.min(minGap, gap)
      if (gap < retryAfterMillis) earlyRequests++
    })
  }
  await emulator.stop()
  const { log: _c, ...controlRun } = control
  const { log: _s, ...stormRun } = storm
  return {
    scale,
    operations: names.length,
    warmMillis,
    stormMillis,
    capMillis,
    control: controlRun,
    storm: stormRun,
    rateRatio: storm.requestsInWindow / control.requestsInWindow,
    maxResumeMillis: storm.resumed < names.length ? Infinity : Math.max(...storm.resumeMillis),
    rateLimited: { operations: rlNames.length, retryAfterMillis, answered429, earlyRequests, minGapAfter429Millis: minGap }
  }
}

if (process.argv[2] === "--child") {
  const result = await main({ scale: Number(process.argv[3]), operations: Number(process.argv[4]) })
  process.send?.({ result: { ...result, storm: { ...result.storm, resumeMillis: [] }, control: { ...result.control, resumeMillis: [] } } })
  process.disconnect?.()
}
