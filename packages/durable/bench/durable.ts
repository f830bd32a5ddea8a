/**
 * Figure 8 of `pnpm bench`, run in a process of its own: the same operations awaited three ways against the
 * emulator (another process), each operation done `afterMillis` + its share of `spreadMillis` after creation,
 * polled every 2 s:
 * - `watchAll`: the in-memory scheduler of `@longrunning/polling`, for reference;
 * - `durable, in-memory gaps`: one `DurableWait` execution per operation on `SqliteEngine`, gaps under the
 *   in-memory threshold (60 s, the default), so no wake-up replays the history;
 * - `durable, durable gaps`: the same with every gap a durable clock (threshold 1 s), as waits with gaps over
 *   60 s are: each wake-up replays the history;
 * - `grouped`: one thin `GroupedWait` execution per operation on `SqliteEngine`, the polling done by
 *   `watchAll` in 16 group entities, the operation's durable deferred completed when it is done.
 * Reports client CPU per poll (this process: polling, workflow engine and SQLite), rows inserted per
 * operation and per poll, and the detection delay (completion seen minus the time the operation was done).
 *
 *   node --import tsx packages/durable/bench/durable.ts --child <operations> [contenders, separated by "|"]
 *     [--gap=MS] [--after=MS] [--spread=MS]
 * Without the flags the settings grow with the operations past 1,000 (`settingsFor`).
 */
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as OperationsClient from "@longrunning/http/OperationsClient"
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import * as OperationPoller from "@longrunning/polling/OperationPoller"
import * as Policy from "@longrunning/polling/Policy"
import * as Operation from "@longrunning/schema/Operation"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Stream from "effect/Stream"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { type Child, percentile, spawn } from "../../../bench/lib.js"
import * as DurableWait from "../src/DurableWait.js"
import * as GroupedWait from "../src/GroupedWait.js"
import * as SqliteEngine from "../src/SqliteEngine.js"

export const contenders = ["watchAll", "durable, in-memory gaps", "durable, durable gaps", "grouped"] as const

export type Contender = typeof contenders[number]

export interface DurableResult {
  readonly contender: Contender
  readonly operations: number
  readonly completed: number
  readonly polls: number
  readonly seconds: number
  readonly cpuMicrosPerPoll: number
  /** Rows of each wait that do not depend on its polls (run, start, completion). */
  readonly fixedRowsPerOperation: number | undefined
  /** Rows of the polling (poll and gap activities, clocks, deferred results) per poll. */
  readonly rowsPerPoll: number | undefined
  readonly detectionP50Millis: number
  readonly detectionP99Millis: number
  readonly gapMillis: number
  readonly afterMillis: number
  readonly spreadMillis: number
  /** How long submitting every wait took, and its CPU per operation (durable contenders). */
  readonly submitSeconds: number | undefined
  readonly submitCpuMicrosPerOperation: number | undefined
  /**
   * Grouped: how long until every wait was handed over (its `Watch` message stored), and the CPU per
   * operation until then (the engine's hand-over work and the polling of those already handed over).
   */
  readonly handoverSeconds: number | undefined
  readonly handoverCpuMicrosPerOperation: number | undefined
}

/** The polling gap, and when the operations are done: `afterMillis` + their share of `spreadMillis` after creation. */
export interface Settings {
  readonly gapMillis: number
  readonly afterMillis: number
  readonly spreadMillis: number
}

export const defaultSettings: Settings = { gapMillis: 2_000, afterMillis: 40_000, spreadMillis: 10_000 }

/**
 * The settings for `operations` when not given: those above up to 1,000 operations; past that, the gap
 * grows so that `watchAll` makes about 333 polls per second (the emulator and this process share 2 cores),
 * and the operations are done late enough for every wait to be handed over first (at about 50 per second,
 * as measured on one SQLite runner), spread over a quarter of that.
 */
export const settingsFor = (operations: number): Settings => ({
  gapMillis: Math.max(defaultSettings.gapMillis, operations * 3),
  afterMillis: Math.max(defaultSettings.afterMillis, operations * 24),
  spreadMillis: Math.max(defaultSettings.spreadMillis, operations * 6)
})

const cpuMicros = () => {
  const usage = process.cpuUsage()
  return usage.user + usage.system
}

const createOperations = async (emulator: Child, count: number, afterMillis: number, spreadMillis: number) => {
  const createdAt = Date.now()
  const { names } = await emulator.ask<{ names: Array<string> }>({ create: { count, afterMillis, spreadMillis } }, "names")
  // The emulator counts from when it created each one, at or after `createdAt`: the delay measured from this
  // estimate is an upper bound of the true one.
  const doneAt = new Map(names.map((name, i) => [name, createdAt + afterMillis + Math.floor((i * spreadMillis) / count)]))
  return { names, doneAt }
}

