import * as Code from "@longrunning/schema/Code"
import * as OperationName from "@longrunning/schema/OperationName"
import * as Status from "@longrunning/schema/Status"
import type * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { Call, HttpRequest, Method, Snapshot } from "../TestOperations.js"
import * as Statuses from "@longrunning/emulator/Statuses"
import * as Wire from "@longrunning/emulator/Wire"

// The scripted state behind TestOperations and TestHttpClient: operations kept as the JSON a server sends,
// changes scheduled on the Clock, injected errors, and the log of calls.

export type { Call, HttpRequest, Method, Snapshot }

export const methods: ReadonlyArray<Method> = ["get", "list", "cancel", "delete"]

type Result =
  | { readonly _tag: "Running" }
  | { readonly _tag: "Succeeded"; readonly response: unknown }
  | { readonly _tag: "Failed"; readonly error: unknown }
  | { readonly _tag: "DoneWithoutResult" }

interface Entry {
  readonly name: string
  metadata: unknown
  result: Result
}

/** A change to an operation, applied now or at a scheduled time. */
export type Change =
  | { readonly _tag: "Metadata"; readonly metadata: unknown }
  | { readonly _tag: "Complete"; readonly response: unknown; readonly metadata?: unknown }
  | { readonly _tag: "Fail"; readonly error: Status.Status; readonly metadata?: unknown }
  | { readonly _tag: "FinishWithoutResult"; readonly metadata?: unknown }

interface Scheduled {
  readonly seq: number
  readonly at: number
  readonly name: string
  readonly change: Change
}

export interface ErrorRule {
  readonly status: Status.Status
  readonly methods: ReadonlyArray<Method> | undefined
  readonly name: string | undefined
  readonly times: number
}

interface StoredRule extends ErrorRule {
  readonly id: number
  remaining: number
}

export type Answer =
  | { readonly _tag: "Ok"; readonly json: unknown }
  | { readonly _tag: "Error"; readonly status: Status.Status }

export interface Script {
  readonly strict: boolean
  readonly now: Effect.Effect<number>
  readonly create: (name: string, metadata: unknown) => Effect.Effect<void>
  readonly change: (name: string, change: Change, caller: string) => Effect.Effect<void>
  readonly schedule: (name: string, afterMillis: number, change: Change, caller: string) => Effect.Effect<void>
  readonly peek: (name: string) => Effect.Effect<Option.Option<Snapshot>>
  readonly operations: Effect.Effect<ReadonlyArray<Snapshot>>
  readonly pending: Effect.Effect<number>
  readonly addError: (rule: ErrorRule) => Effect.Effect<number>
  readonly removeError: (id: number) => Effect.Effect<void>
  readonly clearErrors: Effect.Effect<void>
  readonly calls: Effect.Effect<ReadonlyArray<Call>>
  readonly clearCalls: Effect.Effect<void>
  readonly serve: (
    method: Method,
    name: string,
    params: Wire.ListParams,
    http?: HttpRequest
  ) => Effect.Effect<Answer>
}


const encodeStatus = Schema.encodeEither(Status.Status)

const render = (entry: Entry): Snapshot => ({
  name: entry.name,
  ...(entry.metadata === undefined ? {} : { metadata: entry.metadata }),
  ...(entry.result._tag === "Running" ? {} : { done: true }),
  ...(entry.result._tag === "Failed" ? { error: entry.result.error } : {}),
  ...(entry.result._tag === "Succeeded" ? { response: entry.result.response } : {})
})

const show = (name: string) => JSON.stringify(name)

