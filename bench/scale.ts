/**
 * Figure 5, run in its own process with --expose-gc: 10,000 operations watched with `watchAll` against the
 * emulator (another process). Reports heap per watched operation, sockets, event-loop delay, completions.
 */
import * as OperationPoller from "@longrunning/polling/OperationPoller"
import * as Operation from "@longrunning/schema/Operation"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { monitorEventLoopDelay } from "node:perf_hooks"
import { runtime } from "./clients.js"
import { spawn } from "./lib.js"

export interface ScaleResult {
  readonly operations: number
  readonly concurrency: number
  readonly heapBeforeBytes: number
  readonly heapWatchingBytes: number
  readonly heapPerOperationBytes: number
  readonly maxSockets: number
  readonly loopDelayP99Millis: number
  readonly loopDelayMaxMillis: number
  readonly completed: number
  readonly failed: number
  readonly snapshots: number
  readonly seconds: number
}

const gc = (): void => {
  const collect: unknown = Reflect.get(globalThis, "gc")
  if (typeof collect === "function") {
    collect()
    collect()
  }
}

const sockets = () => process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length

export const main = async (options: {
  readonly operations: number
  readonly concurrency: number
  readonly limitSeconds: number
}): Promise<ScaleResult> => {
  const { child: emulator, ready } = await spawn<{ url: string }>("servers/emulator.ts")
  const { names } = await emulator.ask<{ names: Array<string> }>(
    { create: { count: options.operations, afterMillis: 20_000, spreadMillis: 10_000 } },
    "names"
  )
  const rt = runtime(ready.url, { connections: options.concurrency })
  // Warm the client (code paths, one connection) so the baseline holds what is not per watch.
  await rt.runPromise(Stream.runDrain(OperationPoller.watchAll(names.slice(0, 2), { spread: 0 }).pipe(Stream.take(2))))
  gc()
  const heapBefore = process.memoryUsage().heapUsed

  const seen = new Set<string>()
  let heapWatching = 0
  let completed = 0
  let failed = 0
  let snapshots = 0
  let maxSockets = 0
  const delay = monitorEventLoopDelay({ resolution: 10 })
  delay.enable()
  const sampler = setInterval(() => {
    maxSockets = Math.max(maxSockets, sockets())
  }, 50)
  const clearer = setInterval(() => void emulator.ask("clearRequests", "cleared"), 5000)
  const start = performance.now()
  await rt.runPromise(
    OperationPoller.watchAll(names, { concurrency: options.concurrency }).pipe(
      Stream.runForEach((event) =>
        Effect.sync(() => {
          if (event._tag === "WatchFailed") {
            failed++
            return
          }
          snapshots++
          if (Operation.isDone(event.operation)) completed++
          if (heapWatching === 0) {
            seen.add(event.name)
            if (seen.size === names.length) {
              gc()
              heapWatching = process.memoryUsage().heapUsed
            }
          }
        })
      ),
      Effect.timeout(`${options.limitSeconds} seconds`),
      Effect.ignore
    )
  )
  const seconds = (performance.now() - start) / 1000
  clearInterval(sampler)
  clearInterval(clearer)
  delay.disable()
  await rt.dispose()
  await emulator.stop()
  return {
    operations: names.length,
    concurrency: options.concurrency,
    heapBeforeBytes: heapBefore,
    heapWatchingBytes: heapWatching,
    heapPerOperationBytes: heapWatching === 0 ? NaN : (heapWatching - heapBefore) / names.length,
    maxSockets,
    loopDelayP99Millis: delay.percentile(99) / 1e6,
    loopDelayMaxMillis: delay.max / 1e6,
    completed,
    failed,
    snapshots,
    seconds
  }
}

if (process.argv[2] === "--child") {
  const result = await main({ operations: Number(process.argv[3]), concurrency: Number(process.argv[4]), limitSeconds: 120 })
  process.send?.({ result })
  process.disconnect?.()
}
