/**
 * `pnpm bench`: every figure of docs/benchmarks.md, each beside its target, PASS or MISS; writes
 * bench/results.json. Client CPU is measured in this process (`process.cpuUsage()` deltas); servers run in
 * their own processes. Figures 5 and 6 run in child processes of their own (figure 5 with --expose-gc).
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Cpu from "./cpu.js"
import * as Decode from "./decode.js"
import { benchDir, type Figure, fmt, fmtSpread, markdownTable, ratios, spawn, spread } from "./lib.js"
import * as Policy from "./policy.js"
import type { ScaleResult } from "./scale.js"
import type { StormResult } from "./storm.js"
import type { DurableResult } from "../packages/durable/bench/durable.js"

const quick = process.argv.includes("--quick")
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",")
const wants = (section: string) => only === undefined || only.includes(section)
const log = (line: string) => process.stderr.write(`${line}\n`)
const began = performance.now()
const figures: Array<Figure> = []
const raw: Record<string, unknown> = {}

// 1-3: client CPU per poll, and throughput
if (wants("cpu")) {
  log("figures 1-3: client CPU per poll (fixed server in a child process)")
  const rounds = quick ? 2 : 5
  const inFlight = [1, 32]
  const result = await Cpu.run({ rounds, inFlight, requests: (k) => (k === 1 ? 4000 : 8000), log })
  raw["cpu"] = result
  const [rawName, leanName, platformName, gaxName, typedName] = result.contenders as [
    string,
    string,
    string,
    string,
    string
  ]
  const pick = (contender: string, k: number) =>
    result.samples.filter((s) => s.contender === contender && s.inFlight === k)
  const cpu = (contender: string, k: number) => pick(contender, k).map((s) => s.cpuMicrosPerRequest)
  // The untyped get and the typed get (the README's path) side by side, each against its target.
  for (const k of inFlight) {
    const vsRaw = ratios(cpu(leanName, k), cpu(rawName, k))
    figures.push({
      id: "1",
      label: `client CPU per untyped get (\`Operation.Operation\`), ${k} in flight: ours (UndiciHttpClient) / raw undici + JSON.parse`,
      value: `${fmtSpread(vsRaw)}x; ${fmt(spread(cpu(leanName, k)).median, 1)} vs ${fmt(spread(cpu(rawName, k)).median, 1)} µs`,
      target: "≤ 1.5x (stretch 1.25x)",
      pass: vsRaw.median <= 1.5,
      data: vsRaw
    })
    const typedVsRaw = ratios(cpu(typedName, k), cpu(rawName, k))
    const typedVsUntyped = ratios(cpu(typedName, k), cpu(leanName, k))
    figures.push({
      id: "1t",
      label: `client CPU per typed get (\`Dataproc.Operations.clustersCreate\`), ${k} in flight / raw undici + JSON.parse`,
      value: `${fmtSpread(typedVsRaw)}x; ${fmt(spread(cpu(typedName, k)).median, 1)} µs; ${
        fmtSpread(typedVsUntyped)
      }x the untyped get`,
      target: "≤ 1.5x",
      pass: typedVsRaw.median <= 1.5,
      data: { vsRaw: typedVsRaw, vsUntyped: typedVsUntyped }
    })
  }
  for (const k of inFlight) {
    const vsPlatform = ratios(cpu(platformName, k), cpu(rawName, k))
    figures.push({
      id: "1b",
      label: `the same over @effect/platform NodeHttpClient.layerUndici, ${k} in flight / raw`,
      value: `${fmtSpread(vsPlatform)}x; ${fmt(spread(cpu(platformName, k)).median, 1)} µs`,
      target: "(for reference)",
      pass: undefined,
      data: vsPlatform
    })
  }
  for (const k of inFlight) {
    const vsGax = ratios(cpu(leanName, k), cpu(gaxName, k))
    const gaxVsRaw = ratios(cpu(gaxName, k), cpu(rawName, k))
    figures.push({
      id: "2",
      label: `client CPU per get, ${k} in flight: ours / google-gax REST getOperation`,
      value: `${fmtSpread(vsGax)}x; gax ${fmt(spread(cpu(gaxName, k)).median, 1)} µs = ${fmt(gaxVsRaw.median)}x raw`,
      target: "≤ 0.4x",
      pass: vsGax.median <= 0.4,
      data: { vsGax, gaxVsRaw }
    })
  }
  const k = 32
  const rps = (contender: string) => pick(contender, k).map((s) => s.requestsPerSecond)
  const thr = ratios(rps(leanName), rps(rawName))
  const serverCore = spread(pick(rawName, k).map((s) => s.serverCore)).median
  figures.push({
    id: "3",
    label: `throughput, ${k} in flight, one client core: ours / raw undici (polls/s)`,
    value: `${fmtSpread(thr)}x; ${fmt(spread(rps(leanName)).median, 0)} vs ${fmt(spread(rps(rawName)).median, 0)}/s (server core ${fmt(serverCore)})`,
    target: "≥ 0.7x",
    pass: thr.median >= 0.7,
    data: thr
  })
}

// 4: decode alone
if (wants("decode")) {
  log("figure 4: decode alone")
  const result = Decode.run({ rounds: quick ? 3 : 5, iterations: 20_000 })
  raw["decode"] = result
  const ratio = ratios(result.ours, result.jsonParse)
  figures.push({
    id: "4",
    label: `decode a typical Dataproc operation (${result.bytes} B), untyped: text → \`Operation.Operation\` / JSON.parse`,
    value: `${fmtSpread(ratio)}x; ${fmt(spread(result.ours).median / 1000)} vs ${fmt(spread(result.jsonParse).median / 1000)} µs`,
    target: "≤ 2x",
    pass: ratio.median <= 2,
    data: ratio
  })
  const typed = ratios(result.oursTyped, result.jsonParse)
  figures.push({
    id: "4b",
    label: "the same typed: `Dataproc.Operations.clustersCreate` (generated), through the client's decoder",
    value: `${fmtSpread(typed)}x; ${fmt(spread(result.oursTyped).median / 1000)} µs`,
    target: "≤ 3x",
    pass: typed.median <= 3,
    data: typed
  })
  const schemaTyped = ratios(result.schemaTyped, result.jsonParse)
  figures.push({
    id: "4c",
    label: "the same typed, `Schema.decodeUnknownEither(Dataproc.Operations.clustersCreate)` after JSON.parse",
    value: `${fmtSpread(schemaTyped)}x; ${fmt(spread(result.schemaTyped).median / 1000)} µs`,
    target: "≤ 3x",
    pass: schemaTyped.median <= 3,
    data: schemaTyped
  })
}

// 5: scale
if (wants("scale")) {
  const operations = quick ? 2000 : 10_000
  log(`figure 5: ${operations} operations with watchAll against the emulator (about 40 s)`)
  const { ready } = await spawn<{ result: ScaleResult }>("scale.ts", {
    args: ["--child", String(operations), "16"],
    execArgv: ["--expose-gc"]
  })
  const r = ready.result
  raw["scale"] = r
  figures.push({
    id: "5a",
    label: `heap per watched operation (${r.operations} watched, after gc)`,
    value: `${fmt(r.heapPerOperationBytes / 1024)} KB`,
    target: "≤ 5 KB (gax: 11.5 KB)",
    pass: r.heapPerOperationBytes <= 5 * 1024
  })
  figures.push({
    id: "5b",
    label: "sockets open at most (concurrency 16)",
    value: `${r.maxSockets}`,
    target: "≤ 16",
    pass: r.maxSockets <= r.concurrency
  })
  figures.push({
    id: "5c",
    label: "event-loop delay p99 (max)",
    value: `${fmt(r.loopDelayP99Millis, 1)} ms (${fmt(r.loopDelayMaxMillis, 0)} ms)`,
    target: "< 50 ms",
    pass: r.loopDelayP99Millis < 50
  })
  figures.push({
    id: "5d",
    label: `completions reported (${r.snapshots} snapshots in ${fmt(r.seconds, 1)} s)`,
    value: `${r.completed} / ${r.operations}, ${r.failed} failed`,
    target: "all",
    pass: r.completed === r.operations && r.failed === 0
  })
}

// 6: storm
if (wants("storm")) {
  const scale = 6
  log(`figure 6: 503 storm and 429 (time scaled 1/${scale}, about 45 s)`)
  const { ready } = await spawn<{ result: StormResult }>("storm.ts", { args: ["--child", String(scale), "1000"] })
  const r = ready.result
  raw["storm"] = r
  figures.push({
    id: "6a",
    label: `requests during a ${60}-s 503 storm (1/${scale}: ${r.stormMillis / 1000} s), 1,000 watches / same window without faults`,
    value: `${fmt(r.rateRatio)}x (${r.storm.requestsInWindow} vs ${r.control.requestsInWindow})`,
    target: "≤ 1x",
    pass: r.rateRatio <= 1
  })
  figures.push({
    id: "6b",
    label: "watches failed inside their deadline (storm run)",
    value: `${r.storm.failed}`,
    target: "0",
    pass: r.storm.failed === 0
  })
  figures.push({
    id: "6c",
    label: `slowest resume after the storm (cap period 60 s, 1/${scale}: ${r.capMillis / 1000} s)`,
    value: `${fmt(r.maxResumeMillis / 1000, 2)} s (${r.storm.resumed} / ${r.operations} resumed)`,
    target: `≤ ${r.capMillis / 1000} s`,
    pass: r.maxResumeMillis <= r.capMillis
  })
  figures.push({
    id: "6d",
    label: `429 + RetryInfo ${r.rateLimited.retryAfterMillis / 1000} s (${r.rateLimited.answered429} refusals): requests before the delay`,
    value: `${r.rateLimited.earlyRequests} (shortest gap ${fmt(r.rateLimited.minGapAfter429Millis / 1000, 3)} s)`,
    target: "0",
    pass: r.rateLimited.earlyRequests === 0 && r.rateLimited.answered429 > 0
  })
}

// 7: policy table
let policyMarkdown = ""
if (wants("policy")) {
  log("figure 7: polling policy table")
  const result = Policy.run()
  raw["policy"] = result
  policyMarkdown = result.markdown
  figures.push({
    id: "7",
    label: "defaultPolicy vs gax, every D ≥ 10 s in the table: fewer requests, worst detection ≤ gax + 1 s",
    value: result.rows.filter((r) => r.durationMillis >= 10_000).map((r) =>
      `${r.oursRequestsMax}<${r.gaxRequests}`
    ).join(", "),
    target: "all rows",
    pass: result.pass
  })
}

// 8: durable waits (one workflow execution per operation, and grouped polling, on SQLite) against watchAll.
// --ops=N sets the operations, --durable=a|b the contenders, --gap=MS the polling gap, --after=MS and --spread=MS
// when the operations are done (defaults grow with --ops past 1,000: see packages/durable/bench/durable.ts).
if (wants("durable")) {
  const operations = Number(process.argv.find((a) => a.startsWith("--ops="))?.slice("--ops=".length) ?? (quick ? 100 : 200))
  const named = process.argv.find((a) => a.startsWith("--durable="))?.slice("--durable=".length) ?? ""
  const settingFlags = process.argv.filter((a) => /^--(gap|after|spread)=/.test(a))
  log(`figure 8: ${operations} operations awaited with watchAll, durably on SQLite, and grouped (minutes)`)
  const { ready } = await spawn<{ results: Array<DurableResult> }>("../packages/durable/bench/durable.ts", {
    args: ["--child", String(operations), named, ...settingFlags]
  })
  const results = ready.results
  raw["durable"] = results
  const watchAll = results.find((r) => r.contender === "watchAll")
  const versus = (r: DurableResult) =>
    watchAll === undefined
      ? `${fmt(r.cpuMicrosPerPoll / 1000, 2)} ms`
      : `${fmt(r.cpuMicrosPerPoll / watchAll.cpuMicrosPerPoll, 1)}x (${fmt(r.cpuMicrosPerPoll / 1000, 2)} vs ${
        fmt(watchAll.cpuMicrosPerPoll / 1000, 2)
      } ms)`
  const ids: Record<DurableResult["contender"], string> = {
    "watchAll": "",
    "durable, in-memory gaps": "8a",
    "durable, durable gaps": "8b",
    "grouped": "8e"
  }
  for (const r of results.filter((r) => r.contender !== "watchAll")) {
    const handover = r.handoverSeconds === undefined
      ? ""
      : `; handed over ${fmt(r.operations / r.handoverSeconds, 0)}/s (${fmt((r.handoverCpuMicrosPerOperation ?? NaN) / 1000, 1)} ms CPU each); ${
        fmt(r.seconds, 0)
      } s in all`
    figures.push({
      id: ids[r.contender],
      label: `${r.contender}: CPU per poll / watchAll's; rows per poll, fixed rows per wait`,
      value: `${versus(r)}; ${fmt(r.rowsPerPoll ?? NaN, 1)} rows/poll, ${fmt(r.fixedRowsPerOperation ?? NaN, 1)} rows/wait${handover}`,
      target: "(for the design: docs/durable.md)",
      pass: undefined
    })
  }
  figures.push({
    id: "8c",
    label: `detection delay p50 / p99 (gap ${fmt((results[0]?.gapMillis ?? 0) / 1000, 0)} s; ${operations} operations done ${
      fmt((results[0]?.afterMillis ?? 0) / 1000, 0)
    }-${fmt(((results[0]?.afterMillis ?? 0) + (results[0]?.spreadMillis ?? 0)) / 1000, 0)} s after creation)`,
    value: results.map((r) => `${r.contender}: ${fmt(r.detectionP50Millis / 1000, 1)} / ${fmt(r.detectionP99Millis / 1000, 1)} s`).join("; "),
    target: "(for the design)",
    pass: undefined
  })
  figures.push({
    id: "8d",
    label: "polls made (every operation completed)",
    value: results.map((r) => `${r.contender}: ${r.polls} (${r.completed}/${r.operations})`).join("; "),
    target: "all completed",
    pass: results.every((r) => r.completed === r.operations)
  })
}

const machine = {
  cpus: Os.cpus().map((c) => c.model),
  cores: Os.cpus().length,
  memoryGiB: Math.round(Os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${Os.platform()} ${Os.release()}`,
  date: new Date().toISOString(),
  seconds: (performance.now() - began) / 1000
}
const table = markdownTable(figures)
const output = [
  table,
  "",
  `${machine.cores} × ${machine.cpus[0] ?? "?"}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}; ${fmt(machine.seconds, 0)} s`
]
if (policyMarkdown !== "") output.push("", "Polling policy table (requests / worst-case detection):", "", policyMarkdown)
process.stdout.write(`${output.join("\n")}\n`)
Fs.writeFileSync(
  Path.join(benchDir, "results.json"),
  JSON.stringify({ machine, figures, raw }, null, 2)
)
const misses = figures.filter((f) => f.pass === false).map((f) => f.id)
if (misses.length > 0) log(`MISS: ${misses.join(", ")}`)
