import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import { Credentials, Endpoint, OperationsClient, OperationsError, ServiceProfile } from "../src/index.js"
import { cases } from "./profileCases.js"

// What the client put on the wire, one line per request: `METHOD URL[ BODY]`, as the cases write them.
const recorder = Effect.gen(function*() {
  const lines = yield* Ref.make<ReadonlyArray<string>>([])
  const httpClient = HttpClient.make((request, url) =>
    Effect.gen(function*() {
      const body = request.body._tag === "Uint8Array" ? ` ${new TextDecoder().decode(request.body.body)}` : ""
      yield* Ref.update(lines, (all) => [...all, `${request.method} ${url.href}${body}`])
      // A nameless done answer takes the name asked for; list pages and Empty are `{}`.
      const isGet = request.method === "GET" && !/\/operations(\?|$)/.test(url.pathname + url.search) ||
        url.pathname.endsWith(":wait")
      return HttpClientResponse.fromWeb(
        request,
        new Response(JSON.stringify(isGet ? { done: true } : {}), {
          status: 200,
          headers: { "content-type": "application/json" }
        })
      )
    })
  )
  return { lines: Ref.get(lines), layer: Layer.succeed(HttpClient.HttpClient, httpClient) }
})

// Runs `f` with a client of this layer over the recorder: its exit and the lines it sent.
const withLayer = <A, E, LE>(
  layer: Layer.Layer<OperationsClient.OperationsClient, LE, HttpClient.HttpClient | Credentials.Credentials>,
  f: (client: OperationsClient.Service) => Effect.Effect<A, E>
) =>
  Effect.gen(function*() {
    const recording = yield* recorder
    const exit = yield* Effect.exit(
      Effect.flatMap(OperationsClient.OperationsClient, f).pipe(
        Effect.provide(layer.pipe(Layer.provide(Layer.merge(Credentials.unauthenticated, recording.layer))))
      )
    )
    return { exit, sent: yield* recording.lines }
  })

// The same with a client of these options.
const withClient = <A, E>(options: OperationsClient.Options, f: (client: OperationsClient.Service) => Effect.Effect<A, E>) =>
  withLayer(OperationsClient.layer(options), f)

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) return assert.fail("expected a failure")
  const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
  return error ?? assert.fail(`expected a typed failure, got ${String(exit.cause)}`)
}

