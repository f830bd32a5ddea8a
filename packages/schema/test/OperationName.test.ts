import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as OperationName from "../src/OperationName.js"

const failure = (input: string): string =>
  Either.match(OperationName.parse(input), {
    onLeft: (error) => error.message,
    onRight: (name) => assert.fail(`expected ${JSON.stringify(input)} to be refused, got ${name}`)
  })

const collectionFailure = (input: string): string =>
  Either.match(OperationName.parseCollection(input), {
    onLeft: (error) => error.message,
    onRight: (collection) => assert.fail(`expected ${JSON.stringify(input)} to be refused, got ${collection}`)
  })

const valid = (input: string): OperationName.OperationName =>
  Either.match(OperationName.parse(input), {
    onLeft: (error) => assert.fail(`expected ${JSON.stringify(input)} to parse: ${error.message}`),
    onRight: (name) => name
  })

const validCollection = (input: string): OperationName.OperationCollection =>
  Either.match(OperationName.parseCollection(input), {
    onLeft: (error) => assert.fail(`expected ${JSON.stringify(input)} to parse: ${error.message}`),
    onRight: (collection) => collection
  })

const dataprocRegional = "projects/my-project/regions/us-central1/operations/4b9c2f0e-1d3a-3c53-9a8f-0f1e2d3c4b5a"
const dataprocLocational = "projects/my-project/locations/europe-west4/operations/7f1d2c3b-aaaa-bbbb-cccc-0123456789ab"

const safeCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=@"
const segment = FastCheck.string({ unit: FastCheck.constantFrom(...safeCharacters), minLength: 1, maxLength: 16 })
  .filter((s) => s !== "." && s !== "..")

