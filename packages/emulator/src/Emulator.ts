/**
 * A local emulator of the Dataproc v1 REST surface: a real HTTP server on loopback that serves the
 * operations methods (`get`, `list`, `cancel`, `delete`) and the methods that start operations
 * (`clusters.create`, `clusters.delete`, `clusters.start`, `clusters.stop`, `batches.create`,
 * `workflowTemplates.instantiateInline`, with `requestId` dedupe), for simulated operations advanced by
 * Effect's `Clock`, with fault injection on every request.
 *
 * @since 0.1.0
 */
import * as HttpServer from "@effect/platform/HttpServer"
import type { ServeError } from "@effect/platform/HttpServerError"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import type * as Any from "@longrunning/schema/Any"
import * as Dataproc from "@longrunning/schema/Dataproc"
import type * as Operation from "@longrunning/schema/Operation"
import * as Status from "@longrunning/schema/Status"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"
import * as InternalFault from "./internal/fault.js"
import * as InternalHttp from "./internal/http.js"
import type * as Model from "./internal/model.js"
import * as InternalStore from "./internal/store.js"
import * as Redact from "./internal/redact.js"
import * as OperationStore from "./OperationStore.js"
import * as Statuses from "./Statuses.js"
import type * as Wire from "./Wire.js"

// -----------------------------------------------------------------------------
// scenarios
// -----------------------------------------------------------------------------

/**
 * How a simulated operation ends: succeeds, fails with a Status or finishes without a result after a delay
 * (measured on the emulator's Clock from the operation's creation), or never finishes.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * const scenario: Emulator.Scenario = Emulator.succeedAfter("2 minutes")
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Scenario = Model.Scenario

/**
 * An operation that succeeds after `after`, with the kind's usual response (a Cluster, a Batch, or Empty for
 * a cluster delete) unless one is given.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * Emulator.succeedAfter("30 seconds")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const succeedAfter = (after: Duration.DurationInput, response?: Any.Any): Scenario => ({
  _tag: "Succeed",
  after: Duration.decode(after),
  ...(response === undefined ? {} : { response })
})

/**
 * An operation that fails with `error` after `after`.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * Emulator.failAfter("10 seconds", Emulator.quotaExceeded)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const failAfter = (after: Duration.DurationInput, error: Status.Status): Scenario => ({
  _tag: "Fail",
  after: Duration.decode(after),
  error
})

/**
 * An operation that becomes done after `after` with neither `error` nor `response`.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * Emulator.doneWithoutResultAfter("5 seconds")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const doneWithoutResultAfter = (after: Duration.DurationInput): Scenario => ({
  _tag: "DoneWithoutResult",
  after: Duration.decode(after)
})

/**
 * An operation that runs until it is completed, failed, cancelled or deleted.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * Emulator.create({ scenario: Emulator.neverFinish })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const neverFinish: Scenario = { _tag: "Never" }

/**
 * The Status of a cluster create refused for CPU quota: RESOURCE_EXHAUSTED with an ErrorInfo and a
 * QuotaFailure detail, as Dataproc reports it.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * Emulator.failAfter("20 seconds", Emulator.quotaExceeded)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const quotaExceeded: Status.Status = Statuses.quotaExceeded

// -----------------------------------------------------------------------------
// operations
// -----------------------------------------------------------------------------

/**
 * The kinds of operation the emulator simulates: a cluster create, start or stop (response a Cluster) and a
 * cluster delete (response Empty), all with `ClusterOperationMetadata`; a serverless batch, with
 * `BatchOperationMetadata` (response a Batch); an inline workflow, with `WorkflowMetadata` (response Empty).
 *
 * @since 0.1.0
 * @category models
 */
export type Kind = Model.Kind

/**
 * An operation as the emulator serves it at one moment, metadata typed.
 *
 * @since 0.1.0
 * @category models
 */
export type EmulatedOperation = Operation.Operation<Dataproc.OperationMetadata, Any.Any>

