import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/TestClock"
import * as fs from "node:fs"
import { Code } from "@longrunning/schema"
import * as Policy from "../src/Policy.js"
import * as Fake from "./fake.js"
import * as PolicyTable from "../../../bench/policyTable.js"

const second = 1000
const minute = 60 * second
const hour = 60 * minute

const seeds = [1, 2, 3, 4, 5, 6, 7, 8]

const measured = (pollTimes: ReadonlyArray<number>, durationMillis: number): PolicyTable.Measure =>
  Option.getOrElse(
    PolicyTable.measure(pollTimes, durationMillis),
    () => assert.fail(`no poll at or after ${durationMillis} ms`)
  )

const timeline = (policy: Policy.Policy, seed: number | Random.Random, horizonMillis = 2 * hour) =>
  Effect.map(PolicyTable.timeline(policy, { horizonMillis, seed }), (run) => run.pollTimes)

/**
 * Compares ours with gax for every operation duration D in [from, to], not only sampled ones: both
 * requests(D) and worst-case detection(D) are constant on each (b_i, b_(i+1)] between consecutive poll
 * times of either schedule (whole milliseconds), so checking D = b and D = b + 1 for every poll time b
 * covers every piece.
 */
const compareEverywhere = (
  ours: ReadonlyArray<number>,
  gax: ReadonlyArray<number>,
  from: number,
  to: number
) => {
  let fewestSaved = Infinity
  let mostLater = -Infinity
  const points = [from, ...ours, ...gax].filter((b) => b >= from && b <= to)
  for (const b of points) {
    for (const duration of [b, b + 1]) {
      if (duration > to) continue
      const o = measured(ours, duration)
      const g = measured(gax, duration)
      fewestSaved = Math.min(fewestSaved, g.requests - o.requests)
      mostLater = Math.max(mostLater, o.worstDetectionMillis - g.worstDetectionMillis)
    }
  }
  return { fewestSaved, mostLater }
}

/** The fine sweep of the brief: every 1 s from 10 s to 10 min, then every 10 s to 2 h. */
const sweep: ReadonlyArray<number> = [
  ...Array.from({ length: 591 }, (_, i) => 10 * second + i * second),
  ...Array.from({ length: 660 }, (_, i) => 10 * minute + (i + 1) * 10 * second)
]

/** Peak-to-mean of poll counts per 100 ms bucket in [from, to), leaving out each watcher's first two polls. */
const peakToMean = (runs: ReadonlyArray<ReadonlyArray<number>>, from: number, to: number): number => {
  const buckets = new Array<number>(Math.round((to - from) / 100)).fill(0)
  let total = 0
  for (const times of runs) {
    for (const time of times.slice(2)) {
      if (time >= from && time < to) {
        buckets[Math.floor((time - from) / 100)] += 1
        total += 1
      }
    }
  }
  return Math.max(...buckets) / (total / buckets.length)
}

