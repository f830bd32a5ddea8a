/**
 * One store of long-running operations under every test double: the `Emulator`'s HTTP server, and
 * `TestOperations` and `TestHttpClient` of `@longrunning/testing`, all run on it. It holds the operations
 * and their timelines (changes now or after a delay on Effect's `Clock`), the fault rules, one call log, and
 * what the Dataproc start methods keep (clusters, batches, `requestId` dedupe). A double turns its requests
 * into a {@link Request}, asks the store with `receive`, and sends the {@link Reply}, applying the faults
 * only a wire can (latency, resets): so the same script gives the same answers through each double.
 *
 * The control vocabulary is the same for every double: `create` (an operation whose metadata you give) or
 * `simulate` (a Dataproc operation the emulator models), then `change` now or `schedule` later with a
 * {@link Change} (`setMetadata`, `complete`, `fail`, `finishWithoutResult`), and fault rules (`addRule`).
 *
 * @example
 * ```ts
 * import { OperationStore } from "@longrunning/emulator"
 * import { Effect } from "effect"
 *
 * const name = "projects/p/regions/us-central1/operations/op-1"
 * const program = Effect.gen(function*() {
 *   const store = yield* OperationStore.make()
 *   yield* store.create(name)
 *   yield* store.schedule(name, "90 seconds", OperationStore.complete())
 *   return yield* store.peek(name) // running until the Clock reaches 90 s
 * })
 * ```
 *
 * @since 0.1.0
 */
import type * as Status from "@longrunning/schema/Status"
import type * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type { CreateOptions } from "./Emulator.js"
import * as InternalFault from "./internal/fault.js"
import * as InternalStore from "./internal/store.js"
import type * as InternalWire from "./internal/wire.js"
import type * as Wire from "./Wire.js"

// -----------------------------------------------------------------------------
// models
// -----------------------------------------------------------------------------

/**
 * A method of the operations API, or `start` for a Dataproc method that starts an operation.
 *
 * @since 0.1.0
 * @category models
 */
export type Method = "get" | "list" | "cancel" | "delete" | "start"

/**
 * An operation as the server would send it now: the JSON of a `google.longrunning.Operation`.
 *
 * @since 0.1.0
 * @category models
 */
export type Snapshot = {
  readonly name: string
  readonly metadata?: unknown
  readonly done?: true
  /** An encoded `google.rpc.Status`. */
  readonly error?: unknown
  readonly response?: unknown
}

/**
 * How a call arrived over HTTP (calls served by the `Emulator` or `TestHttpClient` carry it).
 *
 * @since 0.1.0
 * @category models
 */
export interface HttpRequest {
  /** `GET`, `POST`, `DELETE`. */
  readonly method: string
  /** The URL as the double received it: the raw request target on the emulator, the full URL in memory. */
  readonly url: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  /**
   * Header names lowercased. Secret values are not kept: `authorization` reads `Bearer <redacted>` (the
   * scheme stays), `cookie`, `x-api-key` and the like read `<redacted>`, so printed calls never show a token.
   */
  readonly headers: Readonly<Record<string, string>>
  /** The bearer token sent in `Authorization`, if any; it prints as `<redacted>`. */
  readonly bearer?: Redacted.Redacted<string> | undefined
}

/**
 * One call any double received, in the store's one log.
 *
 * @since 0.1.0
 * @category models
 */
export interface Call {
  /** The method; absent for a request no method serves (an unknown path, a wrong HTTP method). */
  readonly method: Method | undefined
  /** What the request was read as (`Get`, `List`, `CreateCluster`..., `Refused`). */
  readonly route: Wire.Route["_tag"]
  /** The operation, the collection of a `list`, or the parent or cluster of a start. */
  readonly name: string | undefined
  /** When it arrived, in epoch milliseconds on the store's Clock. */
  readonly time: number
  /**
   * The google.rpc code answered: 0 for OK; -1 when strict mode turned the call into a defect. Absent while
   * the call is in flight, and when no Status was answered (a fault cut the connection or sent a bent body).
   */
  readonly code?: number | undefined
  /** The fault that fired, if any. */
  readonly fault?: Fault["_tag"] | undefined
  readonly http?: HttpRequest | undefined
}

/**
 * A change to an operation, made now (`change`) or after a delay (`schedule`). Each can carry new metadata;
 * the ones that end the operation keep the last metadata unless given one.
 *
 * @since 0.1.0
 * @category models
 */
export type Change =
  | { readonly _tag: "Metadata"; readonly metadata: unknown }
  | { readonly _tag: "Complete"; readonly response?: unknown; readonly metadata?: unknown }
  | { readonly _tag: "Fail"; readonly error: Status.Status; readonly metadata?: unknown }
  | { readonly _tag: "FinishWithoutResult"; readonly metadata?: unknown }

