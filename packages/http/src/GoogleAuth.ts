/**
 * Credentials from Google's own rules (Application Default Credentials) through `google-auth-library`: a
 * service-account key file, `gcloud auth application-default login`, `GOOGLE_APPLICATION_CREDENTIALS`, or the
 * metadata server on Google Cloud. A separate entry point (`@longrunning/http/GoogleAuth`) so that only those who
 * use it load `google-auth-library`, an optional peer dependency.
 *
 * Token requests for key files and gcloud credentials go through your Effect `HttpClient`; the metadata
 * server is asked by `google-auth-library` itself.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { type AuthClient, GoogleAuth as AdcAuth, JWT, UserRefreshClient } from "google-auth-library"
import { readFile } from "node:fs/promises"
import * as Credentials from "./Credentials.js"
import { fetchFromContext } from "./internal/credentialsFetch.js"

/**
 * The scope asked for unless told otherwise: all of Google Cloud, narrowed by IAM.
 *
 * @example
 * ```ts
 * import * as GoogleAuth from "@longrunning/http/GoogleAuth"
 *
 * GoogleAuth.defaultScopes // ["https://www.googleapis.com/auth/cloud-platform"]
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultScopes: ReadonlyArray<string> = ["https://www.googleapis.com/auth/cloud-platform"]

/**
 * A service-account key, as downloaded from the console (`"type": "service_account"`). The private key is
 * decoded into a `Redacted`.
 *
 * @example
 * ```ts
 * import * as GoogleAuth from "@longrunning/http/GoogleAuth"
 * import * as Schema from "effect/Schema"
 *
 * const decode = Schema.decodeUnknown(GoogleAuth.ServiceAccountKey)
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export class ServiceAccountKey extends Schema.Class<ServiceAccountKey>("@longrunning/http/GoogleAuth/ServiceAccountKey")({
  type: Schema.Literal("service_account"),
  client_email: Schema.String,
  private_key: Schema.Redacted(Schema.String),
  private_key_id: Schema.optional(Schema.String),
  project_id: Schema.optional(Schema.String)
}) {}

/**
 * The user credentials `gcloud auth application-default login` writes (`"type": "authorized_user"`). The
 * client secret and refresh token are decoded into `Redacted`s.
 *
 * @example
 * ```ts
 * import * as GoogleAuth from "@longrunning/http/GoogleAuth"
 * import * as Schema from "effect/Schema"
 *
 * const decode = Schema.decodeUnknown(GoogleAuth.AuthorizedUserKey)
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export class AuthorizedUserKey extends Schema.Class<AuthorizedUserKey>("@longrunning/http/GoogleAuth/AuthorizedUserKey")({
  type: Schema.Literal("authorized_user"),
  client_id: Schema.String,
  client_secret: Schema.Redacted(Schema.String),
  refresh_token: Schema.Redacted(Schema.String),
  quota_project_id: Schema.optional(Schema.String)
}) {}

/**
 * The key types this module accepts explicitly. Other types (workload identity federation, impersonation)
 * are still honoured through Application Default Credentials.
 *
 * @example
 * ```ts
 * import * as GoogleAuth from "@longrunning/http/GoogleAuth"
 * import * as Schema from "effect/Schema"
 *
 * const fromJson = Schema.decodeUnknown(Schema.parseJson(GoogleAuth.Key))
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Key: Schema.Union<[typeof ServiceAccountKey, typeof AuthorizedUserKey]> = Schema.Union(
  ServiceAccountKey,
  AuthorizedUserKey
)

/**
 * A key as JSON: the parsed content of a key file.
 *
 * @since 0.1.0
 * @category models
 */
export type KeyJson = Schema.Schema.Encoded<typeof Key>

