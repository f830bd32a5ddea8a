/** Shared helpers of the benchmark: statistics, child processes, CPU accounting, the result table. */
import { type ChildProcess, fork } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

export const benchDir = Path.dirname(fileURLToPath(import.meta.url))

// -----------------------------------------------------------------------------
// statistics
// -----------------------------------------------------------------------------

export interface Spread {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly samples: ReadonlyArray<number>
}

export const spread = (samples: ReadonlyArray<number>): Spread => {
  const sorted = [...samples].sort((a, b) => a - b)
  const n = sorted.length
  const median = n === 0 ? NaN : n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2
  return { median, min: sorted[0] ?? NaN, max: sorted[n - 1] ?? NaN, samples }
}

/** Ratios of paired samples (same round), so that drift between rounds cancels out. */
export const ratios = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): Spread =>
  spread(a.map((x, i) => x / b[i]!))

export const percentile = (sorted: ReadonlyArray<number>, p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

// -----------------------------------------------------------------------------
// CPU
// -----------------------------------------------------------------------------

/** Client CPU (user + system) in microseconds. */
export const cpuMicros = (): number => {
  const usage = process.cpuUsage()
  return usage.user + usage.system
}

export interface Measured {
  readonly cpuMicros: number
  readonly wallMillis: number
}

/** Runs `task` and reports the client CPU and wall time it took. */
export const measure = async (task: () => Promise<unknown>): Promise<Measured> => {
  const cpu = cpuMicros()
  const wall = performance.now()
  await task()
  return { cpuMicros: cpuMicros() - cpu, wallMillis: performance.now() - wall }
}

/** `n` tasks with `inFlight` at a time, each started when one ends. */
export const pool = async (n: number, inFlight: number, task: (i: number) => Promise<unknown>): Promise<void> => {
  let next = 0
  const worker = async () => {
    while (next < n) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.min(inFlight, n) }, worker))
}

// -----------------------------------------------------------------------------
// child processes
// -----------------------------------------------------------------------------

export interface Child {
  readonly process: ChildProcess
  /** Sends a message and resolves with the first reply that has `key`. */
  readonly ask: <A>(message: unknown, key: string) => Promise<A>
  readonly stop: () => Promise<void>
}

const profilingFlag = /^--(cpu-prof|heap-prof|trace-gc|prof)/

/** Forks `file` (relative to bench/) with the same loader as this process, and waits for its first message. */
export const spawn = async <Ready>(
  file: string,
  options: { readonly args?: ReadonlyArray<string>; readonly execArgv?: ReadonlyArray<string> } = {}
): Promise<{ readonly child: Child; readonly ready: Ready }> => {
  const child = fork(Path.join(benchDir, file), [...(options.args ?? [])], {
    // The loader, not the profiling flags: a profile or GC trace of this process is of this process only.
    execArgv: [...process.execArgv.filter((arg) => !profilingFlag.test(arg)), ...(options.execArgv ?? [])],
    stdio: ["ignore", "inherit", "inherit", "ipc"]
  })
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once("message", (message) => resolve(message as Ready))
    child.once("exit", (code) => reject(new Error(`${file} exited with ${code} before it was ready`)))
  })
  const ask = <A>(message: unknown, key: string) =>
    new Promise<A>((resolve) => {
      const listener = (reply: unknown) => {
        if (typeof reply === "object" && reply !== null && key in reply) {
          child.off("message", listener)
          resolve(reply as A)
        }
      }
      child.on("message", listener)
      child.send(message as never)
    })
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once("exit", () => resolve())
      child.send("exit")
      setTimeout(() => child.kill(), 5000).unref()
    })
  return { child: { process: child, ask, stop }, ready }
}

// -----------------------------------------------------------------------------
// results
// -----------------------------------------------------------------------------

export interface Figure {
  readonly id: string
  readonly label: string
  /** The value as shown, e.g. "1.31x (1.27-1.40)". */
  readonly value: string
  readonly target: string
  readonly pass: boolean | undefined
  readonly data?: unknown
}

export const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : String(x))

export const fmtSpread = (s: Spread, digits = 2, unit = ""): string =>
  `${fmt(s.median, digits)}${unit} (${fmt(s.min, digits)}-${fmt(s.max, digits)})`

export const markdownTable = (figures: ReadonlyArray<Figure>): string => {
  const rows = figures.map((f) =>
    `| ${f.id} | ${f.label} | ${f.value} | ${f.target} | ${f.pass === undefined ? "info" : f.pass ? "PASS" : "MISS"} |`
  )
  return ["| # | figure | measured: median (min-max) | target | |", "|---|---|---|---|---|", ...rows].join("\n")
}

export const sleep = (millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis))
