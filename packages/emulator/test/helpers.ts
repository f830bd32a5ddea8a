import * as Effect from "effect/Effect"
import * as Http from "node:http"
import * as TestClock from "effect/TestClock"

/** A response read whole: status, headers and the body as text. */
export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
}

/** A request over a real loopback socket, read whole. Network failures (resets) fail the Effect. */
export const send = (url: string, init?: RequestInit): Effect.Effect<Answer, unknown> =>
  Effect.tryPromise({
    try: async () => {
      const response = await fetch(url, init)
      return { status: response.status, headers: response.headers, text: await response.text() }
    },
    catch: (error) => error
  })

/** Parses the body of an answer as JSON. */
export const json = (answer: Answer): unknown => JSON.parse(answer.text)

/** Record access without casts. */
export const field = (value: unknown, ...path: ReadonlyArray<string | number>): unknown => {
  let current = value
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined
    current = Reflect.get(current, key)
  }
  return current
}

const ioTurn = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

/**
 * Waits (in I/O turns, not on a clock) until some fiber sleeps on the TestClock: the server handles a request
 * only once its bytes arrive over the socket, so a test must see the server's sleep before it adjusts the clock.
 */
export const untilSleeping: Effect.Effect<void> = Effect.gen(function*() {
  for (let turn = 0; turn < 2000; turn++) {
    const sleeps = yield* TestClock.sleeps()
    if (sleeps.length > 0) return
    yield* ioTurn
  }
  return yield* Effect.dieMessage("nothing slept on the TestClock")
})

/** Lets a few I/O turns pass, so that sockets finish opening or closing. */
export const settle: Effect.Effect<void> = Effect.gen(function*() {
  for (let turn = 0; turn < 5; turn++) yield* ioTurn
})

/** A request whose path is sent exactly as given (fetch would normalize `..`), read whole. */
export const sendRaw = (port: number, method: string, path: string): Effect.Effect<Answer, unknown> =>
  Effect.async<Answer, unknown>((resume) => {
    const request = Http.request({ host: "127.0.0.1", port, method, path, agent: false }, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("end", () => {
        const headers = new Headers()
        for (const [name, value] of Object.entries(response.headers)) {
          if (typeof value === "string") headers.set(name, value)
        }
        resume(Effect.succeed({ status: response.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString() }))
      })
      response.on("error", (error) => resume(Effect.fail(error)))
    })
    request.on("error", (error) => resume(Effect.fail(error)))
    request.end()
  })
