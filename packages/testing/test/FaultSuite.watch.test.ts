/**
 * The fault suite, watching half: `OperationPoller` over the real client and the emulator, on the TestClock.
 * NOT_FOUND in the middle of a watch, transient faults a watch rides out, and interruption at any point
 * (sleeping, request in flight, body half read): after the interrupt no request reaches the emulator, and the
 * scenario leaves no handle.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { RetryPolicy } from "@longrunning/http"
import { OperationPoller, Policy } from "@longrunning/polling"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as Emulator from "@longrunning/emulator/Emulator"
import {
  clientLayer,
  driven,
  failureOf,
  ioTurns,
  listenForRejections,
  makeClient,
  scenario,
  stopListening,
  successOf,
  untilSleeps
} from "./faultSupport.js"

beforeAll(listenForRejections)
afterAll(stopListening)

const setup = (scenarioOf: Emulator.Scenario, options: Parameters<typeof makeClient>[1] = {}) =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.make()
    const op = yield* emulator.create({ scenario: scenarioOf })
    const client = yield* makeClient(emulator.url, options)
    return { emulator, op, client, provide: Effect.provide(clientLayer(client)) }
  })

describe("FaultSuite: watching through faults", () => {
  it.effect("NOT_FOUND in the middle of a watch: OperationNotFound with the last snapshot", () =>
    scenario(Effect.gen(function*() {
      const { client, emulator, op, provide } = yield* setup(Emulator.neverFinish)
      let seen = 0
      const watching = OperationPoller.watch(op.name, { schedule: Policy.fixed("10 seconds") }).pipe(
        Stream.tap(() => ++seen === 2 ? client.delete(op.name) : Effect.void),
        Stream.runCollect,
        provide
      )
      const error = yield* failureOf(yield* driven(watching))
      assert.strictEqual(error._tag, "OperationNotFound")
      if (error._tag === "OperationNotFound") {
        assert.strictEqual(error.operation, op.name)
        assert.isTrue(Option.isSome(error.lastSnapshot))
        assert.strictEqual(error.cause.httpStatus, 404)
      }
      const log = yield* emulator.requests
      assert.deepStrictEqual(log.map((r) => r.route), ["Get", "Get", "Delete", "Get"])
    })))

  it.effect("a watch rides out 503 bursts and resets and ends with the done snapshot", () =>
    scenario(Effect.gen(function*() {
      const { emulator, op, provide } = yield* setup(Emulator.succeedAfter("1 minute"))
      yield* emulator.inject(Emulator.unavailable, { times: 6 })
      yield* emulator.inject(Emulator.connectionReset, { times: 3, after: "20 seconds" })
      const snapshots = yield* successOf(
        yield* driven(OperationPoller.watch(op.name, { schedule: Policy.fixed("10 seconds") }).pipe(
          Stream.runCollect,
          provide
        ))
      )
      const last = Chunk.last(snapshots)
      assert.strictEqual(Option.map(last, (o) => o._tag).pipe(Option.getOrNull), "Succeeded")
      const faults = (yield* emulator.requests).map((r) => r.fault).filter((f) => f !== undefined)
      assert.strictEqual(faults.filter((f) => f === "Answer").length, 6)
      assert.strictEqual(faults.filter((f) => f === "ConnectionReset").length, 3)
    })))

  it.effect("RESOURCE_EXHAUSTED in a watch: the next poll waits as long as the server asked", () =>
    scenario(Effect.gen(function*() {
      const { emulator, op, provide } = yield* setup(Emulator.succeedAfter("2 minutes"), {
        retryPolicy: RetryPolicy.none
      })
      yield* emulator.inject(Emulator.rateLimited("45 seconds"), { times: 1 })
      const done = yield* successOf(
        yield* driven(OperationPoller.wait(op.name, { schedule: Policy.fixed("5 seconds") }).pipe(provide))
      )
      assert.strictEqual(done._tag, "Succeeded")
      const log = yield* emulator.requests
      assert.strictEqual(log[0]!.fault, "Answer")
      assert.isAtLeast(log[1]!.time - log[0]!.time, 45_000)
    })))

  it.effect("an operation that fails: result() ends in OperationFailed with its Status", () =>
    scenario(Effect.gen(function*() {
      const { op, provide } = yield* setup(Emulator.failAfter("30 seconds", Emulator.quotaExceeded))
      const error = yield* failureOf(
        yield* driven(OperationPoller.result(op.name, { schedule: Policy.fixed("10 seconds") }).pipe(provide))
      )
      assert.strictEqual(error._tag, "OperationFailed")
      if (error._tag === "OperationFailed") assert.strictEqual(error.status.code, 8)
    })))
})

describe("FaultSuite: interrupting a watch", () => {
  /**
   * Starts a watch, lets `reach` bring it to some point, interrupts it, and checks that no request reaches
   * the emulator afterwards, even once an hour has passed on the clock and the sockets had time to talk.
   */
  const interruptAt = (
    fault: Emulator.Fault | undefined,
    reach: Effect.Effect<void>
  ) =>
    scenario(Effect.gen(function*() {
      const { emulator, op, provide } = yield* setup(Emulator.succeedAfter("10 minutes"), {
        retryPolicy: RetryPolicy.none
      })
      if (fault !== undefined) yield* emulator.inject(fault)
      const fiber = yield* Effect.fork(
        OperationPoller.watch(op.name, { schedule: Policy.fixed("10 seconds") }).pipe(Stream.runDrain, provide)
      )
      yield* reach
      yield* Fiber.interrupt(fiber)
      // bytes already on the wire may still land; nothing new may be sent
      yield* ioTurns(20)
      const atInterrupt = (yield* emulator.requests).length
      yield* TestClock.adjust("1 hour")
      yield* ioTurns(50)
      assert.strictEqual((yield* emulator.requests).length, atInterrupt)
      return atInterrupt
    }))

  it.effect("while sleeping between polls", () =>
    Effect.gen(function*() {
      const requests = yield* interruptAt(undefined, untilSleeps(1))
      assert.strictEqual(requests, 1)
    }))

  it.effect("with a request in flight (slow headers)", () =>
    Effect.gen(function*() {
      // the client's attempt timeout and the emulator's pause both sleep
      const requests = yield* interruptAt(Emulator.slowHeaders("1 minute"), untilSleeps(2))
      assert.strictEqual(requests, 1)
    }))

  it.effect("in the middle of the body (slow body)", () =>
    Effect.gen(function*() {
      const requests = yield* interruptAt(Emulator.slowBody("1 minute", 6), untilSleeps(2))
      assert.strictEqual(requests, 1)
    }))

  it.effect("at random points: after some I/O turns and some time, with or without a slow answer", () =>
    Effect.gen(function*() {
      const cases = FastCheck.sample(
        FastCheck.tuple(
          FastCheck.integer({ min: 0, max: 40 }),
          FastCheck.integer({ min: 0, max: 35_000 }),
          FastCheck.constantFrom<Emulator.Fault | undefined>(
            undefined,
            Emulator.slowHeaders("3 seconds"),
            Emulator.slowBody("3 seconds", 3),
            Emulator.latency("2 seconds"),
            Emulator.answer(Emulator.unavailable)
          )
        ),
        { numRuns: 30, seed: 20240601 }
      )
      for (const [turns, millis, fault] of cases) {
        yield* interruptAt(
          fault,
          Effect.zipRight(ioTurns(turns), TestClock.adjust(millis))
        )
      }
    }))

  it.effect("cancelOnInterrupt: exactly a cancel and one read after the interrupt, then nothing", () =>
    scenario(Effect.gen(function*() {
      const { emulator, op, provide } = yield* setup(Emulator.neverFinish)
      const seen: Array<string> = []
      const fiber = yield* Effect.fork(
        OperationPoller.watch(op.name, {
          schedule: Policy.fixed("10 seconds"),
          cancelOnInterrupt: true,
          onCancelled: (after) => Effect.sync(() => seen.push(Option.match(after, { onNone: () => "none", onSome: (o) => o._tag })))
        }).pipe(Stream.runDrain, provide)
      )
      yield* untilSleeps(1)
      yield* Fiber.interrupt(fiber)
      yield* TestClock.adjust("1 hour")
      yield* ioTurns(50)
      assert.deepStrictEqual((yield* emulator.requests).map((r) => r.route), ["Get", "Cancel", "Get"])
      assert.deepStrictEqual(seen, ["Failed"])
    })))
})