/**
 * Where the token comes from and for what.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** OAuth scopes to ask for; default {@link defaultScopes}. Ignored for gcloud user credentials. */
  readonly scopes?: string | ReadonlyArray<string> | undefined
  /** Path to a service-account or gcloud user key file. Read and checked when the layer is built. */
  readonly keyFile?: string | undefined
  /** A service-account or gcloud user key, already parsed (e.g. from a secret manager). */
  readonly credentials?: KeyJson | undefined
  /**
   * A `google-auth-library` client you built yourself (impersonation, workload identity, ...). Its requests
   * use its own transport, not your `HttpClient`.
   */
  readonly authClient?: AuthClient | undefined
  /** How long before expiry a token is replaced; default 5 minutes. */
  readonly refreshBefore?: Duration.DurationInput | undefined
}

// google-auth-library keeps its own token cache, timed by the wall clock. Declaring every token "about to
// expire" makes each fetch a real token request, so that the one cache, in Credentials, runs on Effect's Clock.
const alwaysRefresh = 100 * 365 * 24 * 3_600_000

const messageOf = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

// google-auth-library's errors carry the request (form bodies with assertions or refresh tokens) and the
// response; the cause keeps only their name and message.
const failWith = (message: string) => (cause: unknown) => {
  const sanitized = new Error(messageOf(cause))
  if (cause instanceof Error) sanitized.name = cause.name
  return new Credentials.CredentialsError({ message: `${message}: ${sanitized.message}`, cause: sanitized })
}

// Decode errors name the fields, never their values: the values are secrets.
const decodeKey = (json: unknown, source: string): Effect.Effect<typeof Key.Type, Credentials.CredentialsError> =>
  Schema.decodeUnknown(Key)(json).pipe(
    Effect.mapError((error) => {
      const type = typeof json === "object" && json !== null && "type" in json ? json.type : undefined
      if (type !== "service_account" && type !== "authorized_user") {
        return new Credentials.CredentialsError({
          message: `${source} has type ${JSON.stringify(type ?? null)}; expected "service_account" or ` +
            `"authorized_user" (use Application Default Credentials for other kinds)`
        })
      }
      const fields = ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => issue.path.join("."))
      return new Credentials.CredentialsError({
        message: `${source} is not a valid ${type} key: check ${[...new Set(fields)].join(", ")}`
      })
    })
  )

const readKeyFile = (path: string) =>
  Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: failWith(`Cannot read the key file ${path}`)
  }).pipe(
    Effect.flatMap((text) =>
      Effect.try({
        try: (): unknown => JSON.parse(text),
        // The parser's message can quote the file, and the file holds secrets.
        catch: () => new Credentials.CredentialsError({ message: `The key file ${path} is not JSON` })
      })
    ),
    Effect.flatMap((json) => decodeKey(json, `The key file ${path}`))
  )

const scopesOf = (options: Options | undefined): Array<string> => {
  const scopes = options?.scopes ?? defaultScopes
  return typeof scopes === "string" ? [scopes] : [...scopes]
}

const clientFor = Effect.fnUntraced(function*(options: Options | undefined) {
  if (options?.authClient !== undefined) {
    const client = options.authClient
    return Effect.succeed(client)
  }
  const fetchImplementation = yield* fetchFromContext
  const clientOptions = { transporterOptions: { fetchImplementation }, eagerRefreshThresholdMillis: alwaysRefresh }
  const key = options?.credentials !== undefined
    ? Option.some(yield* decodeKey(options.credentials, "The credentials option"))
    : options?.keyFile !== undefined
    ? Option.some(yield* readKeyFile(options.keyFile))
    : Option.none()
  if (Option.isSome(key)) {
    const client: AuthClient = key.value.type === "service_account"
      ? new JWT({
        ...clientOptions,
        email: key.value.client_email,
        key: Redacted.value(key.value.private_key),
        ...(key.value.private_key_id === undefined ? {} : { keyId: key.value.private_key_id }),
        scopes: scopesOf(options)
      })
      : new UserRefreshClient({
        ...clientOptions,
        clientId: key.value.client_id,
        clientSecret: Redacted.value(key.value.client_secret),
        refreshToken: Redacted.value(key.value.refresh_token)
      })
    return Effect.succeed(client)
  }
  // Application Default Credentials are looked up on first use: off Google Cloud the lookup ends by probing
  // the metadata server, which should not happen while a layer is being built.
  const adc = new AdcAuth({ scopes: scopesOf(options), clientOptions })
  return Effect.tryPromise({
    try: (): Promise<AuthClient> => adc.getClient(),
    catch: failWith("Application Default Credentials found no credentials")
  })
})