export const make = (clock: Clock.Clock, options: { readonly strict: boolean; readonly label: string }): Script => {
  const { label, strict } = options
  const operations = new Map<string, Entry>()
  // Names created once, deleted since: a get answers NOT_FOUND, even in strict mode.
  const deleted = new Set<string>()
  let scheduled: Array<Scheduled> = []
  let rules: Array<StoredRule> = []
  let calls: Array<Call> = []
  let seq = 0

  const die = (message: string) => Effect.dieMessage(`${label}: ${message}`)

  const apply = (entry: Entry, change: Change): Effect.Effect<void> => {
    if (change.metadata !== undefined) entry.metadata = change.metadata
    switch (change._tag) {
      case "Metadata":
        return Effect.void
      case "Complete":
        entry.result = { _tag: "Succeeded", response: change.response }
        return Effect.void
      case "FinishWithoutResult":
        entry.result = { _tag: "DoneWithoutResult" }
        return Effect.void
      case "Fail":
        return Either.match(encodeStatus(change.error), {
          onLeft: (error) => die(`the Status of ${show(entry.name)} does not encode: ${error.message}`),
          onRight: (error) => {
            entry.result = { _tag: "Failed", error }
            return Effect.void
          }
        })
    }
  }

  // Scheduled changes take effect lazily, when the state is next read at or after their time: a read at
  // t sees every change due at t, whichever fiber the clock woke first.
  const advance = Effect.flatMap(clock.currentTimeMillis, (now) => {
    const due = scheduled.filter((s) => s.at <= now).sort((a, b) => a.at - b.at || a.seq - b.seq)
    if (due.length === 0) return Effect.succeed(now)
    scheduled = scheduled.filter((s) => s.at > now)
    return Effect.as(
      Effect.forEach(due, (s) => {
        const entry = operations.get(s.name)
        // A change due after the operation ended (cancelled, failed sooner) or was deleted does nothing.
        return entry === undefined || entry.result._tag !== "Running" ? Effect.void : apply(entry, s.change)
      }, { discard: true }),
      now
    )
  })

  const running = (name: string, caller: string): Effect.Effect<Entry> =>
    Effect.suspend(() => {
      const entry = operations.get(name)
      if (entry === undefined) {
        return die(
          `${caller}(${show(name)}): no such operation` +
            (deleted.has(name) ? " (it was deleted)" : "; create it first with TestOperations.create")
        )
      }
      if (entry.result._tag !== "Running") {
        return die(`${caller}(${show(name)}): the operation is already done (${entry.result._tag})`)
      }
      return Effect.succeed(entry)
    })

  const known = (method: Method, name: string): boolean =>
    method === "list"
      ? Array.from(operations.keys()).some((op) => op.startsWith(`${name}/`)) ||
        Array.from(deleted).some((op) => op.startsWith(`${name}/`))
      : operations.has(name) || deleted.has(name)

  const pickError = (method: Method, name: string): Status.Status | undefined => {
    for (const rule of rules) {
      if (rule.remaining <= 0) continue
      if (rule.methods !== undefined && !rule.methods.includes(method)) continue
      if (rule.name !== undefined && rule.name !== name) continue
      rule.remaining -= 1
      return rule.status
    }
    return undefined
  }

  const answer = (method: Method, name: string, params: Wire.ListParams): Answer => {
    switch (method) {
      case "get": {
        const entry = operations.get(name)
        return entry === undefined
          ? { _tag: "Error", status: Statuses.operationNotFound(name) }
          : { _tag: "Ok", json: render(entry) }
      }
      case "list": {
        const prefix = `${name}/`
        const all = Array.from(operations.values()).filter((entry) => entry.name.startsWith(prefix)).map(render)
        return Either.match(Wire.page(all, params), {
          onLeft: (status): Answer => ({ _tag: "Error", status }),
          onRight: (page): Answer => ({ _tag: "Ok", json: Wire.pageBody(page) })
        })
      }
      case "cancel": {
        const entry = operations.get(name)
        if (entry === undefined) return { _tag: "Error", status: Statuses.operationNotFound(name) }
        // Cancelling a done operation changes nothing, as on Google's servers.
        if (entry.result._tag === "Running") {
          entry.result = { _tag: "Failed", error: { code: Code.codes.CANCELLED, message: Statuses.cancelled.message } }
        }
        return { _tag: "Ok", json: {} }
      }
      case "delete": {
        if (!operations.delete(name)) return { _tag: "Error", status: Statuses.operationNotFound(name) }
        deleted.add(name)
        return { _tag: "Ok", json: {} }
      }
    }
  }

  return {
    strict,
    now: clock.currentTimeMillis,
    create: (name, metadata) =>
      Effect.flatMap(advance, () => {
        if (Either.isLeft(OperationName.parse(name))) {
          return die(`create(${show(name)}): not an operation name (projects/P/regions/R/operations/ID or similar)`)
        }
        if (operations.has(name)) return die(`create(${show(name)}): an operation of that name already exists`)
        deleted.delete(name)
        operations.set(name, { name, metadata, result: { _tag: "Running" } })
        return Effect.void
      }),
    change: (name, change, caller) =>
      Effect.flatMap(advance, () => Effect.flatMap(running(name, caller), (entry) => apply(entry, change))),
    schedule: (name, afterMillis, change, caller) =>
      Effect.flatMap(advance, (now) =>
        Effect.flatMap(running(name, caller), () => {
          if (!Number.isFinite(afterMillis) || afterMillis < 0) {
            return die(`${caller}(${show(name)}): the delay must be a finite duration, got ${afterMillis} ms`)
          }
          scheduled.push({ seq: seq++, at: now + afterMillis, name, change })
          return Effect.void
        })),
    peek: (name) => Effect.as(advance, Option.map(Option.fromNullable(operations.get(name)), render)),
    operations: Effect.map(advance, () => Array.from(operations.values()).map(render)),
    pending: Effect.map(advance, () => scheduled.length),
    addError: (rule) =>
      Effect.sync(() => {
        const id = seq++
        rules.push({ ...rule, id, remaining: rule.times })
        return id
      }),
    removeError: (id) =>
      Effect.sync(() => {
        rules = rules.filter((rule) => rule.id !== id)
      }),
    clearErrors: Effect.sync(() => {
      rules = []
    }),
    calls: Effect.sync(() => calls.slice()),
    clearCalls: Effect.sync(() => {
      calls = []
    }),
    serve: (method, name, params, http) =>
      Effect.flatMap(advance, (time) => {
        const injected = pickError(method, name)
        if (injected === undefined && strict && !known(method, name)) {
          calls.push({ method, name, time, code: -1, ...(http === undefined ? {} : { http }) })
          return die(
            `strict mode: ${method} of ${show(name)}, ${
              method === "list" ? "a collection holding no operation" : "an operation"
            } the script never created`
          )
        }
        const result: Answer = injected === undefined ? answer(method, name, params) : { _tag: "Error", status: injected }
        calls.push({
          method,
          name,
          time,
          code: result._tag === "Ok" ? Code.codes.OK : result.status.code,
          ...(http === undefined ? {} : { http })
        })
        return Effect.succeed(result)
      })
  }
}
