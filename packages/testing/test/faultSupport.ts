/**
 * Shared machinery of the fault suite: the real client over real loopback sockets, a TestClock driver that
 * advances time only when something waits on it, a leak check over `process.getActiveResourcesInfo()`, a
 * bare loopback server for bodies the emulator cannot produce, a connection-counting TCP proxy, and a
 * recording Logger and Tracer.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Credentials, Endpoint, OperationsClient, type OperationsError, RetryPolicy } from "@longrunning/http"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Cause from "effect/Cause"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import * as Tracer from "effect/Tracer"
import * as TestClockDriver from "../src/TestClockDriver.js"
import * as Http from "node:http"
import * as Net from "node:net"

// -----------------------------------------------------------------------------
// I/O turns and the TestClock
// -----------------------------------------------------------------------------

/** One turn of the event loop (not a timer): sockets make progress. */
export const ioTurn: Effect.Effect<void> = TestClockDriver.ioTurn

/** `n` turns of the event loop. */
export const ioTurns = (n: number): Effect.Effect<void> => Effect.repeatN(ioTurn, Math.max(0, n - 1))

/** Waits in I/O turns until at least `n` fibers sleep on the TestClock. */
export const untilSleeps = (n: number): Effect.Effect<void> =>
  Effect.gen(function*() {
    for (let turn = 0; turn < 5000; turn++) {
      if (Chunk.size(yield* TestClock.sleeps()) >= n) return
      yield* ioTurn
    }
    return yield* Effect.dieMessage(`fewer than ${n} fibers ever slept on the TestClock`)
  })

/**
 * `TestClockDriver.drive` with this suite's settings: time moves as soon as something sleeps within
 * `horizon` (10 minutes by default: attempt timeouts are set longer on purpose), without settling turns.
 */
export const drive = <A, E>(
  fiber: Fiber.RuntimeFiber<A, E>,
  horizon: Duration.DurationInput = "10 minutes"
): Effect.Effect<Exit.Exit<A, E>> => TestClockDriver.drive(fiber, { horizon, settleTurns: 0 })

/** Forks `effect` and {@link drive}s it to its exit. */
export const driven = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  horizon?: Duration.DurationInput
): Effect.Effect<Exit.Exit<A, E>, never, R> =>
  Effect.flatMap(Effect.fork(effect), (fiber) => drive(fiber, horizon))

// -----------------------------------------------------------------------------
// leaks and unhandled rejections
// -----------------------------------------------------------------------------

/** The active resources of the process (`process.getActiveResourcesInfo()`), counted by kind. */
export const countResources = (): Map<string, number> => {
  const counts = new Map<string, number>()
  for (const name of process.getActiveResourcesInfo()) counts.set(name, (counts.get(name) ?? 0) + 1)
  return counts
}

/** The kinds of resource there are more of `now` than in `baseline`, described. */
export const excess = (baseline: Map<string, number>, now: Map<string, number>): Array<string> =>
  Array.from(now).filter(([name, count]) => count > (baseline.get(name) ?? 0)).map(([name, count]) =>
    `${name}: ${baseline.get(name) ?? 0} -> ${count}`
  )

/** Unhandled rejections seen by the process since the suite started listening. */
export const rejections: Array<unknown> = []
const onRejection = (reason: unknown) => {
  rejections.push(reason)
}

/** Starts recording unhandled rejections (call in `beforeAll`). */
export const listenForRejections = (): void => {
  process.on("unhandledRejection", onRejection)
}

/** Stops recording (call in `afterAll`). */
export const stopListening = (): void => {
  process.off("unhandledRejection", onRejection)
}

/**
 * Runs one scenario in its own scope and checks what it left behind: once the scope is closed, the active
 * handles (sockets, servers, timers) come back to what they were before, within some I/O turns, and no
 * promise was rejected unhandled. The scenario's result is returned.
 */
export const scenario = <A, E, R>(body: Effect.Effect<A, E, R | Scope.Scope>): Effect.Effect<A, E, Exclude<R, Scope.Scope>> =>
  Effect.gen(function*() {
    yield* ioTurns(5)
    const baseline = countResources()
    const rejectedBefore = rejections.length
    const result = yield* Effect.scoped(body)
    let left: Array<string> = []
    for (let turn = 0; turn < 500; turn++) {
      left = excess(baseline, countResources())
      if (left.length === 0) break
      yield* ioTurn
    }
    if (left.length > 0) return yield* Effect.dieMessage(`handles left after the scenario: ${left.join(", ")}`)
    yield* ioTurns(2)
    if (rejections.length > rejectedBefore) {
      return yield* Effect.dieMessage(`unhandled rejection: ${String(rejections[rejections.length - 1])}`)
    }
    return result
  })

