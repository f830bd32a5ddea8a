/**
 * An in-memory `OperationsClient` for testing code that starts and waits on long-running operations: a
 * script of operations (created, advanced, completed, failed, at once or at times on Effect's Clock), errors
 * and faults to answer, and a log of the calls made. The client is the real one
 * (`OperationsClient.fromTransport`), so names are checked and answers decoded exactly as over HTTP. The
 * script is an `OperationStore` of `@longrunning/emulator`, the store the emulator serves: `start` runs the
 * Dataproc start methods the emulator serves (with `requestId` dedupe), and one store can be shared with
 * `TestHttpClient` and the emulator so the same script answers through each.
 *
 * @since 0.1.0
 */
import type * as Emulator from "@longrunning/emulator/Emulator"
import type * as OperationStore from "@longrunning/emulator/OperationStore"
import * as Statuses from "@longrunning/emulator/Statuses"
import * as Wire from "@longrunning/emulator/Wire"
import * as OperationsClient from "@longrunning/http/OperationsClient"
import * as Operation from "@longrunning/schema/Operation"
import * as Status from "@longrunning/schema/Status"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Control from "./internal/control.js"

// -----------------------------------------------------------------------------
// models
// -----------------------------------------------------------------------------

/**
 * A method of the operations API, or `start` for the Dataproc methods that start an operation.
 *
 * @since 0.1.0
 * @category models
 */
export type Method = OperationStore.Method

/**
 * An operation as the server would send it now: the JSON of a `google.longrunning.Operation`.
 *
 * @since 0.1.0
 * @category models
 */
export type Snapshot = OperationStore.Snapshot

/**
 * How a call arrived over HTTP (calls served by `TestHttpClient`, or by an emulator sharing the store, carry
 * it). Header names are lowercased and secrets redacted; the bearer token is kept as a `Redacted`: compare it
 * with {@link hasBearer}.
 *
 * @since 0.1.0
 * @category models
 */
export type HttpRequest = OperationStore.HttpRequest

/**
 * Whether a call served over HTTP carried `Authorization: Bearer <token>`: the call log keeps the token only
 * as a `Redacted`, so a failing assertion prints `true`/`false`, never the token.
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 * import * as Effect from "effect/Effect"
 *
 * const sentTheToken = Effect.gen(function*() {
 *   const [first] = yield* TestOperations.calls
 *   return TestOperations.hasBearer(first?.http, "ya29.test") // headers.authorization is "Bearer <redacted>"
 * })
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const hasBearer: (
  request: HttpRequest | undefined,
  token: string | Redacted.Redacted<string>
) => boolean = Wire.hasBearer

/**
 * One call the code under test made: an entry of the store's call log that a method served.
 *
 * @since 0.1.0
 * @category models
 */
export interface Call extends OperationStore.Call {
  readonly method: Method
  /** The operation name, the collection of a `list`, or the parent (or cluster) of a `start`. */
  readonly name: string
}

/**
 * Options of `create`.
 *
 * @since 0.1.0
 * @category models
 */
export interface CreateOptions {
  /** The metadata, as JSON (usually an Any: an object with `@type`); absent by default. */
  readonly metadata?: unknown
}

/**
 * Options of the calls that end an operation.
 *
 * @since 0.1.0
 * @category models
 */
export interface FinishOptions {
  /** The metadata the done operation carries; the last one is kept by default. */
  readonly metadata?: unknown
}

/**
 * One step of `progress`: new metadata `after` a delay counted from the `progress` call.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProgressStep {
  readonly after: Duration.DurationInput
  readonly metadata: unknown
}

/**
 * Which calls an injected error answers. All conditions hold together; errors for a name are tried before
 * global ones, and within each the first injected wins.
 *
 * @since 0.1.0
 * @category models
 */
