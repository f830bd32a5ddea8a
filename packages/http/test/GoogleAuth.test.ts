import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it } from "@effect/vitest"
import type * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as TestClock from "effect/TestClock"
import { expectTypeOf } from "vitest"
import { generateKeyPairSync, verify } from "node:crypto"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Credentials from "../src/Credentials.js"
import * as GoogleAuth from "../src/GoogleAuth.js"
import { fetchVia } from "../src/internal/credentialsFetch.js"

const TOKEN_URL = "https://oauth2.googleapis.com/token"

// A throwaway key pair: the fake service-account key is signed for real, and the test checks the signature.
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString()

const serviceAccount = {
  type: "service_account",
  project_id: "test-project",
  private_key_id: "key-id-1",
  private_key: privateKeyPem,
  client_email: "dataproc-runner@test-project.iam.gserviceaccount.com",
  client_id: "1234567890",
  token_uri: TOKEN_URL
} as const

const authorizedUser = {
  type: "authorized_user",
  client_id: "client-id.apps.googleusercontent.com",
  client_secret: "client-secret-shh",
  refresh_token: "1//refresh-token-shh",
  quota_project_id: "quota-project"
} as const

interface Recorded {
  readonly method: string
  readonly url: string
  readonly form: URLSearchParams
}

interface Answer {
  readonly status: number
  readonly body: unknown
}

const formOf = (request: HttpClientRequest.HttpClientRequest): URLSearchParams =>
  new URLSearchParams(request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : "")

/** A fake token endpoint over Effect's HttpClient; by default it issues `ya29.token-<n>` for one hour. */
const tokenServer = (answer: (call: number) => Answer = (call) => ({
  status: 200,
  body: { access_token: `ya29.token-${call}`, expires_in: 3600, token_type: "Bearer" }
})) =>
  Effect.gen(function*() {
    const requests = yield* Ref.make<ReadonlyArray<Recorded>>([])
    const client = HttpClient.make((request, url) =>
      Effect.gen(function*() {
        const recorded = yield* Ref.updateAndGet(requests, (all) => [
          ...all,
          { method: request.method, url: url.toString(), form: formOf(request) }
        ])
        const { body, status } = answer(recorded.length)
        return HttpClientResponse.fromWeb(
          request,
          new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })
        )
      })
    )
    return { requests, client }
  })

const tokenValue = (credentials: Credentials.Credentials.Service) =>
  credentials.token.pipe(Effect.map(Option.map(Redacted.value)))

const decodeSegment = (segment: string): unknown => JSON.parse(Buffer.from(segment, "base64url").toString("utf8"))

/** Checks the assertion is an RS256 JWT signed by our key with the claims Google expects. */
const assertJwtBearer = (form: URLSearchParams, scope: string) => {
  assert.strictEqual(form.get("grant_type"), "urn:ietf:params:oauth:grant-type:jwt-bearer")
  const assertion = form.get("assertion") ?? ""
  const [header, payload, signature] = assertion.split(".")
  assert.isTrue(
    verify("RSA-SHA256", Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature ?? "", "base64url")),
    "the assertion is signed with the service account's key"
  )
  assert.deepInclude(decodeSegment(header ?? "") as object, { alg: "RS256" })
  const claims = decodeSegment(payload ?? "") as Record<string, unknown>
  assert.strictEqual(claims.iss, serviceAccount.client_email)
  assert.strictEqual(claims.aud, TOKEN_URL)
  assert.strictEqual(claims.scope, scope)
  assert.strictEqual(Number(claims.exp) - Number(claims.iat), 3600)
}

const tempDir = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "longrunning-auth-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

const writeKey = (dir: string, name: string, content: unknown) =>
  Effect.sync(() => {
    const path = join(dir, name)
    writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content))
    return path
  })

