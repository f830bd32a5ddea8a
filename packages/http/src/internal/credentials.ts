import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as SynchronizedRef from "effect/SynchronizedRef"
import type { AccessToken } from "../Credentials.js"

/** The service shape, repeated here so this module does not import the public one. */
export interface CachedCredentials<E> {
  readonly token: Effect.Effect<Option.Option<Redacted.Redacted<string>>, E>
  readonly invalidate: Effect.Effect<void>
}

/** A service that always answers `token`. */
export const constant = (token: Option.Option<Redacted.Redacted<string>>): CachedCredentials<never> => ({
  token: Effect.succeed(token),
  invalidate: Effect.void
})

type State<E> =
  | { readonly _tag: "Empty" }
  | {
    readonly _tag: "Fetching"
    readonly deferred: Deferred.Deferred<Redacted.Redacted<string> | undefined, E>
  }
  | { readonly _tag: "Cached"; readonly token: Redacted.Redacted<string>; readonly refreshAt: number }

const empty: State<never> = { _tag: "Empty" }

const toMillis = (input: DateTime.DateTime | Date | number): number =>
  DateTime.isDateTime(input) ? DateTime.toEpochMillis(input) : input instanceof Date ? input.getTime() : input

/**
 * When a token fetched at `now` should be replaced. `refreshBefore` is clamped to half the token's remaining
 * lifetime, so a token that lives one minute is used for thirty seconds rather than never; a token already
 * expired is handed to the callers that asked for it and refetched on the next call; a token without an
 * expiry is kept until `invalidate`.
 */
export const refreshAt = (
  now: number,
  expiresAt: Option.Option<DateTime.DateTime | Date | number>,
  refreshBefore: Duration.Duration
): number => {
  if (Option.isNone(expiresAt)) return Number.POSITIVE_INFINITY
  const expiry = toMillis(expiresAt.value)
  const lifetime = expiry - now
  if (!(lifetime > 0)) return now
  return expiry - Math.min(Duration.toMillis(refreshBefore), lifetime / 2)
}

/**
 * A token cache over `fetch`, timed by Effect's `Clock`. The first caller that finds no fresh token runs the
 * fetch; callers arriving meanwhile wait for it. A failed fetch is reported to the callers that waited for it
 * and forgotten. If the fetching caller is interrupted, its fetch stops and a waiting caller starts another,
 * so nobody waits on a fetch that no one runs.
 */
export const make = Effect.fnUntraced(function*<E, R>(
  fetch: Effect.Effect<AccessToken, E, R>,
  refreshBefore: Duration.Duration
): Effect.fn.Return<CachedCredentials<E>, never, R> {
  const context = yield* Effect.context<R>()
  const state = yield* SynchronizedRef.make<State<E>>(empty)

  // `undefined` tells waiters that the fetch was interrupted and they should try again.
  const lead = (
    deferred: Deferred.Deferred<Redacted.Redacted<string> | undefined, E>,
    restore: <A, E1, R1>(effect: Effect.Effect<A, E1, R1>) => Effect.Effect<A, E1, R1>
  ) =>
    restore(fetch).pipe(
      Effect.provide(context),
      Effect.withSpan("Credentials.refresh"),
      Effect.onExit((exit) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Exit.isSuccess(exit)
            ? Effect.suspend(() => {
              const next = {
                _tag: "Cached",
                token: exit.value.token,
                refreshAt: refreshAt(now, exit.value.expiresAt, refreshBefore)
              } as const
              return SynchronizedRef.set(state, next).pipe(
                Effect.zipRight(Deferred.succeed(deferred, exit.value.token))
              )
            })
            : SynchronizedRef.set(state, empty).pipe(
              Effect.zipRight(
                Cause.isInterruptedOnly(exit.cause)
                  ? Deferred.succeed(deferred, undefined)
                  : Deferred.failCause(deferred, exit.cause)
              )
            )
        )
      ),
      Effect.map((fetched) => fetched.token)
    )

  // Uninterruptible from taking the lead to running `lead`'s finalizer, so the state never stays "Fetching"
  // without a fetch; the fetch and the waiting themselves are interruptible.
  const slowPath: Effect.Effect<Redacted.Redacted<string>, E> = Effect.uninterruptibleMask((restore) =>
    SynchronizedRef.modifyEffect(
      state,
      Effect.fnUntraced(function*(current) {
        const now = yield* Clock.currentTimeMillis
        // Another caller may have refreshed, or started to, while we waited for the lock.
        if (current._tag === "Cached" && now < current.refreshAt) {
          return [Effect.succeed(current.token), current] as const
        }
        if (current._tag === "Fetching") {
          const waiting = Effect.flatMap(
            restore(Deferred.await(current.deferred)),
            // the leader was interrupted: take over, interruptibly (we run inside the lock's mask)
            (token) => token === undefined ? restore(slowPath) : Effect.succeed(token)
          )
          return [waiting, current] as const
        }
        const deferred = yield* Deferred.make<Redacted.Redacted<string> | undefined, E>()
        return [lead(deferred, restore), { _tag: "Fetching", deferred } as const] as const
      })
    ).pipe(Effect.flatten)
  )

  const token = Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Effect.flatMap(SynchronizedRef.get(state), (current) =>
      current._tag === "Cached" && now < current.refreshAt ? Effect.succeed(current.token) : slowPath
    )
  ).pipe(Effect.map(Option.some))

  const invalidate = SynchronizedRef.update(state, (current) => (current._tag === "Cached" ? empty : current))

  return { token, invalidate }
})