describe("the client takes a service profile", () => {
  for (const c of cases) {
    it.effect(`${c.profile.title}: the request line of get, list, cancel, delete and wait, or Unsupported before any request`, () =>
      Effect.gen(function*() {
        // One attempt may take 32 s: a wait of a minute asks the server for 30 s, leaving 2 for the answer.
        const options: OperationsClient.Options = { profile: c.profile, timeout: "32 seconds" }
        const calls = {
          get: (client: OperationsClient.Service) => Effect.asVoid(client.get(c.name)),
          list: (client: OperationsClient.Service) => Effect.asVoid(client.list(c.collection)),
          cancel: (client: OperationsClient.Service) => client.cancel(c.name),
          delete: (client: OperationsClient.Service) => client.delete(c.name),
          wait: (client: OperationsClient.Service) => Effect.asVoid(client.wait(c.name, { timeout: "1 minute" }))
        }
        for (const method of ["get", "list", "cancel", "delete", "wait"] as const) {
          const { exit, sent } = yield* withClient(options, calls[method])
          const expected = c[method]
          if (expected === undefined) {
            const error = failure(exit)
            assert.isTrue(OperationsError.isUnsupported(error), `${method}: ${String(error)}`)
            assert.strictEqual(error._tag, "Unsupported")
            if (error._tag === "Unsupported") {
              assert.strictEqual(error.reason, "Method")
              assert.strictEqual(error.method, method)
              assert.strictEqual(error.service, c.profile.id)
            }
            assert.deepStrictEqual(sent, [], `${method} sent nothing`)
          } else {
            assert.isTrue(Exit.isSuccess(exit), `${method}: ${String(exit)}`)
            assert.deepStrictEqual(sent, [expected])
            // The dry run's line is what was sent.
            const dry = OperationsClient.requests(options).requestLine(method, method === "list" ? c.collection : c.name, {
              timeout: "30 seconds"
            })
            assert.deepStrictEqual(Either.map(dry, ServiceProfile.formatRequestLine), Either.right(expected))
          }
        }
      }))
  }

  it.effect("Dataproc stays the default: same host, version and paths as before", () =>
    Effect.gen(function*() {
      const { sent } = yield* withClient({}, (client) =>
        Effect.zipRight(client.get("projects/p/regions/us-central1/operations/o"), client.cancel("projects/p/regions/us-central1/operations/o")))
      assert.deepStrictEqual(sent, [
        "GET https://dataproc.googleapis.com/v1/projects/p/regions/us-central1/operations/o",
        "POST https://dataproc.googleapis.com/v1/projects/p/regions/us-central1/operations/o:cancel"
      ])
    }))

  it.effect(":wait with under a second left is a plain get; its answer is checked as get's", () =>
    Effect.gen(function*() {
      const name = "projects/p/locations/us-central1/operations/o"
      const { exit, sent } = yield* withClient({ profile: ServiceProfile.cloudRun }, (c) =>
        Effect.all([c.wait(name, { timeout: "2500 millis" }), c.wait(name, { timeout: "10 seconds" }), c.wait(name)]))
      assert.isTrue(Exit.isSuccess(exit), String(exit))
      assert.deepStrictEqual(sent, [
        `GET https://run.googleapis.com/v2/${name}`,
        `POST https://run.googleapis.com/v2/${name}:wait {"timeout":"8s"}`,
        `POST https://run.googleapis.com/v2/${name}:wait {"timeout":"28s"}`
      ])
      if (Exit.isSuccess(exit)) assert.strictEqual(exit.value[1].name, name)
    }))

  it.effect("start goes to the profile's host for the path's location; startLine gives the same request", () =>
    Effect.gen(function*() {
      const options: OperationsClient.Options = { profile: ServiceProfile.vertexAi }
      const request = { path: "projects/p/locations/europe-west4/endpoints/e:deployModel", body: { deployedModel: { model: "m" } } }
      const { sent } = yield* withClient(options, (c) => c.start(request))
      const expected = `POST https://europe-west4-aiplatform.googleapis.com/v1/projects/p/locations/europe-west4/endpoints/e:deployModel {"deployedModel":{"model":"m"}}`
      assert.deepStrictEqual(sent, [expected])
      const line = OperationsClient.startLine(options, request)
      assert.deepStrictEqual(Either.map(line, (l) => `${l.method} ${l.url} ${l.body}`), Either.right(expected))
      assert.isTrue(Either.isLeft(OperationsClient.startLine(options, { path: "../x" })))
    }))

  it.effect("layerConfig takes the profile and version as Configs", () =>
    Effect.gen(function*() {
      const byId = Config.string("SERVICE").pipe(
        Config.mapOrFail((id) =>
          Option.match(ServiceProfile.byId(id), {
            onNone: () => Either.left(ConfigError.InvalidData([], `no service ${id}`)),
            onSome: Either.right
          })
        )
      )
      const layer = OperationsClient.layerConfig({ profile: byId, apiVersion: Config.string("API_VERSION") })
      const { sent } = yield* withLayer(layer, (c) => c.get("projects/p/locations/europe-west4/operations/1")).pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["SERVICE", "aiplatform"], ["API_VERSION", "v1beta1"]])))
      )
      assert.deepStrictEqual(sent, [
        "GET https://europe-west4-aiplatform.googleapis.com/v1beta1/projects/p/locations/europe-west4/operations/1"
      ])
    }))

  describe("versions", () => {
    it.effect("Resource Manager v2 is polled at v1/, Service Usage on v1beta1", () =>
      Effect.gen(function*() {
        const rm = yield* withClient({ profile: ServiceProfile.resourceManager, apiVersion: "v2" }, (c) => c.get("operations/fd.p2-1234"))
        assert.deepStrictEqual(rm.sent, ["GET https://cloudresourcemanager.googleapis.com/v1/operations/fd.p2-1234"])
        const su = yield* withClient(
          { profile: ServiceProfile.serviceUsage, apiVersion: "v1beta1" },
          (c) => Effect.zipRight(c.get("operations/acf.p2-1"), c.list("operations"))
        )
        assert.deepStrictEqual(su.sent, [
          "GET https://serviceusage.googleapis.com/v1beta1/operations/acf.p2-1",
          "GET https://serviceusage.googleapis.com/v1beta1/operations"
        ])
        const cancel = yield* withClient({ profile: ServiceProfile.serviceUsage, apiVersion: "v1beta1" }, (c) => c.cancel("operations/acf.p2-1"))
        assert.strictEqual(failure(cancel.exit)._tag, "Unsupported")
        assert.deepStrictEqual(cancel.sent, [])
      }))

    it.effect("a version the profile does not know fails with Unsupported (Version), start takes any", () =>
      Effect.gen(function*() {
        const { exit, sent } = yield* withClient({ apiVersion: "v1beta2" }, (c) =>
          Effect.zipRight(c.start({ method: "GET", path: "projects/p/regions/r/clusters" }), c.get("projects/p/regions/r/operations/o")))
        const error = failure(exit)
        assert.strictEqual(error._tag, "Unsupported")
        if (error._tag === "Unsupported") {
          assert.strictEqual(error.reason, "Version")
          assert.include(error.message, "Dataproc has no version \"v1beta2\"")
        }
        assert.deepStrictEqual(sent, ["GET https://dataproc.googleapis.com/v1beta2/projects/p/regions/r/clusters"])
      }))
  })

  describe("hosts", () => {
    it.effect("Vertex AI: {location}-aiplatform, and aiplatform for global and for names without a location", () =>
      Effect.gen(function*() {
        const { sent } = yield* withClient({ profile: ServiceProfile.vertexAi }, (c) =>
          Effect.all([
            c.get("projects/p/locations/europe-west4/operations/1"),
            c.get("projects/p/locations/global/operations/2"),
            c.get("operations/3")
          ]))
        assert.deepStrictEqual(sent, [
          "GET https://europe-west4-aiplatform.googleapis.com/v1/projects/p/locations/europe-west4/operations/1",
          "GET https://aiplatform.googleapis.com/v1/projects/p/locations/global/operations/2",
          "GET https://aiplatform.googleapis.com/v1/operations/3"
        ])
      }))

    it.effect("Document AI: eu- and us- hosts", () =>
      Effect.gen(function*() {
        const { sent } = yield* withClient({ profile: ServiceProfile.documentAi }, (c) =>
          Effect.all([c.get("projects/p/locations/eu/operations/1"), c.get("projects/p/locations/us/operations/2")]))
        assert.deepStrictEqual(sent, [
          "GET https://eu-documentai.googleapis.com/v1/projects/p/locations/eu/operations/1",
          "GET https://us-documentai.googleapis.com/v1/projects/p/locations/us/operations/2"
        ])
      }))

    it.effect("regional REP hosts, another universe, a fixed endpoint with the profile's paths", () =>
      Effect.gen(function*() {
        const name = "projects/p/locations/europe-west3/operations/o"
        const rep = yield* withClient(
          { profile: ServiceProfile.cloudRun, endpoint: ServiceProfile.endpoint(ServiceProfile.cloudRun, { regional: true }) },
          (c) => c.get(name)
        )
        assert.deepStrictEqual(rep.sent, [`GET https://run.europe-west3.rep.googleapis.com/v2/${name}`])
        const universe = yield* withClient({ profile: ServiceProfile.vertexAi, universeDomain: "example-universe.net" }, (c) => c.get(name))
        assert.deepStrictEqual(universe.sent, [`GET https://europe-west3-aiplatform.example-universe.net/v1/${name}`])
        const fixed = yield* withClient(
          { profile: ServiceProfile.speechV1, endpoint: Endpoint.fixed("http://127.0.0.1:8085") },
          (c) => c.get("8254262642733152416")
        )
        assert.deepStrictEqual(fixed.sent, ["GET http://127.0.0.1:8085/v1/operations/8254262642733152416"])
      }))
  })

  describe("full operation URLs", () => {
    it.effect("are sent to their host and version; without a profile the host chooses one", () =>
      Effect.gen(function*() {
        const vertex = "https://us-central1-aiplatform.googleapis.com/v1beta1/projects/p/locations/us-central1/operations/o"
        const build = "https://cloudbuild.googleapis.com/v1/operations/build/my-project/MjE1ZDgxNTE="
        const speech = "https://speech.googleapis.com/v1/operations/8254262642733152416"
        const { exit, sent } = yield* withClient({}, (c) =>
          Effect.all([c.get(vertex), c.cancel(vertex), c.get(build), c.get(speech)]))
        assert.isTrue(Exit.isSuccess(exit), String(exit))
        assert.deepStrictEqual(sent, [
          `GET ${vertex}`,
          `POST ${vertex}:cancel`,
          `GET ${build}`,
          `GET ${speech}`
        ])
        // The answer's name is checked against the name in the URL, not the URL.
        if (Exit.isSuccess(exit)) {
          assert.strictEqual(exit.value[0].name, "projects/p/locations/us-central1/operations/o")
          assert.strictEqual(exit.value[3].name, "8254262642733152416")
        }
      }))

    it.effect("a method the URL's service does not offer is refused before any request", () =>
      Effect.gen(function*() {
        const { exit, sent } = yield* withClient({}, (c) => c.cancel("https://run.googleapis.com/v2/projects/p/locations/l/operations/o"))
        assert.strictEqual(failure(exit)._tag, "Unsupported")
        assert.deepStrictEqual(sent, [])
      }))

    it.effect("a URL's user:password is refused and kept out of the error: its input, message and encoding", () =>
      Effect.gen(function*() {
        const url = "https://alice:s3cr3t-pw@dataproc.googleapis.com/v1/projects/p/regions/r/operations/o"
        const calls = [
          (c: OperationsClient.Service) => Effect.asVoid(c.get(url)),
          (c: OperationsClient.Service) => Effect.asVoid(c.list(url))
        ]
        for (const call of calls) {
          const { exit, sent } = yield* withClient({}, call)
          const error = failure(exit)
          assert.deepStrictEqual(sent, [])
          if (!OperationsError.isInvalidName(error)) return assert.fail(`expected InvalidName, got ${error._tag}`)
          const seen = JSON.stringify(Schema.encodeSync(OperationsError.InvalidName)(error)) + error.message + error.input
          assert.notInclude(seen, "s3cr3t-pw")
          assert.notInclude(seen, "alice")
          assert.include(seen, "https://***@dataproc.googleapis.com/v1/projects/p/regions/r/operations/o")
        }
      }))

    it.effect("a host outside the universe domain, or plain http, is refused: the token goes nowhere else", () =>
      Effect.gen(function*() {
        for (
          const url of [
            "https://evil.example.com/v1/projects/p/regions/r/operations/o",
            "https://dataproc.googleapis.com.evil.example/v1/projects/p/regions/r/operations/o",
            "http://dataproc.googleapis.com/v1/projects/p/regions/r/operations/o",
            "https://user@dataproc.googleapis.com/v1/projects/p/regions/r/operations/o",
            "https://dataproc.googleapis.com/v1/projects/p/regions/r/operations/o?alt=media"
          ]
        ) {
          const { exit, sent } = yield* withClient({}, (c) => c.get(url))
          assert.strictEqual(failure(exit)._tag, "InvalidName", url)
          assert.deepStrictEqual(sent, [], url)
        }
        // With a fixed endpoint (an emulator, a proxy), its own origin and nothing else.
        const local = yield* withClient({ endpoint: Endpoint.fixed("http://127.0.0.1:8085") }, (c) =>
          Effect.zipRight(
            c.get("http://127.0.0.1:8085/v1/projects/p/regions/r/operations/o"),
            Effect.flip(c.get("https://dataproc.googleapis.com/v1/projects/p/regions/r/operations/o"))
          ))
        assert.strictEqual(Exit.isSuccess(local.exit) ? local.exit.value._tag : "none", "InvalidName")
        assert.deepStrictEqual(local.sent, ["GET http://127.0.0.1:8085/v1/projects/p/regions/r/operations/o"])
        // Another universe's hosts with its endpoint, not googleapis.com.
        const other = yield* withClient({ universeDomain: "example-universe.net" }, (c) =>
          Effect.zipRight(
            c.get("https://dataproc.example-universe.net/v1/projects/p/regions/r/operations/o"),
            Effect.flip(c.get("https://dataproc.googleapis.com/v1/projects/p/regions/r/operations/o"))
          ))
        assert.strictEqual(Exit.isSuccess(other.exit) ? other.exit.value._tag : "none", "InvalidName")
        assert.deepStrictEqual(other.sent, ["GET https://dataproc.example-universe.net/v1/projects/p/regions/r/operations/o"])
      }))
  })
})