const fetchToken = (client: Effect.Effect<AuthClient, Credentials.CredentialsError>) =>
  Effect.gen(function*() {
    const auth = yield* client
    const response = yield* Effect.tryPromise({
      try: () => auth.getAccessToken(),
      catch: failWith("Google did not issue an access token")
    })
    if (typeof response.token !== "string" || response.token.length === 0) {
      return yield* new Credentials.CredentialsError({ message: "Google did not issue an access token" })
    }
    const now = yield* Clock.currentTimeMillis
    const expiry = auth.credentials.expiry_date
    return {
      token: Redacted.make(response.token),
      // google-auth-library stamps expiry with the wall clock; carry over the remaining lifetime instead, so
      // the expiry is on Effect's Clock.
      expiresAt: typeof expiry === "number" ? Option.some(now + (expiry - Date.now())) : Option.none()
    } satisfies Credentials.AccessToken
  })

/**
 * Makes the credentials. Explicit keys (`keyFile`, `credentials`) are read and checked here; otherwise
 * Application Default Credentials are resolved on the first `token`.
 *
 * @example
 * ```ts
 * import * as GoogleAuth from "@longrunning/http/GoogleAuth"
 *
 * const credentials = GoogleAuth.make({ keyFile: "/secrets/dataproc-sa.json" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options?: Options | undefined
): Effect.Effect<Credentials.Credentials.Service, Credentials.CredentialsError, HttpClient.HttpClient> =>
  Effect.flatMap(clientFor(options), (client) =>
    Credentials.fromFetcher(
      fetchToken(client).pipe(Effect.withSpan("GoogleAuth.fetchToken")),
      { refreshBefore: options?.refreshBefore ?? Credentials.defaultRefreshBefore }
    ))

/**
 * Credentials from Google's rules. With no options: `GOOGLE_APPLICATION_CREDENTIALS`, then gcloud's
 * application-default credentials, then the metadata server.
 *
 * @example
 * ```ts
 * import * as GoogleAuth from "@longrunning/http/GoogleAuth"
 * import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
 * import * as Layer from "effect/Layer"
 *
 * const adc = GoogleAuth.layer().pipe(Layer.provide(FetchHttpClient.layer))
 * const serviceAccount = GoogleAuth.layer({ keyFile: "/secrets/dataproc-sa.json" })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options?: Options | undefined
): Layer.Layer<Credentials.Credentials, Credentials.CredentialsError, HttpClient.HttpClient> =>
  Layer.effect(Credentials.Credentials, make(options))

/**
 * The options {@link layerConfig} can read from configuration.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConfigOptions {
  readonly scopes?: ReadonlyArray<string> | undefined
  readonly keyFile?: string | undefined
  readonly refreshBefore?: Duration.Duration | undefined
}

/**
 * {@link layer} with options from `Config`. Without arguments it reads `GOOGLE_AUTH_KEY_FILE` (optional; when
 * absent, Application Default Credentials apply) and `GOOGLE_AUTH_SCOPES` (optional, comma-separated).
 *
 * @example
 * ```ts
 * import * as GoogleAuth from "@longrunning/http/GoogleAuth"
 * import * as Config from "effect/Config"
 *
 * const fromEnv = GoogleAuth.layerConfig()
 * const custom = GoogleAuth.layerConfig({ keyFile: Config.string("DATAPROC_KEY_FILE") })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config.Wrap<ConfigOptions> = {
    keyFile: Config.string("GOOGLE_AUTH_KEY_FILE").pipe(Config.option, Config.map(Option.getOrUndefined)),
    scopes: Config.array(Config.string(), "GOOGLE_AUTH_SCOPES").pipe(Config.option, Config.map(Option.getOrUndefined))
  }
): Layer.Layer<Credentials.Credentials, Credentials.CredentialsError | ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(
    Credentials.Credentials,
    Effect.flatMap(Config.unwrap(config), (options) => make(options))
  )
