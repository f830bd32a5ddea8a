import { assert, describe, it } from "@effect/vitest"
import { Status } from "@longrunning/schema"
import * as Arbitrary from "effect/Arbitrary"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { Credentials, Endpoint, HttpExchange, OperationsError, ServiceProfile } from "../src/index.js"

// What goes to a log line or over RPC: the encoded error as JSON text, read back and decoded.
const roundTrip = <A, I>(schema: Schema.Schema<A, I>, error: A) => {
  const encoded = Schema.encodeSync(schema)(error)
  const json: unknown = JSON.parse(JSON.stringify(encoded))
  const decoded = Schema.decodeUnknownSync(schema)(json)
  return { encoded, json, decoded }
}

const checkRoundTrip = <A extends Error & { readonly _tag: string }, I>(
  schema: Schema.Schema<A, I>,
  error: A,
  guard: (u: unknown) => u is A
) => {
  const { decoded, encoded } = roundTrip(schema, error)
  assert.strictEqual(Object.getPrototypeOf(decoded), Object.getPrototypeOf(error), error._tag)
  assert.isTrue(guard(decoded), error._tag)
  assert.strictEqual(decoded.message, error.message)
  assert.deepStrictEqual(Schema.encodeSync(schema)(decoded), encoded)
  // a look-alike: the encoded fields on a plain object, the message beside them
  assert.isFalse(guard({ ...(encoded as object), message: error.message }), error._tag)
  return decoded
}

const notFound = new OperationsError.ApiError({
  method: "get",
  operation: "projects/p/regions/r/operations/o",
  httpStatus: 404,
  // as the client has it: decoded from Google's JSON, details typed
  status: Schema.decodeUnknownSync(Status.Status)({
    code: 5,
    message: "not found",
    details: [
      { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "GONE", domain: "googleapis.com", metadata: { a: "b" } },
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "2.500s" },
      { "@type": "type.googleapis.com/example.Unknown", kept: [1, { as: "sent" }] }
    ]
  }),
  retryAfter: Option.some(Duration.millis(2500))
})
const proxyPage = new OperationsError.ApiError({
  method: "list",
  operation: "projects/p/regions/r/operations",
  httpStatus: 502,
  status: Status.make({ code: 14 }),
  retryAfter: Option.none(),
  bodyExcerpt: "<html>Bad Gateway</html>"
})
const reset = new OperationsError.TransportError({
  method: "get",
  operation: "projects/p/regions/r/operations/o",
  reason: "Reset",
  detail: "socket hang up",
  cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })
})
const malformed = new OperationsError.MalformedResponse({
  method: "get",
  operation: "projects/p/regions/r/operations/o",
  httpStatus: 200,
  path: "$.metadata.status.state",
  detail: "Expected string, actual 3"
})
const invalidName = new OperationsError.InvalidName({ method: "cancel", input: "projects/\u202e", reason: "not a name" })
const unsupported = new OperationsError.Unsupported({
  reason: "Method",
  method: "cancel",
  operation: "projects/p/locations/l/operations/o",
  service: "run",
  detail: "Cloud Run v2 does not offer cancel"
})
const invalidHeader = new OperationsError.InvalidHeader({ header: "\"x-a\"", reason: "the value contains a line break" })

