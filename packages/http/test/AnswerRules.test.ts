import { assert, describe, it } from "@effect/vitest"
import * as OperationsClient from "@longrunning/http/OperationsClient"
import * as Answer from "@longrunning/schema/Answer"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import * as fs from "node:fs"
import * as path from "node:path"
import { answering } from "./fake.js"

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

// Real payloads of other APIs (schema's fixtures/payloads-multi, copied from the shared corpus).
const fixturesDir = path.resolve(__dirname, "../../schema/test/fixtures/payloads-multi")
const fixture = (file: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(fixturesDir, file), "utf8"))

const longrunning = [
  "aiplatform-deploymentresourcepool-create-running-nested-name.json",
  "alloydb-cluster-create-running-explicit-done-false.json",
  "cloudbuild-build-create-running-operations-build-name-nanos.json",
  "firestore-database-create-not-done-with-response-enum-int.json",
  "resourcemanager-v3-folder-delete-done-no-name.json",
  "run-job-create-running-metadata-is-job-int64.json",
  "serviceusage-enable-running-empty-metadata-value.json",
  "spanner-database-create-running.json",
  "speech-v2-phraseset-create-done-immediately-enum-int.json"
]

// A client whose every list answers `pages[i]` for the i-th page token ("", "1", "2", ...).
const listing = (pages: ReadonlyArray<unknown>) =>
  OperationsClient.fromTransport({
    get: () => Effect.die("unused"),
    list: (_, options) => Effect.succeed({ json: pages[Number(options.pageToken ?? "0") || 0], httpStatus: 200 }),
    cancel: () => Effect.die("unused"),
    delete: () => Effect.die("unused")
  })

describe("list pages get the answer rules of get", () => {
  const collection = "projects/my-project/locations/us-central1/operations"

  it.effect("every google.longrunning payload of other APIs decodes in a page; a response without done is done", () =>
    Effect.gen(function*() {
      const operations = longrunning.map(fixture)
      const page = yield* listing([{ operations }]).list(collection)
      assert.strictEqual(page.operations.length, longrunning.length)
      const tags = Object.fromEntries(longrunning.map((file, i) => [file, page.operations[i]!._tag]))
      assert.deepStrictEqual(tags, {
        "aiplatform-deploymentresourcepool-create-running-nested-name.json": "Running",
        "alloydb-cluster-create-running-explicit-done-false.json": "Running",
        "cloudbuild-build-create-running-operations-build-name-nanos.json": "Running",
        // no `done`, a `response`: done by the answer rules (it would be Running without them)
        "firestore-database-create-not-done-with-response-enum-int.json": "Succeeded",
        "resourcemanager-v3-folder-delete-done-no-name.json": "Succeeded",
        "run-job-create-running-metadata-is-job-int64.json": "Running",
        "serviceusage-enable-running-empty-metadata-value.json": "Running",
        "spanner-database-create-running.json": "Running",
        "speech-v2-phraseset-create-done-immediately-enum-int.json": "Succeeded"
      })
      for (let i = 0; i < operations.length; i++) {
        // a page has no name to ask for: a nameless operation stays nameless
        assert.strictEqual(page.operations[i]!.name, operations[i]!.name ?? "")
      }
      // The page given to the client is not changed by the rules.
      assert.isUndefined(operations[3]!.done)
    }))

  it.effect("another API's operation in a page is refused, naming the API and its place in the page", () =>
    Effect.gen(function*() {
      const operations = [fixture(longrunning[0]!), fixture(longrunning[1]!), fixture("compute-address-insert-own-operation-type-running.json")]
      const error = yield* Effect.flip(listing([{ operations }]).list(collection))
      assert.strictEqual(error._tag, "MalformedResponse")
      if (error._tag === "MalformedResponse") {
        assert.strictEqual(error.path, "$.operations[2]")
        assert.include(error.detail, "a Compute Engine operation")
        assert.include(error.detail, "not a google.longrunning operation")
        assert.isTrue(Answer.isForeignOperation(error.cause))
      }
      // listAll stops at the page that holds it, after yielding none of that page.
      const pages = [{ operations: [fixture(longrunning[0]!)], nextPageToken: "1" }, { operations }]
      const seen: Array<string> = []
      const exit = yield* Effect.exit(
        Stream.runForEach(listing(pages).listAll(collection), (op) => Effect.sync(() => seen.push(op.name)))
      )
      assert.deepStrictEqual(seen, [fixture(longrunning[0]!).name])
      assert.isTrue(Exit.isFailure(exit))
    }))

  it.effect("a get of another API's operation carries the ForeignOperation as its cause", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(answering(compute).get("projects/my-project/global/operations/operation-1"))
      assert.isTrue(error._tag === "MalformedResponse" && Answer.isForeignOperation(error.cause))
    }))
})