/**
 * What to simulate.
 *
 * @since 0.1.0
 * @category models
 */
export interface CreateOptions {
  /** The kind of operation; `ClusterCreate` by default. */
  readonly kind?: Kind | undefined
  /** The project; `demo` by default. */
  readonly project?: string | undefined
  /** The region or location; `us-central1` by default. */
  readonly region?: string | undefined
  /** The collection the name uses: `regions` (Dataproc's usual, also for batches) or `locations`. */
  readonly collection?: "regions" | "locations" | undefined
  /** The last segment of the operation name; a seeded random UUID by default. */
  readonly operationId?: string | undefined
  /** The cluster name or batch id; generated by default. */
  readonly resourceId?: string | undefined
  /** The cluster or batch UUID; a seeded random UUID by default. */
  readonly resourceUuid?: string | undefined
  /** How the operation ends; `succeedAfter("90 seconds")` by default. */
  readonly scenario?: Scenario | undefined
  /** How long a cluster operation stays PENDING before RUNNING; a quarter of its run, at most 5 s, by default. */
  readonly pendingFor?: Duration.DurationInput | undefined
  /** Backdates the creation, so an operation can start out half done or done. */
  readonly startedAgo?: Duration.DurationInput | undefined
  /** Labels in the metadata (and the response). */
  readonly labels?: Readonly<Record<string, string>> | undefined
  /** Warnings in the metadata. */
  readonly warnings?: ReadonlyArray<string> | undefined
  /** The metadata's description; Dataproc's wording for the kind by default. */
  readonly description?: string | undefined
}

// -----------------------------------------------------------------------------
// faults
// -----------------------------------------------------------------------------

/**
 * A way for a request to go wrong.
 *
 * - `Latency`: wait `delay`, then answer with the state at that later time.
 * - `SlowHeaders`: read the state, then wait `delay` before sending anything.
 * - `SlowBody`: send headers and the first of `chunks` pieces of the body, the rest spread over `delay`.
 * - `Answer`: the request is answered with a Status (its AIP-193 envelope, the HTTP status of its code, and
 *   `Retry-After` when it carries a RetryInfo), as `TestOperations.injectError` answers in memory.
 *   `inject` takes the Status itself: `inject(Emulator.unavailable)`, `inject(Statuses.rateLimited("2 seconds"))`.
 * - `ConnectionReset`: destroy the socket before any byte is sent. `ResetMidBody`: send headers (with the
 *   full Content-Length) and half the body, then destroy the socket.
 * - `ProxyHtml`: a 502 HTML page, as a Google front end sends. `EmptyBody`: 200 with no bytes.
 *   `TruncatedJson`: 200 with half the JSON. `OversizedBody`: the answer padded with JSON whitespace to
 *   `bytes` bytes.
 * - `NullBody`, `ArrayBody`: 200 with `null` or `[]`. `WrongName`: a `get` answers an operation of another
 *   name. `ErrorAndResponse`: a `get` answers `done` with both `error` and `response`.
 * - `FailOperation`: a method that starts an operation (clusters.create, batches.create...) answers as
 *   usual, but the operation it starts fails with `error` `after` its start (a quota or zone fault). Other
 *   requests pass it by without using it up.
 *
 * Faults are rules over the emulator's `OperationStore` (`OperationStore.Fault` is this type), so the
 * in-memory doubles of `@longrunning/testing` running on a store apply the same rules.
 *
 * @since 0.1.0
 * @category models
 */
export type Fault = InternalFault.Fault