/**
 * New metadata for a running operation.
 *
 * @example
 * ```ts
 * import { OperationStore } from "@longrunning/emulator"
 *
 * OperationStore.setMetadata({ "@type": "type.googleapis.com/x.Progress", percent: 50 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const setMetadata = (metadata: unknown): Change => ({ _tag: "Metadata", metadata })

/**
 * Success, with `response` (JSON). Without one, a simulated operation answers its kind's response (a
 * Cluster, a Batch...), any other `google.protobuf.Empty`.
 *
 * @example
 * ```ts
 * import { OperationStore } from "@longrunning/emulator"
 *
 * OperationStore.complete({ "@type": "type.googleapis.com/google.cloud.dataproc.v1.Cluster", clusterName: "c1" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const complete = (response?: unknown, options?: { readonly metadata?: unknown }): Change => ({
  _tag: "Complete",
  ...(response === undefined ? {} : { response }),
  ...(options?.metadata === undefined ? {} : { metadata: options.metadata })
})

/**
 * Failure with `error`.
 *
 * @example
 * ```ts
 * import { OperationStore, Statuses } from "@longrunning/emulator"
 *
 * OperationStore.fail(Statuses.quotaExceeded)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fail = (error: Status.Status, options?: { readonly metadata?: unknown }): Change => ({
  _tag: "Fail",
  error,
  ...(options?.metadata === undefined ? {} : { metadata: options.metadata })
})

/**
 * Done with neither error nor response.
 *
 * @example
 * ```ts
 * import { OperationStore } from "@longrunning/emulator"
 *
 * OperationStore.finishWithoutResult()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const finishWithoutResult = (options?: { readonly metadata?: unknown }): Change => ({
  _tag: "FinishWithoutResult",
  ...(options?.metadata === undefined ? {} : { metadata: options.metadata })
})

/**
 * What a `change` or `schedule` did: the operation as it is now, or why nothing changed. Each double says
 * what a miss means: `TestOperations` makes it a defect, the `Emulator` an `UnknownOperation` (and leaves a
 * done operation as it was).
 *
 * @since 0.1.0
 * @category models
 */
export type ChangeResult =
  | { readonly _tag: "Changed"; readonly snapshot: Snapshot }
  | { readonly _tag: "AlreadyDone"; readonly snapshot: Snapshot }
  | { readonly _tag: "NotFound"; readonly deleted: boolean }

/**
 * What a `create` did.
 *
 * @since 0.1.0
 * @category models
 */
export type CreateResult =
  | { readonly _tag: "Created"; readonly snapshot: Snapshot }
  | { readonly _tag: "NameTaken" }
  | { readonly _tag: "InvalidName" }

/**
 * A way for a request to go wrong, the action of a fault rule (`Emulator`'s constructors make them:
 * `Emulator.latency("2 seconds")`, `Emulator.truncatedJson`...). The store applies the ones that decide or
 * bend the answer (`Answer`, `FailOperation`, `ProxyHtml`, `EmptyBody`, `TruncatedJson`, `OversizedBody`,
 * `NullBody`, `ArrayBody`, `WrongName`, `ErrorAndResponse`); the double applies those on time and the
 * connection (`Latency`, `SlowHeaders`, `SlowBody`, `ConnectionReset`, `ResetMidBody`).
 *
 * @since 0.1.0
 * @category models
 */
export type Fault = InternalFault.Fault

/**
 * Constructors of {@link Fault}s.
 *
 * @example
 * ```ts
 * import { OperationStore, Statuses } from "@longrunning/emulator"
 *
 * OperationStore.Fault.Answer({ status: Statuses.unavailable })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const Fault = InternalFault.Fault

/**
 * When a fault rule fires. All conditions hold together; rules for a name are tried before global ones,
 * and within each the first added wins; one rule fires per request.
 *
 * @since 0.1.0
 * @category models
 */
export interface RuleOptions {
  /** Only calls about this operation, this collection (`list`), or this parent or cluster (a start). */
  readonly name?: string | undefined
  /** Only these methods (`get`, `list`, `cancel`, `delete`, `start`). */
  readonly methods?: ReadonlyArray<Method> | undefined
  /** Only these HTTP methods (a call made in memory has the one it would take on the wire). */
  readonly httpMethods?: ReadonlyArray<string> | undefined
  /** The probability of firing, 0 to 1, drawn from the store's seeded Random; 1 by default. */
  readonly rate?: number | undefined
  /** Fire at most this many times; until removed by default. */
  readonly times?: number | undefined
  /** Start of the window, from the moment the rule is added; now by default. */
  readonly after?: Duration.DurationInput | undefined
  /** Length of the window; unbounded by default. */
  readonly during?: Duration.DurationInput | undefined
}

/**
 * A request as a double hands it to the store.
 *
 * @since 0.1.0
 * @category models
 */
