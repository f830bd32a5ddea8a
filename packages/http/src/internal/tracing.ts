import * as Effect from "effect/Effect"

/** Runs `effect` in a client span named `name`, when the client was built to make spans. */
export const spanned = <A, E, R>(
  spans: boolean,
  name: string,
  attributes: Record<string, unknown>,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> => (spans ? Effect.withSpan(effect, name, { attributes, kind: "client" }) : effect)
