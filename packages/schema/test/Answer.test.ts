import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Answer from "../src/Answer.js"
import * as Operation from "../src/Operation.js"
import * as OperationName from "../src/OperationName.js"
import * as Status from "../src/Status.js"

const directory = path.resolve(__dirname, "fixtures/payloads-multi")
const payload = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(directory, file), "utf8"))
const files = fs.readdirSync(directory).filter((file) => file.endsWith(".json")).sort()

const decode = (json: unknown): Operation.Operation =>
  Either.match(Schema.decodeUnknownEither(Operation.Operation)(json), {
    onLeft: (error) => assert.fail(error.message),
    onRight: (op) => op
  })
const roundTrip = (json: unknown): unknown => JSON.parse(JSON.stringify(Schema.encodeSync(Operation.Operation)(decode(json))))
const normalized = (json: unknown, asked?: string): unknown =>
  Either.match(Answer.normalize(json, asked), {
    onLeft: (error) => assert.fail(error.message),
    onRight: (value) => value
  })
const foreign = (json: unknown): Answer.ForeignOperation =>
  Either.match(Answer.normalize(json), {
    onLeft: (error) => error,
    onRight: () => assert.fail("expected a ForeignOperation")
  })
// proto3: a field written with its default value is the same as an absent one.
const withoutDone = (json: unknown): unknown => {
  const { done, ...rest } = json as { done?: unknown }
  return done === false ? rest : json
}

describe("payloads from other Google APIs", () => {
  it("are all here, each with an expectation below", () => {
    assert.strictEqual(files.length, 11)
  })

  for (
    const file of [
      "aiplatform-deploymentresourcepool-create-running-nested-name.json",
      "cloudbuild-build-create-running-operations-build-name-nanos.json",
      "run-job-create-running-metadata-is-job-int64.json",
      "serviceusage-enable-running-empty-metadata-value.json",
      "spanner-database-create-running.json",
      "speech-v2-phraseset-create-done-immediately-enum-int.json",
      "alloydb-cluster-create-running-explicit-done-false.json"
    ]
  ) {
    it(`${file}: the rules leave it alone, and it decodes and re-encodes losslessly`, () => {
      const json = payload(file)
      assert.strictEqual(normalized(json, (json as { name: string }).name), json)
      assert.deepStrictEqual(roundTrip(json), withoutDone(json))
      assert.deepStrictEqual(roundTrip(roundTrip(json)), roundTrip(json))
    })
  }

  it("decodes to the state each payload describes", () => {
    const tags = Object.fromEntries(files.filter((f) => !/compute|sqladmin/.test(f)).map((file) => {
      const json = normalized(payload(file), "operations/asked")
      return [file, decode(json)._tag]
    }))
    assert.deepStrictEqual(tags, {
      "aiplatform-deploymentresourcepool-create-running-nested-name.json": "Running",
      "alloydb-cluster-create-running-explicit-done-false.json": "Running",
      "cloudbuild-build-create-running-operations-build-name-nanos.json": "Running",
      "firestore-database-create-not-done-with-response-enum-int.json": "Succeeded",
      "resourcemanager-v3-folder-delete-done-no-name.json": "Succeeded",
      "run-job-create-running-metadata-is-job-int64.json": "Running",
      "serviceusage-enable-running-empty-metadata-value.json": "Running",
      "spanner-database-create-running.json": "Running",
      "speech-v2-phraseset-create-done-immediately-enum-int.json": "Succeeded"
    })
  })

  it("Firestore: a response without done fails to decode as it is, and is done once the rules apply", () => {
    const json = payload("firestore-database-create-not-done-with-response-enum-int.json")
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(Operation.Operation)(json)))
    const fixed = normalized(json)
    assert.deepStrictEqual(fixed, { ...(json as object), done: true })
    assert.deepStrictEqual(roundTrip(fixed), fixed)
    // The response's enum numbers sit in an Any of a type this library does not model: kept as they came.
    const op = decode(fixed)
    assert.strictEqual(op._tag, "Succeeded")
    if (op._tag === "Succeeded") assert.propertyVal(op.response, "concurrencyMode", 2)
  })

  it("Resource Manager v3: a done answer without a name takes the name asked for", () => {
    const json = payload("resourcemanager-v3-folder-delete-done-no-name.json")
    // As it came it decodes with an empty name, and re-encodes without one.
    assert.deepStrictEqual(roundTrip(json), json)
    const fixed = normalized(json, "operations/fd.p2-987654321098")
    assert.deepStrictEqual(fixed, { ...(json as object), name: "operations/fd.p2-987654321098" })
    assert.strictEqual(decode(fixed).name, "operations/fd.p2-987654321098")
    assert.deepStrictEqual(roundTrip(fixed), fixed)
  })

  it("Compute Engine: refused with a typed error naming the API", () => {
    const json = payload("compute-address-insert-own-operation-type-running.json")
    const error = foreign(json)
    assert.strictEqual(error.api, "Compute Engine")
    assert.strictEqual(error.name, "operation-1711974896123-6153c0c7a9f0a-4f2a9c1e-8b7d6e5f")
    assert.include(error.message, "a Compute Engine operation")
    assert.include(error.message, "not a google.longrunning operation")
    assert.include(error.evidence, "kind: compute#operation")
    assert.isTrue(Answer.isForeignOperation(error))
    assert.deepStrictEqual(Answer.foreignApi(json), Option.some("Compute Engine"))
    // Without the rule it would decode as an operation that runs forever.
    assert.strictEqual(decode(json)._tag, "Running")
  })

  it("Cloud SQL Admin: an error envelope with neither status nor errors decodes and re-encodes as it came", () => {
    const json = payload("sqladmin-error-400-no-status-no-errors.json")
    const envelope = Schema.decodeUnknownSync(Status.ErrorBody)(json)
    assert.strictEqual(Status.fromEnvelope(envelope).code, 3)
    assert.deepStrictEqual(JSON.parse(JSON.stringify(Schema.encodeSync(Status.ErrorBody)(envelope))), json)
    assert.strictEqual(normalized(json), json)
  })

  it("names: each payload's name parses under its API's grammar and has the location it names", () => {
    const expectations: ReadonlyArray<readonly [string, OperationName.Grammar, Option.Option<string>]> = [
      ["aiplatform-deploymentresourcepool-create-running-nested-name.json", OperationName.standard, Option.some("us-central1")],
      ["alloydb-cluster-create-running-explicit-done-false.json", OperationName.standard, Option.some("us-west1")],
      ["cloudbuild-build-create-running-operations-build-name-nanos.json", OperationName.grammar({ nestedIds: true }), Option.none()],
      ["firestore-database-create-not-done-with-response-enum-int.json", OperationName.standard, Option.none()],
      ["run-job-create-running-metadata-is-job-int64.json", OperationName.standard, Option.some("us-central1")],
      ["serviceusage-enable-running-empty-metadata-value.json", OperationName.standard, Option.none()],
      ["spanner-database-create-running.json", OperationName.standard, Option.none()],
      ["speech-v2-phraseset-create-done-immediately-enum-int.json", OperationName.standard, Option.some("global")]
    ]
    for (const [file, grammar, location] of expectations) {
      const name = (payload(file) as { name: string }).name
      assert.isTrue(Either.isRight(OperationName.parse(name, grammar)), file)
      assert.deepStrictEqual(OperationName.location(name), location, file)
    }
  })
})

