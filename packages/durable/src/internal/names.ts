import * as OperationsError from "@longrunning/http/OperationsError"
import * as OperationName from "@longrunning/schema/OperationName"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Loop from "./loop.js"

/**
 * The payload of a wait: the operation as given (a name under `grammar`, or a full operation URL, which the
 * client polls at its own host and version), checked before anything is stored; the timeout in milliseconds.
 */
export const payloadOf = (
  operation: string,
  grammar: OperationName.Grammar,
  timeout: Duration.DurationInput | undefined
): Effect.Effect<{ readonly operation: string; readonly timeout?: number }, OperationsError.InvalidName> =>
  Either.match(OperationName.parseReference(operation, grammar), {
    onLeft: (error) => Effect.fail(new OperationsError.InvalidName({ method: "get", input: operation, reason: error.message })),
    onRight: () => Effect.succeed(timeout === undefined ? { operation } : { operation, timeout: Loop.toMillis(timeout) })
  })