/**
 * Constructors of {@link Fault}s, for those that take no `DurationInput`: `Fault.ConnectionReset()`,
 * `Fault.TruncatedJson()`...
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * Emulator.Fault.TruncatedJson()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const Fault = InternalFault.Fault

/**
 * Added latency before the request is handled.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * Emulator.latency("2 seconds")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const latency = (delay: Duration.DurationInput): Fault => Fault.Latency({ delay: Duration.decode(delay) })

/**
 * A pause before the response headers.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * Emulator.slowHeaders("30 seconds")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const slowHeaders = (delay: Duration.DurationInput): Fault => Fault.SlowHeaders({ delay: Duration.decode(delay) })

/**
 * A body trickled out in `chunks` pieces (4 by default) over `delay`.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * Emulator.slowBody("10 seconds", 5)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const slowBody = (delay: Duration.DurationInput, chunks = 4): Fault =>
  Fault.SlowBody({ delay: Duration.decode(delay), chunks })

/**
 * 503 UNAVAILABLE: `Statuses.unavailable`, the value `TestOperations.unavailable` is too. `inject` answers a
 * Status as it is.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * Emulator.inject(Emulator.unavailable, { times: 2 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const unavailable: Status.Status = Statuses.unavailable

/**
 * 429 RESOURCE_EXHAUSTED asking for a retry after `retryAfter` (1 s by default), in a RetryInfo detail and
 * a `Retry-After` header (whole seconds, rounded up): `Statuses.rateLimited`.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * Emulator.inject(Emulator.rateLimited("2.5 seconds"), { times: 1 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const rateLimited: (retryAfter?: Duration.DurationInput) => Status.Status = Statuses.rateLimited

/**
 * A fault that answers `status`: what `inject` makes of a Status it is given.
 *
 * @example
 * ```ts
 * import { Emulator, Statuses } from "@longrunning/emulator"
 *
 * Emulator.answer(Statuses.notFound("expired"))._tag // "Answer"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const answer = (status: Status.Status): Fault => Fault.Answer({ status })

const isStatus = Schema.is(Status.Status)

const toFault = (fault: Fault | Status.Status): Fault => (isStatus(fault) ? answer(fault) : fault)

/**
 * The connection is destroyed before any byte is sent.
 *
 * @since 0.1.0
 * @category constructors
 */
export const connectionReset: Fault = Fault.ConnectionReset()

/**
 * Headers and half the body are sent, then the connection is destroyed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resetMidBody: Fault = Fault.ResetMidBody()

/**
 * A 502 HTML page from a "proxy".
 *
 * @since 0.1.0
 * @category constructors
 */
export const proxyHtml: Fault = Fault.ProxyHtml()

/**
 * 200 with an empty body.
 *
 * @since 0.1.0
 * @category constructors
 */
export const emptyBody: Fault = Fault.EmptyBody()

/**
 * 200 with the first half of the JSON.
 *
 * @since 0.1.0
 * @category constructors
 */
export const truncatedJson: Fault = Fault.TruncatedJson()

/**
 * The answer padded with whitespace to `bytes` (5 MiB by default), over the 4 MiB a careful client accepts.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * Emulator.oversizedBody(8 * 1024 * 1024)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const oversizedBody = (bytes = 5 * 1024 * 1024): Fault => Fault.OversizedBody({ bytes })

/**
 * 200 with the body `null`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const nullBody: Fault = Fault.NullBody()

/**
 * 200 with the body `[]`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const arrayBody: Fault = Fault.ArrayBody()

/**
 * A `get` answers an operation whose name is not the one asked for.
 *
 * @since 0.1.0
 * @category constructors
 */
export const wrongName: Fault = Fault.WrongName()

