import { assert, describe, it } from "@effect/vitest"
import { Credentials, Endpoint, OperationsClient, OperationsError, RetryPolicy } from "@longrunning/http"
import { Code, Dataproc, Operation, Status } from "@longrunning/schema"
import { Chunk, Duration, Effect, Either, Exit, Fiber, Layer, Option, Redacted, Schedule, Stream, TestClock } from "effect"
import * as Fake from "./fake.js"

const name = "projects/demo/regions/us-central1/operations/op-1"
const collection = "projects/demo/regions/us-central1/operations"
const token = "ya29.secret-test-token"

const running = { name, metadata: { "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata", clusterName: "c1", status: { state: "RUNNING" } } }

const envelope = (code: number, status: string, message: string, details?: ReadonlyArray<unknown>) => ({
  error: { code, status, message, ...(details === undefined ? {} : { details }) }
})

/** Runs `f` against a client over a fake HttpClient answering with `answer`. */
const withClient = <A, E, R>(
  answer: (request: Fake.Recorded, index: number) => Fake.Answer,
  f: (client: OperationsClient.Service) => Effect.Effect<A, E, R>,
  options: OperationsClient.Options = {},
  credentials: Layer.Layer<Credentials.Credentials> = Credentials.static(Redacted.make(token))
) =>
  Effect.flatMap(OperationsClient.OperationsClient, f).pipe(
    Effect.provide(
      OperationsClient.layer(options).pipe(Layer.provide(credentials), Layer.provideMerge(Fake.layer(answer)))
    )
  )

const requestsAfter = <A, E>(
  answer: (request: Fake.Recorded, index: number) => Fake.Answer,
  f: (client: OperationsClient.Service) => Effect.Effect<A, E>,
  options: OperationsClient.Options = {},
  credentials?: Layer.Layer<Credentials.Credentials>
) =>
  withClient(answer, (client) =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(f(client))
      return { exit, requests: yield* Fake.requests }
    }), options, credentials)

const noRetry = { retryPolicy: RetryPolicy.none }

