import { assert, describe, it } from "@effect/vitest"
import * as OperationsClient from "@longrunning/http/OperationsClient"
import * as Effect from "effect/Effect"

// A client whose every get answers `json`.
const answering = (json: unknown) =>
  OperationsClient.fromTransport({
    get: () => Effect.succeed({ json, httpStatus: 200 }),
    list: () => Effect.die("unused"),
    cancel: () => Effect.die("unused"),
    delete: () => Effect.die("unused")
  })

// Compute Engine's own Operation type, as recorded (schema's fixtures/payloads-multi holds the file).
const compute = {
  id: "000000000000000000000",
  insertTime: "2024-04-01T12:34:56.123456Z",
  kind: "compute#operation",
  name: "operation-1711974896123-6153c0c7a9f0a-4f2a9c1e-8b7d6e5f",
  operationType: "insert",
  progress: 0,
  selfLink: "https://www.googleapis.com/compute/v1/projects/my-project/global/operations/operation-1711974896123-6153c0c7a9f0a-4f2a9c1e-8b7d6e5f",
  startTime: "2024-04-01T12:34:56.123456Z",
  status: "RUNNING",
  targetId: "computeaddress-4f2a9c1e",
  targetLink: "https://www.googleapis.com/compute/v1/projects/my-project/global/addresses/computeaddress-4f2a9c1e",
  user: "user@example.com"
}

describe("the client applies the answer rules", () => {
  const asked = "projects/my-project/locations/global/operations/operation-1"

  it.effect("a project number in place of the project id is the same operation, and the reverse", () =>
    Effect.gen(function*() {
      const byNumber = yield* answering({ name: "projects/123456789012/locations/global/operations/operation-1", done: true })
        .get(asked)
      assert.strictEqual(byNumber._tag, "DoneWithoutResult")
      const byId = yield* answering({ name: asked }).get("projects/123456789012/locations/global/operations/operation-1")
      assert.strictEqual(byId._tag, "Running")
    }))

  it.effect("another operation is still refused", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(answering({ name: "projects/other-project/locations/global/operations/operation-1" }).get(asked))
      assert.strictEqual(error._tag, "MalformedResponse")
      assert.include(error.message, "expected the operation asked for")
    }))

  it.effect("an answer without a name takes the name asked for", () =>
    Effect.gen(function*() {
      const op = yield* answering({ done: true, response: { "@type": "type.googleapis.com/google.cloud.resourcemanager.v3.Folder" } })
        .get("operations/fd.p2-987654321098")
      assert.strictEqual(op._tag, "Succeeded")
      assert.strictEqual(op.name, "operations/fd.p2-987654321098")
    }))

  it.effect("a response without done is done", () =>
    Effect.gen(function*() {
      const name = "projects/p/databases/d/operations/o"
      const op = yield* answering({ name, response: { "@type": "type.googleapis.com/google.firestore.admin.v1.Database" } }).get(name)
      assert.strictEqual(op._tag, "Succeeded")
    }))

  it.effect("a Compute Engine operation fails at once, naming its API, instead of running forever", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(answering(compute).get("projects/my-project/global/operations/operation-1"))
      assert.strictEqual(error._tag, "MalformedResponse")
      assert.include(error.message, "a Compute Engine operation")
      assert.include(error.message, "not a google.longrunning operation")
    }))
})