export interface ErrorOptions {
  /** Only these methods; all by default. */
  readonly methods?: Method | ReadonlyArray<Method> | undefined
  /** Only calls about this operation (or this collection, for `list`); all by default. */
  readonly name?: string | undefined
  /** Answer this many calls, then stop; until removed or cleared by default. */
  readonly times?: number | undefined
}

/**
 * Options of the layer.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * A call about an operation (or a collection) the script never created is a defect with a clear message,
   * instead of the NOT_FOUND a real server answers. Deleted operations still answer NOT_FOUND.
   */
  readonly strict?: boolean | undefined
  /** The time every call takes on the Clock before it is answered; none by default. */
  readonly latency?: Duration.DurationInput | undefined
  /**
   * The store to run on: one shared with another double (`TestHttpClient`, `Emulator.make({ store })`).
   * A new one on the Clock of the context by default.
   */
  readonly store?: OperationStore.OperationStore.Service | undefined
  /** The seed of a new store's Random (generated ids of started operations); 1 by default. */
  readonly seed?: number | undefined
  /** How long a new store remembers a start's `requestId`; 1 hour by default. */
  readonly requestIdWindow?: Duration.DurationInput | undefined
}

// -----------------------------------------------------------------------------
// service
// -----------------------------------------------------------------------------

/**
 * The control service: script operations and errors, inspect calls. Time is read from the Clock the layer
 * was built with, so under `TestClock` scheduled changes happen when the test adjusts the clock.
 *
 * Control calls naming an operation that does not exist, or ending one that is already done, are defects:
 * they are bugs in the test, reported with the name and what went wrong.
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 * import { Effect } from "effect"
 *
 * const script = Effect.gen(function*() {
 *   const control = yield* TestOperations.TestOperations
 *   yield* control.create("projects/p/regions/us-central1/operations/op-1")
 *   yield* control.completeAt("projects/p/regions/us-central1/operations/op-1", "90 seconds")
 * })
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class TestOperations extends Context.Tag("@longrunning/testing/TestOperations")<
  TestOperations,
  TestOperations.Service
>() {}

/**
 * @since 0.1.0
 */
