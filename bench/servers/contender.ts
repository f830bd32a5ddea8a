/**
 * One contender of figures 1-3 in a process of its own (child_process.fork), so that what it costs is its
 * own: in a process shared with the others, a contender also paid for the garbage the one before it left
 * (google-gax leaves much) and for the recompilation of code they share.
 * Args: the contender (raw | ours | platform | gax | typed), the fixed server's port.
 * IPC: sends `{ name }` when ready; answers `{ run: { n, inFlight } }` with `{ measured }` (this process's
 * CPU and the wall time of the run); exits on `"exit"`.
 */
import * as Contenders from "../contenders.js"
import { operationName } from "../fixture.js"
import { measure } from "../lib.js"

const [which = "raw", portArg = "0"] = process.argv.slice(2)
const port = Number(portArg)
const origin = `http://127.0.0.1:${port}`

const contender: Contenders.Contender = which === "raw"
  ? Contenders.rawUndici(origin)
  : which === "ours"
  ? await Contenders.oursLean(origin)
  : which === "platform"
  ? await Contenders.oursPlatform(origin)
  : which === "gax"
  ? Contenders.gax(port)
  : which === "typed"
  ? await Contenders.oursTyped(origin)
  : await Promise.reject(new Error(`no contender ${which}`))

const names = Array.from({ length: 64 }, (_, i) => operationName(i))

const isRun = (u: unknown): u is { readonly run: { readonly n: number; readonly inFlight: number } } =>
  typeof u === "object" && u !== null && "run" in u

process.on("message", (message) => {
  if (isRun(message)) {
    void measure(() => contender.run(names, message.run.n, message.run.inFlight)).then((measured) =>
      process.send?.({ measured })
    )
  }
  if (message === "exit") void contender.close().then(() => process.exit(0))
})
process.on("disconnect", () => process.exit(0))
process.send?.({ name: contender.name })