/**
 * A `get` answers a done operation carrying both `error` and `response`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const errorAndResponse: Fault = Fault.ErrorAndResponse()

/**
 * The next operation a Dataproc method starts (clusters.create, batches.create, instantiateInline...) fails
 * with `error` `after` its start (10 s by default), as a cluster create does that runs out of CPU quota or
 * finds its zone exhausted. Only requests that start an operation use it up.
 *
 * @example
 * ```ts
 * import { Emulator, Statuses } from "@longrunning/emulator"
 *
 * Emulator.inject(Emulator.failOperation(Statuses.zoneExhausted("us-central1-b")), { times: 1 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const failOperation = (error: Status.Status, after: Duration.DurationInput = "10 seconds"): Fault =>
  Fault.FailOperation({ error, after: Duration.decode(after) })

/**
 * {@link failOperation} with Dataproc's CPU quota Status ({@link quotaExceeded}).
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * Emulator.inject(Emulator.quotaFault, { times: 1 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const quotaFault: Fault = Fault.FailOperation({ error: Statuses.quotaExceeded, after: Duration.seconds(10) })

/**
 * {@link failOperation} with Compute Engine's zone exhaustion Status (`Statuses.zoneExhausted()`).
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * Emulator.inject(Emulator.zoneFault, { times: 1 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const zoneFault: Fault = Fault.FailOperation({ error: Statuses.zoneExhausted(), after: Duration.seconds(10) })

/**
 * When a fault fires. All conditions hold together: the request is about `name` (if given) with one of
 * `methods` (if given), it arrives in the window, it wins the `rate` roll (seeded), and the fault has fired
 * fewer than `times` times. Faults for a name are tried before global ones; the first that fires wins.
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultOptions extends Omit<OperationStore.RuleOptions, "methods" | "httpMethods"> {
  /** Only these HTTP methods (`GET`, `POST`, `DELETE`; any case): the store's `httpMethods`. */
  readonly methods?: ReadonlyArray<string> | undefined
}

/**
 * One request as the emulator received it (`url` is the raw request target, path and query; the bearer
 * token is kept as a `Redacted`: compare it with {@link hasBearer}).
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest extends OperationStore.HttpRequest {
  /** Arrival time in epoch milliseconds, on the emulator's Clock. */
  readonly time: number
  /**
   * What the request was read as: an operations method (`Get`, `List`, `Cancel`, `Delete`), a method that
   * starts an operation (named as its RPC: `CreateCluster`, `CreateBatch`...), or `Refused`.
   */
  readonly route: Wire.Route["_tag"]
  /** The fault that fired, if any. */
  readonly fault?: Fault["_tag"] | undefined
}

/**
 * Whether a recorded request carried `Authorization: Bearer <token>`: the request log keeps the token only
 * as a `Redacted`, so a failing assertion prints `true`/`false`, never the token.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 * import { Effect } from "effect"
 *
 * const sentTheToken = Effect.gen(function*() {
 *   const [first] = yield* Emulator.requests
 *   return Emulator.hasBearer(first, "ya29.test") // first.headers.authorization is "Bearer <redacted>"
 * })
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const hasBearer: (
  request: RecordedRequest | undefined,
  token: string | Redacted.Redacted<string>
) => boolean = Redact.hasBearer

/**
 * Marks an {@link UnknownOperation}.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * const error = new Emulator.UnknownOperation({ name: "projects/p/regions/r/operations/o" })
 * error[Emulator.UnknownOperationTypeId] === Emulator.UnknownOperationTypeId // true
 * ```
 *
 * @since 0.1.0
 * @category type ids
 */
export const UnknownOperationTypeId: unique symbol = Symbol.for("@longrunning/emulator/UnknownOperation")

/**
 * @since 0.1.0
 * @category type ids
 */
export type UnknownOperationTypeId = typeof UnknownOperationTypeId

/**
 * A control API call named an operation the emulator does not hold.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 * import { Effect } from "effect"
 *
 * Emulator.complete("projects/demo/regions/us-central1/operations/nope").pipe(
 *   Effect.catchTag("UnknownOperation", (error) => Effect.log(error.message))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownOperation extends Schema.TaggedError<UnknownOperation>("@longrunning/emulator/UnknownOperation")(
  "UnknownOperation",
  { name: Schema.String }
) {
  /**
   * @since 0.1.0
   */
  readonly [UnknownOperationTypeId]: UnknownOperationTypeId = UnknownOperationTypeId

  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `The emulator holds no operation named ${JSON.stringify(this.name)}`
  }
}

