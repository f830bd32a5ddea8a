import { assert, describe, it } from "@effect/vitest"
import * as Schema from "effect/Schema"
import * as Durable from "../src/internal/durable.js"
import * as Exit from "../src/internal/exit.js"

describe("lro's own errors", () => {
  const errors = [
    [new Exit.UsageError({ message: "--timeout must be more than zero" }), Exit.UsageError, Exit.codes.usage],
    [new Exit.ListenFailed({ message: "cannot listen on 127.0.0.1:1: EACCES" }), Exit.ListenFailed, Exit.codes.api],
    [new Exit.DemoFailed({ message: "the demo did not end" }), Exit.DemoFailed, Exit.codes.failed],
    [new Exit.OperationEndedInError({ message: "CANCELLED" }), Exit.OperationEndedInError, Exit.codes.failed],
    [new Exit.CommandTimedOut({ message: "no answer within 1s (--timeout)" }), Exit.CommandTimedOut, Exit.codes.timeout]
  ] as const

  it("carry the cli's TypeId, round-trip through JSON, and keep their exit codes and messages", () => {
    for (const [error, schema, code] of errors) {
      assert.strictEqual(error[Exit.TypeId], Exit.TypeId)
      const s = schema as Schema.Schema<typeof error, { readonly _tag: string; readonly message: string }>
      const encoded = Schema.encodeSync(s)(error)
      assert.deepStrictEqual(encoded, { _tag: error._tag, message: error.message })
      const decoded = Schema.decodeUnknownSync(s)(JSON.parse(JSON.stringify(encoded)))
      assert.strictEqual(decoded[Exit.TypeId], Exit.TypeId)
      assert.strictEqual(Exit.codeOf(decoded), code)
      assert.strictEqual(Exit.messageOf(decoded), error.message)
    }
  })

  it("so do the durable wait's: StoreFailed exits 3, DurableNotInstalled 2 with its install line", () => {
    const store = Schema.decodeUnknownSync(Durable.StoreFailed)(
      JSON.parse(JSON.stringify(Schema.encodeSync(Durable.StoreFailed)(new Durable.StoreFailed({ message: "cannot use the store" }))))
    )
    assert.strictEqual(store[Exit.TypeId], Exit.TypeId)
    assert.strictEqual(Exit.codeOf(store), Exit.codes.api)
    const missing = new Durable.DurableNotInstalled({ message: "not installed", installLine: "npm i @longrunning/durable" })
    const back = Schema.decodeUnknownSync(Durable.DurableNotInstalled)(Schema.encodeSync(Durable.DurableNotInstalled)(missing))
    assert.strictEqual(back.installLine, "npm i @longrunning/durable")
    assert.strictEqual(Exit.codeOf(back), Exit.codes.usage)
  })
})