describe("OperationsClient", () => {
  describe("get", () => {
    it.effect("sends GET /v1/{name} with the headers and decodes the operation", () =>
      Effect.gen(function*() {
        const { exit, requests } = yield* requestsAfter(
          () => Fake.json(200, running),
          (client) => client.get(name),
          { quotaProject: "billing-project", userAgent: "my-app/2.0" }
        )
        const op = yield* exit
        assert.strictEqual(op._tag, "Running")
        assert.strictEqual(op.name, name)
        assert.strictEqual(requests.length, 1)
        const [request] = requests
        assert.strictEqual(request!.method, "GET")
        assert.strictEqual(request!.url.href, `https://dataproc.googleapis.com/v1/${name}`)
        assert.strictEqual(request!.headers["authorization"], `Bearer ${token}`)
        assert.strictEqual(request!.headers["x-goog-user-project"], "billing-project")
        assert.match(request!.headers["user-agent"]!, /^my-app\/2\.0 longrunning\/0\.1\.0$/)
        assert.match(request!.headers["x-goog-api-client"]!, /gl-node\/\d+.* longrunning\/0\.1\.0/)
        assert.isFalse(request!.hasBody)
      }))

    it.effect("decodes recorded Dataproc payloads, typed by a schema", () =>
      Effect.gen(function*() {
        const body = Fake.corpus("kcc-nodegroup-create-operation-done.json")
        const recordedName = JSON.parse(body).name as string
        // the recorded name holds placeholders that are not a valid name: answer it for a valid one
        const op = yield* withClient(
          () => ({ status: 200, body: body.replace(recordedName, name) }),
          (client) => client.get(name, Dataproc.DataprocOperation)
        )
        assert.strictEqual(op._tag, "Succeeded")
        assert.isTrue(op.metadata !== undefined && Dataproc.NodeGroupOperationMetadata.typeUrl === op.metadata["@type"])
        if (op.metadata !== undefined && op.metadata["@type"] === Dataproc.NodeGroupOperationMetadata.typeUrl) {
          assert.strictEqual(op.metadata["operationType"], "CREATE")
        }
      }))

    it.effect("a failed operation carries its Status with details", () =>
      Effect.gen(function*() {
        const op = yield* withClient(
          () =>
            Fake.json(200, {
              name,
              done: true,
              error: {
                code: 8,
                message: "Insufficient 'CPUS' quota",
                details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "QUOTA_EXCEEDED", domain: "dataproc.googleapis.com" }]
              }
            }),
          (client) => client.get(name)
        )
        assert.isTrue(Operation.isFailed(op))
        if (Operation.isFailed(op)) {
          assert.strictEqual(op.error.code, Code.codes.RESOURCE_EXHAUSTED)
          assert.strictEqual(Option.getOrThrow(Status.errorInfo(op.error)).reason, "QUOTA_EXCEEDED")
        }
      }))
  })

  describe("list", () => {
    it.effect("sends the query parameters and decodes a page", () =>
      Effect.gen(function*() {
        const { exit, requests } = yield* requestsAfter(
          () => Fake.json(200, { operations: [running], nextPageToken: "next", unreachable: ["us-east1"] }),
          (client) =>
            client.list(collection, { filter: "status.state = RUNNING", pageSize: 50, pageToken: "abc", returnPartialSuccess: true })
        )
        const page = yield* exit
        assert.strictEqual(page.operations.length, 1)
        assert.strictEqual(page.nextPageToken, "next")
        assert.deepStrictEqual(page.unreachable, ["us-east1"])
        const url = requests[0]!.url
        assert.strictEqual(url.pathname, `/v1/${collection}`)
        assert.strictEqual(url.searchParams.get("filter"), "status.state = RUNNING")
        assert.strictEqual(url.searchParams.get("pageSize"), "50")
        assert.strictEqual(url.searchParams.get("pageToken"), "abc")
        assert.strictEqual(url.searchParams.get("returnPartialSuccess"), "true")
      }))

    it.effect("an empty list response decodes to no operations", () =>
      Effect.gen(function*() {
        const page = yield* withClient(() => Fake.json(200, {}), (client) => client.list(collection))
        assert.deepStrictEqual(page, { operations: [], nextPageToken: "", unreachable: [] })
      }))

    it.effect("listAll streams every page, pulling pages as needed", () =>
      Effect.gen(function*() {
        const pages = [["a", "b"], ["c"], ["d", "e"]]
        const answer = (request: Fake.Recorded) => {
          const index = Number(request.url.searchParams.get("pageToken") ?? "0")
          return Fake.json(200, {
            operations: pages[index]!.map((id) => ({ name: `${collection}/${id}` })),
            ...(index + 1 < pages.length ? { nextPageToken: String(index + 1) } : {})
          })
        }
        const { exit, requests } = yield* requestsAfter(
          answer,
          (client) => Stream.runCollect(client.listAll(collection, { pageSize: 2 }))
        )
        const all = yield* exit
        assert.deepStrictEqual(Chunk.toArray(Chunk.map(all, (op) => op.name.split("/").pop())), ["a", "b", "c", "d", "e"])
        assert.strictEqual(requests.length, 3)
        assert.isNull(requests[0]!.url.searchParams.get("pageToken"))

        const firstTwo = yield* requestsAfter(answer, (client) => Stream.runCollect(Stream.take(client.listAll(collection), 2)))
        assert.strictEqual(firstTwo.requests.length, 1)
      }))
  })

  describe("cancel and delete", () => {
    it.effect("cancel is POST {name}:cancel with no body; delete is DELETE {name}", () =>
      Effect.gen(function*() {
        const { exit, requests } = yield* requestsAfter(
          () => Fake.json(200, {}),
          (client) => Effect.zipRight(client.cancel(name), client.delete(name))
        )
        assert.isTrue(Exit.isSuccess(exit))
        assert.strictEqual(requests[0]!.method, "POST")
        assert.strictEqual(requests[0]!.url.href, `https://dataproc.googleapis.com/v1/${name}:cancel`)
        assert.isFalse(requests[0]!.hasBody)
        assert.strictEqual(requests[1]!.method, "DELETE")
        assert.strictEqual(requests[1]!.url.href, `https://dataproc.googleapis.com/v1/${name}`)
      }))

    it.effect("UNIMPLEMENTED cancel is an ApiError the caller can recognise", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(
          withClient(() => Fake.json(501, envelope(501, "UNIMPLEMENTED", "cancel is not supported")), (client) => client.cancel(name))
        )
        assert.isTrue(OperationsError.isUnimplemented(error))
      }))
  })

  describe("endpoints", () => {
    const hostFor = (endpoint: Endpoint.Endpoint, target: string = name) =>
      requestsAfter(() => Fake.json(200, { name: target }), (client) => client.get(target), { endpoint }).pipe(
        Effect.map(({ requests }) => requests[0]?.url.origin)
      )

    it.effect("global, locational, regional, universe and fixed", () =>
      Effect.gen(function*() {
        assert.strictEqual(yield* hostFor(Endpoint.global()), "https://dataproc.googleapis.com")
        assert.strictEqual(yield* hostFor(Endpoint.locational()), "https://us-central1-dataproc.googleapis.com")
        assert.strictEqual(yield* hostFor(Endpoint.regional()), "https://dataproc.us-central1.rep.googleapis.com")
        assert.strictEqual(yield* hostFor(Endpoint.universe("example.net")), "https://dataproc.example.net")
        assert.strictEqual(yield* hostFor(Endpoint.fixed("http://127.0.0.1:8085")), "http://127.0.0.1:8085")
        assert.strictEqual(
          yield* hostFor(Endpoint.locational(), "projects/p/locations/europe-west4/operations/o"),
          "https://europe-west4-dataproc.googleapis.com"
        )
      }))

    it.effect("names go out as they are: sub-delimiters are not escaped", () =>
      Effect.gen(function*() {
        const odd = "projects/p-1/regions/us-central1/operations/a+b$c@d=e,f;g!h*i'j(k)l~m"
        const { requests } = yield* requestsAfter(() => Fake.json(200, { name: odd }), (client) => client.get(odd))
        assert.strictEqual(requests[0]!.url.pathname, `/v1/${odd}`)
      }))

    it.effect("a fixed URL keeps its path prefix", () =>
      Effect.gen(function*() {
        const { requests } = yield* requestsAfter(
          () => Fake.json(200, running),
          (client) => client.get(name),
          { endpoint: Endpoint.fixed("https://proxy.example.com/google/") }
        )
        assert.strictEqual(requests[0]!.url.href, `https://proxy.example.com/google/v1/${name}`)
      }))

    it.effect("plain http is refused for other than loopback hosts, before any request", () =>
      Effect.gen(function*() {
        const { exit, requests } = yield* Effect.provide(
          Effect.gen(function*() {
            const exit = yield* Effect.exit(
              Effect.provide(OperationsClient.OperationsClient, OperationsClient.layer({ endpoint: Endpoint.fixed("http://10.0.0.1:8080") }).pipe(Layer.provide(Credentials.unauthenticated)))
            )
            return { exit, requests: yield* Fake.requests }
          }),
          Fake.layer(() => Fake.json(200, {}))
        )
        assert.isTrue(Exit.isFailure(exit))
        assert.match(String(Exit.isFailure(exit) ? exit.cause : ""), /must use https/)
        assert.strictEqual(requests.length, 0)
      }))

    it.effect("a locational endpoint needs a region in the name", () =>
      Effect.gen(function*() {
        const { exit, requests } = yield* requestsAfter(
          () => Fake.json(200, {}),
          (client) => client.get("operations/abc"),
          { endpoint: Endpoint.locational() }
        )
        assert.isTrue(Exit.isFailure(exit))
        const error = Exit.isFailure(exit) ? Option.getOrThrow(Exit.causeOption(exit).pipe(Option.flatMap((c) => Option.fromNullable(c._tag === "Fail" ? c.error : undefined)))) : undefined
        assert.strictEqual(error?._tag, "InvalidName")
        assert.strictEqual(requests.length, 0)
      }))
  })

  describe("invalid names", () => {
    const bad = [
      "",
      "projects/p/regions/r/operations/",
      "projects/p/regions/../operations/o",
      "projects/p/regions/r/operations/o%2F..",
      "projects/p/regions/r/operations/o?alt=media",
      "projects/p/regions/r/operations/o#x",
      "projects/p/regions/r/operations/o:cancel",
      "https://evil.example/v1/operations/o",
      "projects/p/regions/r/operations/o p",
      "projects/p/regions/r/operations/o\n",
      "projects/p/regions/r/clusters/c",
      "projects/p/regions/r/operations/\uFF0Fo",
      "x".repeat(10_000)
    ]

    it.effect("fail with InvalidName and send nothing", () =>
      Effect.gen(function*() {
        for (const input of bad) {
          for (const call of [
            (client: OperationsClient.Service) => client.get(input),
            (client: OperationsClient.Service) => client.cancel(input),
            (client: OperationsClient.Service) => client.delete(input)
          ]) {
            const { exit, requests } = yield* requestsAfter(() => Fake.json(200, {}), call)
            assert.strictEqual(requests.length, 0, `a request was sent for ${JSON.stringify(input.slice(0, 40))}`)
            const error = yield* Effect.flip(exit)
            assert.strictEqual(error._tag, "InvalidName", input.slice(0, 40))
            assert.isTrue(error.message.length < 400)
          }
        }
      }))

    it.effect("a bad collection fails list with InvalidName and sends nothing", () =>
      Effect.gen(function*() {
        for (const input of ["", "projects/p/regions/r", "projects/p/regions/r/operations/x", "projects/../operations", "projects/p/regions/r/operations?x=1"]) {
          const { exit, requests } = yield* requestsAfter(() => Fake.json(200, {}), (client) => client.list(input))
          assert.strictEqual(requests.length, 0)
          assert.strictEqual((yield* Effect.flip(exit))._tag, "InvalidName")
        }
      }))
  })

  describe("errors", () => {
    const errorOf = (answer: Fake.Answer, options: OperationsClient.Options = noRetry) =>
      Effect.flip(withClient(() => answer, (client) => client.get(name), options))

    it.effect("every recorded error envelope becomes an ApiError with its rpc code", () =>
      Effect.gen(function*() {
        const cases: ReadonlyArray<[string, number, string]> = [
          ["kcc-dataproc-error-400-failed-precondition-autozone.json", 400, "FAILED_PRECONDITION"],
          ["kcc-error-400-invalid-argument-vertex.json", 400, "INVALID_ARGUMENT"],
          ["kcc-error-403-service-disabled-kms.json", 403, "PERMISSION_DENIED"],
          ["kcc-error-409-already-exists-iam-legacy-errors.json", 409, "ALREADY_EXISTS"],
          ["kcc-error-500-internal-discoveryengine.json", 500, "INTERNAL"]
        ]
        for (const [file, http, codeName] of cases) {
          const error = yield* errorOf({ status: http, body: Fake.corpus(file) })
          assert.strictEqual(error._tag, "ApiError")
          if (error._tag === "ApiError") {
            assert.strictEqual(error.httpStatus, http)
            assert.strictEqual(error.codeName, codeName)
            assert.strictEqual(error.method, "get")
            assert.strictEqual(error.operation, name)
            assert.strictEqual(error.status.message, JSON.parse(Fake.corpus(file)).error.message)
            assert.isUndefined(error.bodyExcerpt)
            assert.include(error.message, codeName)
          }
        }
        assert.isTrue(OperationsError.isPermissionDenied(yield* errorOf({ status: 403, body: Fake.corpus("kcc-error-403-service-disabled-kms.json") })))
      }))

    it.effect("an array holding one envelope is read like the envelope", () =>
      Effect.gen(function*() {
        const error = yield* errorOf(Fake.json(404, [envelope(404, "NOT_FOUND", "gone")]))
        assert.isTrue(OperationsError.isNotFound(error))
      }))

    it.effect("bodies that are not the envelope keep the HTTP status and an excerpt", () =>
      Effect.gen(function*() {
        const html = yield* errorOf({ status: 502, body: "<html><body><h1>502 Bad Gateway</h1>\n</body></html>", headers: { "content-type": "text/html" } })
        assert.strictEqual(html._tag, "ApiError")
        if (html._tag === "ApiError") {
          assert.strictEqual(html.httpStatus, 502)
          assert.strictEqual(html.code, Code.codes.UNAVAILABLE)
          assert.strictEqual(html.bodyExcerpt, "<html><body><h1>502 Bad Gateway</h1> </body></html>")
        }
        const empty = yield* errorOf({ status: 500 })
        assert.strictEqual(empty._tag === "ApiError" && empty.code, Code.codes.INTERNAL)
        const truncated = yield* errorOf({ status: 503, body: "{\"error\": {\"code\": 503, \"mess" })
        assert.strictEqual(truncated._tag === "ApiError" && truncated.code, Code.codes.UNAVAILABLE)
        assert.strictEqual(truncated._tag === "ApiError" && truncated.bodyExcerpt, "{\"error\": {\"code\": 503, \"mess")
      }))

    it.effect("a 2xx body that does not decode is MalformedResponse with the path", () =>
      Effect.gen(function*() {
        const cases: ReadonlyArray<[Fake.Answer, string]> = [
          [Fake.json(200, { name, done: true, error: { code: 1 }, response: { "@type": "x/y" } }), "$"],
          [Fake.json(200, { name, done: "yes" }), "$.done"],
          [Fake.json(200, { name, metadata: { "@type": 5 } }), "$.metadata"],
          [Fake.json(200, null), "$"],
          [Fake.json(200, []), "$"],
          [{ status: 200, body: "{\"name\": \"proj" }, "$"],
          [Fake.json(200, { name: "projects/demo/regions/us-central1/operations/other" }), "$.name"]
        ]
        for (const [answer, path] of cases) {
          const error = yield* errorOf(answer)
          assert.strictEqual(error._tag, "MalformedResponse")
          if (error._tag === "MalformedResponse") {
            assert.strictEqual(error.path, path)
            assert.strictEqual(error.httpStatus, 200)
          }
        }
        const typed = yield* Effect.flip(withClient(
          () => Fake.json(200, { name, metadata: { "@type": Dataproc.ClusterOperationMetadata.typeUrl, status: { stateStartTime: "yesterday" } } }),
          (client) => client.get(name, Dataproc.DataprocOperation),
          noRetry
        ))
        assert.strictEqual(typed._tag === "MalformedResponse" && typed.path, "$.metadata.status.stateStartTime")
      }))

    it.effect("a body over the limit is a TransportError, read no further", () =>
      Effect.gen(function*() {
        const big = JSON.stringify({ name, metadata: { "@type": "x/y", blob: "x".repeat(2048) } })
        const error = yield* errorOf({ status: 200, body: big }, { ...noRetry, maxResponseBytes: 1024 })
        assert.strictEqual(error._tag, "TransportError")
        assert.strictEqual(error._tag === "TransportError" && error.reason, "BodyTooLarge")
      }))

    it.effect("tokens never appear in errors", () =>
      Effect.gen(function*() {
        const errors = [
          yield* errorOf({ status: 502, body: "bad gateway" }),
          yield* errorOf({ fail: "transport" }),
          yield* errorOf(Fake.json(200, null))
        ]
        for (const error of errors) {
          assert.notInclude(error.message, token)
          assert.notInclude(String(error), token)
          assert.notInclude(JSON.stringify(error), token)
        }
      }))
  })

  describe("retries", () => {
    const linear = RetryPolicy.make({
      retryable: OperationsError.isRetryable,
      schedule: Schedule.spaced(Duration.seconds(1)).pipe(Schedule.intersect(Schedule.recurs(3)))
    })

    it.effect("UNAVAILABLE and transport failures are retried on the schedule", () =>
      Effect.gen(function*() {
        const answers: ReadonlyArray<Fake.Answer> = [
          Fake.json(503, envelope(503, "UNAVAILABLE", "try again")),
          { fail: "transport" },
          Fake.json(200, running)
        ]
        const fiber = yield* Effect.fork(requestsAfter((_, i) => answers[i]!, (client) => client.get(name), { retryPolicy: linear }))
        yield* TestClock.adjust(Duration.seconds(10))
        const { exit, requests } = yield* Fiber.join(fiber)
        assert.strictEqual((yield* exit)._tag, "Running")
        assert.deepStrictEqual(requests.map((r) => r.at), [0, 1000, 2000])
      }))

    it.effect("the default policy gives up after 5 retries, with growing jittered delays", () =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(requestsAfter(() => Fake.json(503, envelope(503, "UNAVAILABLE", "down")), (client) => client.get(name)))
        yield* TestClock.adjust(Duration.minutes(5))
        const { exit, requests } = yield* Fiber.join(fiber)
        assert.isTrue(OperationsError.isUnavailable(yield* Effect.flip(exit)))
        assert.strictEqual(requests.length, 6)
        const gaps = requests.slice(1).map((r, i) => r.at - requests[i]!.at)
        const expected = [250, 500, 1000, 2000, 4000]
        gaps.forEach((gap, i) => {
          assert.isAtLeast(gap, expected[i]! * 0.8)
          assert.isAtMost(gap, expected[i]! * 1.2)
        })
      }))

    it.effect("RetryPolicy.withPolicy overrides the client's policy for a region of code", () =>
      Effect.gen(function*() {
        const unavailable = Fake.json(503, envelope(503, "UNAVAILABLE", "down"))
        const { exit, requests } = yield* requestsAfter(
          () => unavailable,
          (client) => client.get(name).pipe(RetryPolicy.withPolicy(RetryPolicy.none))
        )
        assert.isTrue(OperationsError.isUnavailable(yield* Effect.flip(exit)))
        assert.strictEqual(requests.length, 1)
      }))

    it.effect("errors other than the retryable ones fail at once", () =>
      Effect.gen(function*() {
        for (const answer of [
          Fake.json(404, envelope(404, "NOT_FOUND", "no such operation")),
          Fake.json(403, envelope(403, "PERMISSION_DENIED", "denied")),
          Fake.json(429, envelope(429, "RESOURCE_EXHAUSTED", "quota")),
          Fake.json(200, null)
        ]) {
          const { exit, requests } = yield* requestsAfter(() => answer, (client) => client.get(name))
          assert.isTrue(Exit.isFailure(exit))
          assert.strictEqual(requests.length, 1)
        }
      }))

    it.effect("429 with RetryInfo waits at least the server's delay", () =>
      Effect.gen(function*() {
        const limited = Fake.json(429, envelope(429, "RESOURCE_EXHAUSTED", "slow down", [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "7.5s" }]))
        const fiber = yield* Effect.fork(requestsAfter((_, i) => (i === 0 ? limited : Fake.json(200, running)), (client) => client.get(name)))
        yield* TestClock.adjust(Duration.seconds(7))
        yield* TestClock.adjust(Duration.millis(499))
        yield* TestClock.adjust(Duration.seconds(2))
        const { exit, requests } = yield* Fiber.join(fiber)
        assert.isTrue(Exit.isSuccess(exit))
        assert.strictEqual(requests.length, 2)
        assert.isAtLeast(requests[1]!.at, 7500)
      }))

    it.effect("429 with Retry-After (seconds) waits at least that long", () =>
      Effect.gen(function*() {
        const limited: Fake.Answer = { status: 429, body: JSON.stringify(envelope(429, "RESOURCE_EXHAUSTED", "slow down")), headers: { "retry-after": "12" } }
        const fiber = yield* Effect.fork(requestsAfter((_, i) => (i === 0 ? limited : Fake.json(200, running)), (client) => client.get(name)))
        yield* TestClock.adjust(Duration.seconds(30))
        const { requests } = yield* Fiber.join(fiber)
        assert.strictEqual(requests.length, 2)
        assert.isAtLeast(requests[1]!.at, 12_000)
        const error = yield* Effect.flip(withClient(() => limited, (client) => client.get(name), noRetry))
        assert.isTrue(error._tag === "ApiError" && Option.isSome(error.retryAfter))
      }))

    it.effect("an attempt that takes too long is a Timeout TransportError (retried)", () =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(requestsAfter(
          (_, i) => (i === 0 ? { hang: true } : Fake.json(200, running)),
          (client) => client.get(name),
          { timeout: Duration.seconds(5), retryPolicy: linear }
        ))
        yield* TestClock.adjust(Duration.seconds(5))
        yield* TestClock.adjust(Duration.seconds(1))
        const { exit, requests } = yield* Fiber.join(fiber)
        assert.isTrue(Exit.isSuccess(exit))
        assert.deepStrictEqual(requests.map((r) => r.at), [0, 6000])

        const timedOut = yield* Effect.fork(withClient(() => ({ hang: true }), (client) => client.get(name), { timeout: "2 seconds", ...noRetry }))
        yield* TestClock.adjust(Duration.seconds(2))
        const error = yield* Effect.flip(Fiber.join(timedOut))
        assert.strictEqual(error._tag === "TransportError" && error.reason, "Timeout")
      }))

    it.effect("401 refreshes the credentials once, then the error stands", () =>
      Effect.gen(function*() {
        let fetches = 0
        const credentials = Layer.scoped(
          Credentials.Credentials,
          Credentials.fromFetcher(Effect.sync(() => {
            fetches++
            return { token: Redacted.make(`token-${fetches}`), expiresAt: Option.none() }
          }))
        )
        const unauthorized = Fake.json(401, envelope(401, "UNAUTHENTICATED", "expired"))
        const { exit, requests } = yield* requestsAfter(() => unauthorized, (client) => client.get(name), {}, credentials)
        assert.isTrue(OperationsError.isUnauthenticated(yield* Effect.flip(exit)))
        assert.deepStrictEqual(requests.map((r) => r.headers["authorization"]), ["Bearer token-1", "Bearer token-2"])

        const recovered = yield* requestsAfter((_, i) => (i === 0 ? unauthorized : Fake.json(200, running)), (client) => client.get(name), {}, credentials)
        assert.isTrue(Exit.isSuccess(recovered.exit))
      }))

    it.effect("unauthenticated mode sends no authorization header and does not retry a 401", () =>
      Effect.gen(function*() {
        const { exit, requests } = yield* requestsAfter(
          () => Fake.json(401, envelope(401, "UNAUTHENTICATED", "no")),
          (client) => client.get(name),
          {},
          Credentials.unauthenticated
        )
        assert.isTrue(Exit.isFailure(exit))
        assert.strictEqual(requests.length, 1)
        assert.isUndefined(requests[0]!.headers["authorization"])
      }))
  })

  it.effect("Either-valued decode errors never throw for hostile JSON", () =>
    Effect.gen(function*() {
      const hostile = "{\"name\":\"" + name + "\",\"metadata\":{\"@type\":\"x/y\",\"__proto__\":{\"polluted\":true},\"labels\":{\"constructor\":\"x\"}}}"
      const op = yield* withClient(() => ({ status: 200, body: hostile }), (client) => client.get(name))
      assert.strictEqual(op._tag, "Running")
      assert.isUndefined(({} as Record<string, unknown>)["polluted"])
      assert.isTrue(Either.isRight(Either.right(op)))
    }))
})
