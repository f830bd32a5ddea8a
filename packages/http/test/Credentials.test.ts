import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as TestClock from "effect/TestClock"
import * as Credentials from "../src/Credentials.js"
import * as internal from "../src/internal/credentials.js"

const HOUR = 3_600_000

const tokenValue = (credentials: Credentials.Credentials.Service) =>
  credentials.token.pipe(Effect.map(Option.map(Redacted.value)))

/**
 * A fetcher that counts its calls, takes one (test) second, and hands out `token-<n>` valid for `lifetime`
 * from the moment it answers. `failWhen` makes chosen calls fail.
 */
const counting = (options: {
  readonly lifetime?: number | undefined
  readonly failWhen?: ((call: number) => boolean) | undefined
  readonly latency?: Duration.DurationInput | undefined
}) =>
  Effect.gen(function*() {
    const calls = yield* Ref.make(0)
    const fetch = Effect.gen(function*() {
      const call = yield* Ref.updateAndGet(calls, (n) => n + 1)
      yield* Effect.sleep(options.latency ?? "1 second")
      if (options.failWhen?.(call)) {
        return yield* new Credentials.CredentialsError({ message: `fetch ${call} failed` })
      }
      const now = yield* Clock.currentTimeMillis
      return {
        token: Redacted.make(`token-${call}`),
        expiresAt: options.lifetime === undefined ? Option.none() : Option.some(now + options.lifetime)
      }
    })
    return { calls, fetch }
  })

/** Runs `effect` in a fiber, lets `elapsed` of test time pass, and joins it. */
const after = <A, E>(elapsed: Duration.DurationInput, effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    yield* TestClock.adjust(elapsed)
    return yield* Fiber.join(fiber)
  })