/**
 * Tells whether a value is an {@link UnknownOperation} (its type id, not only its `_tag`).
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * Emulator.isUnknownOperation({ _tag: "UnknownOperation", name: "x" }) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isUnknownOperation = (u: unknown): u is UnknownOperation => Predicate.hasProperty(u, UnknownOperationTypeId)

// -----------------------------------------------------------------------------
// service
// -----------------------------------------------------------------------------

/**
 * The emulator: where it listens, and the control API.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const emulator = yield* Emulator.Emulator
 *   const op = yield* emulator.create({ scenario: Emulator.succeedAfter("1 minute") })
 *   return `${emulator.url}/v1/${op.name}`
 * }).pipe(Effect.provide(Emulator.layer()))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Emulator extends Context.Tag("@longrunning/emulator/Emulator")<Emulator, Emulator.Service>() {}

/**
 * @since 0.1.0
 */
export declare namespace Emulator {
  /**
   * The emulator's control API. Every method reads time from the Clock the emulator was built with.
   *
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    /** `http://127.0.0.1:PORT`, the base URL; REST paths start with `/v1/`. */
    readonly url: string
    readonly port: number
    /** The store the server runs on, shared with any other double given it. */
    readonly store: OperationStore.OperationStore.Service
    /** Starts simulating an operation and returns it as it is now. */
    readonly create: (options?: CreateOptions) => Effect.Effect<EmulatedOperation>
    /** The operation as a `get` would answer it now. */
    readonly get: (name: string) => Effect.Effect<Option.Option<EmulatedOperation>>
    /** Every operation held, in creation order, as they are now. */
    readonly operations: Effect.Effect<ReadonlyArray<EmulatedOperation>>
    /** Makes a running operation succeed now (with the kind's usual response unless one is given). */
    readonly complete: (name: string, response?: Any.Any) => Effect.Effect<EmulatedOperation, UnknownOperation>
    /** Makes a running operation fail now. */
    readonly fail: (name: string, error: Status.Status) => Effect.Effect<EmulatedOperation, UnknownOperation>
    /** Makes a running operation done now, without a result. */
    readonly finishWithoutResult: (name: string) => Effect.Effect<EmulatedOperation, UnknownOperation>
    /** Injects a fault (or a Status to answer) and returns its id. */
    readonly inject: (fault: Fault | Status.Status, options?: FaultOptions) => Effect.Effect<number>
    /** Removes one fault. */
    readonly removeFault: (id: number) => Effect.Effect<void>
    /** Removes every fault. */
    readonly clearFaults: Effect.Effect<void>
    /** Every request received since the start or the last reset, oldest first. */
    readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
    /** Forgets the requests received so far. */
    readonly clearRequests: Effect.Effect<void>
    /** Forgets operations, clusters, batches, request ids, faults and requests, and re-seeds the Random. */
    readonly reset: Effect.Effect<void>
    /** Adds the demo operations to `projects/demo/regions/us-central1/operations`. */
    readonly seedDemo: Effect.Effect<ReadonlyArray<EmulatedOperation>>
  }
}

/**
 * How to run the emulator.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The port; 0 (a free port the system picks) by default. */
  readonly port?: number | undefined
  /** The address to listen on; `127.0.0.1` by default. */
  readonly host?: string | undefined
  /** The seed of the Random behind generated ids and fault rates; 1 by default. */
  readonly seed?: number | undefined
  /**
   * The store to serve: one shared with `TestOperations` or `TestHttpClient` of `@longrunning/testing`, so
   * the same script answers through each. A new one (with `seed` and `requestIdWindow`) by default; those two
   * options are the given store's own otherwise.
   */
  readonly store?: OperationStore.OperationStore.Service | undefined
  /** Seeds the demo operations at start (see `seedDemo`). */
  readonly seedDemo?: boolean | undefined
  /**
   * How long a `requestId` is remembered, on the emulator's Clock: a request of the same method, parent and
   * id within this window answers the operation the first one started (as it is now) and starts nothing.
   * Dataproc does not publish its window; 1 hour by default.
   */
  readonly requestIdWindow?: Duration.DurationInput | undefined
}

