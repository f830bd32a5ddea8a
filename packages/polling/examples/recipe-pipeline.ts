/**
 * A recipe of docs/polling.md, type-checked.
 */
import { OperationPoller } from "@longrunning/polling"
import { Operation } from "@longrunning/schema"
import { Stream } from "effect"

export const states = OperationPoller.watch("projects/p/regions/us-central1/operations/1").pipe(
  Stream.map((op) => op._tag),
  Stream.changes,
  Stream.takeUntil((tag) => tag !== "Running")
)
export const doneOnly = OperationPoller.watch("projects/p/regions/us-central1/operations/1").pipe(
  Stream.filter(Operation.isDone)
)

export {}
