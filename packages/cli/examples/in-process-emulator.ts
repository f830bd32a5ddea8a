// docs/getting-started.md's in-process emulator, kept here so that it is type-checked. It runs on its own:
//   node --conditions=@longrunning/source --import tsx packages/cli/examples/in-process-emulator.ts
import { Emulator } from "@longrunning/emulator"
import { OperationsClient } from "@longrunning/http"
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import { OperationPoller } from "@longrunning/polling"
import { Effect, Layer } from "effect"

const program = Effect.gen(function*() {
  // Port 0: the system picks a free port; emulator.url says which. The emulator closes with the scope.
  const emulator = yield* Emulator.make({ port: 0 })
  const op = yield* emulator.create({ scenario: Emulator.succeedAfter("3 seconds") })
  const Local = OperationsClient.layerEmulator(emulator.url).pipe(Layer.provide(UndiciHttpClient.layer()))
  const done = yield* OperationPoller.wait(op.name).pipe(Effect.provide(Local))
  return `${done._tag} after polling ${emulator.url}`
}).pipe(Effect.scoped)

Effect.runPromise(program).then(console.log, (error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
