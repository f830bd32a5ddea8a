/**
 * Running `lro` in-process: captured stdout/stderr (a test Console and Terminal), an isolated environment
 * (a ConfigProvider from a map, never the process's), the real HTTP client over loopback, and a TestClock
 * driver for commands that poll.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodePath from "@effect/platform-node/NodePath"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Terminal from "@effect/platform/Terminal"
import { TestClockDriver } from "@longrunning/testing"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Console from "effect/Console"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Cli from "../src/Cli.js"

/** What a run wrote. */
export interface Output {
  readonly stdout: () => string
  readonly stderr: () => string
  readonly console: Console.Console
  readonly terminal: Terminal.Terminal
}

const show = (args: ReadonlyArray<unknown>): string =>
  args.map((arg) => (typeof arg === "string" ? arg : String(arg))).join(" ")

/** A Console and a Terminal writing into two strings; `isTTY` says what the Terminal claims. */
export const makeOutput = (options: { readonly isTTY?: boolean; readonly columns?: number } = {}): Output => {
  let stdout = ""
  let stderr = ""
  const toOut = (...args: ReadonlyArray<unknown>) => {
    stdout += show(args) + "\n"
  }
  const toErr = (...args: ReadonlyArray<unknown>) => {
    stderr += show(args) + "\n"
  }
  const noop = () => {}
  const unsafe: Console.UnsafeConsole = {
    assert: noop,
    clear: noop,
    count: noop,
    countReset: noop,
    debug: toErr,
    dir: toOut,
    dirxml: toOut,
    error: toErr,
    group: noop,
    groupCollapsed: noop,
    groupEnd: noop,
    info: toOut,
    log: toOut,
    table: toOut,
    time: noop,
    timeEnd: noop,
    timeLog: noop,
    trace: toErr,
    warn: toErr
  }
  const sync = (f: (...args: ReadonlyArray<unknown>) => void) => (...args: ReadonlyArray<unknown>) =>
    Effect.sync(() => f(...args))
  const console: Console.Console = {
    [Console.TypeId]: Console.TypeId,
    assert: () => Effect.void,
    clear: Effect.void,
    count: () => Effect.void,
    countReset: () => Effect.void,
    debug: sync(toErr),
    dir: sync(toOut),
    dirxml: sync(toOut),
    error: sync(toErr),
    group: () => Effect.void,
    groupEnd: Effect.void,
    info: sync(toOut),
    log: sync(toOut),
    table: sync(toOut),
    time: () => Effect.void,
    timeEnd: () => Effect.void,
    timeLog: () => Effect.void,
    trace: sync(toErr),
    warn: sync(toErr),
    unsafe
  }
  const terminal: Terminal.Terminal = {
    columns: Effect.succeed(options.columns ?? 120),
    rows: Effect.succeed(40),
    isTTY: Effect.succeed(options.isTTY ?? false),
    readInput: Effect.dieMessage("the test terminal has no input"),
    readLine: Effect.dieMessage("the test terminal has no input"),
    display: (text) =>
      Effect.sync(() => {
        stdout += text
      })
  }
  return { stdout: () => stdout, stderr: () => stderr, console, terminal }
}

/** Options of an in-process run. */
export interface RunOptions {
  /** The environment variables the run sees (none by default). */
  readonly env?: Readonly<Record<string, string>> | undefined
  /** Where output goes; a fresh non-TTY capture by default. */
  readonly output?: Output | undefined
  /** The HTTP client; the real one (undici) by default. */
  readonly httpClient?: Layer.Layer<HttpClient.HttpClient> | undefined
}

/** The result of a run. */
export interface Result {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs `lro args` in-process and returns its exit code with what it printed. */
export const lro = (args: ReadonlyArray<string>, options: RunOptions = {}): Effect.Effect<Result> =>
  Effect.gen(function*() {
    const output = options.output ?? makeOutput()
    const code = yield* Cli.run(args).pipe(
      Effect.withConsole(output.console),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(options.env ?? {})))),
      Effect.provide(Layer.mergeAll(
        NodeFileSystem.layer,
        NodePath.layer,
        Layer.succeed(Terminal.Terminal, output.terminal),
        options.httpClient ?? NodeHttpClient.layerUndici
      ))
    )
    return { code, stdout: output.stdout(), stderr: output.stderr() }
  })

/**
 * Runs a forked fiber on the TestClock (`TestClockDriver` from @longrunning/testing) until it ends or, when
 * given, `until` holds. The horizon stays under the client's 30 s attempt timeout, so a request in flight
 * over a real socket is never timed out by time that did not pass for it.
 */
export const drive = <A, E>(
  fiber: Fiber.RuntimeFiber<A, E>,
  horizon: Duration.DurationInput = "20 seconds",
  until?: Effect.Effect<boolean>
): Effect.Effect<Option.Option<Exit.Exit<A, E>>> =>
  until === undefined
    ? Effect.map(TestClockDriver.drive(fiber, { horizon }), Option.some)
    : TestClockDriver.driveUntil(fiber, until, { horizon })

/** Forks `effect`, drives it to its end and gives back its result. */
export const driven = <A, E>(effect: Effect.Effect<A, E>, horizon?: Duration.DurationInput): Effect.Effect<A, E> =>
  Effect.flatten(TestClockDriver.driven(effect, { horizon }))

/** Reads a URL and parses its body as JSON. */
export const fetchJson = (url: string): Effect.Effect<unknown> =>
  Effect.promise(async () => {
    const response = await fetch(url)
    const parsed: unknown = JSON.parse(await response.text())
    return parsed
  })

/** The non-empty lines of a text. */
export const lines = (text: string): ReadonlyArray<string> => text.split("\n").filter((line) => line !== "")