describe("Answer rules", () => {
  it("recognise GKE and Cloud SQL operations by shape", () => {
    const gke = {
      name: "operation-1700000000000-abc",
      zone: "us-central1-a",
      operationType: "CREATE_CLUSTER",
      status: "DONE",
      selfLink: "https://container.googleapis.com/v1/projects/123/zones/us-central1-a/operations/operation-1700000000000-abc",
      targetLink: "https://container.googleapis.com/v1/projects/123/zones/us-central1-a/clusters/c",
      startTime: "2024-04-01T12:34:56.123456Z",
      endTime: "2024-04-01T12:40:00.000000Z"
    }
    assert.strictEqual(foreign(gke).api, "Google Kubernetes Engine")
    assert.strictEqual(foreign({ ...gke, selfLink: undefined, targetLink: undefined, zone: "z" }).api, "Google Kubernetes Engine")
    const sql = {
      kind: "sql#operation",
      targetLink: "https://sqladmin.googleapis.com/v1/projects/p/instances/i",
      status: "PENDING",
      user: "user@example.com",
      insertTime: "2024-04-01T12:34:56.123Z",
      operationType: "CREATE",
      name: "a1b2c3",
      targetId: "i",
      selfLink: "https://sqladmin.googleapis.com/v1/projects/p/operations/a1b2c3",
      targetProject: "p"
    }
    assert.strictEqual(foreign(sql).api, "Cloud SQL")
    assert.include(foreign(sql).message, "a Cloud SQL operation")
    const other = { name: "x", status: "RUNNING", progress: 10, selfLink: "https://example.googleapis.com/v1/ops/x" }
    assert.strictEqual(foreign(other).api, "an API with its own Operation type")
  })

  it("leave google.longrunning operations alone, whatever their metadata holds", () => {
    for (
      const json of [
        { name: "operations/1" },
        { name: "operations/1", done: false, metadata: { "@type": "x", status: "RUNNING", progress: 3, selfLink: "s" } },
        { name: "operations/1", done: true, error: { code: 1 } },
        null,
        [1],
        "text"
      ]
    ) {
      assert.strictEqual(normalized(json, "operations/1"), json)
      assert.deepStrictEqual(Answer.foreignApi(json), Option.none())
    }
    assert.deepStrictEqual(normalized({}, "operations/1"), { name: "operations/1" })
    const envelope = { error: { code: 400, message: "an error envelope" } }
    assert.strictEqual(normalized(envelope), envelope)
    // A status field alone is not enough to call it foreign.
    const withStatus = { name: "operations/1", status: "DONE" }
    assert.strictEqual(normalized(withStatus), withStatus)
  })

  it("an error without done beside a name is done too; done written false is left for the decoder to refuse", () => {
    assert.deepStrictEqual(normalized({ name: "o", error: { code: 5 } }), { name: "o", error: { code: 5 }, done: true })
    assert.deepStrictEqual(normalized({ name: "o", done: null, response: { "@type": "t" } }), {
      name: "o",
      done: true,
      response: { "@type": "t" }
    })
    const contradictory = { name: "o", done: false, response: { "@type": "t" } }
    assert.strictEqual(normalized(contradictory), contradictory)
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(Operation.Operation)(contradictory)))
  })

  it("copies a __proto__ field as a field, and never mutates the answer", () => {
    const json = JSON.parse("{\"__proto__\": {\"x\": 1}, \"response\": {\"@type\": \"t\"}}") as Record<string, unknown>
    const out = normalized(json, "operations/o") as Record<string, unknown>
    assert.notStrictEqual(out, json)
    assert.strictEqual(Object.getPrototypeOf(out), Object.prototype)
    assert.deepStrictEqual(Object.keys(out).sort(), ["__proto__", "done", "name", "response"])
    assert.deepStrictEqual(Object.keys(json).sort(), ["__proto__", "response"])
  })

  it.prop(
    "normalize is idempotent on encoded operations and keeps them decodable",
    [Operation.Operation, FastCheck.boolean()],
    ([op, dropName]) => {
      const encoded = Schema.encodeSync(Operation.Operation)(op) as Record<string, unknown>
      const { name: _, ...nameless } = encoded
      const input = dropName ? nameless : encoded
      const once = normalized(input, op.name === "" ? "operations/asked" : op.name)
      assert.deepStrictEqual(normalized(once), once)
      assert.isTrue(Either.isRight(Schema.decodeUnknownEither(Operation.Operation)(once)))
    }
  )
})