describe("OperationsError: Schema errors with a TypeId", () => {
  it("every error round-trips through JSON: same class, same fields, same message, still passes its guard", () => {
    checkRoundTrip(OperationsError.ApiError, notFound, OperationsError.isApiError)
    checkRoundTrip(OperationsError.ApiError, proxyPage, OperationsError.isApiError)
    checkRoundTrip(OperationsError.TransportError, reset, OperationsError.isTransportError)
    checkRoundTrip(OperationsError.MalformedResponse, malformed, OperationsError.isMalformedResponse)
    checkRoundTrip(OperationsError.InvalidName, invalidName, OperationsError.isInvalidName)
    checkRoundTrip(OperationsError.InvalidHeader, invalidHeader, OperationsError.isInvalidHeader)
    checkRoundTrip(OperationsError.Unsupported, unsupported, OperationsError.isUnsupported)
  })

  it("ApiError keeps its Status details, its delay and its excerpt across the wire", () => {
    const { decoded, json } = roundTrip(OperationsError.ApiError, notFound)
    assert.strictEqual(decoded.codeName, "NOT_FOUND")
    assert.deepStrictEqual(Option.map(decoded.retryAfter, Duration.toMillis), Option.some(2500))
    assert.deepStrictEqual(Option.map(Status.errorInfo(decoded.status), (info) => info.reason), Option.some("GONE"))
    assert.deepStrictEqual(Option.map(Status.retryDelay(decoded.status), Duration.toMillis), Option.some(2500))
    assert.deepStrictEqual(decoded.status.details[2], notFound.status.details[2])
    // the status is Google's JSON, as a log reader expects it
    assert.deepInclude(json as object, { _tag: "ApiError", httpStatus: 404, method: "get" })
    assert.strictEqual(roundTrip(OperationsError.ApiError, proxyPage).decoded.bodyExcerpt, "<html>Bad Gateway</html>")
  })

  it("a cause travels as a defect: its message survives, the live object does not", () => {
    const { decoded, json } = roundTrip(OperationsError.TransportError, reset)
    assert.instanceOf(decoded.cause, Error)
    assert.strictEqual(decoded.cause instanceof Error ? decoded.cause.message : "", "socket hang up")
    assert.deepInclude(json as object, { reason: "Reset", detail: "socket hang up" })
  })

  it("the union schema encodes and decodes whichever error it is given", () => {
    for (const error of [notFound, reset, malformed, invalidName, unsupported]) {
      const { decoded } = roundTrip(OperationsError.OperationsError, error)
      assert.strictEqual(decoded._tag, error._tag)
      assert.isTrue(OperationsError.isOperationsError(decoded))
      assert.strictEqual(decoded.message, error.message)
    }
  })

  it.prop(
    "arbitrary ApiErrors and TransportErrors decode from their encoding to the same encoding",
    [Arbitrary.make(OperationsError.ApiError), Arbitrary.make(OperationsError.TransportError)],
    ([api, transport]) => {
      for (const [schema, error] of [[OperationsError.ApiError, api], [OperationsError.TransportError, transport]] as const) {
        const s = schema as Schema.Schema<typeof error, unknown>
        const encoded = Schema.encodeSync(s)(error)
        assert.deepStrictEqual(Schema.encodeSync(s)(Schema.decodeUnknownSync(s)(encoded)), encoded)
      }
    },
    { fastCheck: { numRuns: 50 } }
  )

  it("identifiers are package-qualified; tags stay short, so catchTag keeps working", () =>
    Effect.gen(function*() {
      assert.strictEqual(OperationsError.ApiError.identifier, "@longrunning/http/ApiError")
      assert.strictEqual(OperationsError.TransportError.identifier, "@longrunning/http/TransportError")
      assert.strictEqual(HttpExchange.ExchangeError.identifier, "@longrunning/http/ExchangeError")
      assert.strictEqual(Endpoint.InvalidEndpoint.identifier, "@longrunning/http/InvalidEndpoint")
      assert.strictEqual(ServiceProfile.RequestLineError.identifier, "@longrunning/http/RequestLineError")
      const caught = yield* Effect.fail(notFound).pipe(Effect.catchTag("ApiError", (e) => Effect.succeed(e.codeName)))
      assert.strictEqual(caught, "NOT_FOUND")
      const reason = yield* Effect.fail(reset).pipe(Effect.catchTag("TransportError", (e) => Effect.succeed(e.reason)))
      assert.strictEqual(reason, "Reset")
    }))

  it("messages are those the errors always had", () => {
    assert.strictEqual(notFound.message, "NOT_FOUND: not found (get projects/p/regions/r/operations/o)")
    assert.strictEqual(proxyPage.message, "UNAVAILABLE: <html>Bad Gateway</html> (list projects/p/regions/r/operations)")
    assert.strictEqual(reset.message, "transport failure (Reset): socket hang up (get projects/p/regions/r/operations/o)")
    assert.strictEqual(
      new OperationsError.TransportError({ method: "get", operation: "o", reason: "Timeout", detail: "no answer" }).message,
      "timed out: no answer (get o)"
    )
    assert.strictEqual(malformed.message, "malformed response at $.metadata.status.state: Expected string, actual 3 (get projects/p/regions/r/operations/o)")
    assert.strictEqual(invalidName.message, "invalid name \"projects/\\u202e\": not a name")
    assert.strictEqual(invalidHeader.message, "invalid header \"x-a\": the value contains a line break")
  })
})

