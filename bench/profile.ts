/**
 * One contender of figures 1-3 in a loop, for profiling it alone (not part of `pnpm bench`):
 *
 *   pnpm build
 *   node --import tsx bench/profile.ts [ours|typed|raw|platform|gax] [in flight = 32] [requests = 40000]
 *   node --cpu-prof --import tsx bench/profile.ts ours            # where the CPU goes
 *   node --trace-gc-nvp --import tsx bench/profile.ts ours        # scavenges, promoted bytes
 *
 * It starts the fixed server in a child process, warms up, then prints CPU per request and requests per
 * second for three batches.
 */
import * as Contenders from "./contenders.js"
import { operationName } from "./fixture.js"
import { measure, spawn } from "./lib.js"

const [which = "ours", inFlightArg = "32", requestsArg = "40000"] = process.argv.slice(2)
const inFlight = Number(inFlightArg)
const requests = Number(requestsArg)

const { child: server, ready } = await spawn<{ port: number }>("servers/fixed.ts")
const origin = `http://127.0.0.1:${ready.port}`
const contender = which === "raw"
  ? Contenders.rawUndici(origin)
  : which === "platform"
  ? await Contenders.oursPlatform(origin)
  : which === "gax"
  ? Contenders.gax(ready.port)
  : which === "typed"
  ? await Contenders.oursTyped(origin)
  : await Contenders.oursLean(origin)
const names = Array.from({ length: 64 }, (_, i) => operationName(i))
try {
  await contender.run(names, 4000, inFlight)
  for (let batch = 0; batch < 3; batch++) {
    const result = await measure(() => contender.run(names, requests, inFlight))
    const perRequest = (result.cpuMicros / requests).toFixed(1)
    const perSecond = ((requests / result.wallMillis) * 1000).toFixed(0)
    process.stdout.write(`${contender.name}, ${inFlight} in flight: ${perRequest} µs/request, ${perSecond} requests/s\n`)
  }
} finally {
  await contender.close()
  await server.stop()
}
