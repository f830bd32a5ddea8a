/**
 * Where requests go: Google's global, locational and regional hosts, a universe domain, or a fixed URL
 * (an emulator, a proxy, another service).
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * An endpoint policy.
 *
 * @since 0.1.0
 * @category models
 */
export type Endpoint = Global | Locational | Regional | Fixed

/**
 * `https://{service}.{universeDomain}/`: one host that routes every region through the path.
 *
 * @since 0.1.0
 * @category models
 */
export interface Global {
  readonly _tag: "Global"
  readonly service: string
  readonly universeDomain: string
}

/**
 * `https://{region}-{service}.{universeDomain}/`, the region taken from the operation name.
 *
 * @since 0.1.0
 * @category models
 */
export interface Locational {
  readonly _tag: "Locational"
  readonly service: string
  readonly universeDomain: string
  /** A name without a location fails (the default), or goes to the global host. */
  readonly withoutLocation?: "fail" | "global" | undefined
}

/**
 * `https://{service}.{region}.rep.{universeDomain}/`, regional endpoints that keep data in the region.
 *
 * @since 0.1.0
 * @category models
 */
export interface Regional {
  readonly _tag: "Regional"
  readonly service: string
  readonly universeDomain: string
  /** A name without a location fails (the default), or goes to the global host. */
  readonly withoutLocation?: "fail" | "global" | undefined
}

/**
 * A fixed base URL, for emulators, proxies and other services.
 *
 * @since 0.1.0
 * @category models
 */
export interface Fixed {
  readonly _tag: "Fixed"
  readonly url: string
}

/**
 * Options shared by the Google-hosted policies.
 *
 * @since 0.1.0
 * @category models
 */
export interface HostOptions {
  /** The service's host prefix. Defaults to `dataproc`. */
  readonly service?: string | undefined
  /** The universe domain. Defaults to `googleapis.com`. */
  readonly universeDomain?: string | undefined
}

/**
 * Options of the locational and regional policies.
 *
 * @since 0.1.0
 * @category models
 */
export interface LocationOptions extends HostOptions {
  /**
   * What a name without a location does: `"fail"` (the default) refuses it before sending, `"global"` sends
   * it to the global host (Vertex AI's top-level `operations/{id}`).
   */
  readonly withoutLocation?: "fail" | "global" | undefined
}

const host = (options: HostOptions | undefined) => ({
  service: options?.service ?? "dataproc",
  universeDomain: options?.universeDomain ?? "googleapis.com"
})

const located = (options: LocationOptions | undefined) =>
  options?.withoutLocation === "global" ? { ...host(options), withoutLocation: "global" as const } : host(options)

/**
 * The global endpoint, `https://dataproc.googleapis.com/` by default.
 *
 * @example
 * ```ts
 * import { Endpoint } from "@longrunning/http"
 *
 * Endpoint.global({ service: "run" }) // https://run.googleapis.com/
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const global = (options?: HostOptions): Endpoint => ({ _tag: "Global", ...host(options) })

/**
 * Locational endpoints: `https://{region}-dataproc.googleapis.com/`; `global` goes to the global host.
 *
 * @example
 * ```ts
 * import { Endpoint } from "@longrunning/http"
 *
 * Endpoint.locational()
 * Endpoint.locational({ service: "aiplatform", withoutLocation: "global" }) // `operations/x` to aiplatform.googleapis.com
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const locational = (options?: LocationOptions): Endpoint => ({ _tag: "Locational", ...located(options) })

/**
 * Regional endpoints: `https://dataproc.{region}.rep.googleapis.com/`; `global` goes to the global host.
 *
 * @example
 * ```ts
 * import { Endpoint } from "@longrunning/http"
 *
 * Endpoint.regional()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const regional = (options?: LocationOptions): Endpoint => ({ _tag: "Regional", ...located(options) })

/**
 * The global endpoint of another universe: `https://dataproc.{domain}/`.
 *
 * @example
 * ```ts
 * import { Endpoint } from "@longrunning/http"
 *
 * Endpoint.universe("example-universe.net")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const universe = (universeDomain: string, options?: { readonly service?: string | undefined }): Endpoint =>
  global({ ...options, universeDomain })

/**
 * A fixed base URL. Plain `http://` is accepted only for loopback hosts (checked when a client is made).
 *
 * @example
 * ```ts
 * import { Endpoint } from "@longrunning/http"
 *
 * Endpoint.fixed("http://127.0.0.1:8085")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fixed = (url: string): Endpoint => ({ _tag: "Fixed", url })

/**
 * The default policy: the global Dataproc endpoint.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultEndpoint: Endpoint = global()

/**
 * Marks an {@link InvalidEndpoint}.
 *
 * @example
 * ```ts
 * import { Endpoint } from "@longrunning/http"
 *
 * const error = new Endpoint.InvalidEndpoint({ reason: "not a URL" })
 * error[Endpoint.InvalidEndpointTypeId] === Endpoint.InvalidEndpointTypeId // true
 * ```
 *
 * @since 0.1.0
 * @category type ids
 */
export const InvalidEndpointTypeId: unique symbol = Symbol.for("@longrunning/http/InvalidEndpoint")

/**
 * @since 0.1.0
 * @category type ids
 */
export type InvalidEndpointTypeId = typeof InvalidEndpointTypeId

