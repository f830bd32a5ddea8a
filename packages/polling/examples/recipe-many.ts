/**
 * A recipe of docs/polling.md, type-checked.
 */
import { OperationPoller } from "@longrunning/polling"
import { Operation } from "@longrunning/schema"
import { Effect, Stream } from "effect"

declare const names: ReadonlyArray<string>

export const finished = OperationPoller.watchAll(names, { concurrency: 16, requestsPerSecond: 50 }).pipe(
  Stream.filter((event) => event._tag === "WatchFailed" || Operation.isDone(event.operation)),
  Stream.runForEach((event) =>
    event._tag === "WatchFailed"
      ? Effect.logError(`${event.name}: ${event.error.message}`)
      : Effect.log(`${event.name}: ${event.operation._tag}`)
  )
)

export {}
