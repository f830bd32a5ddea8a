import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as Tracer from "effect/Tracer"

// The tracer Effect installs by default keeps spans in memory and exports them nowhere. When it is the
// current tracer, a call gets no span: nobody could see it, and on a poll it costs a good part of the CPU.
const nativeTracer = Context.get(DefaultServices.liveServices, Tracer.Tracer)

/** @internal Whether spans made on this fiber can reach anyone. */
export const tracing = (fiber: Fiber.RuntimeFiber<unknown, unknown>): boolean =>
  fiber.currentTracer !== nativeTracer && fiber.getFiberRef(FiberRef.currentTracerEnabled)

/** @internal Runs `effect` in a span named `name` with `attributes`, when a real tracer is installed. */
export const spanned = <A, E, R>(
  name: string,
  attributes: Record<string, unknown>,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.withFiberRuntime((fiber) =>
    tracing(fiber) ? Effect.withSpan(effect, name, { attributes, kind: "client" }) : effect
  )

/**
 * @internal Annotates the current span, when spans are being made. (`Effect.annotateCurrentSpan` with no
 * span builds an exception, stack trace and all, to say so: too dear for every poll.)
 */
export const annotate = (key: string, value: unknown): Effect.Effect<void> =>
  Effect.withFiberRuntime((fiber) => (tracing(fiber) ? Effect.annotateCurrentSpan(key, value) : Effect.void))
