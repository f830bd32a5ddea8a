import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import type * as Schedule from "effect/Schedule"
import * as Intervals from "effect/ScheduleIntervals"
import * as ScheduleDecision from "effect/ScheduleDecision"

/**
 * One step of a polling policy, shared by `watch` and `watchAll`: feed the schedule the time and its
 * state, get the time of the next poll (no earlier than a server's hint), or None when the schedule is
 * done. Nothing here sleeps or forks: a watch costs only the state it keeps.
 */
export const nextPollAt = <Out, In>(
  schedule: Schedule.Schedule<Out, In>,
  state: unknown,
  now: number,
  input: In,
  hintMillis: number
): Effect.Effect<Option.Option<readonly [state: unknown, at: number]>> =>
  Effect.map(schedule.step(now, input, state), ([next, _, decision]) =>
    ScheduleDecision.isDone(decision)
      ? Option.none()
      : Option.some([next, Math.max(Intervals.start(decision.intervals), now + hintMillis)] as const))

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