export declare namespace TestOperations {
  /**
   * The control API.
   *
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    /** The store the script is kept in, shared by every double given it. */
    readonly store: OperationStore.OperationStore.Service
    /** Creates a running operation. A name that is not an operation name, or is taken, is a defect. */
    readonly create: (name: string, options?: CreateOptions) => Effect.Effect<void>
    /**
     * Starts simulating a Dataproc operation as the emulator does (`Emulator.create`'s options: kind,
     * scenario...), and returns it as it is now.
     */
    readonly simulate: (options?: Emulator.CreateOptions) => Effect.Effect<Snapshot>
    /** Replaces the metadata of a running operation now. */
    readonly setMetadata: (name: string, metadata: unknown) => Effect.Effect<void>
    /** Makes a running operation succeed now, with `response` (google.protobuf.Empty by default). */
    readonly complete: (name: string, response?: unknown, options?: FinishOptions) => Effect.Effect<void>
    /** Makes a running operation fail now with `error`. */
    readonly fail: (name: string, error: Status.Status, options?: FinishOptions) => Effect.Effect<void>
    /** Makes a running operation done now, with neither error nor response. */
    readonly finishWithoutResult: (name: string, options?: FinishOptions) => Effect.Effect<void>
    /** Schedules metadata changes, each `after` its delay from now. */
    readonly progress: (name: string, steps: ReadonlyArray<ProgressStep>) => Effect.Effect<void>
    /** Schedules `complete` after a delay from now; it does nothing if the operation has ended by then. */
    readonly completeAt: (
      name: string,
      after: Duration.DurationInput,
      response?: unknown,
      options?: FinishOptions
    ) => Effect.Effect<void>
    /** Schedules `fail` after a delay from now. */
    readonly failAt: (
      name: string,
      after: Duration.DurationInput,
      error: Status.Status,
      options?: FinishOptions
    ) => Effect.Effect<void>
    /** Schedules `finishWithoutResult` after a delay from now. */
    readonly finishWithoutResultAt: (
      name: string,
      after: Duration.DurationInput,
      options?: FinishOptions
    ) => Effect.Effect<void>
    /**
     * Makes matching calls answer `status` (with its details: a RetryInfo becomes the error's
     * `retryAfter`). Returns the rule's id. Rules for a name are tried before global ones; within each, the
     * first injected wins.
     */
    readonly injectError: (status: Status.Status, options?: ErrorOptions) => Effect.Effect<number>
    /** Makes the methods answer UNIMPLEMENTED, as services without cancel or delete do. */
    readonly unimplemented: (
      methods: Method | ReadonlyArray<Method>,
      options?: { readonly name?: string | undefined }
    ) => Effect.Effect<number>
    /**
     * Adds any fault rule of the store (`Emulator.latency(...)`, `Emulator.quotaFault`, `Emulator.wrongName`...)
     * and returns its id. Faults that need a wire (an HTML page, half a JSON body) are defects here; serve them
     * with `TestHttpClient` or the emulator. A reset connection fails the call with a `TransportError`.
     */
    readonly injectFault: (fault: OperationStore.Fault, options?: OperationStore.RuleOptions) => Effect.Effect<number>
    /** Removes one injected error or fault. */
    readonly removeError: (id: number) => Effect.Effect<void>
    /** Removes every injected error and fault. */
    readonly clearErrors: Effect.Effect<void>
    /** The operation as a `get` would answer it now, without counting as a call. */
    readonly peek: (name: string) => Effect.Effect<Option.Option<Snapshot>>
    /** Every operation held, in creation order, as it is now. */
    readonly operations: Effect.Effect<ReadonlyArray<Snapshot>>
    /** The number of scheduled changes not yet due. */
    readonly pending: Effect.Effect<number>
    /** Every call received so far, oldest first. */
    readonly calls: Effect.Effect<ReadonlyArray<Call>>
    /** Forgets the calls made so far. */
    readonly clearCalls: Effect.Effect<void>
  }
}

