#!/usr/bin/env node
/**
 * The `lro` executable: runs `Cli.run` with Node's context and our HTTP client (`UndiciHttpClient`), and
 * exits with its code (130 when interrupted by SIGINT or SIGTERM).
 *
 * @since 0.1.0
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import * as Cli from "./Cli.js"

// `lro list ... | head -1`: a closed pipe ends the process quietly, as other command-line tools do.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(Cli.exitCodes.ok)
  throw error
})

let code: number = Cli.exitCodes.ok

const main = Cli.run(process.argv.slice(2)).pipe(
  Effect.tap((result) => Effect.sync(() => (code = result))),
  Effect.provide(Layer.merge(NodeContext.layer, UndiciHttpClient.layer()))
)

NodeRuntime.runMain(main, {
  disableErrorReporting: true,
  teardown: (exit, onExit) =>
    onExit(
      Exit.isSuccess(exit) ? code : Exit.isInterrupted(exit) ? Cli.exitCodes.interrupted : Cli.exitCodes.internal
    )
})