describe("GoogleAuth", () => {
  describe("service-account key", () => {
    it.scoped("exchanges a signed JWT for a token through the HttpClient, caches it and refreshes near expiry", () =>
      Effect.gen(function*() {
        const { client, requests } = yield* tokenServer()
        const credentials = yield* GoogleAuth.make({ credentials: serviceAccount }).pipe(
          Effect.provideService(HttpClient.HttpClient, client)
        )
        assert.strictEqual((yield* Ref.get(requests)).length, 0, "nothing is fetched before the first token")

        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("ya29.token-1"))
        const [first] = yield* Ref.get(requests)
        assert.strictEqual(first?.method, "POST")
        assert.strictEqual(first?.url, TOKEN_URL)
        assertJwtBearer(first!.form, "https://www.googleapis.com/auth/cloud-platform")

        yield* TestClock.adjust("54 minutes")
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("ya29.token-1"))
        assert.strictEqual((yield* Ref.get(requests)).length, 1, "cached for 54 minutes")

        yield* TestClock.adjust("1 minute")
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("ya29.token-2"))
        const all = yield* Ref.get(requests)
        assert.strictEqual(all.length, 2, "refreshed 5 minutes before the hour")
        assertJwtBearer(all[1]!.form, "https://www.googleapis.com/auth/cloud-platform")
      }))

    it.scoped("20 concurrent callers cause one token exchange", () =>
      Effect.gen(function*() {
        const { client, requests } = yield* tokenServer()
        const credentials = yield* GoogleAuth.make({ credentials: serviceAccount }).pipe(
          Effect.provideService(HttpClient.HttpClient, client)
        )
        const tokens = yield* Effect.all(Array.from({ length: 20 }, () => tokenValue(credentials)), {
          concurrency: "unbounded"
        })
        assert.deepStrictEqual(new Set(tokens.map(Option.getOrThrow)), new Set(["ya29.token-1"]))
        assert.strictEqual((yield* Ref.get(requests)).length, 1)
      }))

    it.scoped("reads a key file and asks for the given scopes", () =>
      Effect.gen(function*() {
        const dir = yield* tempDir
        const keyFile = yield* writeKey(dir, "sa.json", serviceAccount)
        const { client, requests } = yield* tokenServer()
        const credentials = yield* GoogleAuth.make({
          keyFile,
          scopes: ["https://www.googleapis.com/auth/dataproc", "https://www.googleapis.com/auth/devstorage.read_only"]
        }).pipe(Effect.provideService(HttpClient.HttpClient, client))
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("ya29.token-1"))
        const [first] = yield* Ref.get(requests)
        assertJwtBearer(
          first!.form,
          "https://www.googleapis.com/auth/dataproc https://www.googleapis.com/auth/devstorage.read_only"
        )
      }))

    it.scoped("invalidate forces a new exchange", () =>
      Effect.gen(function*() {
        const { client, requests } = yield* tokenServer()
        const credentials = yield* GoogleAuth.make({ credentials: serviceAccount }).pipe(
          Effect.provideService(HttpClient.HttpClient, client)
        )
        yield* credentials.token
        yield* credentials.invalidate
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("ya29.token-2"))
        assert.strictEqual((yield* Ref.get(requests)).length, 2)
      }))

    it.scoped("a refused exchange is a CredentialsError without secrets, and is not cached", () =>
      Effect.gen(function*() {
        const { client, requests } = yield* tokenServer((call) =>
          call === 2
            ? { status: 400, body: { error: "invalid_grant", error_description: "Invalid JWT Signature." } }
            : { status: 200, body: { access_token: `ya29.secret-${call}`, expires_in: 3600, token_type: "Bearer" } }
        )
        const credentials = yield* GoogleAuth.make({ credentials: serviceAccount }).pipe(
          Effect.provideService(HttpClient.HttpClient, client)
        )
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("ya29.secret-1"))
        yield* credentials.invalidate
        const error = yield* Effect.flip(credentials.token)
        assert.strictEqual(error._tag, "CredentialsError")
        assert.include(error.message, "invalid_grant")
        assert.notInclude(JSON.stringify(error), "config", "the library's request is not kept in the cause")
        const assertion = (yield* Ref.get(requests))[1]!.form.get("assertion")!
        const privateKeyBody = privateKeyPem.split("\n")[1]!
        for (const text of [String(error), JSON.stringify(error), error.message]) {
          assert.notInclude(text, "ya29.secret-1")
          assert.notInclude(text, assertion)
          assert.notInclude(text, privateKeyBody)
        }
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("ya29.secret-3"))
      }))
  })

  describe("gcloud user credentials", () => {
    it.scoped("refreshes with the refresh token grant", () =>
      Effect.gen(function*() {
        const dir = yield* tempDir
        const keyFile = yield* writeKey(dir, "adc.json", authorizedUser)
        const { client, requests } = yield* tokenServer()
        const credentials = yield* GoogleAuth.make({ keyFile }).pipe(Effect.provideService(HttpClient.HttpClient, client))
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("ya29.token-1"))
        const [first] = yield* Ref.get(requests)
        assert.strictEqual(first?.url, TOKEN_URL)
        assert.strictEqual(first?.form.get("grant_type"), "refresh_token")
        assert.strictEqual(first?.form.get("refresh_token"), authorizedUser.refresh_token)
        assert.strictEqual(first?.form.get("client_id"), authorizedUser.client_id)
        assert.strictEqual(first?.form.get("client_secret"), authorizedUser.client_secret)

        yield* TestClock.adjust("55 minutes")
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("ya29.token-2"))
      }))
  })

  describe("Application Default Credentials", () => {
    it.scoped("follow GOOGLE_APPLICATION_CREDENTIALS, through the HttpClient", () =>
      Effect.gen(function*() {
        const dir = yield* tempDir
        const keyFile = yield* writeKey(dir, "sa.json", serviceAccount)
        yield* Effect.acquireRelease(
          Effect.sync(() => {
            const previous = process.env.GOOGLE_APPLICATION_CREDENTIALS
            process.env.GOOGLE_APPLICATION_CREDENTIALS = keyFile
            return previous
          }),
          (previous) =>
            Effect.sync(() => {
              if (previous === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS
              else process.env.GOOGLE_APPLICATION_CREDENTIALS = previous
            })
        )
        const { client, requests } = yield* tokenServer()
        const credentials = yield* Effect.provide(
          Credentials.Credentials,
          GoogleAuth.layer().pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, client)))
        )
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("ya29.token-1"))
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("ya29.token-1"))
        const all = yield* Ref.get(requests)
        assert.strictEqual(all.length, 1)
        assertJwtBearer(all[0]!.form, "https://www.googleapis.com/auth/cloud-platform")
      }))
  })

  describe("layerConfig", () => {
    it.scoped("reads the key file and scopes from configuration", () =>
      Effect.gen(function*() {
        const dir = yield* tempDir
        const keyFile = yield* writeKey(dir, "sa.json", serviceAccount)
        const { client, requests } = yield* tokenServer()
        const credentials = yield* Effect.provide(
          Credentials.Credentials,
          GoogleAuth.layerConfig().pipe(
            Layer.provide(Layer.succeed(HttpClient.HttpClient, client)),
            Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(
              new Map([
                ["GOOGLE_AUTH_KEY_FILE", keyFile],
                ["GOOGLE_AUTH_SCOPES", "https://www.googleapis.com/auth/dataproc,openid"]
              ])
            )))
          )
        )
        yield* credentials.token
        assertJwtBearer((yield* Ref.get(requests))[0]!.form, "https://www.googleapis.com/auth/dataproc openid")
      }))
  })

  describe("invalid keys", () => {
    const buildWith = (options: GoogleAuth.Options) =>
      Effect.gen(function*() {
        const { client, requests } = yield* tokenServer()
        const exit = yield* GoogleAuth.make(options).pipe(
          Effect.provideService(HttpClient.HttpClient, client),
          Effect.exit
        )
        assert.strictEqual((yield* Ref.get(requests)).length, 0)
        assert.isTrue(Exit.isFailure(exit))
        return yield* Effect.flip(exit)
      })

    it.scoped("a key of another type fails when the layer is built", () =>
      Effect.gen(function*() {
        const error = yield* buildWith({ credentials: { ...serviceAccount, type: "external_account" } as never })
        assert.include(error.message, `"external_account"`)
        assert.notInclude(JSON.stringify(error), privateKeyPem.split("\n")[1]!)
      }))

    it.scoped("a key with a missing field names the field, not the secrets", () =>
      Effect.gen(function*() {
        const { client_email: _, ...withoutEmail } = serviceAccount
        const error = yield* buildWith({ credentials: withoutEmail as never })
        assert.include(error.message, "client_email")
        assert.notInclude(String(error), privateKeyPem.split("\n")[1]!)
        assert.notInclude(JSON.stringify(error), privateKeyPem.split("\n")[1]!)
      }))

    it.scoped("a missing or malformed key file fails when the layer is built", () =>
      Effect.gen(function*() {
        const dir = yield* tempDir
        const missing = yield* buildWith({ keyFile: join(dir, "nope.json") })
        assert.include(missing.message, "nope.json")
        const broken = yield* writeKey(dir, "broken.json", `{"private_key": "${privateKeyPem.split("\n")[1]}"`)
        const malformed = yield* buildWith({ keyFile: broken })
        assert.include(malformed.message, "not JSON")
        assert.notInclude(JSON.stringify(malformed), privateKeyPem.split("\n")[1]!)
      }))
  })

  describe("HttpClient bridge", () => {
    it.effect("fetchVia sends method, headers and body through the HttpClient and answers a WHATWG Response", () =>
      Effect.gen(function*() {
        const seen = yield* Ref.make<ReadonlyArray<HttpClientRequest.HttpClientRequest>>([])
        const urls = yield* Ref.make<ReadonlyArray<string>>([])
        const client = HttpClient.make((request, url) =>
          Ref.update(seen, (all) => [...all, request]).pipe(
            Effect.zipRight(Ref.update(urls, (all) => [...all, url.toString()])),
            Effect.as(HttpClientResponse.fromWeb(
              request,
              request.method === "DELETE"
                ? new Response(null, { status: 204 })
                : new Response("{\"ok\":true}", { status: 201, headers: { "content-type": "application/json" } })
            ))
          )
        )
        const fetch = fetchVia(client, yield* Effect.runtime<never>())
        const created = yield* Effect.promise(() =>
          fetch(new URL("https://example.test/v1/things?x=1"), {
            method: "POST",
            headers: { "x-custom": "yes" },
            body: new URLSearchParams({ a: "1", b: "two" })
          })
        )
        assert.strictEqual(created.status, 201)
        assert.strictEqual(created.headers.get("content-type"), "application/json")
        assert.deepStrictEqual(yield* Effect.promise(() => created.json()), { ok: true })
        const deleted = yield* Effect.promise(() => fetch("https://example.test/v1/things/1", { method: "DELETE" }))
        assert.strictEqual(deleted.status, 204)
        assert.strictEqual(yield* Effect.promise(() => deleted.text()), "")

        const [post, del] = yield* Ref.get(seen)
        assert.strictEqual(post?.method, "POST")
        assert.deepStrictEqual(yield* Ref.get(urls), [
          "https://example.test/v1/things?x=1",
          "https://example.test/v1/things/1"
        ])
        assert.strictEqual(post?.headers["x-custom"], "yes")
        assert.include(post?.headers["content-type"] ?? "", "application/x-www-form-urlencoded")
        assert.strictEqual(formOf(post!).get("b"), "two")
        assert.strictEqual(del?.method, "DELETE")
        assert.strictEqual(del?.body._tag, "Empty")
      }))

    it("layers carry the HttpClient requirement and their errors in their types", () => {
      expectTypeOf(GoogleAuth.layer()).toEqualTypeOf<
        Layer.Layer<Credentials.Credentials, Credentials.CredentialsError, HttpClient.HttpClient>
      >()
      expectTypeOf(GoogleAuth.layerConfig()).toEqualTypeOf<
        Layer.Layer<
          Credentials.Credentials,
          Credentials.CredentialsError | ConfigError.ConfigError,
          HttpClient.HttpClient
        >
      >()
      expectTypeOf(Credentials.layerConfig()).toEqualTypeOf<Layer.Layer<Credentials.Credentials, Credentials.CredentialsError>>()
      expectTypeOf(Credentials.layerFetcher(Effect.die("unused"))).toEqualTypeOf<Layer.Layer<Credentials.Credentials>>()
    })

    it.scoped("an interrupted first caller leaves the exchange to the next", () =>
      Effect.gen(function*() {
        const { client, requests } = yield* tokenServer()
        const credentials = yield* GoogleAuth.make({ credentials: serviceAccount }).pipe(
          Effect.provideService(HttpClient.HttpClient, client)
        )
        const fiber = yield* Effect.fork(credentials.token)
        yield* Fiber.interrupt(fiber)
        assert.isTrue(Option.isSome(yield* credentials.token))
        assert.isAtMost((yield* Ref.get(requests)).length, 2)
      }))
  })
})