const countPolls = async (emulator: Child): Promise<number> => {
  const { requests } = await emulator.ask<{ requests: Array<[string, number, string | null]> }>("requests", "requests")
  return requests.length
}

const clientLayer = (url: string) =>
  OperationsClient.layerEmulator(url).pipe(Layer.provide(UndiciHttpClient.layer({ connections: 16 })), Layer.orDie)

const makeRuntime = (contender: Contender, url: string, filename: string, seen: Map<string, number>, gap: Duration.Duration) => {
  if (contender === "watchAll") return { rt: ManagedRuntime.make(clientLayer(url)), Wait: undefined }
  if (contender === "grouped") {
    const Wait = GroupedWait.make({ name: "BenchGrouped", policy: Policy.fixed(gap), groups: 16 })
    const engine = SqliteEngine.layer({ filename, shardingConfig: { entityMessagePollInterval: Duration.seconds(1) } })
    const layer = Wait.layer({
      onComplete: (completion) => Effect.sync(() => seen.set(completion.operation, Date.now()))
    }).pipe(Layer.provideMerge(engine), Layer.provide(clientLayer(url)), Layer.orDie)
    return { rt: ManagedRuntime.make(layer), Wait }
  }
  const Wait = DurableWait.make({
    name: "BenchWait",
    policy: Policy.fixed(gap),
    inMemoryThreshold: contender === "durable, durable gaps" ? Duration.seconds(1) : undefined
  })
  const engine = SqliteEngine.layer({ filename, shardingConfig: { entityMessagePollInterval: Duration.seconds(1) } })
  const layer = Wait.layer({
    onComplete: (completion) => Effect.sync(() => seen.set(completion.operation, Date.now()))
  }).pipe(Layer.provideMerge(engine), Layer.provide(clientLayer(url)), Layer.orDie)
  return { rt: ManagedRuntime.make(layer), Wait }
}

/**
 * Rows in the store, split into those of the polling (poll and gap activities, durable clocks, deferred
 * results, each message with its replies) and the rest (the run, start and completion of each wait).
 */
const countRows = (filename: string) =>
  Effect.gen(function*() {
    const sql = yield* SqliteClient.SqliteClient
    const messages = yield* sql<{ readonly tag: string | null; readonly entity_type: string; readonly payload: string | null; readonly replies: number }>`
      SELECT m.tag, m.entity_type, m.payload,
        (SELECT count(*) FROM cluster_replies r WHERE r.request_id = m.id) AS replies
      FROM cluster_messages m
    `
    let polling = 0
    let other = 0
    for (const message of messages) {
      const rows = 1 + Number(message.replies)
      const name = message.payload === null ? "" : String(JSON.parse(message.payload)?.name ?? "")
      const isPolling = message.entity_type.endsWith("DurableClock") || name.startsWith("DurableClock/") ||
        name.startsWith("poll/") || name.startsWith("wait/")
      if (isPolling) polling += rows
      else other += rows
    }
    return { polling, other }
  }).pipe(Effect.provide(SqliteClient.layer({ filename, readonly: true })), Effect.orDie, Effect.runPromise)

/** The `Watch` messages in the store: the waits handed over to their groups. */
const handedOver = (filename: string) =>
  Effect.gen(function*() {
    const sql = yield* SqliteClient.SqliteClient
    const rows = yield* sql<{ readonly n: number }>`SELECT count(*) AS n FROM cluster_messages WHERE entity_type LIKE '%/Group'`
    return Number(rows[0]?.n ?? 0)
  }).pipe(Effect.provide(SqliteClient.layer({ filename, readonly: true })), Effect.orDie)

