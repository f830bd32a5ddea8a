import * as Terminal from "@effect/platform/Terminal"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as FiberRefs from "effect/FiberRefs"
import * as Logger from "effect/Logger"
import * as Format from "./format.js"

/** A line on stdout. */
export const out = (text: string): Effect.Effect<void> => Console.log(text)

/** A line on stderr. */
export const err = (text: string): Effect.Effect<void> => Console.error(text)

/** Whether stdout is a terminal (live progress) or a pipe or file (plain lines). */
export const isTTY: Effect.Effect<boolean, never, Terminal.Terminal> = Effect.flatMap(Terminal.Terminal, (t) => t.isTTY)

/** Colour and other styling only on a terminal, and not when `NO_COLOR` is set to anything (no-color.org). */
export const colour: Effect.Effect<boolean, never, Terminal.Terminal> = Effect.zipWith(
  isTTY,
  Effect.orElseSucceed(Config.string("NO_COLOR").pipe(Config.withDefault("")), () => ""),
  (tty, noColor) => tty && noColor === ""
)

// CSI sequences (SGR styles among them), as @effect/cli's help and error documents are rendered.
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const csi = /\u001b\[[0-?]*[ -/]*[@-~]/g

const plain = (args: ReadonlyArray<unknown>): ReadonlyArray<unknown> =>
  args.map((arg) => (typeof arg === "string" ? arg.replace(csi, "") : arg))

/**
 * Runs `effect` with a Console whose lines carry no styling: @effect/cli renders help and usage errors with
 * ANSI styles whatever the output is, so they are taken out again where {@link colour} says no.
 */
export const withoutStyles = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.consoleWith((sink) =>
    Effect.withConsole(effect, {
      ...sink,
      log: (...args) => sink.log(...plain(args)),
      error: (...args) => sink.error(...plain(args))
    })
  )

const clearLine = "\r\u001b[2K"

/**
 * A line redrawn in place on a terminal: `draw` replaces it, `done` clears it so that ordinary lines follow.
 * Writes go through the Terminal, whose `display` writes to stdout without a newline.
 */
export interface LiveLine {
  readonly draw: (text: string) => Effect.Effect<void>
  readonly clear: Effect.Effect<void>
}

export const liveLine: Effect.Effect<LiveLine, never, Terminal.Terminal> = Effect.gen(function*() {
  const terminal = yield* Terminal.Terminal
  let drawn = false
  const write = (text: string) => Effect.ignore(terminal.display(text))
  return {
    draw: (text) =>
      Effect.flatMap(terminal.columns, (columns) => {
        drawn = true
        const width = columns > 1 ? columns - 1 : 200
        return write(clearLine + (text.length > width ? text.slice(0, width - 1) + "…" : text))
      }),
    clear: Effect.suspend(() => {
      if (!drawn) return Effect.void
      drawn = false
      return write(clearLine)
    })
  }
})

/**
 * Log lines (the poller's "trying again" warnings) go to stderr, as `lro: warning: ...`, so that stdout
 * stays parseable; they are written through the Console in context.
 */
export const stderrLogger: Logger.Logger<unknown, void> = Logger.make(({ context, logLevel, message }) => {
  const services = FiberRefs.getOrDefault(context, DefaultServices.currentServices)
  const sink = Context.get(services, Console.Console).unsafe
  const parts = Array.isArray(message) ? message : [message]
  const text = parts.map((part) => (typeof part === "string" ? part : JSON.stringify(part))).join(" ")
  // A log line may quote a server's error message.
  sink.error(`lro: ${logLevel.label.toLowerCase()}: ${Format.escape(text)}`)
})

/** Replaces the default logger with {@link stderrLogger}. */
export const loggerLayer = Logger.replace(Logger.defaultLogger, stderrLogger)
