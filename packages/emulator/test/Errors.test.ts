import { assert, describe, it } from "@effect/vitest"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Emulator from "../src/Emulator.js"

describe("Emulator.UnknownOperation: a Schema error with a TypeId", () => {
  it.scoped("a control call's error passes the guard and round-trips through JSON", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const error = yield* Effect.flip(emulator.complete("projects/demo/regions/us-central1/operations/x"))
      assert.isTrue(Emulator.isUnknownOperation(error))
      assert.strictEqual(Emulator.UnknownOperation.identifier, "@longrunning/emulator/UnknownOperation")
      const encoded = Schema.encodeSync(Emulator.UnknownOperation)(error)
      assert.deepStrictEqual(JSON.parse(JSON.stringify(encoded)), {
        _tag: "UnknownOperation",
        name: "projects/demo/regions/us-central1/operations/x"
      })
      const decoded = Schema.decodeUnknownSync(Emulator.UnknownOperation)(JSON.parse(JSON.stringify(encoded)))
      assert.isTrue(Emulator.isUnknownOperation(decoded))
      assert.strictEqual(decoded.message, error.message)
      assert.strictEqual(decoded.message, "The emulator holds no operation named \"projects/demo/regions/us-central1/operations/x\"")
    }))

  it("look-alikes with the same _tag are refused", () => {
    class LookAlike extends Data.TaggedError("UnknownOperation")<{ readonly name: string }> {}
    assert.isFalse(Emulator.isUnknownOperation(new LookAlike({ name: "x" })))
    assert.isFalse(Emulator.isUnknownOperation({ _tag: "UnknownOperation", name: "x" }))
    assert.isFalse(Emulator.isUnknownOperation(null))
    assert.isTrue(Emulator.isUnknownOperation(new Emulator.UnknownOperation({ name: "x" })))
  })
})
