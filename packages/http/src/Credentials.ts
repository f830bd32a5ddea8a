/**
 * Where the bearer token comes from: none (emulators), a fixed token, the environment, or any effect that
 * fetches one, cached until shortly before it expires. Application Default Credentials live in the separate
 * `@longrunning/http/GoogleAuth` entry point so that `google-auth-library` is only loaded by those who use it.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import type * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as internal from "./internal/credentials.js"

/**
 * Marks a {@link CredentialsError}.
 *
 * @example
 * ```ts
 * import { Credentials } from "@longrunning/http"
 *
 * const error = new Credentials.CredentialsError({ message: "no token" })
 * error[Credentials.CredentialsErrorTypeId] === Credentials.CredentialsErrorTypeId // true
 * ```
 *
 * @since 0.1.0
 * @category type ids
 */
export const CredentialsErrorTypeId: unique symbol = Symbol.for("@longrunning/http/CredentialsError")

/**
 * @since 0.1.0
 * @category type ids
 */
export type CredentialsErrorTypeId = typeof CredentialsErrorTypeId

/**
 * Obtaining a token failed. The `message` says why; it never contains a token. `cause` is the underlying
 * failure, encoded as a defect (its name and message).
 *
 * @example
 * ```ts
 * import { Credentials } from "@longrunning/http"
 *
 * const error = new Credentials.CredentialsError({ message: "the metadata server did not answer" })
 * error.message // "the metadata server did not answer"
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class CredentialsError extends Schema.TaggedError<CredentialsError>("@longrunning/http/CredentialsError")(
  "CredentialsError",
  { message: Schema.String, cause: Schema.optional(Schema.Defect) }
) {
  /**
   * @since 0.1.0
   */
  readonly [CredentialsErrorTypeId]: CredentialsErrorTypeId = CredentialsErrorTypeId
}

/**
 * Tells whether a value is a {@link CredentialsError}.
 *
 * @example
 * ```ts
 * import { Credentials } from "@longrunning/http"
 *
 * Credentials.isCredentialsError({ _tag: "CredentialsError", message: "x" }) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isCredentialsError = (u: unknown): u is CredentialsError => Predicate.hasProperty(u, CredentialsErrorTypeId)

/**
 * The source of bearer tokens for Google API calls.
 *
 * @example
 * ```ts
 * import { Credentials } from "@longrunning/http"
 * import * as Effect from "effect/Effect"
 * import * as Option from "effect/Option"
 *
 * const hasToken = Effect.gen(function*() {
 *   const credentials = yield* Credentials.Credentials
 *   return Option.isSome(yield* credentials.token)
 * }).pipe(Effect.provide(Credentials.unauthenticated))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Credentials extends Context.Tag("@longrunning/http/Credentials")<Credentials, Credentials.Service>() {}

/**
 * @since 0.1.0
 */
export declare namespace Credentials {
  /**
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    /**
     * The bearer token to send, or None when requests go unauthenticated (emulators). Cached; refreshed
     * shortly before expiry, once for all concurrent callers.
     */
    readonly token: Effect.Effect<Option.Option<Redacted.Redacted<string>>, CredentialsError>
    /** Drops the cached token so the next `token` fetches a fresh one (the client calls this once after a 401). */
    readonly invalidate: Effect.Effect<void>
  }
}

/**
 * A token and, when known, the moment it stops working: a `DateTime`, a `Date` or epoch milliseconds.
 *
 * @example
 * ```ts
 * import type { Credentials } from "@longrunning/http"
 * import * as Option from "effect/Option"
 * import * as Redacted from "effect/Redacted"
 *
 * const token: Credentials.AccessToken = {
 *   token: Redacted.make("ya29.example"),
 *   expiresAt: Option.some(new Date("2030-01-01T00:00:00Z"))
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface AccessToken {
  readonly token: Redacted.Redacted<string>
  readonly expiresAt: Option.Option<DateTime.DateTime | Date | number>
}

/**
 * Options for {@link fromFetcher}.
 *
 * @since 0.1.0
 * @category models
 */
export interface FetcherOptions {
  /**
   * How long before expiry a token is replaced; default 5 minutes. Clamped to half a token's lifetime, so
   * short-lived tokens are still used for a while.
   */
  readonly refreshBefore?: Duration.DurationInput | undefined
}

