import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it } from "@effect/vitest"
import * as OperationName from "@longrunning/schema/OperationName"
import * as Arbitrary from "effect/Arbitrary"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import { Credentials, Endpoint, OperationsClient, ServiceProfile } from "../src/index.js"
import { cases } from "./profileCases.js"

const line = (
  profile: ServiceProfile.ServiceProfile,
  method: ServiceProfile.Method,
  name: string,
  options?: ServiceProfile.RequestOptions
): string =>
  Either.match(ServiceProfile.requestLine(profile, method, name, options), {
    onLeft: (error) => assert.fail(`expected a request line for ${profile.id} ${method} ${name}: ${error.message}`),
    onRight: ServiceProfile.formatRequestLine
  })

const refusal = (
  profile: ServiceProfile.ServiceProfile,
  method: ServiceProfile.Method,
  name: string,
  options?: ServiceProfile.RequestOptions
): ServiceProfile.RequestLineError =>
  Either.match(ServiceProfile.requestLine(profile, method, name, options), {
    onLeft: (error) => error,
    onRight: (request) => assert.fail(`expected ${profile.id} ${method} ${name} to be refused, got ${request.url}`)
  })

describe("ServiceProfile", () => {
  it("every built-in profile is covered by a request-line case", () => {
    assert.deepStrictEqual(
      [...new Set(cases.map((c) => c.profile.id))].sort(),
      ServiceProfile.all.map((profile) => profile.id).sort()
    )
  })

  for (const c of cases) {
    it(`${c.profile.title}: get, list, cancel, delete and wait`, () => {
      assert.strictEqual(line(c.profile, "get", c.name), c.get)
      for (const method of ["list", "cancel", "delete", "wait"] as const) {
        const expected = c[method]
        const input = method === "list" ? c.collection : c.name
        if (expected === undefined) {
          const error = refusal(c.profile, method, input, { timeout: "30 seconds" })
          assert.strictEqual(error.reason, "Unsupported")
          assert.include(error.message, `does not offer ${method}`)
          assert.isFalse(ServiceProfile.offers(c.profile, method))
        } else {
          assert.strictEqual(line(c.profile, method, input, { timeout: "30 seconds" }), expected)
          assert.isTrue(ServiceProfile.offers(c.profile, method))
        }
      }
    })
  }

  describe("hosts", () => {
    it("a locational profile sends global and location-less names to the global host", () => {
      assert.strictEqual(
        line(ServiceProfile.vertexAi, "get", "projects/p/locations/global/operations/o"),
        "GET https://aiplatform.googleapis.com/v1/projects/p/locations/global/operations/o"
      )
      assert.strictEqual(
        line(ServiceProfile.vertexAi, "list", "operations"),
        "GET https://aiplatform.googleapis.com/v1/operations"
      )
      assert.strictEqual(
        line(ServiceProfile.speechV2, "get", "projects/123456789012/locations/global/operations/o"),
        "GET https://speech.googleapis.com/v2/projects/123456789012/locations/global/operations/o"
      )
    })

    it("an explicit endpoint replaces the host rule: regional REP, universe domain, fixed", () => {
      const name = "projects/p/locations/europe-west3/operations/o"
      assert.strictEqual(
        line(ServiceProfile.spanner, "get", name, { endpoint: Endpoint.regional({ service: "spanner" }) }),
        `GET https://spanner.europe-west3.rep.googleapis.com/v1/${name}`
      )
      assert.strictEqual(
        line(ServiceProfile.vertexAi, "get", name, { universeDomain: "example-universe.net" }),
        `GET https://europe-west3-aiplatform.example-universe.net/v1/${name}`
      )
      assert.strictEqual(
        line(ServiceProfile.cloudRun, "get", name, { endpoint: Endpoint.fixed("http://127.0.0.1:8085/prefix") }),
        `GET http://127.0.0.1:8085/prefix/v2/${name}`
      )
      const error = refusal(ServiceProfile.cloudRun, "get", "operations/o", { endpoint: Endpoint.regional() })
      assert.strictEqual(error.reason, "InvalidEndpoint")
    })

    it("a full operation URL keeps its host and version", () => {
      assert.strictEqual(
        line(
          ServiceProfile.vertexAi,
          "get",
          "https://us-central1-aiplatform.googleapis.com/v1beta1/projects/p/locations/us-central1/operations/o"
        ),
        "GET https://us-central1-aiplatform.googleapis.com/v1beta1/projects/p/locations/us-central1/operations/o"
      )
      assert.strictEqual(
        line(
          ServiceProfile.vertexAi,
          "cancel",
          "https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/operations/o",
          { version: "v1beta1" }
        ),
        "POST https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/operations/o:cancel"
      )
      // Speech v1's URL carries "operations/" once.
      assert.strictEqual(
        line(ServiceProfile.speechV1, "get", "https://speech.googleapis.com/v1/operations/8254262642733152416"),
        "GET https://speech.googleapis.com/v1/operations/8254262642733152416"
      )
      assert.strictEqual(refusal(ServiceProfile.vertexAi, "get", "https://x.googleapis.com/v9/operations/o").reason, "UnknownVersion")
    })
  })

  describe("versions", () => {
    it("uses the version asked for, with its own paths and methods", () => {
      assert.strictEqual(
        line(ServiceProfile.resourceManager, "get", "operations/fd.1", { version: "v2" }),
        "GET https://cloudresourcemanager.googleapis.com/v1/operations/fd.1"
      )
      assert.strictEqual(
        line(ServiceProfile.serviceUsage, "get", "operations/acf.1", { version: "v1beta1" }),
        "GET https://serviceusage.googleapis.com/v1beta1/operations/acf.1"
      )
      assert.strictEqual(refusal(ServiceProfile.serviceUsage, "cancel", "operations/acf.1", { version: "v1beta1" }).reason, "Unsupported")
      assert.isFalse(ServiceProfile.offers(ServiceProfile.serviceUsage, "delete", "v1beta1"))
      assert.isTrue(ServiceProfile.offers(ServiceProfile.serviceUsage, "delete", "v1"))
      const unknown = refusal(ServiceProfile.dataproc, "get", "operations/o", { version: "v2" })
      assert.strictEqual(unknown.reason, "UnknownVersion")
      assert.include(unknown.message, "known: v1")
    })
  })

  describe("names", () => {
    it("checks names with the profile's grammar before building a line", () => {
      for (
        const [profile, input, expected] of [
          [ServiceProfile.dataproc, "operations/build/p/x", "but segment 2 is \"p\""],
          [ServiceProfile.cloudBuild, "operations/build/../x", "relative path segment"],
          [ServiceProfile.iamV2, "policies/a%2E/operations/o", "only \"%2F\" is allowed"],
          [ServiceProfile.dataproc, "policies/a%2Fb/operations/o", "contains \"%\" (U+0025)"],
          [ServiceProfile.speechV1, "1 2", "U+0020"],
          [ServiceProfile.vertexAi, "projects/p/locations/l/operations/o?x", "would start a URL query"],
          [ServiceProfile.vertexAi, "https://aiplatform.googleapis.com/v1/operations/o?x", "has a query"]
        ] as const
      ) {
        const error = refusal(profile, "get", input)
        assert.strictEqual(error.reason, "InvalidName")
        assert.include(error.message, expected)
        assert.isTrue(ServiceProfile.isRequestLineError(error))
      }
      assert.include(refusal(ServiceProfile.speechV1, "list", "projects/p/operations").message, "lists only the collection")
      assert.strictEqual(refusal(ServiceProfile.dataproc, "list", "projects/p/regions/r").reason, "InvalidName")
    })
  })

  describe("query and body", () => {
    it("list options become query parameters, escaped", () => {
      assert.strictEqual(
        line(ServiceProfile.dataproc, "list", "projects/p/regions/r/operations", {
          filter: "status.state = DONE & x",
          pageSize: 50,
          pageToken: "tok/en=",
          returnPartialSuccess: true
        }),
        "GET https://dataproc.googleapis.com/v1/projects/p/regions/r/operations?filter=status.state+%3D+DONE+%26+x&pageSize=50&pageToken=tok%2Fen%3D&returnPartialSuccess=true"
      )
    })

    it("a wait timeout is a proto3 duration, left out when not given", () => {
      const name = "projects/p/locations/us-central1/operations/o"
      assert.deepStrictEqual(
        ServiceProfile.requestLine(ServiceProfile.cloudRun, "wait", name, { timeout: "2500 millis" }),
        Either.right({
          method: "POST",
          url: `https://run.googleapis.com/v2/${name}:wait`,
          body: { timeout: "2.500s" }
        })
      )
      assert.strictEqual(
        line(ServiceProfile.vertexAi, "wait", name),
        `POST https://us-central1-aiplatform.googleapis.com/v1/${name}:wait`
      )
      assert.strictEqual(ServiceProfile.formatDuration("1 nano"), "0.000000001s")
      assert.strictEqual(ServiceProfile.formatDuration("1500 micros"), "0.001500s")
      assert.strictEqual(ServiceProfile.formatDuration("0 millis"), "0s")
      assert.strictEqual(ServiceProfile.formatDuration("2 minutes"), "120s")
    })
  })

  describe("safety", () => {
    // Pieces that stress a URL: dots, slashes, escapes, method suffixes, query and fragment starts, spaces.
    const piece = FastCheck.constantFrom(
      "operations", "projects", "locations", "p", "us-central1", "1", ".", "..", "/", "%2F", "%2E", "%25", "%",
      ":", ":cancel", "?", "#", " ", "\\", "build", "a.b", "@", "~"
    )
    const hostile = FastCheck.oneof(
      FastCheck.array(piece, { minLength: 1, maxLength: 12 }).map((pieces) => pieces.join("")),
      // Valid names, and valid names with one hostile piece spliced in.
      Arbitrary.make(OperationName.OperationName),
      FastCheck.tuple(Arbitrary.make(OperationName.OperationName), piece, FastCheck.nat()).map(([name, p, at]) => {
        const index = at % (name.length + 1)
        return name.slice(0, index) + p + name.slice(index)
      })
    )

    it.prop(
      "a name is refused, or its request line is exactly the template with the name in it: nothing is normalised away",
      [FastCheck.constantFrom(...ServiceProfile.all), hostile],
      ([profile, name]) => {
        const result = ServiceProfile.requestLine(profile, "get", name)
        if (Either.isLeft(result)) {
          // A location that is no host label ("A", "a.b") cannot make a locational host.
          assert.oneOf(result.left.reason, ["InvalidName", "InvalidEndpoint"])
          return
        }
        const url = new URL(result.right.url)
        assert.strictEqual(url.origin, `https://${url.hostname}`)
        assert.isTrue(url.hostname.endsWith(`${profile.service}.googleapis.com`), url.hostname)
        assert.strictEqual(url.search, "")
        assert.strictEqual(url.hash, "")
        // The URL parser sees the very path that was built: no dot segment or escape changed it.
        assert.strictEqual(result.right.url, `${url.origin}${url.pathname}`)
        const template = profile.versions[0].get
        const prefix = template.slice(0, template.indexOf("{+name}"))
        assert.isTrue(url.pathname.startsWith(`/${prefix}`), url.pathname)
      }
    )
  })

  describe("endpoint", () => {
    it("gives the Endpoint of the host rule, global for names without a location", () => {
      const vertex = ServiceProfile.endpoint(ServiceProfile.vertexAi)
      assert.deepStrictEqual(
        Endpoint.baseUrl(vertex, Option.some("europe-west4")),
        Either.right("https://europe-west4-aiplatform.googleapis.com/")
      )
      assert.deepStrictEqual(Endpoint.baseUrl(vertex, Option.none()), Either.right("https://aiplatform.googleapis.com/"))
      assert.deepStrictEqual(
        Endpoint.baseUrl(ServiceProfile.endpoint(ServiceProfile.spanner, { universeDomain: "example.net" }), Option.some("x")),
        Either.right("https://spanner.example.net/")
      )
    })

    it.effect("works with today's client: a nested Vertex AI name goes to its locational host", () =>
      Effect.gen(function*() {
        const urls = yield* Ref.make<ReadonlyArray<string>>([])
        const httpClient = HttpClient.make((request, url) =>
          Effect.as(
            Ref.update(urls, (all) => [...all, `${request.method} ${url.href}`]),
            HttpClientResponse.fromWeb(
              request,
              new Response(JSON.stringify({ name: url.pathname.slice(4).replace(/:cancel$/, "") }), {
                status: 200,
                headers: { "content-type": "application/json" }
              })
            )
          )
        )
        const name = "projects/p/locations/us-central1/endpoints/e/operations/1"
        yield* Effect.gen(function*() {
          const client = yield* OperationsClient.OperationsClient
          yield* client.get(name)
          yield* client.get("projects/p/locations/global/operations/2")
        }).pipe(
          Effect.provide(
            OperationsClient.layer({ endpoint: ServiceProfile.endpoint(ServiceProfile.vertexAi), apiVersion: "v1" }).pipe(
              Layer.provide(Layer.merge(Credentials.unauthenticated, Layer.succeed(HttpClient.HttpClient, httpClient)))
            )
          )
        )
        assert.deepStrictEqual(yield* Ref.get(urls), [
          line(ServiceProfile.vertexAi, "get", name),
          line(ServiceProfile.vertexAi, "get", "projects/p/locations/global/operations/2")
        ])
      }))
  })

  describe("waitTimeout", () => {
    it("asks for the shorter of the time left and one attempt, less the margin", () => {
      const seconds = (o: Option.Option<Duration.Duration>) => Option.map(o, Duration.toSeconds)
      assert.deepStrictEqual(seconds(ServiceProfile.waitTimeout({ remaining: "10 minutes", attemptTimeout: "30 seconds" })), Option.some(28))
      assert.deepStrictEqual(seconds(ServiceProfile.waitTimeout({ remaining: "12 seconds", attemptTimeout: "30 seconds" })), Option.some(10))
      assert.deepStrictEqual(
        seconds(ServiceProfile.waitTimeout({ remaining: "12 seconds", attemptTimeout: "30 seconds", margin: "5 seconds" })),
        Option.some(7)
      )
      assert.deepStrictEqual(ServiceProfile.waitTimeout({ remaining: "2999 millis", attemptTimeout: "30 seconds" }), Option.none())
      assert.deepStrictEqual(ServiceProfile.waitTimeout({ remaining: "0 millis", attemptTimeout: "30 seconds" }), Option.none())
      assert.deepStrictEqual(ServiceProfile.waitTimeout({ remaining: "1 hour", attemptTimeout: "1 second" }), Option.none())
    })
  })

  describe("lookup", () => {
    it("byId and forHost find profiles", () => {
      assert.deepStrictEqual(ServiceProfile.byId("aiplatform"), Option.some(ServiceProfile.vertexAi))
      assert.deepStrictEqual(ServiceProfile.byId("nope"), Option.none())
      assert.deepStrictEqual(ServiceProfile.forHost("us-central1-aiplatform.googleapis.com"), Option.some(ServiceProfile.vertexAi))
      assert.deepStrictEqual(ServiceProfile.forHost("spanner.europe-west3.rep.googleapis.com"), Option.some(ServiceProfile.spanner))
      assert.deepStrictEqual(ServiceProfile.forHost("speech.googleapis.com", "v2"), Option.some(ServiceProfile.speechV2))
      assert.deepStrictEqual(ServiceProfile.forHost("speech.googleapis.com", "v1"), Option.some(ServiceProfile.speechV1))
      assert.deepStrictEqual(ServiceProfile.forHost("dataproc.googleapis.com"), Option.some(ServiceProfile.dataproc))
      assert.deepStrictEqual(ServiceProfile.forHost("example.com"), Option.none())
    })

    it("a user-made profile works like a built-in one", () => {
      const notebooks = ServiceProfile.make({
        id: "notebooks",
        title: "Vertex AI Workbench",
        service: "notebooks",
        hosts: "global",
        versions: [{ version: "v2", get: "v2/{+name}", cancel: "v2/{+name}:cancel" }],
        source: "test"
      })
      assert.strictEqual(
        line(notebooks, "cancel", "projects/p/locations/l/operations/o"),
        "POST https://notebooks.googleapis.com/v2/projects/p/locations/l/operations/o:cancel"
      )
      assert.deepStrictEqual(ServiceProfile.forHost("notebooks.googleapis.com", undefined, [notebooks]), Option.some(notebooks))
      const relocated = { ...ServiceProfile.cloudRun, hosts: "locational" as const }
      assert.strictEqual(
        line(relocated, "get", "projects/p/locations/us-east1/operations/o"),
        "GET https://us-east1-run.googleapis.com/v2/projects/p/locations/us-east1/operations/o"
      )
    })
  })
})
