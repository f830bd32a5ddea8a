import * as OperationStore from "@longrunning/emulator/OperationStore"
import * as Statuses from "@longrunning/emulator/Statuses"
import * as Wire from "@longrunning/emulator/Wire"
import * as OperationsClient from "@longrunning/http/OperationsClient"
import * as OperationsError from "@longrunning/http/OperationsError"
import * as Code from "@longrunning/schema/Code"
import * as Status from "@longrunning/schema/Status"
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { Call, Method, Options, TestOperations } from "../TestOperations.js"

const show = (name: string) => JSON.stringify(name)

const millis = (after: Duration.DurationInput): number => Duration.toMillis(Duration.decode(after))

const outcome = (snapshot: OperationStore.Snapshot): string =>
  snapshot.error !== undefined ? "Failed" : snapshot.response !== undefined ? "Succeeded" : "DoneWithoutResult"

const isCall = (call: OperationStore.Call): call is Call => call.method !== undefined && call.name !== undefined

/** The store the layer runs on: the one given, or a new one on the Clock of the context. */
export const storeOf = (options: Options): Effect.Effect<OperationStore.OperationStore.Service> =>
  options.store === undefined
    ? OperationStore.make({ seed: options.seed, requestIdWindow: options.requestIdWindow })
    : Effect.succeed(options.store)

/** The control API over a store: misuse (an unknown or finished operation, a bad name) is a defect. */
export const service = (store: OperationStore.OperationStore.Service, label: string): TestOperations.Service => {
  const die = (message: string) => Effect.dieMessage(`${label}: ${message}`)

  const checked = (caller: string, name: string, result: Effect.Effect<OperationStore.ChangeResult>) =>
    Effect.flatMap(result, (changed) => {
      switch (changed._tag) {
        case "Changed":
          return Effect.void
        case "AlreadyDone":
          return die(`${caller}(${show(name)}): the operation is already done (${outcome(changed.snapshot)})`)
        case "NotFound":
          return die(
            `${caller}(${show(name)}): no such operation` +
              (changed.deleted ? " (it was deleted)" : "; create it first with TestOperations.create")
          )
      }
    })

  const now = (caller: string, name: string, change: OperationStore.Change) =>
    checked(caller, name, store.change(name, change))

  const later = (caller: string, name: string, after: Duration.DurationInput, change: OperationStore.Change) => {
    const delay = millis(after)
    return !Number.isFinite(delay) || delay < 0
      ? die(`${caller}(${show(name)}): the delay must be a finite duration, got ${delay} ms`)
      : checked(caller, name, store.schedule(name, delay, change))
  }

  const methodList = (methods: Method | ReadonlyArray<Method>): ReadonlyArray<Method> =>
    typeof methods === "string" ? [methods] : methods

  return {
    store,
    create: (name, options) =>
      Effect.flatMap(store.create(name, options), (created) => {
        switch (created._tag) {
          case "Created":
            return Effect.void
          case "InvalidName":
            return die(`create(${show(name)}): not an operation name (projects/P/regions/R/operations/ID or similar)`)
          case "NameTaken":
            return die(`create(${show(name)}): an operation of that name already exists`)
        }
      }),
    simulate: (options) => store.simulate(options),
    setMetadata: (name, metadata) => now("setMetadata", name, OperationStore.setMetadata(metadata)),
    complete: (name, response, options) => now("complete", name, OperationStore.complete(response, options)),
    fail: (name, error, options) => now("fail", name, OperationStore.fail(error, options)),
    finishWithoutResult: (name, options) =>
      now("finishWithoutResult", name, OperationStore.finishWithoutResult(options)),
    progress: (name, steps) =>
      Effect.forEach(
        steps,
        (step) => later("progress", name, step.after, OperationStore.setMetadata(step.metadata)),
        { discard: true }
      ),
    completeAt: (name, after, response, options) =>
      later("completeAt", name, after, OperationStore.complete(response, options)),
    failAt: (name, after, error, options) => later("failAt", name, after, OperationStore.fail(error, options)),
    finishWithoutResultAt: (name, after, options) =>
      later("finishWithoutResultAt", name, after, OperationStore.finishWithoutResult(options)),
    injectError: (status, options) =>
      store.addRule(OperationStore.Fault.Answer({ status }), {
        methods: options?.methods === undefined ? undefined : methodList(options.methods),
        name: options?.name,
        times: options?.times
      }),
    unimplemented: (methods, options) =>
      store.addRule(OperationStore.Fault.Answer({ status: Statuses.unimplemented(methodList(methods)) }), {
        methods: methodList(methods),
        name: options?.name
      }),
    injectFault: (fault, options) => store.addRule(fault, options),
    removeError: store.removeRule,
    clearErrors: store.clearRules,
    peek: store.peek,
    operations: store.operations,
    pending: store.pending,
    calls: Effect.map(store.calls, (calls) => calls.filter(isCall)),
    clearCalls: store.clearCalls
  }
}