// -----------------------------------------------------------------------------
// the client
// -----------------------------------------------------------------------------

/** A token that must never show up anywhere. */
export const secret = `test-token-${Math.random().toString(36).slice(2)}-do-not-leak`

/** Static credentials holding {@link secret}. */
export const secretCredentials: Layer.Layer<Credentials.Credentials> = Credentials.static(Redacted.make(secret))

/** A retry policy with the default predicate and `retries` retries `spacing` apart. */
export const retries = (n: number, spacing: Duration.DurationInput = "100 millis"): RetryPolicy.RetryPolicy =>
  RetryPolicy.make({
    retryable: RetryPolicy.defaultPolicy.retryable,
    schedule: Schedule.spaced(spacing).pipe(Schedule.intersect(Schedule.recurs(n)))
  })

/** Options of {@link makeClient}. */
export interface ClientOptions {
  readonly timeout?: Duration.DurationInput | undefined
  readonly retryPolicy?: RetryPolicy.RetryPolicy | undefined
  readonly maxResponseBytes?: number | undefined
  readonly credentials?: Layer.Layer<Credentials.Credentials> | undefined
  readonly httpClient?: Layer.Layer<HttpClient.HttpClient> | undefined
  /** Instead of `Endpoint.fixed(url)`. */
  readonly endpoint?: Endpoint.Endpoint | undefined
}

/**
 * The real client, `OperationsClient.layer` over `NodeHttpClient.layerUndici`, built for the life of the
 * scope (its undici Agent is destroyed with it). The attempt timeout and the call's are 1 and 2 hours unless
 * given, so that the TestClock driver never fires them by accident; retries: 3, 100 ms apart; spans on, so
 * that what they record is checked too.
 */
export const makeClient = (
  url: string,
  options: ClientOptions = {}
): Effect.Effect<OperationsClient.Service, Endpoint.InvalidEndpoint | OperationsError.InvalidHeader, Scope.Scope> =>
  Effect.map(
    Layer.build(
      OperationsClient.layer({
        endpoint: options.endpoint ?? Endpoint.fixed(url),
        timeout: options.timeout ?? "1 hour",
        totalTimeout: "2 hours",
        spans: true,
        retryPolicy: options.retryPolicy ?? retries(3),
        ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes })
      }).pipe(
        Layer.provide(options.credentials ?? secretCredentials),
        Layer.provide(options.httpClient ?? NodeHttpClient.layerUndici)
      )
    ),
    (context) => Context.get(context, OperationsClient.OperationsClient)
  )

/** The client as a layer, for the poller's functions. */
export const clientLayer = (service: OperationsClient.Service): Layer.Layer<OperationsClient.OperationsClient> =>
  Layer.succeed(OperationsClient.OperationsClient, service)

// -----------------------------------------------------------------------------
// a bare loopback server, a counting proxy, a free port
// -----------------------------------------------------------------------------

/** What the bare server answers: a status, headers and a body, or a function that writes the answer itself. */
export type RawAnswer =
  | { readonly status?: number; readonly headers?: Readonly<Record<string, string>>; readonly body: string }
  | ((request: Http.IncomingMessage, response: Http.ServerResponse) => void)

/** A bare HTTP server on loopback. */
export interface RawServer {
  readonly url: string
  readonly port: number
  /** Requests received so far (method and raw target). */
  readonly requests: Array<{ readonly method: string; readonly url: string; readonly headers: Http.IncomingHttpHeaders }>
  /** Sockets accepted so far. */
  readonly connections: () => number
}

/** Starts a bare HTTP server on 127.0.0.1 for the life of the scope; `answer` is asked for each request. */
export const rawServer = (
  answer: (request: Http.IncomingMessage, index: number) => RawAnswer
): Effect.Effect<RawServer, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ server: Http.Server; raw: RawServer }>((resume) => {
      const requests: RawServer["requests"] = []
      let connections = 0
      const server = Http.createServer((request, response) => {
        const index = requests.length
        requests.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers })
        request.resume()
        const chosen = answer(request, index)
        if (typeof chosen === "function") return chosen(request, response)
        response.writeHead(chosen.status ?? 200, {
          "content-type": "application/json; charset=UTF-8",
          ...chosen.headers
        })
        response.end(chosen.body)
      })
      server.on("connection", () => {
        connections++
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(Effect.succeed({
          server,
          raw: { url: `http://127.0.0.1:${port}`, port, requests, connections: () => connections }
        }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ raw }) => raw))

