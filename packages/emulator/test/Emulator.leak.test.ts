import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Emulator from "../src/Emulator.js"
import { send, settle, untilSleeping } from "./helpers.js"

const tcpHandles = (): number =>
  process.getActiveResourcesInfo().filter((name) => name === "TCPServerWrap" || name === "TCPSocketWrap").length

describe("Emulator lifecycle", () => {
  it.scoped("closing the layer's scope leaves no TCP handle behind, even with a request held by a fault", () =>
    Effect.gen(function*() {
      yield* settle
      const before = tcpHandles()
      const inFlight = yield* Effect.scoped(Effect.gen(function*() {
        const context = yield* Layer.build(Emulator.layer())
        const emulator = yield* Effect.provide(Emulator.Emulator, context)
        const op = yield* emulator.create({})
        for (let i = 0; i < 5; i++) assert.strictEqual((yield* send(`${emulator.url}/v1/${op.name}`)).status, 200)
        yield* emulator.inject(Emulator.slowHeaders("1 hour"))
        const held = yield* Effect.fork(send(`${emulator.url}/v1/${op.name}`))
        yield* untilSleeping
        assert.isAbove(tcpHandles(), before) // the listener and the sockets are open
        return held
      }))
      // the scope is closed: the held request was cut off rather than waited for
      const exit = yield* Fiber.await(inFlight)
      assert.isTrue(Exit.isFailure(exit))
      yield* settle
      assert.strictEqual(tcpHandles(), before)
    }))

  it.scoped("the port is free again once the scope closes", () =>
    Effect.gen(function*() {
      const port = yield* Effect.scoped(Effect.map(Emulator.make(), (emulator) => emulator.port))
      const again = yield* Effect.scoped(Effect.map(Emulator.make({ port }), (emulator) => emulator.port))
      assert.strictEqual(again, port)
    }))
})