/**
 * An endpoint that cannot be used: not a URL, not https (and not loopback), or a locational or regional
 * policy for a name without a region. `reason` says why, as text.
 *
 * @example
 * ```ts
 * import { Endpoint } from "@longrunning/http"
 *
 * new Endpoint.InvalidEndpoint({ reason: "not a URL" }).message // "invalid endpoint: not a URL"
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidEndpoint extends Schema.TaggedError<InvalidEndpoint>("@longrunning/http/InvalidEndpoint")(
  "InvalidEndpoint",
  { reason: Schema.String }
) {
  /**
   * @since 0.1.0
   */
  readonly [InvalidEndpointTypeId]: InvalidEndpointTypeId = InvalidEndpointTypeId

  override get message(): string {
    return `invalid endpoint: ${this.reason}`
  }
}

/**
 * Tells whether a value is an {@link InvalidEndpoint}.
 *
 * @example
 * ```ts
 * import { Endpoint } from "@longrunning/http"
 *
 * Endpoint.isInvalidEndpoint({ _tag: "InvalidEndpoint", reason: "x" }) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isInvalidEndpoint = (u: unknown): u is InvalidEndpoint => Predicate.hasProperty(u, InvalidEndpointTypeId)

const isLoopbackHost = (hostname: string): boolean =>
  hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)

/**
 * Whether a URL points at a loopback host (`localhost`, `127.x.x.x` or `[::1]`), where plain `http://` is
 * allowed and emulators run. A string that is not a URL is not loopback.
 *
 * @example
 * ```ts
 * import { Endpoint } from "@longrunning/http"
 *
 * Endpoint.isLoopbackUrl("http://127.0.0.1:8085") // true
 * Endpoint.isLoopbackUrl("https://dataproc.googleapis.com/") // false
 * Endpoint.isLoopbackUrl("not a url") // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isLoopbackUrl = (url: string): boolean => {
  try {
    return isLoopbackHost(new URL(url).hostname)
  } catch {
    return false
  }
}

const hostLabel = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/

/**
 * Checks a URL for use as a base: https, or http on a loopback host; no credentials, query or fragment.
 * Returns the URL with a trailing slash.
 *
 * @example
 * ```ts
 * import { Endpoint } from "@longrunning/http"
 *
 * Endpoint.validateBaseUrl("http://127.0.0.1:8085") // Either.right("http://127.0.0.1:8085/")
 * Endpoint.validateBaseUrl("http://example.com") // Either.left(InvalidEndpoint)
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const validateBaseUrl = (input: string): Either.Either<string, InvalidEndpoint> => {
  let url: URL
  try {
    url = new URL(input)
  } catch {
    return Either.left(new InvalidEndpoint({ reason: `${JSON.stringify(input)} is not a URL` }))
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
    return Either.left(
      new InvalidEndpoint({ reason: `${url.origin} must use https (plain http is allowed only for loopback hosts)` })
    )
  }
  if (url.username !== "" || url.password !== "") {
    return Either.left(new InvalidEndpoint({ reason: "the URL must not carry credentials" }))
  }
  if (url.search !== "" || url.hash !== "") {
    return Either.left(new InvalidEndpoint({ reason: "the URL must not carry a query or fragment" }))
  }
  const href = url.href
  return Either.right(href.endsWith("/") ? href : href + "/")
}

/**
 * The base URL (with a trailing slash) a request about a resource in `region` goes to. A locational or
 * regional policy sends a resource in `global` to the global host (`https://{service}.{universeDomain}/`).
 *
 * @example
 * ```ts
 * import { Endpoint } from "@longrunning/http"
 * import { Option } from "effect"
 *
 * Endpoint.baseUrl(Endpoint.locational(), Option.some("europe-west1"))
 * // Either.right("https://europe-west1-dataproc.googleapis.com/")
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const baseUrl = (endpoint: Endpoint, region: Option.Option<string>): Either.Either<string, InvalidEndpoint> => {
  switch (endpoint._tag) {
    case "Fixed":
      return validateBaseUrl(endpoint.url)
    case "Global":
      return validateBaseUrl(`https://${endpoint.service}.${endpoint.universeDomain}/`)
    case "Locational":
    case "Regional": {
      if (Option.isNone(region) && endpoint.withoutLocation === "global") {
        return validateBaseUrl(`https://${endpoint.service}.${endpoint.universeDomain}/`)
      }
      if (Option.isNone(region)) {
        return Either.left(
          new InvalidEndpoint({
            reason: `the ${endpoint._tag.toLowerCase()} endpoint needs a name with a region or location`
          })
        )
      }
      if (!hostLabel.test(region.value)) {
        return Either.left(new InvalidEndpoint({ reason: `${JSON.stringify(region.value)} is not a region` }))
      }
      // Resources in `locations/global` are served by the plain host: there is no `global-{service}` host.
      if (region.value === "global") {
        return validateBaseUrl(`https://${endpoint.service}.${endpoint.universeDomain}/`)
      }
      return validateBaseUrl(
        endpoint._tag === "Locational"
          ? `https://${region.value}-${endpoint.service}.${endpoint.universeDomain}/`
          : `https://${endpoint.service}.${region.value}.rep.${endpoint.universeDomain}/`
      )
    }
  }
}
