import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as Code from "../src/Code.js"
import * as Status from "../src/Status.js"
import { corpus, decodeError, decodeOrFail, encodeOrFail, fixture, issuePaths, wire } from "./support.js"

const allDetails = fixture("status-all-details.json")

const someOrFail = <A>(option: Option.Option<A>, what: string): A =>
  Option.getOrThrowWith(option, () => new Error(`expected ${what}`))

describe("Status", () => {
  describe("schema", () => {
    it("reads absent and null fields as defaults, and leaves defaults out when encoding", () => {
      assert.deepStrictEqual(decodeOrFail(Status.Status, {}), { code: 0, message: "", details: [] })
      assert.deepStrictEqual(decodeOrFail(Status.Status, { code: null, message: null, details: null }), {
        code: 0,
        message: "",
        details: []
      })
      assert.deepStrictEqual(encodeOrFail(Status.Status, Status.make({ code: 0 })), {})
      assert.deepStrictEqual(encodeOrFail(Status.Status, Status.make({ code: 5, message: "gone" })), {
        code: 5,
        message: "gone"
      })
    })

    it("reads code as an int32, keeping codes a newer server invents", () => {
      assert.strictEqual(decodeOrFail(Status.Status, { code: "14" }).code, 14)
      const future = decodeOrFail(Status.Status, { code: 99, message: "new" })
      assert.strictEqual(future.code, 99)
      assert.strictEqual(Status.codeName(future), "CODE_99")
      assert.include(decodeError(Status.Status, { code: 1.5 }).message, "[\"code\"]")
      assert.include(decodeError(Status.Status, { code: "UNAVAILABLE" }).message, "[\"code\"]")
    })

    it("decodes each standard detail by @type and keeps unknown ones verbatim", () => {
      const status = decodeOrFail(Status.Status, allDetails)
      assert.strictEqual(status.details.length, 11)
      const info = someOrFail(Status.errorInfo(status), "ErrorInfo")
      assert.strictEqual(info.reason, "CLUSTER_NOT_READY")
      assert.deepStrictEqual(info.metadata, { cluster: "analytics" })
      const delay = someOrFail(Status.retryDelay(status), "a retry delay")
      assert.deepStrictEqual(Duration.toNanos(delay), Option.some(2_463_586_755n))
      assert.deepStrictEqual(someOrFail(Status.debugInfo(status), "DebugInfo").stackEntries, ["frame 1", "frame 2"])
      const violation = someOrFail(Status.quotaFailure(status), "QuotaFailure").violations?.[0]
      assert.strictEqual(violation?.quotaValue, 24n)
      assert.strictEqual(violation?.futureQuotaValue, 48n)
      assert.strictEqual(violation?.quotaId, "CPUS-per-project-region")
      assert.strictEqual(someOrFail(Status.preconditionFailure(status), "PreconditionFailure").violations?.[0]?.type, "STATE")
      const field = someOrFail(Status.badRequest(status), "BadRequest").fieldViolations?.[0]
      assert.strictEqual(field?.reason, "TOO_SMALL")
      assert.strictEqual(field?.localizedMessage?.locale, "en-US")
      assert.strictEqual(someOrFail(Status.requestInfo(status), "RequestInfo").requestId, "req-123")
      assert.strictEqual(someOrFail(Status.resourceInfo(status), "ResourceInfo").owner, "project:p")
      assert.strictEqual(someOrFail(Status.help(status), "Help").links?.[0]?.url, "https://cloud.google.com/dataproc/docs")
      assert.strictEqual(someOrFail(Status.localizedMessage(status), "LocalizedMessage").locale, "fr-FR")
      const unknown = status.details[10]
      assert.deepStrictEqual(unknown, {
        "@type": "type.googleapis.com/google.cloud.dataproc.v1.FutureDetail",
        anything: { goes: [null, 1, "two"] }
      })
      assert.deepStrictEqual(wire(encodeOrFail(Status.Status, status)), allDetails)
    })

    it("fails a known detail with a bad field, naming the path down to it", () => {
      const error = decodeError(Status.Status, {
        code: 8,
        details: [
          { "@type": "type.googleapis.com/acme.Unknown" },
          { "@type": "type.googleapis.com/google.rpc.QuotaFailure", violations: [{ quotaValue: "lots" }] }
        ]
      })
      assert.include(error.message, "google.rpc.QuotaFailure")
      assert.include(error.message, "expected an int64, got \"lots\"")
      assert.isTrue(
        issuePaths(error).some((p) => p.startsWith("details.1.violations.0.quotaValue")),
        issuePaths(error).join("\n")
      )
    })

    it("keeps unknown fields of a Status and of its details", () => {
      const input = {
        code: 3,
        statusExtension: { a: 1 },
        details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "R", newField: [1] }]
      }
      assert.deepStrictEqual(wire(encodeOrFail(Status.Status, decodeOrFail(Status.Status, input))), input)
    })
  })

  describe("accessors", () => {
    const status = Status.make({
      code: Code.codes.RESOURCE_EXHAUSTED,
      message: "Quota exceeded",
      details: [
        decodeOrFail(Status.Detail, { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "FIRST" }),
        decodeOrFail(Status.Detail, { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "SECOND" })
      ]
    })

    it("formats as CODE_NAME: message", () => {
      assert.strictEqual(Status.format(status), "RESOURCE_EXHAUSTED: Quota exceeded")
      assert.strictEqual(Status.format(Status.make({ code: 1 })), "CANCELLED")
      assert.strictEqual(Status.codeName(status), "RESOURCE_EXHAUSTED")
    })

    it("finds the first detail of a type, or all of them", () => {
      assert.strictEqual(someOrFail(Status.detail(status, Status.ErrorInfo), "ErrorInfo").reason, "FIRST")
      assert.deepStrictEqual(Status.details(status, Status.ErrorInfo).map((info) => info.reason), ["FIRST", "SECOND"])
      assert.deepStrictEqual(Status.details(status, Status.Help), [])
      assert.isTrue(Option.isNone(Status.retryDelay(status)))
      assert.isTrue(Option.isNone(Status.quotaFailure(status)))
    })

    it("reads no retry delay from a RetryInfo without one", () => {
      const s = decodeOrFail(Status.Status, { code: 14, details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo" }] })
      assert.isTrue(Option.isNone(Status.retryDelay(s)))
    })

    it("makes a Status with defaults", () => {
      assert.deepStrictEqual(Status.make({ code: 5 }), { code: 5, message: "", details: [] })
    })

    it("lists the ten standard details", () => {
      assert.deepStrictEqual(
        Status.standardDetails.map((d) => d.typeUrl.slice("type.googleapis.com/google.rpc.".length)),
        [
          "ErrorInfo",
          "RetryInfo",
          "DebugInfo",
          "QuotaFailure",
          "PreconditionFailure",
          "BadRequest",
          "RequestInfo",
          "ResourceInfo",
          "Help",
          "LocalizedMessage"
        ]
      )
    })
  })

  describe("error envelope", () => {
    const errorBodies = corpus().filter((c) => c.isErrorBody)

    it("decodes every recorded error body, with the rpc code its status names", () => {
      assert.isAtLeast(errorBodies.length, 5)
      for (const { file, json } of errorBodies) {
        const envelope = decodeOrFail(Status.ErrorBody, json)
        const status = Status.fromEnvelope(envelope)
        assert.strictEqual(Code.name(status.code), envelope.error.status, file)
        assert.strictEqual(status.message, envelope.error.message, file)
        assert.notStrictEqual(Code.httpStatus(status.code), undefined)
      }
    })

    it("keeps the legacy errors[] array", () => {
      const json = errorBodies.find((c) => c.file.includes("legacy-errors"))?.json
      const envelope = decodeOrFail(Status.ErrorEnvelope, json)
      assert.strictEqual(envelope.error.errors?.[0]?.reason, "alreadyExists")
      assert.strictEqual(envelope.error.errors?.[0]?.domain, "global")
      assert.strictEqual(Status.codeName(Status.fromEnvelope(envelope)), "ALREADY_EXISTS")
      assert.deepStrictEqual(wire(encodeOrFail(Status.ErrorEnvelope, envelope)), json)
    })

    it("accepts an array holding one envelope, and encodes the object form", () => {
      const body = [{ error: { code: 503, message: "try later", status: "UNAVAILABLE" } }]
      const envelope = decodeOrFail(Status.ErrorBody, body)
      assert.deepStrictEqual(envelope, body[0])
      assert.deepStrictEqual(encodeOrFail(Status.ErrorBody, envelope), body[0])
      assert.include(decodeError(Status.ErrorBody, [body[0], body[0]]).message, "ErrorBody")
      assert.include(decodeError(Status.ErrorBody, []).message, "ErrorBody")
    })

    it("keeps unknown fields at every level of the envelope", () => {
      const json = fixture("envelope-unknown-fields.json")
      const envelope = decodeOrFail(Status.ErrorBody, json)
      assert.deepStrictEqual(wire(encodeOrFail(Status.ErrorBody, envelope)), json)
      const status = Status.fromEnvelope(envelope)
      assert.strictEqual(Status.codeName(status), "RESOURCE_EXHAUSTED")
      assert.isTrue(Duration.equals(someOrFail(Status.retryDelay(status), "a retry delay"), Duration.seconds(30)))
      assert.strictEqual(status.details.length, 3)
    })

    it("takes the rpc code from status, else from the HTTP status", () => {
      const from = (error: unknown, http?: number) =>
        Status.codeName(Status.fromEnvelope(decodeOrFail(Status.ErrorEnvelope, { error }), http))
      assert.strictEqual(from({ code: 400, status: "FAILED_PRECONDITION" }), "FAILED_PRECONDITION")
      assert.strictEqual(from({ code: 400 }), "INVALID_ARGUMENT")
      assert.strictEqual(from({ code: 404, status: "SOMETHING_NEW" }), "NOT_FOUND")
      assert.strictEqual(from({ message: "no code" }, 503), "UNAVAILABLE")
      assert.strictEqual(from({ message: "nothing at all" }), "INTERNAL")
      assert.strictEqual(from({ code: 429, status: "RESOURCE_EXHAUSTED" }, 500), "RESOURCE_EXHAUSTED")
    })

    it("writes the envelope a REST server sends for a Status", () => {
      const status = Status.make({
        code: 5,
        message: "not found",
        details: [decodeOrFail(Status.Detail, { "@type": "type.googleapis.com/google.rpc.RequestInfo", requestId: "r" })]
      })
      const envelope = Status.toEnvelope(status)
      assert.deepStrictEqual(wire(encodeOrFail(Status.ErrorEnvelope, envelope)), {
        error: {
          code: 404,
          message: "not found",
          status: "NOT_FOUND",
          details: [{ "@type": "type.googleapis.com/google.rpc.RequestInfo", requestId: "r" }]
        }
      })
      assert.notProperty(Status.toEnvelope(Status.make({ code: 1 })).error, "details")
    })

    it.prop("fromEnvelope inverts toEnvelope for every canonical code", [
      FastCheck.integer({ min: 0, max: 16 }),
      FastCheck.string()
    ], ([code, message]) => {
      const status = Status.make({ code, message })
      assert.deepStrictEqual(Status.fromEnvelope(Status.toEnvelope(status)), status)
    })
  })
})