describe("Credentials", () => {
  describe("unauthenticated", () => {
    it.effect("has no token, and invalidate changes nothing", () =>
      Effect.gen(function*() {
        const credentials = yield* Credentials.Credentials
        assert.isTrue(Option.isNone(yield* credentials.token))
        yield* credentials.invalidate
        assert.isTrue(Option.isNone(yield* credentials.token))
      }).pipe(Effect.provide(Credentials.unauthenticated)))
  })

  describe("static", () => {
    it.effect("always gives the same token", () =>
      Effect.gen(function*() {
        const credentials = yield* Credentials.Credentials
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("ya29.static"))
        yield* credentials.invalidate
        yield* TestClock.adjust("10 hours")
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("ya29.static"))
      }).pipe(Effect.provide(Credentials.static(Redacted.make("ya29.static")))))
  })

  describe("layerConfig", () => {
    const withConfig = (entries: ReadonlyArray<readonly [string, string]>) =>
      Layer.setConfigProvider(ConfigProvider.fromMap(new Map(entries)))

    it.effect("reads GOOGLE_OAUTH_ACCESS_TOKEN", () =>
      Effect.gen(function*() {
        const credentials = yield* Credentials.Credentials
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("ya29.from-env"))
      }).pipe(
        Effect.provide(
          Credentials.layerConfig().pipe(Layer.provide(withConfig([["GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.from-env"]])))
        )
      ))

    it.effect("fails to build with a CredentialsError naming the variable when it is missing", () =>
      Effect.gen(function*() {
        const error = yield* Layer.build(Credentials.layerConfig()).pipe(
          Effect.provide(withConfig([["OTHER", "x"]])),
          Effect.scoped,
          Effect.flip
        )
        assert.strictEqual(error._tag, "CredentialsError")
        assert.strictEqual(error.message, "no access token: GOOGLE_OAUTH_ACCESS_TOKEN is not set")
        assert.isTrue(ConfigError.isConfigError(error.cause))
      }))

    it.effect("reads another variable when given one", () =>
      Effect.gen(function*() {
        const credentials = yield* Effect.provide(
          Credentials.Credentials,
          Credentials.layerConfig(Config.redacted("MY_TOKEN")).pipe(
            Layer.provide(withConfig([["MY_TOKEN", "ya29.mine"], ["GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.other"]]))
          )
        )
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("ya29.mine"))
      }))
  })

  describe("fromFetcher", () => {
    it.effect("caches the token until refreshBefore ahead of its expiry", () =>
      Effect.gen(function*() {
        const { calls, fetch } = yield* counting({ lifetime: HOUR, latency: 0 })
        const credentials = yield* Credentials.fromFetcher(fetch)
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("token-1"))
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("token-1"))
        // Default refreshBefore is 5 minutes: the token is replaced at 55 minutes, not before.
        yield* TestClock.adjust("54 minutes")
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("token-1"))
        yield* TestClock.adjust(Duration.minutes(1))
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("token-2"))
        assert.strictEqual(yield* Ref.get(calls), 2)
      }))

    it.effect("honours a custom refreshBefore", () =>
      Effect.gen(function*() {
        const { calls, fetch } = yield* counting({ lifetime: HOUR, latency: 0 })
        const credentials = yield* Credentials.fromFetcher(fetch, { refreshBefore: "20 minutes" })
        yield* credentials.token
        yield* TestClock.adjust(Duration.subtract(Duration.minutes(40), Duration.millis(1)))
        yield* credentials.token
        assert.strictEqual(yield* Ref.get(calls), 1)
        yield* TestClock.adjust(Duration.millis(1))
        yield* credentials.token
        assert.strictEqual(yield* Ref.get(calls), 2)
      }))

    it.effect("uses a short-lived token for half its lifetime rather than refetching on every call", () =>
      Effect.gen(function*() {
        const { calls, fetch } = yield* counting({ lifetime: 60_000, latency: 0 })
        const credentials = yield* Credentials.fromFetcher(fetch)
        yield* credentials.token
        yield* TestClock.adjust("29 seconds")
        yield* credentials.token
        assert.strictEqual(yield* Ref.get(calls), 1)
        yield* TestClock.adjust("1 second")
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("token-2"))
      }))

    it.effect("keeps a token without expiry until invalidated", () =>
      Effect.gen(function*() {
        const { calls, fetch } = yield* counting({ latency: 0 })
        const credentials = yield* Credentials.fromFetcher(fetch)
        yield* credentials.token
        yield* TestClock.adjust("30 days")
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("token-1"))
        yield* credentials.invalidate
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("token-2"))
        assert.strictEqual(yield* Ref.get(calls), 2)
      }))

    it.effect("accepts expiry as DateTime, Date or epoch milliseconds", () =>
      Effect.gen(function*() {
        const expiries = [
          (now: number) => DateTime.unsafeMake(now + HOUR),
          (now: number) => new Date(now + HOUR),
          (now: number) => now + HOUR
        ]
        for (const expiry of expiries) {
          const calls = yield* Ref.make(0)
          const credentials = yield* Credentials.fromFetcher(
            Effect.gen(function*() {
              yield* Ref.update(calls, (n) => n + 1)
              const now = yield* Clock.currentTimeMillis
              return { token: Redacted.make("t"), expiresAt: Option.some(expiry(now)) }
            })
          )
          yield* credentials.token
          yield* TestClock.adjust("54 minutes")
          yield* credentials.token
          assert.strictEqual(yield* Ref.get(calls), 1)
          yield* TestClock.adjust("1 minute")
          yield* credentials.token
          assert.strictEqual(yield* Ref.get(calls), 2)
        }
      }))

    it.effect("100 concurrent callers share one fetch, and one refresh after expiry", () =>
      Effect.gen(function*() {
        const { calls, fetch } = yield* counting({ lifetime: HOUR })
        const credentials = yield* Credentials.fromFetcher(fetch)
        const hundred = Effect.all(Array.from({ length: 100 }, () => tokenValue(credentials)), {
          concurrency: "unbounded"
        })
        const first = yield* after("1 second", hundred)
        assert.strictEqual(yield* Ref.get(calls), 1)
        assert.deepStrictEqual(new Set(first.map(Option.getOrThrow)), new Set(["token-1"]))

        yield* TestClock.adjust("55 minutes")
        const second = yield* after("1 second", hundred)
        assert.strictEqual(yield* Ref.get(calls), 2)
        assert.deepStrictEqual(new Set(second.map(Option.getOrThrow)), new Set(["token-2"]))
      }))

    it.effect("a failed fetch fails its waiting callers once and is retried by the next call", () =>
      Effect.gen(function*() {
        const { calls, fetch } = yield* counting({ lifetime: HOUR, failWhen: (call) => call === 1 })
        const credentials = yield* Credentials.fromFetcher(fetch)
        const results = yield* after(
          "1 second",
          Effect.all(Array.from({ length: 10 }, () => Effect.either(credentials.token)), { concurrency: "unbounded" })
        )
        assert.strictEqual(yield* Ref.get(calls), 1)
        for (const result of results) {
          assert.isTrue(result._tag === "Left" && result.left.message === "fetch 1 failed")
        }
        assert.deepStrictEqual(yield* after("1 second", tokenValue(credentials)), Option.some("token-2"))
        assert.strictEqual(yield* Ref.get(calls), 2)
      }))

    it.effect("invalidate makes the next call fetch a fresh token", () =>
      Effect.gen(function*() {
        const { calls, fetch } = yield* counting({ lifetime: HOUR, latency: 0 })
        const credentials = yield* Credentials.fromFetcher(fetch)
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("token-1"))
        yield* credentials.invalidate
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("token-2"))
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("token-2"))
        assert.strictEqual(yield* Ref.get(calls), 2)
      }))

    it.effect("invalidate during a fetch keeps that fetch rather than starting another", () =>
      Effect.gen(function*() {
        const { calls, fetch } = yield* counting({ lifetime: HOUR })
        const credentials = yield* Credentials.fromFetcher(fetch)
        const waiting = yield* Effect.fork(tokenValue(credentials))
        yield* TestClock.adjust("500 millis")
        yield* credentials.invalidate
        yield* TestClock.adjust("500 millis")
        assert.deepStrictEqual(yield* Fiber.join(waiting), Option.some("token-1"))
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("token-1"))
        assert.strictEqual(yield* Ref.get(calls), 1)
      }))

    it.effect("when the fetching caller is interrupted, a waiting caller fetches again instead of hanging", () =>
      Effect.gen(function*() {
        const { calls, fetch } = yield* counting({ lifetime: HOUR })
        const credentials = yield* Credentials.fromFetcher(fetch)
        const first = yield* Effect.fork(tokenValue(credentials))
        yield* TestClock.adjust("100 millis")
        const second = yield* Effect.fork(tokenValue(credentials))
        yield* TestClock.adjust("100 millis")
        yield* Fiber.interrupt(first)
        yield* TestClock.adjust("1 second")
        assert.deepStrictEqual(yield* Fiber.join(second), Option.some("token-2"))
        assert.strictEqual(yield* Ref.get(calls), 2)
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("token-2"))
      }))

    it.effect("a waiter that took over an interrupted fetch can itself be interrupted", () =>
      Effect.gen(function*() {
        const credentials = yield* Credentials.fromFetcher(Effect.never)
        const leader = yield* Effect.fork(credentials.token)
        yield* TestClock.adjust("10 millis")
        const waiter = yield* Effect.fork(credentials.token)
        yield* TestClock.adjust("10 millis")
        yield* Fiber.interrupt(leader)
        yield* TestClock.adjust("10 millis")
        // before the fix the waiter's own fetch ran uninterruptibly and this never returned
        const exit = yield* Fiber.interrupt(waiter)
        assert.isTrue(Exit.isInterrupted(exit))
      }))

    it.effect("keeps working after the scope it was built in is closed", () =>
      Effect.gen(function*() {
        const { fetch } = yield* counting({ lifetime: HOUR, latency: 0 })
        const credentials = yield* Effect.provide(Credentials.Credentials, Credentials.layerFetcher(fetch))
        assert.deepStrictEqual(yield* tokenValue(credentials), Option.some("token-1"))
      }))

    it.effect("layerFetcher provides the fetcher's requirements and caches", () =>
      Effect.gen(function*() {
        const { calls, fetch } = yield* counting({ lifetime: HOUR, latency: 0 })
        yield* Effect.gen(function*() {
          const credentials = yield* Credentials.Credentials
          yield* credentials.token
          yield* credentials.token
        }).pipe(Effect.provide(Credentials.layerFetcher(fetch)))
        assert.strictEqual(yield* Ref.get(calls), 1)
      }))
  })

  describe("redaction", () => {
    it.effect("tokens print as <redacted> and never reach errors", () =>
      Effect.gen(function*() {
        const secret = "ya29.very-secret-token"
        let call = 0
        const credentials = yield* Credentials.fromFetcher(
          Effect.suspend(() => {
            call++
            return call === 1
              ? Effect.succeed({ token: Redacted.make(secret), expiresAt: Option.some(HOUR) })
              : Effect.fail(new Credentials.CredentialsError({ message: "refresh failed", cause: new Error("boom") }))
          })
        )
        const token = yield* credentials.token
        assert.notInclude(String(token), secret)
        assert.notInclude(JSON.stringify(token), secret)
        assert.notInclude(`${Option.getOrThrow(token)}`, secret)

        yield* credentials.invalidate
        const error = yield* Effect.flip(credentials.token)
        for (const text of [String(error), JSON.stringify(error), error.stack ?? "", error.message]) {
          assert.notInclude(text, secret)
        }
        assert.include(String(error), "refresh failed")
        assert.strictEqual(error._tag, "CredentialsError")
      }))
  })

  describe("refreshAt", () => {
    it.prop(
      "lies after the fetch and no later than expiry minus min(refreshBefore, lifetime / 2)",
      [
        FastCheck.integer({ min: 0, max: 2 ** 40 }),
        FastCheck.integer({ min: 1, max: 2 ** 32 }),
        FastCheck.integer({ min: 0, max: 2 ** 32 })
      ],
      ([now, lifetime, refreshBefore]) => {
        const at = internal.refreshAt(now, Option.some(now + lifetime), Duration.millis(refreshBefore))
        assert.isTrue(at > now)
        assert.isTrue(at <= now + lifetime)
        assert.strictEqual(at, now + lifetime - Math.min(refreshBefore, lifetime / 2))
      }
    )

    it("refetches at once for an expired token and never for a token without expiry", () => {
      assert.strictEqual(internal.refreshAt(1000, Option.some(999), Duration.minutes(5)), 1000)
      assert.strictEqual(internal.refreshAt(1000, Option.none(), Duration.minutes(5)), Number.POSITIVE_INFINITY)
    })
  })
})