const demo = (service: Emulator.Service): Effect.Effect<ReadonlyArray<EmulatedOperation>> =>
  Effect.all([
    service.create({
      kind: "ClusterCreate",
      resourceId: "demo-running",
      scenario: succeedAfter("10 minutes"),
      pendingFor: "20 seconds",
      labels: { env: "demo" },
      startedAgo: "1 minute"
    }),
    service.create({
      kind: "ClusterCreate",
      resourceId: "demo-succeeded",
      scenario: succeedAfter("3 minutes"),
      pendingFor: "15 seconds",
      labels: { env: "demo" },
      startedAgo: "10 minutes"
    }),
    service.create({
      kind: "Batch",
      resourceId: "demo-failed",
      scenario: failAfter("40 seconds", quotaExceeded),
      labels: { env: "demo" },
      startedAgo: "5 minutes"
    })
  ])

const decodeOperation = Schema.decodeUnknown(Dataproc.DataprocOperation)

// The typed views read what the store serves with Dataproc's schema: an operation scripted with other
// metadata is a defect here (read it with `store.peek`).
const typed = (snapshot: OperationStore.Snapshot): Effect.Effect<EmulatedOperation> =>
  Effect.catchAll(decodeOperation(snapshot), (error) =>
    Effect.dieMessage(`Emulator: ${JSON.stringify(snapshot.name)} is not a Dataproc operation: ${error.message}`))

const settle = (store: OperationStore.OperationStore.Service, name: string, change: OperationStore.Change) =>
  Effect.flatMap(store.change(name, change), (result) =>
    result._tag === "NotFound" ? Effect.fail(new UnknownOperation({ name })) : typed(result.snapshot))

const recorded = (call: OperationStore.Call): ReadonlyArray<RecordedRequest> =>
  call.http === undefined ? [] : [{
    ...call.http,
    time: call.time,
    route: call.route,
    ...(call.fault === undefined ? {} : { fault: call.fault })
  }]

