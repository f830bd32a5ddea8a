import * as OperationsClient from "@longrunning/http/OperationsClient"
import * as OperationsError from "@longrunning/http/OperationsError"
import * as Code from "@longrunning/schema/Code"
import * as Status from "@longrunning/schema/Status"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Clock from "effect/Clock"
import type { Options, TestOperations } from "../TestOperations.js"
import * as Statuses from "@longrunning/emulator/Statuses"
import * as Script from "./script.js"
import type * as Wire from "@longrunning/emulator/Wire"

const empty = { "@type": "type.googleapis.com/google.protobuf.Empty" }

const millis = (after: Duration.DurationInput): number => Duration.toMillis(Duration.decode(after))

const withMetadata = (options: { readonly metadata?: unknown } | undefined) =>
  options?.metadata === undefined ? {} : { metadata: options.metadata }

/** The control API over a script. */
export const service = (script: Script.Script): TestOperations.Service => ({
  create: (name, options) => script.create(name, options?.metadata),
  setMetadata: (name, metadata) => script.change(name, { _tag: "Metadata", metadata }, "setMetadata"),
  complete: (name, response, options) =>
    script.change(name, { _tag: "Complete", response: response ?? empty, ...withMetadata(options) }, "complete"),
  fail: (name, error, options) => script.change(name, { _tag: "Fail", error, ...withMetadata(options) }, "fail"),
  finishWithoutResult: (name, options) =>
    script.change(name, { _tag: "FinishWithoutResult", ...withMetadata(options) }, "finishWithoutResult"),
  progress: (name, steps) =>
    Effect.forEach(
      steps,
      (step) => script.schedule(name, millis(step.after), { _tag: "Metadata", metadata: step.metadata }, "progress"),
      { discard: true }
    ),
  completeAt: (name, after, response, options) =>
    script.schedule(
      name,
      millis(after),
      { _tag: "Complete", response: response ?? empty, ...withMetadata(options) },
      "completeAt"
    ),
  failAt: (name, after, error, options) =>
    script.schedule(name, millis(after), { _tag: "Fail", error, ...withMetadata(options) }, "failAt"),
  finishWithoutResultAt: (name, after, options) =>
    script.schedule(name, millis(after), { _tag: "FinishWithoutResult", ...withMetadata(options) }, "finishWithoutResultAt"),
  injectError: (status, options) =>
    script.addError({
      status,
      methods: options?.methods === undefined
        ? undefined
        : typeof options.methods === "string"
        ? [options.methods]
        : options.methods,
      name: options?.name,
      times: options?.times ?? Infinity
    }),
  unimplemented: (methods, options) =>
    script.addError({
      status: Statuses.unimplemented(typeof methods === "string" ? [methods] : methods),
      methods: typeof methods === "string" ? [methods] : methods,
      name: options?.name,
      times: Infinity
    }),
  removeError: script.removeError,
  clearErrors: script.clearErrors,
  peek: script.peek,
  operations: script.operations,
  pending: script.pending,
  calls: script.calls,
  clearCalls: script.clearCalls
})

const noParams: Wire.ListParams = { pageSize: null, pageToken: null, filter: null, returnPartialSuccess: null }

/** The in-memory transport: answers become JSON, scripted errors become the ApiError the HTTP client makes. */
export const transport = (
  script: Script.Script,
  clock: Clock.Clock,
  latency: Duration.Duration
): OperationsClient.Transport => {
  const call = (method: Script.Method, name: string, params: Wire.ListParams) => {
    const served = Effect.flatMap(script.serve(method, name, params), (answer) =>
      answer._tag === "Ok"
        ? Effect.succeed<OperationsClient.Answer>({ json: answer.json, httpStatus: 200 })
        : Effect.fail(
          new OperationsError.ApiError({
            method,
            operation: name,
            httpStatus: Code.httpStatus(answer.status.code),
            status: answer.status,
            retryAfter: Status.retryDelay(answer.status)
          })
        ))
    return Duration.toMillis(latency) === 0 ? served : Effect.zipRight(clock.sleep(latency), served)
  }
  return {
    get: (name) => call("get", name, noParams),
    list: (collection, options) =>
      call("list", collection, {
        pageSize: options.pageSize === undefined ? null : String(options.pageSize),
        pageToken: options.pageToken ?? null,
        filter: options.filter ?? null,
        returnPartialSuccess: options.returnPartialSuccess === undefined ? null : String(options.returnPartialSuccess)
      }),
    cancel: (name) => call("cancel", name, noParams),
    delete: (name) => call("delete", name, noParams)
  }
}

/** A fresh script on the Clock of the context. */
export const makeScript = (options: Options, label: string) =>
  Effect.map(Effect.clock, (clock) => ({
    clock,
    script: Script.make(clock, { strict: options.strict === true, label })
  }))
