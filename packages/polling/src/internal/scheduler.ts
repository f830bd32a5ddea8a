import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Queue from "effect/Queue"
import type * as Schedule from "effect/Schedule"
import * as Intervals from "effect/ScheduleIntervals"
import * as ScheduleDecision from "effect/ScheduleDecision"
import type * as Scope from "effect/Scope"

/** The longest timer Node can set (2^31 - 1 ms); Effect treats a longer sleep as endless. */
export const maxTimerMillis = 2 ** 31 - 1

/** Sleeps until `at` (epoch ms on the Clock), in steps no timer refuses. */
export const sleepUntil = (at: number): Effect.Effect<void> =>
  Effect.flatMap(Clock.currentTimeMillis, (now) =>
    now >= at
      ? Effect.void
      : Effect.zipRight(Effect.sleep(Duration.millis(Math.min(at - now, maxTimerMillis))), sleepUntil(at)))

/**
 * One step of a polling policy, shared by `watch` and `watchAll`: feed the schedule the time, what the poll
 * gave and its state; get the time of the next poll, or None when the schedule is done. Nothing here sleeps
 * or forks: a watch costs only the state it keeps.
 */
export const nextPollAt = <Out, In>(
  schedule: Schedule.Schedule<Out, In>,
  state: unknown,
  now: number,
  input: In
): Effect.Effect<Option.Option<readonly [state: unknown, at: number]>> =>
  Effect.map(schedule.step(now, input, state), ([next, _, decision]) =>
    ScheduleDecision.isDone(decision)
      ? Option.none()
      : Option.some([next, Intervals.start(decision.intervals)] as const))

/** A binary min-heap on `at`, for the due polls of many watches. */
export class DueHeap<A extends { at: number }> {
  private readonly items: Array<A> = []

  get size(): number {
    return this.items.length
  }

  peek(): A | undefined {
    return this.items[0]
  }

  push(item: A): void {
    const items = this.items
    items.push(item)
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (items[parent]!.at <= item.at) break
      items[i] = items[parent]!
      i = parent
    }
    items[i] = item
  }

  pop(): A | undefined {
    const items = this.items
    const top = items[0]
    const last = items.pop()
    if (top === undefined || last === undefined || items.length === 0) return top
    let i = 0
    const n = items.length
    for (;;) {
      const left = 2 * i + 1
      if (left >= n) break
      const right = left + 1
      const child = right < n && items[right]!.at < items[left]!.at ? right : left
      if (items[child]!.at >= last.at) break
      items[i] = items[child]!
      i = child
    }
    items[i] = last
    return top
  }
}

/** A shared request budget: refills `rate` per second and holds at most 100 ms worth (at least 1). */
export class TokenBucket {
  private readonly capacity: number
  private tokens: number
  private refilledAt: number

  constructor(private readonly rate: number | undefined, start: number) {
    this.capacity = rate === undefined ? Infinity : Math.max(1, rate / 10)
    this.tokens = this.capacity
    this.refilledAt = start
  }

  /** When a token is there to take (now, or later). */
  readyAt(now: number): number {
    const rate = this.rate
    if (rate === undefined) return now
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.refilledAt) * rate) / 1000)
    this.refilledAt = now
    return this.tokens >= 1 ? now : now + Math.ceil(((1 - this.tokens) * 1000) / rate)
  }

  take(): void {
    this.tokens -= 1
  }
}

// Timers are coalesced to this grid: 10,000 watches wake the scheduler at most 40 times a second.
const tick = 25

/**
 * Runs due polls off a heap with bounded concurrency and an optional request budget, until every entry has
 * ended: `poll(entry)` runs in a fiber of its own and answers whether the entry is due again (at its updated
 * `at`). No fiber per entry waits: an entry costs only itself.
 */
export const runDue = <A extends { at: number }>(options: {
  readonly entries: Iterable<A>
  readonly concurrency: number
  readonly requestsPerSecond: number | undefined
  readonly poll: (entry: A) => Effect.Effect<boolean>
}): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function*() {
    const concurrency = Math.max(1, options.concurrency)
    const heap = new DueHeap<A>()
    for (const entry of options.entries) heap.push(entry)
    const bucket = new TokenBucket(options.requestsPerSecond, yield* Clock.currentTimeMillis)
    const wake = yield* Queue.sliding<void>(1)
    const fibers = yield* FiberSet.make()
    let inFlight = 0
    // When the scheduler sleeps, until when; a poll that ends wakes it only if it must act sooner.
    let sleepingUntil = Infinity

    const run = (entry: A) =>
      options.poll(entry).pipe(
        Effect.flatMap((again) =>
          Effect.suspend(() => {
            if (!again) return Effect.void
            heap.push(entry)
            return entry.at < sleepingUntil ? wake.offer(undefined) : Effect.void
          })
        ),
        Effect.ensuring(Effect.suspend(() => {
          const wasFull = inFlight >= concurrency
          inFlight--
          return wasFull || (heap.size === 0 && inFlight === 0) ? wake.offer(undefined) : Effect.void
        }))
      )

    for (;;) {
      const now = yield* Clock.currentTimeMillis
      while (inFlight < concurrency) {
        const top = heap.peek()
        if (top === undefined || top.at > now || bucket.readyAt(now) > now) break
        heap.pop()
        bucket.take()
        inFlight++
        yield* FiberSet.run(fibers, run(top))
      }
      if (heap.size === 0 && inFlight === 0) break
      const top = heap.peek()
      const until = top === undefined || inFlight >= concurrency ? Infinity : Math.max(top.at, bucket.readyAt(now))
      sleepingUntil = until === Infinity ? Infinity : Math.ceil(until / tick) * tick
      yield* sleepingUntil === Infinity
        ? wake.take
        : Effect.raceFirst(
          Effect.sleep(Duration.millis(Math.min(Math.max(0, sleepingUntil - now), maxTimerMillis))),
          wake.take
        )
      sleepingUntil = Infinity
    }
  })

const hasToJSON = (u: object): boolean => Predicate.hasProperty(u, "toJSON") && typeof u.toJSON === "function"

/** Structural equality of JSON-like values, for "only changes". */
export const jsonEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return typeof a === "bigint" || typeof a === "number" ? a === b : false
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    return a.every((x, i) => jsonEqual(x, b[i]))
  }
  if (Array.isArray(b)) return false
  if (hasToJSON(a) || hasToJSON(b)) {
    return JSON.stringify(a) === JSON.stringify(b)
  }
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(Reflect.get(a, k), Reflect.get(b, k)))
}
