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

/**
 * A service's way to give the token without suspending, when it can: the token (or None) if `token` would
 * answer it at once on the live clock, `undefined` otherwise. The sender uses it to run a whole exchange in
 * one step. Kept beside the services rather than on them, so the public shape does not change.
 */
export type Peek = () => Option.Option<Redacted.Redacted<string>> | undefined

const peeks = new WeakMap<object, Peek>()

/** The service's synchronous peek, if it has one. */
export const peeker = (service: object): Peek | undefined => peeks.get(service)

const withPeek = <S extends object>(service: S, peek: Peek): S => {
  peeks.set(service, peek)
  return service
}

/** A service that always answers `token`, with its peek. */
export const constant = (token: Option.Option<Redacted.Redacted<string>>): CachedCredentials<never> =>
  withPeek({ token: Effect.succeed(token), invalidate: Effect.void }, () => token)

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
  // The state when it is "Cached", else undefined, for the synchronous peek. Cleared before the state
  // leaves "Cached", set once it is "Cached": it never holds a token `token` would not hand out.
  let cached: { readonly token: Redacted.Redacted<string>; readonly refreshAt: number } | undefined = undefined

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
                Effect.zipRight(Effect.sync(() => {
                  cached = next
                })),
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
        cached = undefined
        return [lead(deferred, restore), { _tag: "Fetching", deferred } as const] as const
      })
    ).pipe(Effect.flatten)
  )

  const token = Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Effect.flatMap(SynchronizedRef.get(state), (current) =>
      current._tag === "Cached" && now < current.refreshAt ? Effect.succeed(current.token) : slowPath
    )
  ).pipe(Effect.map(Option.some))

  const invalidate = SynchronizedRef.update(state, (current) => {
    if (current._tag !== "Cached") return current
    cached = undefined
    return empty
  })

  // The peek reads the state as the last completed update left it; it only answers for a fresh cached
  // token on the live clock's time, where `token` would answer the same at once.
  const peek: Peek = () => {
    const current = cached
    return current !== undefined && Date.now() < current.refreshAt ? Option.some(current.token) : undefined
  }

  return withPeek({ token, invalidate }, peek)
})