describe("guards test the TypeId, not the _tag", () => {
  class FakeApiError extends Data.TaggedError("ApiError")<{ readonly status: { readonly code: number } }> {}
  class FakeTransportError extends Data.TaggedError("TransportError")<{ readonly reason: string }> {}

  it("look-alikes with the same _tag and fields are refused", () => {
    const lookAlikes: ReadonlyArray<unknown> = [
      new FakeApiError({ status: { code: 5 } }),
      new FakeApiError({ status: { code: 14 } }),
      new FakeTransportError({ reason: "Reset" }),
      { _tag: "ApiError", status: { code: 14, message: "", details: [] }, retryAfter: Option.none() },
      { _tag: "TransportError", reason: "Reset" },
      { _tag: "MalformedResponse", path: "$", detail: "" },
      { _tag: "InvalidName", input: "", reason: "" },
      { _tag: "InvalidHeader", header: "", reason: "" },
      { _tag: "Unsupported", reason: "Method", method: "cancel", operation: "", service: "run", detail: "" },
      // an encoded error is data, not the error: decode it first
      Schema.encodeSync(OperationsError.ApiError)(notFound)
    ]
    for (const u of lookAlikes) {
      assert.isFalse(OperationsError.isApiError(u))
      assert.isFalse(OperationsError.isTransportError(u))
      assert.isFalse(OperationsError.isMalformedResponse(u))
      assert.isFalse(OperationsError.isInvalidName(u))
      assert.isFalse(OperationsError.isInvalidHeader(u))
      assert.isFalse(OperationsError.isUnsupported(u))
      assert.isFalse(OperationsError.isOperationsError(u))
      assert.isFalse(OperationsError.isNotFound(u))
      assert.isFalse(OperationsError.isUnavailable(u))
      assert.isFalse(OperationsError.isRetryable(u))
    }
  })

  it("the real errors pass their own guard and no other", () => {
    const guards = {
      ApiError: OperationsError.isApiError,
      TransportError: OperationsError.isTransportError,
      MalformedResponse: OperationsError.isMalformedResponse,
      InvalidName: OperationsError.isInvalidName,
      InvalidHeader: OperationsError.isInvalidHeader,
      Unsupported: OperationsError.isUnsupported
    }
    for (const error of [notFound, reset, malformed, invalidName, invalidHeader, unsupported]) {
      for (const [tag, guard] of Object.entries(guards)) assert.strictEqual(guard(error), tag === error._tag, `${tag}(${error._tag})`)
      assert.strictEqual(OperationsError.isOperationsError(error), error._tag !== "InvalidHeader")
    }
    assert.isTrue(OperationsError.isNotFound(notFound))
    assert.isTrue(OperationsError.isRetryable(reset))
    assert.isTrue(OperationsError.isRetryable(proxyPage))
    assert.isFalse(OperationsError.isRetryable(malformed))
  })

  it("the other http errors: real ones pass, look-alikes do not, and they round-trip", () => {
    const exchange = new HttpExchange.ExchangeError({ reason: "Timeout", detail: "no answer", cause: new Error("late") })
    const endpoint = new Endpoint.InvalidEndpoint({ reason: "not a URL" })
    const credentials = new Credentials.CredentialsError({ message: "no token", cause: new Error("refused") })
    const requestLine = new ServiceProfile.RequestLineError({
      reason: "UnknownVersion",
      service: "dataproc",
      method: "wait",
      input: "projects/p/regions/r/operations/o",
      detail: "dataproc has no version v9"
    })
    checkRoundTrip(HttpExchange.ExchangeError, exchange, HttpExchange.isExchangeError)
    checkRoundTrip(Endpoint.InvalidEndpoint, endpoint, Endpoint.isInvalidEndpoint)
    checkRoundTrip(Credentials.CredentialsError, credentials, Credentials.isCredentialsError)
    checkRoundTrip(ServiceProfile.RequestLineError, requestLine, ServiceProfile.isRequestLineError)
    const guards = [HttpExchange.isExchangeError, Endpoint.isInvalidEndpoint, Credentials.isCredentialsError, ServiceProfile.isRequestLineError]
    const errors = [exchange, endpoint, credentials, requestLine]
    guards.forEach((guard, i) => errors.forEach((error, j) => assert.strictEqual(guard(error), i === j, `${i} ${error._tag}`)))
    assert.strictEqual(endpoint.message, "invalid endpoint: not a URL")
    assert.strictEqual(exchange.message, "Timeout: no answer")
  })

  it("FastCheck: no plain object with an error's _tag passes a guard", () =>
    FastCheck.assert(
      FastCheck.property(
        FastCheck.record({
          _tag: FastCheck.constantFrom("ApiError", "TransportError", "MalformedResponse", "InvalidName", "InvalidHeader", "Unsupported"),
          reason: FastCheck.string(),
          status: FastCheck.record({ code: FastCheck.integer({ min: 0, max: 16 }) })
        }),
        (u) => !OperationsError.isOperationsError(u) && !OperationsError.isInvalidHeader(u) && !OperationsError.isRetryable(u)
      )
    ))
})