const runOne = async (contender: Contender, operations: number, settings: Settings): Promise<DurableResult> => {
  const gap = Duration.millis(settings.gapMillis)
  const limit = Duration.millis(settings.afterMillis + settings.spreadMillis + 15 * 60_000)
  const { child: emulator, ready } = await spawn<{ url: string }>("servers/emulator.ts")
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "lro-bench-durable-"))
  const filename = Path.join(dir, "waits.sqlite")
  const seen = new Map<string, number>()
  const { Wait, rt } = makeRuntime(contender, ready.url, filename, seen, gap)
  // The engine is up (storage made, shards taken) before the clock starts.
  await rt.runtime()
  const { doneAt, names } = await createOperations(emulator, operations, settings.afterMillis, settings.spreadMillis)
  let polls = 0
  const counter = setInterval(() => void countPolls(emulator).then((n) => (polls += n)), 2000)
  const cpu = cpuMicros()
  const start = performance.now()
  let submitted: { readonly seconds: number; readonly cpuMicros: number } | undefined
  let handover: { readonly seconds: number; readonly cpuMicros: number } | undefined
  let submitting = 0
  // a line every 30 s: the large runs take many minutes
  const progress = setInterval(() => {
    const at = ((performance.now() - start) / 1000).toFixed(0)
    const spent = ((cpuMicros() - cpu) / 1e6).toFixed(1)
    process.stderr.write(`  ${at} s: ${Wait === undefined ? "" : `${submitting} submitted, `}${seen.size} done, ${spent} s CPU\n`)
  }, 30_000)
  try {
    if (Wait === undefined) {
      await rt.runPromise(
        OperationPoller.watchAll(names, { schedule: Policy.fixed(gap), concurrency: 16 }).pipe(
          Stream.runForEach((event) =>
            Effect.sync(() => {
              if (event._tag === "Snapshot" && Operation.isDone(event.operation)) seen.set(event.name, Date.now())
            })
          ),
          Effect.timeout(limit),
          Effect.ignore
        )
      )
    } else {
      await rt.runPromise(
        Effect.gen(function*() {
          yield* Effect.forEach(names, (name) => Effect.tap(Wait.submit(name), () => Effect.sync(() => submitting++)), {
            concurrency: 64,
            discard: true
          })
          submitted = { seconds: (performance.now() - start) / 1000, cpuMicros: cpuMicros() - cpu }
          if (contender === "grouped") {
            // handed over: the wait's `Watch` message is in the store
            while ((yield* handedOver(filename)) < names.length) yield* Effect.sleep("200 millis")
            handover = { seconds: (performance.now() - start) / 1000, cpuMicros: cpuMicros() - cpu }
          }
          while (seen.size < names.length) yield* Effect.sleep("200 millis")
        }).pipe(Effect.timeout(limit), Effect.ignore)
      )
    }
  } finally {
    clearInterval(counter)
    clearInterval(progress)
  }
  const seconds = (performance.now() - start) / 1000
  const spentMicros = cpuMicros() - cpu
  await rt.dispose()
  const rows = Wait === undefined ? undefined : await countRows(filename)
  polls += await countPolls(emulator)
  await emulator.stop()
  Fs.rmSync(dir, { recursive: true, force: true })
  const delays = [...seen].map(([name, at]) => at - doneAt.get(name)!).sort((a, b) => a - b)
  return {
    contender,
    operations,
    completed: seen.size,
    polls,
    seconds,
    cpuMicrosPerPoll: spentMicros / Math.max(1, polls),
    fixedRowsPerOperation: rows === undefined ? undefined : rows.other / operations,
    rowsPerPoll: rows === undefined ? undefined : rows.polling / Math.max(1, polls),
    detectionP50Millis: percentile(delays, 50),
    detectionP99Millis: percentile(delays, 99),
    gapMillis: settings.gapMillis,
    afterMillis: settings.afterMillis,
    spreadMillis: settings.spreadMillis,
    submitSeconds: submitted?.seconds,
    submitCpuMicrosPerOperation: submitted === undefined ? undefined : submitted.cpuMicros / operations,
    handoverSeconds: handover?.seconds,
    handoverCpuMicrosPerOperation: handover === undefined ? undefined : handover.cpuMicros / operations
  }
}

if (process.argv[2] === "--child") {
  const operations = Number(process.argv[3])
  const named = process.argv[4]
  const wanted: ReadonlyArray<Contender> = named === undefined || named === ""
    ? contenders
    : contenders.filter((c) => named.split("|").includes(c))
  const setting = (flag: string, fallback: number) => {
    const value = process.argv.find((a) => a.startsWith(`--${flag}=`))?.slice(flag.length + 3)
    return value === undefined ? fallback : Number(value)
  }
  const defaults = settingsFor(operations)
  const settings: Settings = {
    gapMillis: setting("gap", defaults.gapMillis),
    afterMillis: setting("after", defaults.afterMillis),
    spreadMillis: setting("spread", defaults.spreadMillis)
  }
  const results: Array<DurableResult> = []
  for (const contender of wanted) {
    process.stderr.write(
      `figure 8: ${contender}, ${operations} operations, gap ${settings.gapMillis} ms, done ${settings.afterMillis}-${
        settings.afterMillis + settings.spreadMillis
      } ms after creation\n`
    )
    results.push(await runOne(contender, operations, settings))
  }
  if (process.send === undefined) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`)
  process.send?.({ results })
  process.disconnect?.()
}
