/**
 * Watching and waiting for users of plain JavaScript: an `AsyncIterable` of snapshots and a `Promise` of
 * the result, each stopped by an `AbortSignal`.
 *
 * @since 0.1.0
 */
import type * as OperationsClient from "@longrunning/http/OperationsClient"
import type * as Operation from "@longrunning/schema/Operation"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Runtime from "effect/Runtime"
import * as Stream from "effect/Stream"
import * as OperationPoller from "./OperationPoller.js"

/**
 * What the adapters run on: a runtime that provides the OperationsClient, e.g.
 * `ManagedRuntime.make(OperationsClient.layer(...))`.
 *
 * @since 0.1.0
 * @category models
 */
export type ClientRuntime =
  | Runtime.Runtime<OperationsClient.OperationsClient>
  | ManagedRuntime.ManagedRuntime<OperationsClient.OperationsClient, unknown>

/**
 * Options of the adapters: the watch options, and a signal that stops the watch.
 *
 * @since 0.1.0
 * @category models
 */
export interface AdapterOptions extends OperationPoller.WatchOptions {
  readonly signal?: AbortSignal | undefined
}

const resolve = (runtime: ClientRuntime): Promise<Runtime.Runtime<OperationsClient.OperationsClient>> =>
  "runtime" in runtime ? runtime.runtime() : Promise.resolve(runtime)

// A function, not an inline test: the signal can abort while a promise is awaited.
const aborted = (signal: AbortSignal | undefined): signal is AbortSignal => signal?.aborted === true

const abortError = (signal: AbortSignal): unknown =>
  signal.reason ?? new DOMException("The watch was aborted", "AbortError")

/**
 * The snapshots of an operation as an `AsyncIterable`. Breaking out of the loop or aborting the signal
 * interrupts the watch (no request after it); an error of the watch is thrown from the loop as the typed
 * error value (`OperationNotFound`, `WaitTimeout`, `ApiError`...).
 *
 * @example
 * ```ts
 * import { OperationsClient } from "@longrunning/http"
 * import { Adapters } from "@longrunning/polling"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer, ManagedRuntime } from "effect"
 *
 * const runtime = ManagedRuntime.make(
 *   OperationsClient.layerEmulator("http://127.0.0.1:8085").pipe(Layer.provide(FetchHttpClient.layer))
 * )
 * const controller = new AbortController()
 * const seen: Array<string> = []
 * for await (const op of Adapters.watchIterable(runtime, "projects/demo/regions/us-central1/operations/op-1", {
 *   signal: controller.signal
 * })) {
 *   seen.push(op._tag)
 * }
 * ```
 *
 * @since 0.1.0
 * @category adapters
 */
export const watchIterable = (
  runtime: ClientRuntime,
  name: string,
  options: AdapterOptions = {}
): AsyncIterable<Operation.Operation> => ({
  [Symbol.asyncIterator]() {
    const { signal, ...watchOptions } = options
    // The signal fails the stream with its reason, which the iterator throws as it is.
    const stream = signal === undefined
      ? OperationPoller.watch(name, watchOptions)
      : OperationPoller.watch(name, watchOptions).pipe(Stream.interruptWhen(abortedBy(signal)))
    // A ManagedRuntime is built on first use; the iterator of Stream.toAsyncIterableRuntime does the rest.
    let iterator: Promise<AsyncIterator<Operation.Operation>> | undefined
    const start = () =>
      iterator ??= resolve(runtime).then((rt) => Stream.toAsyncIterableRuntime(stream, rt)[Symbol.asyncIterator]())
    return {
      async next() {
        if (aborted(signal)) throw abortError(signal)
        return (await start()).next()
      },
      async return() {
        const started = await iterator
        if (started?.return !== undefined) await started.return()
        return { done: true, value: undefined }
      }
    }
  }
})

const abortedBy = (signal: AbortSignal): Effect.Effect<never, unknown> =>
  Effect.async<never, unknown>((resume) => {
    const onAbort = () => resume(Effect.fail(abortError(signal)))
    if (signal.aborted) return onAbort()
    signal.addEventListener("abort", onAbort, { once: true })
    return Effect.sync(() => signal.removeEventListener("abort", onAbort))
  })

// A typed failure is thrown as the error value itself, so `catch (e)` can test `e._tag`.
const squash = (cause: Cause.Cause<unknown>): unknown =>
  Option.getOrElse(Cause.failureOption(cause), () => Runtime.makeFiberFailure(cause))

/**
 * A Promise of the done operation. It rejects with the typed error value (`OperationNotFound`,
 * `WaitTimeout`, `ApiError`...) or, when the signal aborts, with the signal's reason.
 *
 * @example
 * ```ts
 * import { Adapters } from "@longrunning/polling"
 *
 * declare const runtime: Adapters.ClientRuntime
 * const done = await Adapters.waitPromise(runtime, "projects/demo/regions/us-central1/operations/op-1", {
 *   signal: AbortSignal.timeout(60_000)
 * })
 * ```
 *
 * @since 0.1.0
 * @category adapters
 */
export const waitPromise = async (
  runtime: ClientRuntime,
  name: string,
  options: AdapterOptions = {}
): Promise<Operation.Done> => {
  const { signal, ...watchOptions } = options
  if (aborted(signal)) throw abortError(signal)
  const rt = await resolve(runtime)
  const exit = await Runtime.runPromiseExit(rt)(OperationPoller.wait(name, watchOptions), signal === undefined ? undefined : { signal })
  if (Exit.isSuccess(exit)) return exit.value
  if (aborted(signal)) throw abortError(signal)
  throw squash(exit.cause)
}