describe("Policy", () => {
  describe("poll times under TestClock (pinned)", () => {
    it.effect("gaxCompatible: 100 ms ×1.3, no jitter", () =>
      Effect.gen(function*() {
        const run = yield* PolicyTable.run(Policy.gaxCompatible, { horizonMillis: 10 * second, seed: 1 })
        assert.deepStrictEqual(run.pollTimes, [
          0, 100, 230, 399, 619, 905, 1276, 1759, 2386, 3202, 4262, 5641, 7433, 9763, 12792
        ])
        assert.isFalse(run.gaveUp)
        const requests = yield* Effect.forEach([30 * second, 90 * second, 5 * minute, 30 * minute, 2 * hour], (d) =>
          Effect.map(PolicyTable.simulate(Policy.gaxCompatible, { durationMillis: d, seed: 1 }), Option.getOrThrow))
        assert.deepStrictEqual(requests.map((m) => m.requests), [19, 23, 28, 53, 143])
        assert.deepStrictEqual(requests.map((m) => m.worstDetectionMillis), [8650, 24706, 60000, 60000, 60000])
      }))

    it.effect("defaultPolicy without staggering: 1 s ×1.23 measured on the clock", () =>
      Effect.gen(function*() {
        const unstaggered = Policy.proportional({
          initial: "1 second",
          multiplier: 1.23,
          max: "60 seconds",
          stagger: false
        })
        const run = yield* PolicyTable.run(unstaggered, { horizonMillis: 30 * second, seed: 1 })
        assert.deepStrictEqual(run.pollTimes, [0, 1000, 2230, 3743, 5604, 7893, 10708, 14171, 18430, 23669, 30113])
      }))

    it.effect("defaultPolicy, seed 1: staggered first delay, then deterministic", () =>
      Effect.gen(function*() {
        const run = yield* PolicyTable.run(Policy.defaultPolicy, { horizonMillis: 30 * second, seed: 1 })
        assert.deepStrictEqual(run.pollTimes, [0, 526, 1647, 3026, 4722, 6808, 9374, 12530, 16412, 21187, 27060, 34284])
        const at = (d: number) =>
          Effect.map(PolicyTable.simulate(Policy.defaultPolicy, { durationMillis: d, seed: 1 }), Option.getOrThrow)
        const rows = yield* Effect.forEach([10 * second, 30 * second, 90 * second, 5 * minute, 30 * minute, 2 * hour], at)
        assert.deepStrictEqual(rows.map((m) => m.requests), [8, 12, 17, 22, 47, 137])
        assert.deepStrictEqual(rows.map((m) => m.detectionMillis), [2530, 4284, 14412, 1844, 1844, 1844])
        assert.deepStrictEqual(rows.map((m) => m.worstDetectionMillis), [3156, 7224, 20337, 57255, 60000, 60000])
      }))

    it.effect("defaultPolicy: the stagger's extremes differ by one poll", () =>
      Effect.gen(function*() {
        const earliest = yield* timeline(Policy.defaultPolicy, Random.fixed([0]), 30 * second)
        const latest = yield* timeline(Policy.defaultPolicy, Random.fixed([0.999999]), 30 * second)
        assert.deepStrictEqual(earliest, [0, 474, 1583, 2947, 4625, 6689, 9227, 12349, 16189, 20912, 26722, 33868])
        // the same poll times, one step later: the phase is all the stagger changes
        assert.deepStrictEqual(latest, [0, ...earliest.slice(2)])
      }))

    it.effect("goCompatible and apiCoreCompatible, seed 1", () =>
      Effect.gen(function*() {
        const go = yield* PolicyTable.run(Policy.goCompatible, { horizonMillis: 40 * second, seed: 1 })
        assert.deepStrictEqual(go.pollTimes, [0, 948, 1243, 4845, 10065, 16904, 22511, 43071])
        const apiCore = yield* PolicyTable.run(Policy.apiCoreCompatible, { horizonMillis: 12 * second, seed: 1 })
        assert.deepStrictEqual(apiCore.pollTimes, [0, 948, 1169, 3195, 5397, 7561, 8892, 12795])
      }))

    it.effect("apiCoreCompatible gives up: no poll is scheduled past 900 s", () =>
      Effect.gen(function*() {
        const run = yield* PolicyTable.run(Policy.apiCoreCompatible, { horizonMillis: 30 * minute, seed: 1 })
        assert.isTrue(run.gaveUp)
        assert.deepStrictEqual(run.pollTimes.slice(-3), [891415, 892448, 894944])
        assert.strictEqual(run.pollTimes.length, 93)
        const forever = yield* PolicyTable.run(Policy.apiCoreDelays, { horizonMillis: 30 * minute, seed: 1 })
        assert.isFalse(forever.gaveUp)
        assert.deepStrictEqual(forever.pollTimes.slice(0, 93), run.pollTimes)
      }))

    it.effect("the fast runner gives the same poll times as Effect.repeat under TestClock", () =>
      Effect.gen(function*() {
        const policies = [Policy.defaultPolicy, Policy.gaxCompatible, Policy.apiCoreCompatible, Policy.goCompatible]
        for (const policy of policies) {
          for (const seed of [1, 2]) {
            const slow = yield* PolicyTable.run(policy, { horizonMillis: 30 * minute, seed })
            const fast = yield* PolicyTable.timeline(policy, { horizonMillis: 30 * minute, seed })
            assert.deepStrictEqual(fast, slow)
          }
        }
      }), 30_000)
  })

  describe("the requirement: fewer requests than gax, detection at most 1 s later", () => {
    it.effect("every table row, several seeds", () =>
      Effect.gen(function*() {
        const gax = yield* timeline(Policy.gaxCompatible, 1)
        for (const seed of seeds) {
          const ours = yield* timeline(Policy.defaultPolicy, seed)
          for (const d of [10 * second, 30 * second, 90 * second, 5 * minute, 30 * minute, 2 * hour]) {
            const o = measured(ours, d)
            const g = measured(gax, d)
            assert.isBelow(o.requests, g.requests, `seed ${seed}, ${d} ms`)
            assert.isAtMost(o.worstDetectionMillis, g.worstDetectionMillis + 1000, `seed ${seed}, ${d} ms`)
          }
        }
      }))

    it.effect("the fine sweep from 10 s to 2 h, several seeds", () =>
      Effect.gen(function*() {
        const gax = yield* timeline(Policy.gaxCompatible, 1)
        for (const seed of seeds) {
          const ours = yield* timeline(Policy.defaultPolicy, seed)
          for (const d of sweep) {
            const o = measured(ours, d)
            const g = measured(gax, d)
            if (!(o.requests < g.requests && o.worstDetectionMillis <= g.worstDetectionMillis + 1000)) {
              assert.fail(`seed ${seed}, ${d} ms: ours ${JSON.stringify(o)}, gax ${JSON.stringify(g)}`)
            }
          }
        }
      }))

    it.effect("every duration from 10 s to 2 h, exactly, at the stagger's extremes and for many seeds", () =>
      Effect.gen(function*() {
        const gax = yield* timeline(Policy.gaxCompatible, 1)
        const randoms = [Random.fixed([0]), Random.fixed([0.5]), Random.fixed([0.999999]), ...seeds.map(Random.make)]
        let fewestSaved = Infinity
        let mostLater = -Infinity
        for (const random of randoms) {
          const ours = yield* timeline(Policy.defaultPolicy, random)
          const result = compareEverywhere(ours, gax, 10 * second, 2 * hour)
          fewestSaved = Math.min(fewestSaved, result.fewestSaved)
          mostLater = Math.max(mostLater, result.mostLater)
        }
        // at least 5 requests fewer, and at most 892 ms later in the worst case
        assert.strictEqual(fewestSaved, 5)
        assert.isAtMost(mostLater, 1000)
        assert.strictEqual(mostLater, 892)
      }))

    it.effect("the bound behind it: after a poll at t the gap is at most min(60 s, 1 s + 0.23 t)", () =>
      Effect.gen(function*() {
        const gax = yield* timeline(Policy.gaxCompatible, 1)
        // gax's gap over a poll interval starting at or before t is at least min(60 s, 0.2308 t + 77 ms)
        for (let k = 1; k + 1 < gax.length; k++) {
          const gap = gax[k + 1] - gax[k]
          assert.isAtLeast(gap, Math.min(60_000, 0.2308 * gax[k + 1] + 76) - 10)
        }
        for (const seed of seeds) {
          const ours = yield* timeline(Policy.defaultPolicy, seed)
          for (let k = 1; k + 1 < ours.length; k++) {
            assert.isAtMost(ours[k + 1] - ours[k], Math.min(60_000, Math.round(1000 + 0.23 * ours[k])))
          }
        }
      }))
  })

  describe("jitter", () => {
    it.effect("1,000 watchers started together do not poll in lock-step", () =>
      Effect.gen(function*() {
        const watchers = Array.from({ length: 1000 }, (_, i) => i + 1)
        const ours = yield* Effect.forEach(watchers, (seed) => timeline(Policy.defaultPolicy, seed, 15 * second))
        // the 5th polls spread over about 2 s: many distinct instants, none shared by more than a few
        const fifth = new Map<number, number>()
        for (const times of ours) fifth.set(times[4], (fifth.get(times[4]) ?? 0) + 1)
        assert.isAbove(fifth.size, 500)
        assert.isAtMost(Math.max(...fifth.values()), 6)
        const ratio = peakToMean(ours, 5 * second, 15 * second)
        assert.isAtMost(ratio, 2)
        // the metric can fail: gax polls in lock-step, and a ×[0.8, 1] jitter still bunches polls in waves
        const gax = yield* Effect.forEach(watchers, (seed) => timeline(Policy.gaxCompatible, seed, 15 * second))
        assert.isAbove(peakToMean(gax, 5 * second, 15 * second), 20)
        const mild = Policy.exponential({ initial: "1 second", multiplier: 1.3, max: "60 seconds", jitter: 0.2 })
        const waves = yield* Effect.forEach(watchers, (seed) => timeline(mild, seed, 15 * second))
        assert.isAbove(peakToMean(waves, 5 * second, 15 * second), 3)
      }))

    it.effect("watchers enter the 60 s cadence spread over the whole minute", () =>
      Effect.gen(function*() {
        const phases = yield* Effect.forEach(
          Array.from({ length: 200 }, (_, i) => i + 1),
          (seed) => Effect.map(timeline(Policy.defaultPolicy, seed, hour), (times) => times[times.length - 1] % 60_000)
        )
        const tenSecondSlots = new Set(phases.map((phase) => Math.floor(phase / 10_000)))
        assert.strictEqual(tenSecondSlots.size, 6)
      }))

    it.effect("jitter stays in its bounds", () =>
      Effect.gen(function*() {
        const mild = Policy.exponential({ initial: "10 seconds", multiplier: 1, max: "10 seconds", jitter: 0.2 })
        const times = yield* timeline(mild, 3, 10 * minute)
        const gaps = times.slice(1).map((time, i) => time - times[i])
        assert.isAtLeast(Math.min(...gaps), 8000)
        assert.isAtMost(Math.max(...gaps), 10_000)
        assert.isAbove(new Set(gaps).size, 30)
      }))
  })

  describe("hints", () => {
    it.effect("respectHints cuts a hint to its cap and ignores endless ones", () =>
      Effect.gen(function*() {
        const hints = [Duration.seconds(1_000_000_000), Duration.infinity, Duration.seconds(5), Duration.seconds(90)]
        const policy = Policy.fixed("1 second").pipe(
          Policy.respectHints((hint: Duration.Duration) => Option.some(hint), { max: "60 seconds" })
        )
        const delays = yield* Schedule.run(policy, 0, hints)
        assert.deepStrictEqual(Array.from(delays).map(Duration.toMillis), [60_000, 1000, 5000, 60_000])
        const byDefault = yield* Schedule.run(
          Policy.fixed("1 second").pipe(Policy.respectHints((hint: Duration.Duration) => Option.some(hint))),
          0,
          [Duration.seconds(315_576_000_000)]
        )
        assert.deepStrictEqual(Array.from(byDefault).map(Duration.toMillis), [Duration.toMillis(Policy.defaultMaxHint)])
      }))

    it.effect("backoffOnFailure doubles the gap per failure in a row up to its cap; an answer resets it", () =>
      Effect.gen(function*() {
        const operation = { _tag: "Running", name: "op" } as const
        const answered: Policy.PollOutcome = { _tag: "Answered", operation, polls: 1, remaining: Duration.infinity }
        const failed: Policy.PollOutcome = {
          _tag: "Failed",
          error: Fake.apiError("op", Code.codes.UNAVAILABLE).error,
          last: Option.none(),
          polls: 1,
          remaining: Duration.infinity
        }
        const policy = Policy.fixed("1 second").pipe(Policy.backoffOnFailure("5 seconds"))
        const delays = yield* Schedule.run(policy, 0, [answered, failed, failed, failed, failed, answered, failed])
        assert.deepStrictEqual(Array.from(delays).map(Duration.toMillis), [1000, 2000, 4000, 5000, 5000, 1000, 2000])
        // a backed-off gap past the remaining time falls back to the schedule's own
        const late = yield* Schedule.run(policy, 0, [failed, { ...failed, remaining: Duration.seconds(3) }])
        assert.deepStrictEqual(Array.from(late).map(Duration.toMillis), [2000, 1000])
      }))

    it.effect("whileRetryable stops after an error polling cannot fix", () =>
      Effect.gen(function*() {
        const failure = (code: number): Policy.PollOutcome => ({
          _tag: "Failed",
          error: Fake.apiError("op", code).error,
          last: Option.none(),
          polls: 1,
          remaining: Duration.infinity
        })
        const policy = Policy.fixed("1 second").pipe(Policy.whileRetryable)
        const delays = yield* Schedule.run(policy, 0, [
          failure(Code.codes.UNAVAILABLE),
          failure(Code.codes.RESOURCE_EXHAUSTED),
          failure(Code.codes.PERMISSION_DENIED),
          failure(Code.codes.UNAVAILABLE)
        ])
        // Schedule.run keeps the output of the step that stopped: two recurrences, then the stop
        assert.strictEqual(Array.from(delays).length, 3)
      }))

    it.effect("respectHints: a poll that returns a hint delays the next poll at least that long", () =>
      Effect.gen(function*() {
        const times: Array<number> = []
        const answers = [Option.none(), Option.some(Duration.seconds(30)), Option.some(Duration.millis(10)), Option.none()]
        const poll = Effect.map(Clock.currentTimeMillis, (now) => {
          times.push(now)
          return answers[times.length - 1] ?? Option.none<Duration.Duration>()
        })
        const policy = Policy.fixed("1 second").pipe(
          Policy.respectHints((hint: Option.Option<Duration.Duration>) => hint)
        )
        const fiber = yield* Effect.fork(Effect.repeat(poll, { schedule: policy, until: () => times.length >= 5 }))
        yield* TestClock.adjust("1 minute")
        yield* Fiber.join(fiber)
        assert.deepStrictEqual(times, [0, 1000, 31000, 32000, 33000])
      }))

    it.effect("after a long hint, the default policy resumes from the elapsed time", () =>
      Effect.gen(function*() {
        const times: Array<number> = []
        const poll = Effect.map(Clock.currentTimeMillis, (now) => {
          times.push(now)
          return times.length === 2 ? Option.some(Duration.seconds(100)) : Option.none<Duration.Duration>()
        })
        const policy = Policy.proportional({ initial: "1 second", multiplier: 1.23, max: "60 seconds", stagger: false })
          .pipe(Policy.respectHints((hint: Option.Option<Duration.Duration>) => hint, { max: "2 minutes" }))
        const fiber = yield* Effect.fork(Effect.repeat(poll, { schedule: policy, until: () => times.length >= 4 }))
        yield* TestClock.adjust("10 minutes")
        yield* Fiber.join(fiber)
        // 1 s, then the 100 s hint, then 1 s + 0.23 × 101 s = 24.23 s
        assert.deepStrictEqual(times, [0, 1000, 101000, 125230])
      }))
  })

  describe("constructors and combinators", () => {
    it.effect("fixed and giveUpAfter", () =>
      Effect.gen(function*() {
        const run = yield* PolicyTable.run(Policy.fixed("100 seconds").pipe(Policy.giveUpAfter("250 seconds")), {
          horizonMillis: hour,
          seed: 1
        })
        assert.deepStrictEqual(run.pollTimes, [0, 100_000, 200_000])
        assert.isTrue(run.gaveUp)
      }))

    it.effect("exponential caps its delays", () =>
      Effect.gen(function*() {
        const times = yield* timeline(Policy.exponential({ initial: "1 second", multiplier: 2, max: "5 seconds" }), 1, 20_000)
        assert.deepStrictEqual(times, [0, 1000, 3000, 7000, 12000, 17000, 22000])
      }))

    it.effect("the schedule's output is the delay it chose", () =>
      Effect.gen(function*() {
        const delays = yield* Schedule.run(Policy.gaxCompatible, 0, [1, 2, 3, 4])
        assert.deepStrictEqual(Array.from(delays).map(Duration.toMillis), [100, 130, 169, 220])
      }))

    it("invalid options are refused", () => {
      assert.throws(() => Policy.exponential({ initial: "1 second", multiplier: 2, max: "5 seconds", jitter: 2 }), /jitter/)
      assert.throws(() => Policy.exponential({ initial: "1 second", multiplier: 0.5, max: "5 seconds" }), /multiplier/)
      assert.throws(() => Policy.proportional({ initial: 0, multiplier: 1.2, max: "5 seconds" }), /initial/)
      assert.throws(() => Policy.fixed(-1), /interval/)
    })
  })

  describe("docs/polling.md", () => {
    it.effect("holds the table the generator computes", () =>
      Effect.gen(function*() {
        const generated = yield* PolicyTable.standardMarkdown
        const doc = yield* Effect.sync(() =>
          fs.readFileSync(new URL("../../../docs/polling.md", import.meta.url), "utf8")
        )
        const match = /<!-- policy-table:start -->\n([\s\S]*?)\n<!-- policy-table:end -->/.exec(doc)
        assert.isNotNull(match, "the doc lost its policy-table markers")
        assert.strictEqual(match?.[1], generated)
      }))
  })
})
