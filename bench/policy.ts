/**
 * Figure 7: the polling policy table (bench/policyTable.ts, docs/polling.md), and
 * its requirement: for every operation of 10 s or more, `defaultPolicy` makes fewer requests than gax and
 * its worst-case detection is at most gax's + 1 s.
 */
import * as Effect from "effect/Effect"
import * as PolicyTable from "./policyTable.js"

export interface PolicyResults {
  readonly markdown: string
  readonly rows: ReadonlyArray<{
    readonly durationMillis: number
    readonly oursRequestsMax: number
    readonly gaxRequests: number
    readonly oursWorstMillis: number
    readonly gaxWorstMillis: number
  }>
  readonly pass: boolean
}

export const run = (): PolicyResults => {
  const entries = PolicyTable.standardEntries
  const options = { durations: PolicyTable.durations, seeds: PolicyTable.seeds }
  const cells = Effect.runSync(PolicyTable.table(entries, options))
  const ours = cells[0]!
  const gax = cells[1]!
  const rows = PolicyTable.durations.map((durationMillis, i) => ({
    durationMillis,
    oursRequestsMax: ours[i]!.requestsMax,
    gaxRequests: gax[i]!.requestsMin,
    oursWorstMillis: ours[i]!.worstDetectionMillis,
    gaxWorstMillis: gax[i]!.worstDetectionMillis
  }))
  const pass = rows.filter((r) => r.durationMillis >= 10_000).every((r) =>
    r.oursRequestsMax < r.gaxRequests && r.oursWorstMillis <= r.gaxWorstMillis + 1000
  )
  return { markdown: PolicyTable.markdown(entries, { durations: PolicyTable.durations }, cells), rows, pass }
}