describe("every name shape of the issue, through the client", () => {
  const accepted: ReadonlyArray<readonly [ServiceProfile.ServiceProfile, string, string]> = [
    [
      ServiceProfile.vertexAi,
      "projects/p/locations/us-central1/endpoints/e/operations/o",
      "GET https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/endpoints/e/operations/o"
    ],
    [
      ServiceProfile.cloudBuild,
      "projects/p/locations/us-central1/workerPools/w/operations/o",
      "GET https://cloudbuild.googleapis.com/v1/projects/p/locations/us-central1/workerPools/w/operations/o"
    ],
    [
      ServiceProfile.spanner,
      "projects/p/instances/i/databases/d/operations/o",
      "GET https://spanner.googleapis.com/v1/projects/p/instances/i/databases/d/operations/o"
    ],
    [
      ServiceProfile.firestore,
      "projects/p/databases/(default)/operations/o",
      "GET https://firestore.googleapis.com/v1/projects/p/databases/(default)/operations/o"
    ],
    [
      ServiceProfile.cloudBuild,
      "operations/build/my-project/MjE1ZDgxNTEtNWNlMi00ZGQ1",
      "GET https://cloudbuild.googleapis.com/v1/operations/build/my-project/MjE1ZDgxNTEtNWNlMi00ZGQ1"
    ],
    [
      ServiceProfile.accessContextManager,
      "operations/accessPolicies/123/accessLevels/lvl/update/170",
      "GET https://accesscontextmanager.googleapis.com/v1/operations/accessPolicies/123/accessLevels/lvl/update/170"
    ],
    [
      ServiceProfile.serviceManagement,
      "operations/serviceConfigs.svc:6f1c2d3e-4a5b",
      "GET https://servicemanagement.googleapis.com/v1/operations/serviceConfigs.svc:6f1c2d3e-4a5b"
    ],
    [
      ServiceProfile.iamV2,
      "policies/cloudresourcemanager.googleapis.com%2Ffolders%2F987/denypolicies/d/operations/o",
      "GET https://iam.googleapis.com/v2/policies/cloudresourcemanager.googleapis.com%2Ffolders%2F987/denypolicies/d/operations/o"
    ],
    [
      ServiceProfile.cloudAsset,
      "projects/123456789012/operations/ExportAssets/RESOURCE/1e2f",
      "GET https://cloudasset.googleapis.com/v1/projects/123456789012/operations/ExportAssets/RESOURCE/1e2f"
    ],
    [ServiceProfile.speechV1, "8254262642733152416", "GET https://speech.googleapis.com/v1/operations/8254262642733152416"],
    [
      ServiceProfile.vertexAi,
      "https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/operations/o",
      "GET https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/operations/o"
    ]
  ]

  it.effect("accepted where the API uses them, each sent to its own URL", () =>
    Effect.gen(function*() {
      for (const [profile, name, expected] of accepted) {
        const { exit, sent } = yield* withClient({ profile }, (c) => c.get(name))
        assert.isTrue(Exit.isSuccess(exit), `${profile.id} ${name}: ${String(exit)}`)
        assert.deepStrictEqual(sent, [expected])
      }
    }))

  const refused: ReadonlyArray<readonly [ServiceProfile.ServiceProfile, string, string]> = [
    // Shapes of one API are not accepted by another's grammar.
    [ServiceProfile.dataproc, "operations/build/my-project/MjE1ZDgx", "segment 2"],
    [ServiceProfile.dataproc, "operations/serviceConfigs.svc:6f1c", "\":\""],
    [ServiceProfile.dataproc, "policies/a%2Ffolders%2F9/denypolicies/d/operations/o", "\"%\""],
    [ServiceProfile.dataproc, "8254262642733152416", "single segment"],
    // Not plausible under any grammar.
    [ServiceProfile.cloudBuild, "operations/build/../x", "relative path segment"],
    [ServiceProfile.vertexAi, "projects/p/locations/l/operations/o o", "whitespace"],
    [ServiceProfile.vertexAi, "projects/p/locations/l/operations/o\u0000", "control character"],
    [ServiceProfile.vertexAi, "projects/p/locations/l/operations/o?alt=json", "URL query"],
    [ServiceProfile.vertexAi, "projects/p/locations/l/operations/o#x", "URL fragment"],
    [ServiceProfile.iamV2, "policies/a%2E%2E/denypolicies/d/operations/o", "only \"%2F\""],
    [ServiceProfile.iamV2, "policies/a%2F..%2Fb/denypolicies/d/operations/o", "relative path segment"],
    [ServiceProfile.serviceManagement, "operations/serviceConfigs.svc:cancel", "custom method"],
    [ServiceProfile.speechV1, "operations", "single segment"]
  ]

  it.effect("refused with InvalidName before any request", () =>
    Effect.gen(function*() {
      for (const [profile, name, reason] of refused) {
        const { exit, sent } = yield* withClient({ profile }, (c) => c.get(name))
        const error = failure(exit)
        assert.strictEqual(error._tag, "InvalidName", `${profile.id} ${JSON.stringify(name)}`)
        assert.include(error.message, reason, `${profile.id} ${JSON.stringify(name)}`)
        assert.deepStrictEqual(sent, [])
      }
    }))
})
