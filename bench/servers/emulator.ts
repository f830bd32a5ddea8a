/**
 * The emulator (`@longrunning/emulator`) in its own process, on real time, controlled over IPC:
 * - `{ create: { count, afterMillis, spreadMillis } }` makes `count` cluster creates that succeed
 *   `afterMillis + i * spreadMillis / count` after now, and answers `{ names }`;
 * - `{ inject: "unavailable" | "rateLimited", retryAfterMillis?, duringMillis }` answers `{ injected }`;
 * - `"requests"` answers `{ requests: [[path, time, fault?]] }` and clears the log;
 * - `"clearRequests"` answers `{ cleared }` (the log keeps every request: clear it in long runs);
 * - `"cpu"` answers `{ cpu }`; `"exit"` exits.
 */
import * as Emulator from "@longrunning/emulator/Emulator"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"

type Message =
  | { readonly create: { readonly count: number; readonly afterMillis: number; readonly spreadMillis: number } }
  | {
    readonly inject: "unavailable" | "rateLimited"
    readonly retryAfterMillis?: number
    readonly duringMillis: number
  }
  | "requests"
  | "clearRequests"
  | "cpu"
  | "exit"

const scope = Effect.runSync(Scope.make())
const emulator = await Effect.runPromise(Scope.extend(Emulator.make({ port: 0 }), scope))
process.send?.({ port: emulator.port, url: emulator.url })

const handle = (message: Message): Effect.Effect<unknown> => {
  if (message === "exit") {
    return Effect.zipRight(Scope.close(scope, Exit.void), Effect.sync(() => process.exit(0)))
  }
  if (message === "cpu") return Effect.sync(() => ({ cpu: process.cpuUsage() }))
  if (message === "clearRequests") return Effect.as(emulator.clearRequests, { cleared: true })
  if (message === "requests") {
    return Effect.map(
      Effect.zipLeft(emulator.requests, emulator.clearRequests),
      (requests) => ({ requests: requests.map((r) => [r.path, r.time, r.fault ?? null]) })
    )
  }
  if ("create" in message) {
    const { afterMillis, count, spreadMillis } = message.create
    return Effect.map(
      Effect.forEach(Array.from({ length: count }, (_, i) => i), (i) =>
        emulator.create({
          scenario: Emulator.succeedAfter(Duration.millis(afterMillis + Math.floor((i * spreadMillis) / count))),
          operationId: `op-${String(i).padStart(6, "0")}`,
          pendingFor: Duration.millis(500)
        })),
      (operations) => ({ names: operations.map((op) => op.name) })
    )
  }
  const fault = message.inject === "unavailable"
    ? Emulator.unavailable
    : Emulator.rateLimited(Duration.millis(message.retryAfterMillis ?? 1000))
  return Effect.map(
    emulator.inject(fault, { during: Duration.millis(message.duringMillis) }),
    (id) => ({ injected: id })
  )
}

process.on("message", (message: Message) => {
  void Effect.runPromise(handle(message)).then((reply) => process.send?.(reply))
})
process.on("disconnect", () => process.exit(0))