const listQuery = (options: OperationsClient.ListOptions): URLSearchParams => {
  const query = new URLSearchParams()
  if (options.pageSize !== undefined) query.set("pageSize", String(options.pageSize))
  if (options.pageToken !== undefined) query.set("pageToken", options.pageToken)
  if (options.filter !== undefined) query.set("filter", options.filter)
  if (options.returnPartialSuccess !== undefined) query.set("returnPartialSuccess", String(options.returnPartialSuccess))
  return query
}

const noBody = Effect.succeed("")

/**
 * The faults on time and the connection, as a double without a socket applies them: a delay is slept on the
 * Clock before the whole answer, a reset is the double's transport error.
 */
export const applyTransport = <E>(
  clock: Clock.Clock,
  fault: OperationStore.Fault | undefined,
  reset: (detail: string) => E
): Effect.Effect<void, E> => {
  switch (fault?._tag) {
    case "Latency":
    case "SlowHeaders":
    case "SlowBody":
      return clock.sleep(fault.delay)
    case "ConnectionReset":
    case "ResetMidBody":
      return Effect.fail(reset(`the connection was reset (a ${fault._tag} fault)`))
    default:
      return Effect.void
  }
}

/**
 * The in-memory transport: the store's replies become JSON, its Statuses the ApiError the HTTP client
 * makes, a fault on the connection the TransportError it would make.
 */
export const transport = (
  store: OperationStore.OperationStore.Service,
  clock: Clock.Clock,
  options: Options
): OperationsClient.Transport => {
  const latency = Duration.decode(options.latency ?? Duration.zero)
  const serveOptions = { strict: options.strict === true, label: "TestOperations" }
  const toAnswer = (
    method: OperationsError.Method,
    operation: string,
    fault: OperationStore.Fault | undefined,
    reply: OperationStore.Reply
  ): Effect.Effect<OperationsClient.Answer, OperationsClient.Error> => {
    switch (reply._tag) {
      case "Json":
        return Effect.succeed({ json: reply.json, httpStatus: 200 })
      case "Error":
        return Effect.fail(
          new OperationsError.ApiError({
            method,
            operation,
            httpStatus: reply.httpStatus ?? Code.httpStatus(reply.status.code),
            status: reply.status,
            retryAfter: Status.retryDelay(reply.status)
          })
        )
      case "Raw": {
        const body = reply.prepared.body
        if (reply.prepared.status === 200 && body.trim() === "") return Effect.succeed({ json: undefined, httpStatus: 200 })
        const parsed = reply.prepared.status === 200 ? parseJson(body) : undefined
        return parsed !== undefined
          ? Effect.succeed({ json: parsed.value, httpStatus: 200 })
          : Effect.dieMessage(
            `TestOperations: a ${fault?._tag ?? "bent"} answer has no meaning without a wire; ` +
              "serve it with TestHttpClient or the Emulator"
          )
      }
    }
  }
  const call = (method: OperationsError.Method, operation: string, request: OperationStore.Request) => {
    const served = Effect.flatMap(store.receive(request, serveOptions), ({ fault, reply }) => {
      const answered = Effect.flatMap(reply, (replied) => toAnswer(method, operation, fault, replied))
      return fault === undefined
        ? answered
        : Effect.zipRight(
          applyTransport(clock, fault, (detail) =>
            new OperationsError.TransportError({ method, operation, reason: "Reset", detail })),
          answered
        )
    })
    return Duration.toMillis(latency) === 0 ? served : Effect.zipRight(clock.sleep(latency), served)
  }
  // The store only reads a request's query: one empty query serves every call that has none.
  const noQuery = new URLSearchParams()
  const route = (route: Wire.Route, query: URLSearchParams = noQuery): OperationStore.Request => ({
    route,
    query,
    body: noBody
  })
  return {
    get: (name) => call("get", name, route({ _tag: "Get", name })),
    list: (collection, listOptions) =>
      call("list", collection, route({ _tag: "List", collection }, listQuery(listOptions))),
    cancel: (name) => call("cancel", name, route({ _tag: "Cancel", name })),
    delete: (name) => call("delete", name, route({ _tag: "Delete", name })),
    start: (request) =>
      call("start", request.path, {
        route: Wire.parseRoute(request.method, `/v1/${request.path}`),
        query: new URLSearchParams(request.query.map(([key, value]): [string, string] => [key, value])),
        body: Effect.succeed(request.body ?? "")
      })
  }
}

const parseJson = (body: string): { readonly value: unknown } | undefined => {
  try {
    return { value: JSON.parse(body) }
  } catch {
    return undefined
  }
}