describe("OperationName.sameOperation", () => {
  it("takes a project number for the project id, and the reverse", () => {
    const pairs: ReadonlyArray<readonly [string, string]> = [
      ["projects/my-project/locations/global/operations/o", "projects/123456789012/locations/global/operations/o"],
      ["projects/123456789012/locations/us/operations/o", "projects/my-project/locations/us/operations/o"],
      ["operations/build/my-project/MjE1", "operations/build/123456789012/MjE1"],
      ["projects/my-project/locations/l/collections/default_collection/operations/o", "projects/42/locations/l/collections/default_collection/operations/o"],
      ["operations/abc", "operations/abc"]
    ]
    for (const [asked, answered] of pairs) assert.isTrue(OperationName.sameOperation(asked, answered), `${asked} ~ ${answered}`)
  })

  it("tells other operations apart", () => {
    const pairs: ReadonlyArray<readonly [string, string]> = [
      ["projects/my-project/locations/global/operations/o", "projects/my-project/locations/global/operations/p"],
      ["projects/my-project/locations/global/operations/o", "projects/other-project/locations/global/operations/o"],
      ["projects/123/locations/global/operations/o", "projects/456/locations/global/operations/o"],
      ["projects/my-project/locations/global/operations/o", "projects/123/locations/us/operations/o"],
      ["projects/my-project/operations/o", "projects/my-project/locations/l/operations/o"],
      ["folders/my-folder1/operations/o", "folders/123456/operations/o"],
      ["operations/123456/x", "operations/my-project/x"],
      ["operations/abc", ""]
    ]
    for (const [asked, answered] of pairs) assert.isFalse(OperationName.sameOperation(asked, answered), `${asked} !~ ${answered}`)
  })
})
