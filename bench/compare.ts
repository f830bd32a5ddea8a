/**
 * A few of figure 1's contenders against each other, interleaved round by round in one process (not part of
 * `pnpm bench`): for checking one change on a loaded machine, where only ratios taken in the same round mean
 * anything. In one process a contender also pays for what the one before it left (garbage, recompiled shared
 * code): `pnpm bench` runs each contender of figures 1-3 in its own process (`servers/contender.ts`).
 *
 *   pnpm build
 *   node --import tsx bench/compare.ts [in flight = 32] [rounds = 10] [requests = 4000] [contenders = raw,ours,typed]
 *
 * Prints, per contender, the median client CPU per request and the median (min-max) of its per-round ratio
 * to the first contender.
 */
import * as Contenders from "./contenders.js"
import { operationName } from "./fixture.js"
import { fmtSpread, measure, ratios, spawn, spread } from "./lib.js"

const [inFlightArg = "32", roundsArg = "10", requestsArg = "4000", whichArg = "raw,ours,typed"] = process.argv.slice(2)
const inFlight = Number(inFlightArg)
const rounds = Number(roundsArg)
const requests = Number(requestsArg)

const { child: server, ready } = await spawn<{ port: number }>("servers/fixed.ts")
const origin = `http://127.0.0.1:${ready.port}`
const make = (which: string): Promise<Contenders.Contender> | Contenders.Contender =>
  which === "raw"
    ? Contenders.rawUndici(origin)
    : which === "typed"
    ? Contenders.oursTyped(origin)
    : which === "platform"
    ? Contenders.oursPlatform(origin)
    : Contenders.oursLean(origin)
const which = whichArg.split(",")
const contenders: Array<Contenders.Contender> = []
for (const w of which) contenders.push(await make(w))
const names = Array.from({ length: 64 }, (_, i) => operationName(i))
const samples = contenders.map((): Array<number> => [])
try {
  for (const contender of contenders) await contender.run(names, 4000, inFlight)
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const k = (i + round) % contenders.length
      const result = await measure(() => contenders[k]!.run(names, requests, inFlight))
      samples[k]!.push(result.cpuMicros / requests)
    }
  }
  for (let k = 0; k < contenders.length; k++) {
    process.stdout.write(
      `${which[k]}, ${inFlight} in flight: ${spread(samples[k]!).median.toFixed(1)} µs/request, ` +
        `${fmtSpread(ratios(samples[k]!, samples[0]!))}x of ${which[0]}\n`
    )
  }
} finally {
  for (const contender of contenders) await contender.close()
  await server.stop()
}