/**
 * Starts the emulator on loopback for the life of the scope. Time (operation progress, latency faults,
 * timestamps) is read from the Clock of the context `make` runs in, so under `TestClock` the emulator
 * moves only when the test adjusts the clock, while requests still travel over real sockets.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 * import { Effect } from "effect"
 *
 * Effect.scoped(Effect.gen(function*() {
 *   const emulator = yield* Emulator.make({ port: 0 })
 *   return emulator.url
 * }))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.fn("Emulator.make")(function*(options: Options = {}) {
  const clock = yield* Effect.clock
  const store = options.store ?? InternalStore.make(clock, {
    seed: options.seed,
    requestIdWindow: options.requestIdWindow
  })
  const host = options.host ?? "127.0.0.1"
  const nodeServer = Http.createServer()
  const server = yield* NodeHttpServer.make(() => nodeServer, { port: options.port ?? 0, host })
  // Runs before the server is closed: without it, a request held by a slow fault would keep close waiting.
  yield* Effect.addFinalizer(() => Effect.sync(() => nodeServer.closeAllConnections()))
  yield* HttpServer.serveEffect(InternalHttp.makeApp(store)).pipe(
    Effect.provideService(HttpServer.HttpServer, server)
  )
  const port = server.address._tag === "TcpAddress" ? server.address.port : 0
  const service: Emulator.Service = {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    store,
    create: (createOptions = {}) => Effect.flatMap(store.simulate(createOptions), typed),
    get: (name) =>
      Effect.flatMap(store.peek(name), (snapshot) =>
        Option.match(snapshot, {
          onNone: () => Effect.succeed(Option.none()),
          onSome: (found) => Effect.map(typed(found), Option.some)
        })),
    operations: Effect.flatMap(store.operations, (all) => Effect.forEach(all, typed)),
    complete: (name, response) => settle(store, name, OperationStore.complete(response)),
    fail: (name, error) => settle(store, name, OperationStore.fail(error)),
    finishWithoutResult: (name) => settle(store, name, OperationStore.finishWithoutResult()),
    inject: (fault, { methods, ...rule } = {}) => store.addRule(toFault(fault), { ...rule, httpMethods: methods }),
    removeFault: store.removeRule,
    clearFaults: store.clearRules,
    requests: Effect.map(store.calls, (calls) => calls.flatMap(recorded)),
    clearRequests: store.clearCalls,
    reset: store.reset,
    seedDemo: Effect.suspend(() => demo(service))
  }
  if (options.seedDemo === true) yield* service.seedDemo
  return service
}) satisfies (options?: Options) => Effect.Effect<Emulator.Service, ServeError, Scope.Scope>

/**
 * The emulator as a layer: the server listens while the layer's scope is open.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 * import { Effect } from "effect"
 *
 * Effect.gen(function*() {
 *   const emulator = yield* Emulator.Emulator
 *   yield* emulator.seedDemo
 * }).pipe(Effect.provide(Emulator.layer({ seedDemo: false })))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<Emulator, ServeError> => Layer.scoped(Emulator, make(options))

/**
 * The emulator as a layer configured from `Config` (for example `port` from `Config.integer("PORT")`).
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 * import { Config } from "effect"
 *
 * Emulator.layerConfig({ port: Config.integer("EMULATOR_PORT").pipe(Config.withDefault(0)) })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config.Wrap<Options>
): Layer.Layer<Emulator, ServeError | ConfigError.ConfigError> =>
  Layer.scoped(Emulator, Effect.flatMap(Config.unwrap(options), make))

/**
 * Seeds `projects/demo/regions/us-central1/operations` with a running cluster create, a succeeded one and a
 * batch that failed for quota.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 * import { Effect } from "effect"
 *
 * Emulator.seedDemo.pipe(Effect.provide(Emulator.layer()))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const seedDemo: Effect.Effect<ReadonlyArray<EmulatedOperation>, never, Emulator> = Effect.flatMap(
  Emulator,
  (emulator) => emulator.seedDemo
)

/**
 * Starts simulating an operation on the emulator in context.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * Emulator.create({ kind: "Batch", scenario: Emulator.failAfter("1 minute", Emulator.quotaExceeded) })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const create = (options?: CreateOptions): Effect.Effect<EmulatedOperation, never, Emulator> =>
  Effect.flatMap(Emulator, (emulator) => emulator.create(options))

/**
 * Makes a running operation on the emulator in context succeed now.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * Emulator.complete("projects/demo/regions/us-central1/operations/1")
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const complete = (
  name: string,
  response?: Any.Any
): Effect.Effect<EmulatedOperation, UnknownOperation, Emulator> =>
  Effect.flatMap(Emulator, (emulator) => emulator.complete(name, response))

/**
 * Makes a running operation on the emulator in context fail now.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * Emulator.fail("projects/demo/regions/us-central1/operations/1", Emulator.quotaExceeded)
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const fail = (
  name: string,
  error: Status.Status
): Effect.Effect<EmulatedOperation, UnknownOperation, Emulator> =>
  Effect.flatMap(Emulator, (emulator) => emulator.fail(name, error))

/**
 * Injects a fault into the emulator in context.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 *
 * Emulator.inject(Emulator.rateLimited("2 seconds"), { rate: 0.3 })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const inject = (fault: Fault | Status.Status, options?: FaultOptions): Effect.Effect<number, never, Emulator> =>
  Effect.flatMap(Emulator, (emulator) => emulator.inject(fault, options))

/**
 * The requests the emulator in context has received.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 * import { Effect } from "effect"
 *
 * Effect.map(Emulator.requests, (requests) => requests.map((r) => `${r.method} ${r.path}`))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const requests: Effect.Effect<ReadonlyArray<RecordedRequest>, never, Emulator> = Effect.flatMap(
  Emulator,
  (emulator) => emulator.requests
)

/**
 * The Content-Type of every JSON answer.
 *
 * @since 0.1.0
 * @category constants
 */
export const contentType: string = InternalHttp.jsonContentType