describe("OperationName", () => {
  describe("valid names", () => {
    it("accepts Dataproc regions and locations names", () => {
      assert.strictEqual(valid(dataprocRegional), dataprocRegional)
      assert.strictEqual(valid(dataprocLocational), dataprocLocational)
      assert.strictEqual(valid("projects/p/locations/global/operations/o"), "projects/p/locations/global/operations/o")
    })

    it("accepts names of other Google APIs", () => {
      for (
        const input of [
          "operations/abc",
          "operations/cp.1234567890",
          "projects/p/locations/l/operations/o",
          "projects/p/instances/i/databases/d/operations/o",
          "projects/p/zones/us-east1-b/operations/operation-1700000000000-abc",
          "operations/operations",
          "a/operations/x@y+z=1,2!$&'()*;~_-."
        ]
      ) {
        assert.strictEqual(valid(input), input)
      }
    })

    it("decodes and encodes through the schema", () => {
      const name = Schema.decodeUnknownSync(OperationName.OperationName)(dataprocRegional)
      assert.strictEqual(Schema.encodeSync(OperationName.OperationName)(name), dataprocRegional)
      assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(OperationName.OperationName)(42)))
    })

    it("accepts a name of exactly 4096 characters", () => {
      const input = `operations/${"a".repeat(4096 - "operations/".length)}`
      assert.strictEqual(valid(input).length, 4096)
    })

    it("unsafeMake returns valid names and throws on invalid ones", () => {
      assert.strictEqual(OperationName.unsafeMake("operations/abc"), "operations/abc")
      assert.throws(() => OperationName.unsafeMake("operations/"), /segment 1 is empty/)
    })
  })

  describe("invalid names", () => {
    const cases: ReadonlyArray<readonly [input: string, expected: string]> = [
      ["", "the name is empty"],
      ["/", "segment 0 is empty"],
      ["/projects/p/regions/r/operations/o", "segment 0 is empty (a leading \"/\")"],
      ["projects//regions/r/operations/o", "segment 1 is empty (a doubled \"/\")"],
      ["projects/p/regions/r/operations/o/", "segment 6 is empty (a trailing \"/\")"],
      ["operations/", "segment 1 is empty (a trailing \"/\")"],
      ["projects/p/regions/../operations/o", "segment 3 (\"..\") is a relative path segment"],
      ["projects/p/regions/r/operations/..", "segment 5 (\"..\") is a relative path segment"],
      ["./operations/o", "segment 0 (\".\") is a relative path segment"],
      ["projects/p/regions/r/operations/.", "segment 5 (\".\") is a relative path segment"],
      ["projects/p/regions/r%2F..%2Fx/operations/o", "segment 3 contains \"%\" (U+0025) at position 20"],
      ["projects/p/regions/r/operations/a%2fb", "segment 5 contains \"%\" (U+0025)"],
      ["projects/p/regions/r/operations/%2E%2E", "segment 5 contains \"%\" (U+0025)"],
      ["projects/p/regions/r/operations/o?x", "segment 5 contains \"?\" (U+003F) at position 33"],
      ["projects/p/regions/r/operations/o#f", "segment 5 contains \"#\" (U+0023)"],
      ["projects/my project/regions/r/operations/o", "segment 1 contains U+0020 at position 11, a whitespace"],
      ["projects/p/regions/r/operations/o\t", "segment 5 contains U+0009"],
      ["projects/p/regions/r/operations/o\n", "segment 5 contains U+000A"],
      ["projects/p/regions/r/operations/o\r\nX-Injected: 1", "segment 5 contains U+000D"],
      ["projects/p/regions/r/operations/o\u0000", "segment 5 contains U+0000 at position 33, a control character"],
      ["projects/p/regions/r/operations/o\u007f", "segment 5 contains U+007F at position 33, a control character"],
      ["projects/p/regions/r/operations/o\u0085", "segment 5 contains U+0085 at position 33, a control character"],
      ["projects/p/regions/r/operations/o\u00a0", "segment 5 contains U+00A0"],
      ["projects/p/regions/r/operations/o\u3000", "segment 5 contains U+3000 at position 33, a whitespace character"],
      ["projects/p/regions/r\uff0f..\uff0fx/operations/o", "segment 3 contains U+FF0F"],
      ["projects/p/regions/r\u2215x/operations/o", "segment 3 contains U+2215"],
      ["projects/p/regions/r\u2044x/operations/o", "segment 3 contains U+2044"],
      ["projects/p/regions/r/operations/o\u202e", "segment 5 contains U+202E at position 33, outside printable ASCII"],
      ["projects/p/regions/r/operations/o\u200b", "segment 5 contains U+200B"],
      ["projects/p/regions/r/operations/\u{1F600}", "segment 5 contains U+1F600"],
      ["projects/p/regions/r/operations/caf\u00e9", "segment 5 contains U+00E9"],
      ["https://evil.example/operations/o", "segment 0 contains \":\" (U+003A) at position 5"],
      ["//evil.example/operations/o", "segment 0 is empty"],
      ["projects/p/regions/r/operations/o:cancel", "segment 5 contains \":\" (U+003A)"],
      ["projects/p/regions/r/operations/o\\..\\x", "segment 5 contains \"\\\\\" (U+005C)"],
      ["projects/p/regions/r/operations/<script>", "segment 5 contains \"<\" (U+003C)"],
      ["projects/p/regions/r/operations/{id}", "segment 5 contains \"{\" (U+007B)"],
      ["projects/p/regions/r/operations/a\"b", "segment 5 contains \"\\\"\" (U+0022)"],
      ["projects/p/regions/r/operations/a|b", "segment 5 contains \"|\" (U+007C)"],
      ["projects/p/regions/r/operations/a`b", "segment 5 contains \"`\" (U+0060)"],
      [`operations/${"a".repeat(9989)}`, "the name is 10000 characters long; at most 4096 are allowed"],
      [`operations/${"a".repeat(4086)}`, "the name is 4097 characters long"],
      ["operations", "expected \".../operations/{id}\", but the name has a single segment (\"operations\")"],
      ["projects/p/regions/r/operations", "expected \".../operations/{id}\", but segment 3 is \"r\""],
      ["projects/p/regions/r/jobs/j", "expected \".../operations/{id}\", but segment 4 is \"jobs\""],
      ["projects/p/regions/r/operations/o/extra", "expected \".../operations/{id}\", but segment 5 is \"o\""],
      ["projects/p/regions/r/Operations/o", "but segment 4 is \"Operations\""]
    ]

    it(`refuses ${cases.length} malformed names, naming the bad part`, () => {
      for (const [input, expected] of cases) {
        const message = failure(input)
        assert.include(message, expected, `for ${JSON.stringify(input.slice(0, 80))}`)
      }
    })

    it("never echoes characters outside printable ASCII", () => {
      for (const char of ["\u202e", "\uff0f", "\u0000", "\u001b", "\u{1F600}", "\r"]) {
        const message = failure(`operations/a${char}b`)
        assert.notInclude(message, char)
        assert.include(message, `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`)
      }
    })

    it("refuses values that are not strings", () => {
      for (const input of [undefined, null, 1, {}, ["operations", "o"]]) {
        assert.isFalse(OperationName.isOperationName(input))
      }
    })
  })

  describe("OperationCollection", () => {
    it("accepts collections", () => {
      for (
        const input of [
          "projects/p/regions/r/operations",
          "projects/p/locations/l/operations",
          "operations",
          "projects/p/instances/i/databases/d/operations"
        ]
      ) {
        assert.strictEqual(validCollection(input), input)
      }
    })

    it("refuses malformed collections, naming the bad part", () => {
      const cases: ReadonlyArray<readonly [input: string, expected: string]> = [
        ["", "the name is empty"],
        ["projects/p/regions/r/operations/", "segment 5 is empty (a trailing \"/\")"],
        ["projects/p/regions/r/operations/o", "expected \".../operations\", but the last segment (5) is \"o\""],
        ["projects/p/regions/r", "expected \".../operations\", but the last segment (3) is \"r\""],
        ["projects/p/regions/../operations", "segment 3 (\"..\") is a relative path segment"],
        ["projects/p/regions/r/operations:list", "segment 4 contains \":\" (U+003A)"],
        ["projects/p/regions/r/operations?filter=x", "segment 4 contains \"?\" (U+003F)"],
        ["projects/p/regions/r%2Foperations", "segment 3 contains \"%\" (U+0025)"]
      ]
      for (const [input, expected] of cases) {
        assert.include(collectionFailure(input), expected, `for ${JSON.stringify(input)}`)
      }
    })

    it("guards", () => {
      assert.isTrue(OperationName.isOperationCollection("projects/p/regions/r/operations"))
      assert.isFalse(OperationName.isOperationCollection("projects/p/regions/r/operations/o"))
      assert.isFalse(OperationName.isOperationCollection(1))
      assert.isTrue(OperationName.isOperationName("projects/p/regions/r/operations/o"))
      assert.isFalse(OperationName.isOperationName("projects/p/regions/r/operations"))
    })
  })

  describe("accessors", () => {
    it("parts recognises regions, locations and generic names", () => {
      assert.deepStrictEqual(OperationName.parts(valid("projects/p/regions/us-central1/operations/o-1")), {
        _tag: "Regional",
        project: "p",
        region: "us-central1",
        operationId: "o-1"
      })
      assert.deepStrictEqual(OperationName.parts(valid("projects/p/locations/global/operations/o-2")), {
        _tag: "Locational",
        project: "p",
        location: "global",
        operationId: "o-2"
      })
      assert.deepStrictEqual(OperationName.parts(valid("operations/abc")), {
        _tag: "Generic",
        parent: "",
        operationId: "abc",
        segments: ["operations", "abc"]
      })
      assert.deepStrictEqual(OperationName.parts(valid("projects/p/instances/i/databases/d/operations/o")), {
        _tag: "Generic",
        parent: "projects/p/instances/i/databases/d",
        operationId: "o",
        segments: ["projects", "p", "instances", "i", "databases", "d", "operations", "o"]
      })
      // Same length as the Dataproc shapes but another collection.
      assert.strictEqual(OperationName.parts(valid("projects/p/zones/z/operations/o"))._tag, "Generic")
      assert.strictEqual(OperationName.parts(valid("folders/p/regions/r/operations/o"))._tag, "Generic")
    })

    it("collectionParts recognises regions, locations and generic collections", () => {
      assert.deepStrictEqual(OperationName.collectionParts(validCollection("projects/p/regions/r/operations")), {
        _tag: "Regional",
        project: "p",
        region: "r"
      })
      assert.deepStrictEqual(OperationName.collectionParts(validCollection("projects/p/locations/l/operations")), {
        _tag: "Locational",
        project: "p",
        location: "l"
      })
      assert.deepStrictEqual(OperationName.collectionParts(validCollection("operations")), {
        _tag: "Generic",
        parent: "",
        segments: ["operations"]
      })
      assert.deepStrictEqual(OperationName.collectionParts(validCollection("projects/p/zones/z/operations")), {
        _tag: "Generic",
        parent: "projects/p/zones/z",
        segments: ["projects", "p", "zones", "z", "operations"]
      })
    })

    it("format joins parts", () => {
      assert.strictEqual(
        OperationName.format({ _tag: "Regional", project: "p", region: "r", operationId: "o" }),
        "projects/p/regions/r/operations/o"
      )
      assert.strictEqual(
        OperationName.format({ _tag: "Locational", project: "p", location: "l", operationId: "o" }),
        "projects/p/locations/l/operations/o"
      )
      assert.strictEqual(
        OperationName.format({ _tag: "Generic", parent: "", operationId: "o", segments: ["operations", "o"] }),
        "operations/o"
      )
    })

    it("collectionOf drops the id", () => {
      assert.strictEqual(
        OperationName.collectionOf(valid(dataprocRegional)),
        "projects/my-project/regions/us-central1/operations"
      )
      assert.strictEqual(OperationName.collectionOf(valid("operations/abc")), "operations")
    })

    it("nameIn validates the id as part of the whole name", () => {
      const collection = validCollection("projects/p/regions/r/operations")
      assert.deepStrictEqual(
        OperationName.nameIn(collection, "o-1"),
        Either.right(valid("projects/p/regions/r/operations/o-1"))
      )
      const refused = (id: string, expected: string) =>
        Either.match(OperationName.nameIn(collection, id), {
          onLeft: (error) => assert.include(error.message, expected),
          onRight: (name) => assert.fail(`expected id ${JSON.stringify(id)} to be refused, got ${name}`)
        })
      refused("", "segment 5 is empty")
      refused("..", "segment 5 (\"..\") is a relative path segment")
      refused("a/b", "but segment 5 is \"a\"")
      refused("o:cancel", "segment 5 contains \":\" (U+003A)")
      refused("%2E%2E", "segment 5 contains \"%\" (U+0025)")
    })

    it("region gives the region or location of Dataproc names", () => {
      assert.deepStrictEqual(OperationName.region(valid(dataprocRegional)), Option.some("us-central1"))
      assert.deepStrictEqual(OperationName.region(valid(dataprocLocational)), Option.some("europe-west4"))
      assert.deepStrictEqual(OperationName.region(valid("operations/abc")), Option.none())
      assert.deepStrictEqual(OperationName.region(valid("projects/p/zones/z/operations/o")), Option.none())
    })

    it("location finds locations/{l} or regions/{r} at any depth", () => {
      const cases: ReadonlyArray<readonly [string, Option.Option<string>]> = [
        ["projects/p/locations/us-central1/endpoints/e/operations/o", Option.some("us-central1")],
        ["projects/p/locations/us-central1/deploymentResourcePools/pool/operations/1", Option.some("us-central1")],
        ["projects/p/locations/europe-west1/workerPools/w/operations/o", Option.some("europe-west1")],
        ["projects/p/locations/global/operations/o", Option.some("global")],
        ["projects/123456789012/locations/global/operations/operation-1", Option.some("global")],
        ["projects/p/regions/us-east1/clusters/c/nodeGroups/n/operations/o", Option.some("us-east1")],
        ["organizations/o/locations/eu/operations/o", Option.some("eu")],
        ["operations/projects/p/instances/i/locations/us-central1-b/operations/o", Option.some("us-central1-b")],
        ["projects/p/instances/i/databases/d/operations/o", Option.none()],
        ["projects/p/databases/(default)/operations/o", Option.none()],
        ["operations/build/my-project/MjE1", Option.none()],
        ["projects/p/locations/us-central1/operations", Option.some("us-central1")],
        ["projects/p/locations/operations", Option.none()],
        ["8254262642733152416", Option.none()]
      ]
      for (const [name, expected] of cases) {
        assert.deepStrictEqual(OperationName.location(name), expected, name)
      }
    })
  })

  describe("grammars", () => {
    const cloudBuild = OperationName.grammar({ nestedIds: true })
    const serviceManagement = OperationName.grammar({ colons: true })
    const iamV2 = OperationName.grammar({ encodedSlashes: true })
    const speechV1 = OperationName.grammar({ bareIds: true })
    const accepted = (input: string, grammar: OperationName.Grammar) =>
      Either.match(OperationName.parse(input, grammar), {
        onLeft: (error) => assert.fail(`expected ${JSON.stringify(input)} to parse: ${error.message}`),
        onRight: (name) => assert.strictEqual(name, input)
      })
    const refused = (input: string, grammar: OperationName.Grammar, expected: string) =>
      Either.match(OperationName.parse(input, grammar), {
        onLeft: (error) => assert.include(error.message, expected, JSON.stringify(input)),
        onRight: (name) => assert.fail(`expected ${JSON.stringify(input)} to be refused, got ${name}`)
      })

    const realShapes: ReadonlyArray<readonly [string, string, OperationName.Grammar]> = [
      ["Cloud Build", "operations/build/hashr/MjE1ZDgxNTEtNWNlMi00ZGQ1LThhZmUtMDgzOGZiZTI4NDE5", cloudBuild],
      ["Access Context Manager", "operations/accessPolicies/123/accessLevels/lvl_1/update/1700000000000", cloudBuild],
      ["Cloud Asset", "projects/123456789012/operations/ExportAssets/RESOURCE/1e2f3a4b5c6d", cloudBuild],
      ["Service Management", "operations/serviceConfigs.my-svc.endpoints.my-project.cloud.goog:6f1c2d3e-4a5b", serviceManagement],
      [
        "IAM v2",
        "policies/cloudresourcemanager.googleapis.com%2Ffolders%2F987654321098/denypolicies/deny-1/operations/op-1",
        iamV2
      ],
      ["Speech v1", "8254262642733152416", speechV1]
    ]

    it("accepts each real shape under its API's grammar, and only there", () => {
      for (const [api, input, grammar] of realShapes) {
        accepted(input, grammar)
        assert.isTrue(Either.isLeft(OperationName.parse(input)), `${api}: ${input} under the standard grammar`)
      }
    })

    it("accepts nested names of Vertex AI, Cloud Build, Spanner and Firestore under the standard grammar", () => {
      for (
        const input of [
          "projects/p/locations/us-central1/endpoints/123/operations/456",
          "projects/p/locations/us-central1/workerPools/pool-1/operations/op",
          "projects/p/instances/i/databases/d/operations/_auto_op_5d7c2a9e1f3b4c6d",
          "projects/p/databases/(default)/operations/NW1hbgQiBRBCwPC4EAahtur_CAsKFRo",
          "operations/projects/p/instances/i/locations/us-central1-b/operations/o"
        ]
      ) accepted(input, OperationName.standard)
    })

    it("refuses what is not a plausible name under every grammar", () => {
      const everything = OperationName.grammar({ nestedIds: true, colons: true, encodedSlashes: true, bareIds: true })
      const cases: ReadonlyArray<readonly [string, string]> = [
        ["operations/build/../x", "segment 2 (\"..\") is a relative path segment"],
        ["operations/build/p/a b", "segment 3 contains U+0020"],
        ["operations/build/p/a\u0000", "a control character"],
        ["operations/build/p/a?x=1", "would start a URL query"],
        ["operations/build/p/a#f", "would start a URL fragment"],
        ["operations/x%2E%2E", "the percent escape \"%2E\""],
        ["policies/a%2F..%2Fb/operations/o", "encodes a relative path segment"],
        ["policies/a%2F%2Fb/operations/o", "encodes an empty path segment"],
        ["policies/a%2/operations/o", "the percent escape \"%2\" at position 10"],
        ["operations/o:cancel", "ends in a custom method suffix"],
        ["operations/svc:wait", "ends in a custom method suffix"],
        [":x/operations/o", "segment 0 has \":\" at its start"],
        ["operations/o:", "segment 1 has \":\" at its end"],
        ["operations", "single segment (\"operations\")"],
        ["projects/p/jobs/j", "no segment before the last is \"operations\""],
        ["projects/p/operations", "no segment before the last is \"operations\""],
        ["", "the name is empty"]
      ]
      for (const [input, expected] of cases) refused(input, everything, expected)
    })

    it("refuses an encoded slash where the API uses none", () => {
      refused(realShapes[4][1], OperationName.standard, "segment 1 contains \"%\" (U+0025)")
      refused(realShapes[4][1], cloudBuild, "segment 1 contains \"%\" (U+0025)")
      refused(realShapes[3][1], iamV2, "segment 1 contains \":\" (U+003A)")
      refused("operations/build/p/id", serviceManagement, "but segment 2 is \"p\"")
    })

    it.prop(
      "every grammar accepts what the standard grammar accepts",
      [OperationName.OperationName, FastCheck.boolean(), FastCheck.boolean(), FastCheck.boolean(), FastCheck.boolean()],
      ([name, nestedIds, colons, encodedSlashes, bareIds]) => {
        const grammar = { nestedIds, colons, encodedSlashes, bareIds }
        assert.deepStrictEqual(OperationName.parse(name, grammar), Either.right(name))
      }
    )

    it("nameSchema decodes under its grammar", () => {
      const SpeechV1 = OperationName.nameSchema(speechV1)
      assert.strictEqual(Schema.decodeUnknownSync(SpeechV1)("8254262642733152416"), "8254262642733152416")
      assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(SpeechV1)("82542 62642733152416")))
    })

    it("parseCollection takes a grammar too", () => {
      assert.isTrue(Either.isRight(OperationName.parseCollection("policies/a%2Fb/operations", iamV2)))
      assert.isTrue(Either.isLeft(OperationName.parseCollection("policies/a%2Fb/operations")))
    })
  })

  describe("references", () => {
    const reference = (input: string, grammar?: OperationName.Grammar) =>
      Either.match(OperationName.parseReference(input, grammar), {
        onLeft: (error) => assert.fail(`expected ${JSON.stringify(input)} to parse: ${error.message}`),
        onRight: (value) => value
      })
    const refusedReference = (input: string, expected: string) =>
      Either.match(OperationName.parseReference(input), {
        onLeft: (error) => assert.include(error.message, expected, JSON.stringify(input)),
        onRight: (value) => assert.fail(`expected ${JSON.stringify(input)} to be refused, got ${value.name}`)
      })

    it("reads a full operation URL into its name, origin, host and version", () => {
      assert.deepStrictEqual(
        reference("https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/operations/o"),
        {
          name: valid("projects/p/locations/us-central1/operations/o"),
          origin: Option.some("https://us-central1-aiplatform.googleapis.com"),
          host: Option.some("us-central1-aiplatform.googleapis.com"),
          version: Option.some("v1")
        }
      )
      assert.deepStrictEqual(reference("http://127.0.0.1:8085/v1beta1/operations/o").origin, Option.some("http://127.0.0.1:8085"))
      assert.deepStrictEqual(reference("http://127.0.0.1:8085/v1beta1/operations/o").host, Option.some("127.0.0.1"))
      assert.deepStrictEqual(reference("https://speech.googleapis.com/v1/operations/123").name, valid("operations/123"))
    })

    it("reads a plain name as a reference with no origin", () => {
      assert.deepStrictEqual(reference(dataprocRegional), {
        name: valid(dataprocRegional),
        origin: Option.none(),
        host: Option.none(),
        version: Option.none()
      })
      assert.deepStrictEqual(reference("8254262642733152416", OperationName.grammar({ bareIds: true })).version, Option.none())
    })

    it("refuses URLs that are not plausible operation URLs, naming the bad part", () => {
      const cases: ReadonlyArray<readonly [string, string]> = [
        ["https://aiplatform.googleapis.com/v1/projects/p/locations/l/operations/o?alt=json", "has a query at position"],
        ["https://aiplatform.googleapis.com/v1/projects/p/operations/o#x", "has a fragment"],
        ["https://user:pw@aiplatform.googleapis.com/v1/operations/o", "carries credentials"],
        ["http://aiplatform.googleapis.com/v1/operations/o", "must use https"],
        ["https://aiplatform.googleapis.com/projects/p/operations/o", "\"projects\" is not an API version"],
        ["https://aiplatform.googleapis.com/v1/projects/p/../q/operations/o", "segment 2 (\"..\") is a relative path segment"],
        ["https://aiplatform.googleapis.com/v1/projects/p/%2E%2E/operations/o", "segment 2 contains \"%\""],
        ["https://aiplatform.googleapis.com/v1/operations/o:cancel", "segment 1 contains \":\""],
        ["https://Evil_Host/v1/operations/o", "is not a host name"],
        ["https://aiplatform.googleapis.com:99999x/v1/operations/o", "is not a port"],
        ["https://aiplatform.googleapis.com", "not of the form"],
        ["https://aiplatform.googleapis.com/v1/", "the name is empty"]
      ]
      for (const [input, expected] of cases) refusedReference(input, expected)
    })
  })

  describe("properties", () => {
    it.prop("parse(format(parts(name))) gives the name back", [OperationName.OperationName], ([name]) => {
      assert.deepStrictEqual(OperationName.parse(OperationName.format(OperationName.parts(name))), Either.right(name))
    })

    it.prop(
      "Dataproc parts round-trip through format and parse",
      { project: segment, location: segment, operationId: segment, regional: FastCheck.boolean() },
      ({ location, operationId, project, regional }) => {
        const parts: OperationName.Parts = regional
          ? { _tag: "Regional", project, region: location, operationId }
          : { _tag: "Locational", project, location, operationId }
        const name = Either.getOrThrow(OperationName.parse(OperationName.format(parts)))
        assert.deepStrictEqual(OperationName.parts(name), parts)
        assert.deepStrictEqual(OperationName.region(name), Option.some(location))
      }
    )

    it.prop(
      "collectionOf and nameIn are inverse",
      [OperationName.OperationName],
      ([name]) => {
        const id = name.slice(name.lastIndexOf("/") + 1)
        assert.deepStrictEqual(OperationName.nameIn(OperationName.collectionOf(name), id), Either.right(name))
        assert.isTrue(OperationName.isOperationCollection(OperationName.collectionOf(name)))
      }
    )

    it.prop(
      "collections round-trip through collectionParts",
      [OperationName.OperationCollection],
      ([collection]) => {
        const parts = OperationName.collectionParts(collection)
        const parent = parts._tag === "Regional"
          ? `projects/${parts.project}/regions/${parts.region}`
          : parts._tag === "Locational"
          ? `projects/${parts.project}/locations/${parts.location}`
          : parts.parent
        assert.strictEqual(parent === "" ? "operations" : `${parent}/operations`, collection)
      }
    )

    it.prop(
      "any accepted string is made of safe characters only",
      [FastCheck.string({ unit: "binary", maxLength: 40 }).map((s) => `operations/${s}`)],
      ([input]) => {
        if (Either.isRight(OperationName.parse(input))) {
          assert.match(input, /^operations\/[A-Za-z0-9\-._~!$&'()*+,;=@]+$/)
        }
      }
    )

    it.prop(
      "inserting an unsafe character anywhere is refused, naming its code point",
      [
        OperationName.OperationName,
        FastCheck.nat(),
        FastCheck.constantFrom("?", "#", "%", ":", "\\", " ", "\t", "\n", "\u0000", "\u0085", "\uff0f", "\u2215")
      ],
      ([name, at, char]) => {
        const index = at % (name.length + 1)
        const input = `${name.slice(0, index)}${char}${name.slice(index)}`
        const code = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`
        assert.include(failure(input), code)
      }
    )
  })
})