export interface Request {
  readonly route: Wire.Route
  /** The query: list parameters, `requestId`, `batchId`, `$alt`... */
  readonly query: URLSearchParams
  /** The body, read only by the methods that start operations. */
  readonly body: Effect.Effect<string>
  readonly http?: HttpRequest | undefined
}

/**
 * How a double serves: in strict mode a call about an operation (or a collection) the store never held, or
 * a request no method serves, is a defect with a message starting with `label`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServeOptions {
  readonly strict?: boolean | undefined
  readonly label?: string | undefined
}

/**
 * What the store makes of a request: the fault that fired (for the double to apply if it acts on time or
 * the connection), and the reply, computed when run (after a latency fault, the state at that later time).
 *
 * @since 0.1.0
 * @category models
 */
export interface Exchange {
  readonly fault: Fault | undefined
  readonly reply: Effect.Effect<Reply>
}

/**
 * A reply before it is printed (`Wire.prepare` prints it): JSON, a Status, or a body a fault bent.
 *
 * @since 0.1.0
 * @category models
 */
export type Reply = InternalWire.Reply

/**
 * Options of the store.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The seed of the Random behind generated ids and fault rates; 1 by default. */
  readonly seed?: number | undefined
  /**
   * How long a `requestId` is remembered, on the store's Clock: a start of the same method, parent and id
   * within this window answers the operation the first one started and starts nothing. 1 hour by default.
   */
  readonly requestIdWindow?: Duration.DurationInput | undefined
}

// -----------------------------------------------------------------------------
// service
// -----------------------------------------------------------------------------

/**
 * The store as a service, for programs that share one between doubles.
 *
 * @example
 * ```ts
 * import { OperationStore } from "@longrunning/emulator"
 * import { Effect } from "effect"
 *
 * Effect.gen(function*() {
 *   const store = yield* OperationStore.OperationStore
 *   return yield* store.operations
 * }).pipe(Effect.provide(OperationStore.layer()))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class OperationStore extends Context.Tag("@longrunning/emulator/OperationStore")<
  OperationStore,
  OperationStore.Service
>() {}

/**
 * @since 0.1.0
 */
export declare namespace OperationStore {
  /**
   * The store. Every method reads time from the Clock the store was made with.
   *
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    readonly clock: Clock.Clock
    readonly now: Effect.Effect<number>
    /** A running operation of that name, serving `metadata` as given (JSON). */
    readonly create: (name: string, options?: { readonly metadata?: unknown }) => Effect.Effect<CreateResult>
    /** A simulated Dataproc operation (the emulator's kinds and scenarios); a re-used name replaces the old one. */
    readonly simulate: (options?: CreateOptions) => Effect.Effect<Snapshot>
    /** Changes a running operation now. */
    readonly change: (name: string, change: Change) => Effect.Effect<ChangeResult>
    /**
     * Changes a running operation `after` a delay from now; the change does nothing if the operation has
     * ended another way by then. A change at time t is seen by every read at t.
     */
    readonly schedule: (name: string, after: Duration.DurationInput, change: Change) => Effect.Effect<ChangeResult>
    /** The operation as a `get` would answer it now, without counting as a call. */
    readonly peek: (name: string) => Effect.Effect<Option.Option<Snapshot>>
    /** Every operation held, in creation order, as it is now. */
    readonly operations: Effect.Effect<ReadonlyArray<Snapshot>>
    /** The number of changes still to come. */
    readonly pending: Effect.Effect<number>
    /** Adds a fault rule; returns its id. */
    readonly addRule: (fault: Fault, options?: RuleOptions) => Effect.Effect<number>
    readonly removeRule: (id: number) => Effect.Effect<void>
    readonly clearRules: Effect.Effect<void>
    /** Every call received, oldest first. */
    readonly calls: Effect.Effect<ReadonlyArray<Call>>
    readonly clearCalls: Effect.Effect<void>
    /** Logs a request, picks the fault rule that fires, and hands back the reply to send. */
    readonly receive: (request: Request, options?: ServeOptions) => Effect.Effect<Exchange>
    /** Forgets operations, clusters, batches, request ids, rules and calls, and re-seeds the Random. */
    readonly reset: Effect.Effect<void>
  }
}

/**
 * Makes a store on the Clock of the context: under `TestClock` its operations move when the test adjusts
 * the clock.
 *
 * @example
 * ```ts
 * import { OperationStore } from "@longrunning/emulator"
 * import { Effect } from "effect"
 *
 * Effect.flatMap(OperationStore.make({ seed: 7 }), (store) => store.simulate({ kind: "Batch" }))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: Options): Effect.Effect<OperationStore.Service> =>
  Effect.map(Effect.clock, (clock) => InternalStore.make(clock, options))

/**
 * A store as a layer.
 *
 * @example
 * ```ts
 * import { OperationStore } from "@longrunning/emulator"
 *
 * OperationStore.layer({ requestIdWindow: "10 minutes" })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<OperationStore> => Layer.effect(OperationStore, make(options))
