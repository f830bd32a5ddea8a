/**
 * Figures 1-3: client CPU per poll and the throughput ceiling, against the fixed server in another process.
 * Each contender runs in a process of its own (servers/contender.ts), which measures its own CPU: sharing one
 * process, a contender paid for the garbage and the recompilations of the one before it. Contenders alternate
 * within each round (the order rotates), and ratios are taken round by round.
 */
import { type Child, type Measured, spawn } from "./lib.js"

export interface CpuSample {
  readonly contender: string
  readonly inFlight: number
  readonly round: number
  readonly requests: number
  readonly cpuMicrosPerRequest: number
  readonly requestsPerSecond: number
  /** The server's CPU over the same run, as a share of one core: near 1 means the server was the limit. */
  readonly serverCore: number
}

export interface CpuResults {
  readonly contenders: ReadonlyArray<string>
  readonly samples: ReadonlyArray<CpuSample>
}

const serverCpu = async (server: Child): Promise<number> => {
  const { cpu } = await server.ask<{ cpu: NodeJS.CpuUsage }>("cpu", "cpu")
  return cpu.user + cpu.system
}

export const run = async (options: {
  readonly rounds: number
  readonly inFlight: ReadonlyArray<number>
  /** Requests per contender per round, by in-flight count. */
  readonly requests: (inFlight: number) => number
  readonly log: (line: string) => void
}): Promise<CpuResults> => {
  const { child: server, ready } = await spawn<{ port: number }>("servers/fixed.ts")
  const contenders: Array<{ readonly name: string; readonly child: Child }> = []
  for (const which of ["raw", "ours", "platform", "gax", "typed"]) {
    const { child, ready: contender } = await spawn<{ name: string }>("servers/contender.ts", {
      args: [which, String(ready.port)]
    })
    contenders.push({ name: contender.name, child })
  }
  const run = (contender: { readonly child: Child }, n: number, inFlight: number) =>
    contender.child.ask<{ measured: Measured }>({ run: { n, inFlight } }, "measured").then((reply) => reply.measured)
  const samples: Array<CpuSample> = []
  try {
    // Warm-up: JIT, connections.
    for (const contender of contenders) {
      for (const inFlight of options.inFlight) await run(contender, 2000, inFlight)
    }
    for (let round = 0; round < options.rounds; round++) {
      for (const inFlight of options.inFlight) {
        const n = options.requests(inFlight)
        const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!)
        for (const contender of order) {
          const before = await serverCpu(server)
          const result = await run(contender, n, inFlight)
          const after = await serverCpu(server)
          samples.push({
            contender: contender.name,
            inFlight,
            round,
            requests: n,
            cpuMicrosPerRequest: result.cpuMicros / n,
            requestsPerSecond: (n / result.wallMillis) * 1000,
            serverCore: (after - before) / 1000 / result.wallMillis
          })
        }
      }
      options.log(`  cpu round ${round + 1}/${options.rounds} done`)
    }
  } finally {
    for (const contender of contenders) await contender.child.stop()
    await server.stop()
  }
  return { contenders: contenders.map((c) => c.name), samples }
}
