/**
 * The Statuses Dataproc answers, as values: one vocabulary for every double. The emulator answers them over
 * a socket (`Emulator.inject(Statuses.unavailable)`), `TestOperations` and `TestHttpClient` of
 * `@longrunning/testing` answer the same values in memory, and operations end with them
 * (`Emulator.failAfter("1 minute", Statuses.quotaExceeded)`).
 *
 * @example
 * ```ts
 * import { Statuses } from "@longrunning/emulator"
 *
 * Statuses.unavailable.code // 14
 * ```
 *
 * @since 0.1.0
 */
import * as Code from "@longrunning/schema/Code"
import * as Status from "@longrunning/schema/Status"
import * as Duration from "effect/Duration"

/**
 * UNAVAILABLE, as a server that cannot answer now sends it (HTTP 503; clients and pollers try again).
 *
 * @example
 * ```ts
 * import { Statuses } from "@longrunning/emulator"
 *
 * Statuses.unavailable.message // "The service is currently unavailable."
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const unavailable: Status.Status = Status.make({
  code: Code.codes.UNAVAILABLE,
  message: "The service is currently unavailable."
})

/**
 * NOT_FOUND with a message.
 *
 * @example
 * ```ts
 * import { Statuses } from "@longrunning/emulator"
 *
 * Statuses.notFound("expired").code // 5
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const notFound = (message = "Operation not found"): Status.Status =>
  Status.make({ code: Code.codes.NOT_FOUND, message })

/**
 * NOT_FOUND for an operation the server does not hold, in Dataproc's wording.
 *
 * @example
 * ```ts
 * import { Statuses } from "@longrunning/emulator"
 *
 * Statuses.operationNotFound("projects/p/regions/r/operations/x").message
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const operationNotFound = (name: string): Status.Status => notFound(`Operation not found: ${name}`)

/**
 * RESOURCE_EXHAUSTED for the read-request quota, with an ErrorInfo and a RetryInfo asking the client to
 * come back after `retryDelay` (1 s by default): clients read it as the error's `retryAfter`, and over HTTP
 * it also goes out as a `Retry-After` header (whole seconds, rounded up).
 *
 * @example
 * ```ts
 * import { Statuses } from "@longrunning/emulator"
 *
 * Statuses.rateLimited("30 seconds")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const rateLimited = (retryDelay: Duration.DurationInput = "1 second"): Status.Status =>
  Status.make({
    code: Code.codes.RESOURCE_EXHAUSTED,
    message: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute' of service " +
      "'dataproc.googleapis.com'.",
    details: [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "RATE_LIMIT_EXCEEDED",
        domain: "googleapis.com",
        metadata: {
          service: "dataproc.googleapis.com",
          quota_metric: "dataproc.googleapis.com/read_requests",
          quota_limit: "ReadRequestsPerMinutePerProject"
        }
      },
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: Duration.decode(retryDelay) }
    ]
  })

/**
 * The Status a cancelled operation ends with: CANCELLED (code 1).
 *
 * @example
 * ```ts
 * import { Statuses } from "@longrunning/emulator"
 *
 * Statuses.cancelled.code // 1
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const cancelled: Status.Status = Status.make({
  code: Code.codes.CANCELLED,
  message: "Operation was cancelled"
})

/**
 * UNIMPLEMENTED for the named methods, as services without cancel or delete answer.
 *
 * @example
 * ```ts
 * import { Statuses } from "@longrunning/emulator"
 *
 * Statuses.unimplemented(["cancel"]).code // 12
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const unimplemented = (methods: ReadonlyArray<string>): Status.Status =>
  Status.make({ code: Code.codes.UNIMPLEMENTED, message: `Method ${methods.join(", ")} is not implemented.` })

/**
 * A cluster create refused for CPU quota: RESOURCE_EXHAUSTED with an ErrorInfo and a QuotaFailure detail,
 * as Dataproc reports it.
 *
 * @example
 * ```ts
 * import { Statuses } from "@longrunning/emulator"
 *
 * Statuses.quotaExceeded.code // 8
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const quotaExceeded: Status.Status = Status.make({
  code: Code.codes.RESOURCE_EXHAUSTED,
  message: "Insufficient 'CPUS' quota. Requested 24.0, available 8.0.",
  details: [
    {
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: "QUOTA_EXCEEDED",
      domain: "dataproc.googleapis.com",
      metadata: { quota_metric: "compute.googleapis.com/cpus", region: "us-central1" }
    },
    {
      "@type": "type.googleapis.com/google.rpc.QuotaFailure",
      violations: [{ subject: "project:demo", description: "Insufficient 'CPUS' quota. Requested 24.0, available 8.0." }]
    }
  ]
})

/**
 * A cluster create that found no capacity in its zone: RESOURCE_EXHAUSTED with a ZONE_RESOURCE_POOL_EXHAUSTED
 * ErrorInfo, as Compute Engine reports it through Dataproc.
 *
 * @example
 * ```ts
 * import { Statuses } from "@longrunning/emulator"
 *
 * Statuses.zoneExhausted("us-central1-a").message
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const zoneExhausted = (zone = "us-central1-a"): Status.Status =>
  Status.make({
    code: Code.codes.RESOURCE_EXHAUSTED,
    message: `The zone 'projects/demo/zones/${zone}' does not have enough resources available to fulfill the ` +
      "request. Try a different zone, or try again later.",
    details: [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "ZONE_RESOURCE_POOL_EXHAUSTED",
        domain: "compute.googleapis.com",
        metadata: { zone }
      }
    ]
  })