/** A TCP proxy on loopback in front of `port` that counts the connections it accepts and their remote ports. */
export interface CountingProxy {
  readonly url: string
  readonly accepted: () => number
  readonly remotePorts: () => ReadonlySet<number>
}

/** Starts a {@link CountingProxy} for the life of the scope. */
export const countingProxy = (port: number): Effect.Effect<CountingProxy, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ server: Net.Server; sockets: Set<Net.Socket>; proxy: CountingProxy }>((resume) => {
      const sockets = new Set<Net.Socket>()
      const ports = new Set<number>()
      let accepted = 0
      const track = (socket: Net.Socket) => {
        sockets.add(socket)
        socket.on("close", () => sockets.delete(socket))
        socket.on("error", () => socket.destroy())
      }
      const server = Net.createServer((client) => {
        accepted++
        if (client.remotePort !== undefined) ports.add(client.remotePort)
        const upstream = Net.connect(port, "127.0.0.1")
        track(client)
        track(upstream)
        client.pipe(upstream)
        upstream.pipe(client)
        client.on("close", () => upstream.destroy())
        upstream.on("close", () => client.destroy())
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const listening = typeof address === "object" && address !== null ? address.port : 0
        resume(Effect.succeed({
          server,
          sockets,
          proxy: { url: `http://127.0.0.1:${listening}`, accepted: () => accepted, remotePorts: () => ports }
        }))
      })
    }),
    ({ server, sockets }) =>
      Effect.async<void>((resume) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ proxy }) => proxy))

/** A loopback port nothing listens on (bound, then released). */
export const freePort: Effect.Effect<number> = Effect.async<number>((resume) => {
  const server = Net.createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

// -----------------------------------------------------------------------------
// recording Logger and Tracer
// -----------------------------------------------------------------------------

/** Everything a scenario logged and traced. */
export interface Recorder {
  readonly lines: Array<string>
  readonly attributes: Array<readonly [string, string, unknown]>
  readonly spanNames: Array<string>
}

/** A Logger that keeps every line as the default formatter writes it (message, annotations, spans, cause). */
export const recordingLogger = (recorder: Recorder): Logger.Logger<unknown, void> =>
  Logger.map(Logger.logfmtLogger, (line) => {
    recorder.lines.push(line)
  })

class RecordingSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId = Math.random().toString(16).slice(2)
  readonly traceId: string
  readonly sampled = true
  status: Tracer.SpanStatus
  readonly attributes = new Map<string, unknown>()
  links: Array<Tracer.SpanLink>
  constructor(
    readonly recorder: Recorder,
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind
  ) {
    this.traceId = Option.match(parent, { onNone: () => "trace", onSome: (span) => span.traceId })
    this.status = { _tag: "Started", startTime }
    this.links = Array.from(links)
    recorder.spanNames.push(name)
  }
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
    this.recorder.attributes.push([this.name, "exit", exit])
  }
  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
    this.recorder.attributes.push([this.name, key, value])
  }
  event(name: string, _startTime: bigint, attributes?: Record<string, unknown>): void {
    this.recorder.attributes.push([this.name, `event:${name}`, attributes ?? {}])
  }
  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links.push(...links)
  }
}

/** A Tracer that records every span's name, attributes, events and exit. */
export const recordingTracer = (recorder: Recorder): Tracer.Tracer =>
  Tracer.make({
    span: (name, parent, context, links, startTime, kind) =>
      new RecordingSpan(recorder, name, parent, context, links, startTime, kind),
    context: (f) => f()
  })

// -----------------------------------------------------------------------------
// exits
// -----------------------------------------------------------------------------

/** The typed error of a failed exit; dies (failing the test) on success, defects or interruption. */
export const failureOf = <A, E>(exit: Exit.Exit<A, E>): Effect.Effect<E> =>
  Exit.match(exit, {
    onSuccess: (value) => Effect.dieMessage(`expected a failure, got ${JSON.stringify(value)}`),
    onFailure: (cause) =>
      Option.match(Cause.failureOption(cause), {
        onNone: () => Effect.dieMessage(`expected a typed failure, got ${Cause.pretty(cause)}`),
        onSome: Effect.succeed
      })
  })

/** The value of a successful exit; dies on failure. */
export const successOf = <A, E>(exit: Exit.Exit<A, E>): Effect.Effect<A> =>
  Exit.match(exit, {
    onSuccess: Effect.succeed,
    onFailure: (cause) => Effect.dieMessage(`expected a success, got ${Cause.pretty(cause)}`)
  })
