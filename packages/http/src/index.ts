/**
 * @since 0.1.0
 */

/**
 * Bearer tokens for requests: static, from config, from a fetcher with caching, or none (emulators).
 *
 * @since 0.1.0
 */
export * as Credentials from "./Credentials.js"

/**
 * Where requests go: global, locational and regional Google hosts, a universe domain, or a fixed URL.
 *
 * @since 0.1.0
 */
export * as Endpoint from "./Endpoint.js"

/**
 * How the client puts one request on the wire: a service chosen when the layers are built.
 *
 * @since 0.1.0
 */
export * as HttpExchange from "./HttpExchange.js"

/**
 * The operations API (start, get, list, cancel, delete) as Effects with typed errors.
 *
 * @since 0.1.0
 */
export * as OperationsClient from "./OperationsClient.js"

/**
 * The typed errors of the operations client, and predicates over them.
 *
 * @since 0.1.0
 */
export * as OperationsError from "./OperationsError.js"

/**
 * Service profiles: each Google API's hosts, versions and operations paths, and the request line they give.
 *
 * @since 0.1.0
 */
export * as ServiceProfile from "./ServiceProfile.js"

/**
 * When a failed call is tried again, and after how long.
 *
 * @since 0.1.0
 */
export * as RetryPolicy from "./RetryPolicy.js"