/**
 * The default `refreshBefore`: 5 minutes, as `google-auth-library` does.
 *
 * @example
 * ```ts
 * import { Credentials } from "@longrunning/http"
 * import * as Duration from "effect/Duration"
 *
 * Duration.toMinutes(Credentials.defaultRefreshBefore) // 5
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultRefreshBefore: Duration.Duration = Duration.minutes(5)

/**
 * No token: requests go out without an `Authorization` header, as the Dataproc emulator and test servers
 * expect.
 *
 * @example
 * ```ts
 * import { Credentials } from "@longrunning/http"
 *
 * const layer = Credentials.unauthenticated
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const unauthenticated: Layer.Layer<Credentials> = Layer.succeed(
  Credentials,
  Credentials.of(internal.constant(Option.none()))
)

const fixed = (token: Redacted.Redacted<string>): Layer.Layer<Credentials> =>
  Layer.succeed(Credentials, Credentials.of(internal.constant(Option.some(token))))

export {
  /**
   * Always the same token, for example one printed by `gcloud auth print-access-token`. It is never refreshed:
   * once it expires, calls fail with 401.
   *
   * @example
   * ```ts
   * import { Credentials } from "@longrunning/http"
   * import * as Redacted from "effect/Redacted"
   *
   * const layer = Credentials.static(Redacted.make("ya29.example"))
   * ```
   *
   * @since 0.1.0
   * @category layers
   */
  fixed as static
}

/**
 * A fixed token read from configuration, by default the `GOOGLE_OAUTH_ACCESS_TOKEN` environment variable (the
 * variable Google's Terraform provider and others read). Building the layer fails with a `CredentialsError`
 * naming the variable when it is missing or unreadable (the `ConfigError` is its `cause`).
 *
 * @example
 * ```ts
 * import { Credentials } from "@longrunning/http"
 * import * as Config from "effect/Config"
 *
 * const fromEnv = Credentials.layerConfig()
 * const fromElsewhere = Credentials.layerConfig(Config.redacted("DATAPROC_TOKEN"))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config<Redacted.Redacted<string>> = Config.redacted("GOOGLE_OAUTH_ACCESS_TOKEN").pipe(
    Config.withDescription("An OAuth 2.0 access token, e.g. the output of `gcloud auth print-access-token`")
  )
): Layer.Layer<Credentials, CredentialsError> =>
  Layer.unwrapEffect(Effect.map(config, fixed)).pipe(
    Layer.mapError((cause) => new CredentialsError({ message: `no access token: ${configProblem(cause)}`, cause }))
  )

// "GOOGLE_OAUTH_ACCESS_TOKEN is not set" rather than the ConfigError's own text, which shows a redacted value.
const configProblem = (error: ConfigError.ConfigError): string =>
  ConfigError.reduceWithContext(error, undefined, {
    andCase: (_, left, right) => `${left}; ${right}`,
    orCase: (_, left, right) => `${left}; ${right}`,
    missingDataCase: (_, path) => `${path.join(".")} is not set`,
    invalidDataCase: (_, path, message) => `${path.join(".")} is invalid: ${message}`,
    sourceUnavailableCase: (_, path, message) => `${path.join(".")} could not be read: ${message}`,
    unsupportedCase: (_, path, message) => `${path.join(".")}: ${message}`
  })

/**
 * Credentials over any effect that fetches a token. The token is cached until `refreshBefore` ahead of its
 * expiry by Effect's `Clock`; callers arriving while a fetch runs wait for that one fetch; a failed fetch is
 * reported to those callers and not remembered, so the next call tries again; `invalidate` makes the next call
 * fetch. A token without an expiry is kept until `invalidate`. If the caller running a fetch is interrupted, a
 * caller still waiting starts a new one.
 *
 * @example
 * ```ts
 * import { Credentials } from "@longrunning/http"
 * import * as Effect from "effect/Effect"
 * import * as Option from "effect/Option"
 * import * as Redacted from "effect/Redacted"
 *
 * const fetchToken = Effect.succeed({
 *   token: Redacted.make("ya29.example"),
 *   expiresAt: Option.some(Date.now() + 3_600_000)
 * })
 *
 * const program = Effect.gen(function*() {
 *   const credentials = yield* Credentials.fromFetcher(fetchToken, { refreshBefore: "1 minute" })
 *   return yield* credentials.token
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromFetcher = <R>(
  fetch: Effect.Effect<AccessToken, CredentialsError, R>,
  options?: FetcherOptions | undefined
): Effect.Effect<Credentials.Service, never, R> =>
  internal.make(fetch, Duration.decode(options?.refreshBefore ?? defaultRefreshBefore))

/**
 * {@link fromFetcher} as a layer.
 *
 * @example
 * ```ts
 * import { Credentials } from "@longrunning/http"
 * import * as Effect from "effect/Effect"
 * import * as Option from "effect/Option"
 * import * as Redacted from "effect/Redacted"
 *
 * const layer = Credentials.layerFetcher(
 *   Effect.succeed({ token: Redacted.make("ya29.example"), expiresAt: Option.none() })
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFetcher = <R>(
  fetch: Effect.Effect<AccessToken, CredentialsError, R>,
  options?: FetcherOptions | undefined
): Layer.Layer<Credentials, never, R> => Layer.effect(Credentials, fromFetcher(fetch, options))