/**
 * A layer of an in-memory `OperationsClient` and the `TestOperations` control service over one store.
 * `client.start` serves the Dataproc methods the emulator serves (clusters.create, delete, start, stop,
 * batches.create, workflowTemplates.instantiateInline), with the same checks and `requestId` dedupe.
 *
 * @example
 * ```ts
 * import { it } from "@effect/vitest"
 * import { OperationsClient } from "@longrunning/http"
 * import { TestOperations } from "@longrunning/testing"
 * import { Effect } from "effect"
 *
 * it.effect("reads a scripted operation", () =>
 *   Effect.gen(function*() {
 *     yield* TestOperations.create("projects/p/regions/us-central1/operations/op-1")
 *     const client = yield* OperationsClient.OperationsClient
 *     yield* client.get("projects/p/regions/us-central1/operations/op-1")
 *   }).pipe(Effect.provide(TestOperations.layer())))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<OperationsClient.OperationsClient | TestOperations> =>
  Layer.effectContext(
    Effect.flatMap(Control.storeOf(options), (store) =>
      Effect.map(Effect.clock, (clock) =>
        Context.make(TestOperations, Control.service(store, "TestOperations")).pipe(
          Context.add(OperationsClient.OperationsClient, OperationsClient.fromTransport(Control.transport(store, clock, options)))
        )))
  )

// -----------------------------------------------------------------------------
// statuses
// -----------------------------------------------------------------------------

/**
 * UNAVAILABLE, as a server that cannot answer now sends it (the watcher and the retry policy try again).
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 *
 * TestOperations.injectError(TestOperations.unavailable, { methods: "get", times: 2 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const unavailable: Status.Status = Statuses.unavailable

/**
 * NOT_FOUND, as Dataproc answers for an operation it does not know (or no longer keeps).
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 *
 * TestOperations.injectError(TestOperations.notFound("expired"), { methods: "get" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const notFound: (message?: string) => Status.Status = Statuses.notFound

/**
 * RESOURCE_EXHAUSTED with a RetryInfo asking the client to come back after `retryDelay`: the client's
 * error carries it as `retryAfter`, and the poller waits at least that long.
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 *
 * TestOperations.injectError(TestOperations.rateLimited("30 seconds"), { times: 1 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const rateLimited: (retryDelay?: Duration.DurationInput) => Status.Status = Statuses.rateLimited


/**
 * The Status a cancelled operation ends with: CANCELLED (code 1).
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 *
 * TestOperations.cancelled.code // 1
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const cancelled: Status.Status = Statuses.cancelled

// -----------------------------------------------------------------------------
// accessors
// -----------------------------------------------------------------------------

const use = <A>(f: (service: TestOperations.Service) => Effect.Effect<A>): Effect.Effect<A, never, TestOperations> =>
  Effect.flatMap(TestOperations, f)

/**
 * Creates a running operation in the script in context.
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 *
 * TestOperations.create("projects/p/regions/us-central1/operations/op-1", {
 *   metadata: { "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata", status: { state: "PENDING" } }
 * })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const create = (name: string, options?: CreateOptions): Effect.Effect<void, never, TestOperations> =>
  use((s) => s.create(name, options))

/**
 * Replaces the metadata of a running operation now.
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 *
 * TestOperations.setMetadata("projects/p/regions/us-central1/operations/op-1", { "@type": "type.googleapis.com/x.Progress", percent: 50 })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const setMetadata = (name: string, metadata: unknown): Effect.Effect<void, never, TestOperations> =>
  use((s) => s.setMetadata(name, metadata))

/**
 * Makes a running operation succeed now.
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 *
 * TestOperations.complete("projects/p/regions/us-central1/operations/op-1", {
 *   "@type": "type.googleapis.com/google.cloud.dataproc.v1.Cluster",
 *   clusterName: "c1"
 * })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const complete = (
  name: string,
  response?: unknown,
  options?: FinishOptions
): Effect.Effect<void, never, TestOperations> => use((s) => s.complete(name, response, options))

/**
 * Makes a running operation fail now.
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 * import { Status } from "@longrunning/schema"
 *
 * TestOperations.fail("projects/p/regions/us-central1/operations/op-1", Status.make({ code: 9, message: "no" }))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const fail = (
  name: string,
  error: Status.Status,
  options?: FinishOptions
): Effect.Effect<void, never, TestOperations> => use((s) => s.fail(name, error, options))

/**
 * Makes a running operation done now without a result.
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 *
 * TestOperations.finishWithoutResult("projects/p/regions/us-central1/operations/op-1")
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const finishWithoutResult = (name: string, options?: FinishOptions): Effect.Effect<void, never, TestOperations> =>
  use((s) => s.finishWithoutResult(name, options))

/**
 * Schedules metadata changes, each after its delay from now.
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 *
 * TestOperations.progress("projects/p/regions/us-central1/operations/op-1", [
 *   { after: "10 seconds", metadata: { "@type": "type.googleapis.com/x.Progress", percent: 10 } },
 *   { after: "60 seconds", metadata: { "@type": "type.googleapis.com/x.Progress", percent: 70 } }
 * ])
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const progress = (
  name: string,
  steps: ReadonlyArray<ProgressStep>
): Effect.Effect<void, never, TestOperations> => use((s) => s.progress(name, steps))

/**
 * Schedules the success of an operation after a delay from now.
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 *
 * TestOperations.completeAt("projects/p/regions/us-central1/operations/op-1", "90 seconds")
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const completeAt = (
  name: string,
  after: Duration.DurationInput,
  response?: unknown,
  options?: FinishOptions
): Effect.Effect<void, never, TestOperations> => use((s) => s.completeAt(name, after, response, options))

/**
 * Schedules the failure of an operation after a delay from now.
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 * import { Status } from "@longrunning/schema"
 *
 * TestOperations.failAt("projects/p/regions/us-central1/operations/op-1", "2 minutes", Status.make({ code: 13 }))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const failAt = (
  name: string,
  after: Duration.DurationInput,
  error: Status.Status,
  options?: FinishOptions
): Effect.Effect<void, never, TestOperations> => use((s) => s.failAt(name, after, error, options))

/**
 * Schedules the end of an operation, without a result, after a delay from now.
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 *
 * TestOperations.finishWithoutResultAt("projects/p/regions/us-central1/operations/op-1", "1 minute")
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const finishWithoutResultAt = (
  name: string,
  after: Duration.DurationInput,
  options?: FinishOptions
): Effect.Effect<void, never, TestOperations> => use((s) => s.finishWithoutResultAt(name, after, options))

/**
 * Makes matching calls answer an error, and returns the rule's id.
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 *
 * TestOperations.injectError(TestOperations.unavailable, { methods: "get", times: 3 })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const injectError = (status: Status.Status, options?: ErrorOptions): Effect.Effect<number, never, TestOperations> =>
  use((s) => s.injectError(status, options))

/**
 * Adds a fault rule of the store (any `Emulator` fault) and returns its id.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 * import { TestOperations } from "@longrunning/testing"
 *
 * TestOperations.injectFault(Emulator.quotaFault, { times: 1 }) // the next started operation fails for quota
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const injectFault = (
  fault: OperationStore.Fault,
  options?: OperationStore.RuleOptions
): Effect.Effect<number, never, TestOperations> => use((s) => s.injectFault(fault, options))

/**
 * Starts simulating a Dataproc operation as the emulator does, and returns it as it is now.
 *
 * @example
 * ```ts
 * import { Emulator } from "@longrunning/emulator"
 * import { TestOperations } from "@longrunning/testing"
 *
 * TestOperations.simulate({ kind: "Batch", scenario: Emulator.failAfter("1 minute", Emulator.quotaExceeded) })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const simulate = (options?: Emulator.CreateOptions): Effect.Effect<Snapshot, never, TestOperations> =>
  use((s) => s.simulate(options))

/**
 * Makes methods answer UNIMPLEMENTED.
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 *
 * TestOperations.unimplemented(["cancel", "delete"])
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const unimplemented = (
  methods: Method | ReadonlyArray<Method>,
  options?: { readonly name?: string | undefined }
): Effect.Effect<number, never, TestOperations> => use((s) => s.unimplemented(methods, options))

/**
 * Removes one injected error.
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 * import { Effect } from "effect"
 *
 * Effect.flatMap(TestOperations.injectError(TestOperations.unavailable), TestOperations.removeError)
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const removeError = (id: number): Effect.Effect<void, never, TestOperations> => use((s) => s.removeError(id))

/**
 * Removes every injected error.
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 *
 * TestOperations.clearErrors
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const clearErrors: Effect.Effect<void, never, TestOperations> = use((s) => s.clearErrors)

/**
 * The operation as a `get` would answer it now, without counting as a call.
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 *
 * TestOperations.peek("projects/p/regions/us-central1/operations/op-1")
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const peek = (name: string): Effect.Effect<Option.Option<Snapshot>, never, TestOperations> =>
  use((s) => s.peek(name))

/**
 * Every call answered so far, oldest first.
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 * import { Effect } from "effect"
 *
 * Effect.map(TestOperations.calls, (calls) => calls.filter((call) => call.method === "get").map((call) => call.time))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const calls: Effect.Effect<ReadonlyArray<Call>, never, TestOperations> = use((s) => s.calls)

/**
 * Forgets the calls made so far.
 *
 * @example
 * ```ts
 * import { TestOperations } from "@longrunning/testing"
 *
 * TestOperations.clearCalls
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const clearCalls: Effect.Effect<void, never, TestOperations> = use((s) => s.clearCalls)

// -----------------------------------------------------------------------------
// typed
// -----------------------------------------------------------------------------

/**
 * The accessors that take metadata or a response, typed by an operation schema and encoded with it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Typed<M, R> {
  readonly create: (name: string, options?: { readonly metadata?: M | undefined }) => Effect.Effect<void, never, TestOperations>
  readonly setMetadata: (name: string, metadata: M) => Effect.Effect<void, never, TestOperations>
  readonly complete: (
    name: string,
    response: R,
    options?: { readonly metadata?: M | undefined }
  ) => Effect.Effect<void, never, TestOperations>
  readonly fail: (
    name: string,
    error: Status.Status,
    options?: { readonly metadata?: M | undefined }
  ) => Effect.Effect<void, never, TestOperations>
  readonly progress: (
    name: string,
    steps: ReadonlyArray<{ readonly after: Duration.DurationInput; readonly metadata: M }>
  ) => Effect.Effect<void, never, TestOperations>
  readonly completeAt: (
    name: string,
    after: Duration.DurationInput,
    response: R,
    options?: { readonly metadata?: M | undefined }
  ) => Effect.Effect<void, never, TestOperations>
}

/**
 * Accessors whose metadata and responses are typed values, encoded to JSON with the operation schema
 * (`Operation.schema({ metadata, response })`), so a test writes the same values the code under test
 * decodes. A value that does not encode is a defect.
 *
 * @example
 * ```ts
 * import { Dataproc, Operation } from "@longrunning/schema"
 * import { TestOperations } from "@longrunning/testing"
 *
 * const Clusters = TestOperations.typed(Operation.schema({ metadata: Dataproc.ClusterOperationMetadata }))
 * Clusters.create("projects/p/regions/us-central1/operations/op-1", {
 *   metadata: {
 *     "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
 *     clusterName: "c1",
 *     status: { state: "RUNNING" }
 *   }
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const typed = <M, R, I>(schema: Schema.Schema<Operation.Operation<M, R>, I>): Typed<M, R> => {
  const encode = Schema.encode(schema)
  const encoded = (what: string, operation: Operation.Operation<M, R>, pick: (json: I) => unknown) =>
    Effect.catchAll(Effect.map(encode(operation), pick), (error) =>
      Effect.dieMessage(`TestOperations.typed: the ${what} does not encode with the schema: ${error.message}`))
  const field = (json: I, key: "metadata" | "response"): unknown =>
    typeof json === "object" && json !== null && key in json ? Reflect.get(json, key) : undefined
  const metadata = (value: M | undefined) =>
    value === undefined
      ? Effect.succeed(undefined)
      : encoded("metadata", Operation.running({ name: "", metadata: value }), (json) => field(json, "metadata"))
  const response = (value: R) =>
    encoded("response", Operation.succeeded({ name: "", response: value }), (json) => field(json, "response"))
  const finish = (options: { readonly metadata?: M | undefined } | undefined) =>
    Effect.map(metadata(options?.metadata), (json) => (json === undefined ? {} : { metadata: json }))
  return {
    create: (name, options) => Effect.flatMap(metadata(options?.metadata), (json) => create(name, { metadata: json })),
    setMetadata: (name, value) => Effect.flatMap(metadata(value), (json) => setMetadata(name, json)),
    complete: (name, value, options) =>
      Effect.flatMap(Effect.zip(response(value), finish(options)), ([json, rest]) => complete(name, json, rest)),
    fail: (name, error, options) => Effect.flatMap(finish(options), (rest) => fail(name, error, rest)),
    progress: (name, steps) =>
      Effect.flatMap(
        Effect.forEach(steps, (step) => Effect.map(metadata(step.metadata), (json) => ({ after: step.after, metadata: json }))),
        (encodedSteps) => progress(name, encodedSteps)
      ),
    completeAt: (name, after, value, options) =>
      Effect.flatMap(
        Effect.zip(response(value), finish(options)),
        ([json, rest]) => completeAt(name, after, json, rest)
      )
  }
}
