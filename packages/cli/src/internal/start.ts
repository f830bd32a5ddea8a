import * as FileSystem from "@effect/platform/FileSystem"
import * as Dataproc from "@longrunning/http/Dataproc"
import type * as OperationsClient from "@longrunning/http/OperationsClient"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Exit from "./exit.js"
import * as Format from "./format.js"

// `lro start`: what the flags say, checked and turned into the client's StartRequest before anything is sent.

/** The methods `lro start` sends. */
export const methods = ["POST", "PUT", "PATCH", "DELETE"] as const

/** An HTTP method of `lro start`. */
export type Method = typeof methods[number]

/** The flags of a start call, as given. */
export interface Input {
  readonly method: Method
  readonly path: string
  /** JSON text, or `@FILE` to read it from a file. */
  readonly data: Option.Option<string>
  /** `KEY=VALUE`, in order; a key given twice is sent twice. */
  readonly params: ReadonlyArray<string>
  readonly requestId: Option.Option<string>
  /** Whether the call goes to Dataproc, whose start methods are known to take a request id. */
  readonly dataproc: boolean
}

/**
 * Where the call takes its request id: a Dataproc start method where `Dataproc.requestIdLocation` says (the
 * place the library's typed calls use); any other call with `--request-id` in the query; `undefined` for a
 * call not known to take one (another service's, or another Dataproc method) without `--request-id`.
 */
export const requestIdLocation = (
  method: Method,
  path: string,
  given: boolean,
  dataproc: boolean
): OperationsClient.RequestIdLocation | undefined => {
  const known = dataproc ? Dataproc.requestIdLocation(method, path) : undefined
  return known ?? (given ? { in: "query" } : undefined)
}

const paramKey = /^[A-Za-z_][A-Za-z0-9_.]*$/

// Printable ASCII without spaces: a path or request id with a control character is refused, not sent.
const printable = /^[\x21-\x7e]+$/

const quoted = (text: string): string => Format.escape(JSON.stringify(text))

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value)

const usage = (message: string) => new Exit.UsageError({ message })

/** Reads `--data`: JSON text, or `@FILE`. */
const readData = (data: string): Effect.Effect<unknown, Exit.UsageError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    let text = data
    let source = "--data"
    if (data.startsWith("@")) {
      const file = data.slice(1)
      if (file === "") return yield* usage("--data @FILE needs a file name after @")
      const fs = yield* FileSystem.FileSystem
      text = yield* fs.readFileString(file).pipe(
        Effect.mapError((error) => usage(`--data: cannot read ${quoted(file)}: ${Format.escape(error.message)}`))
      )
      source = `--data @${Format.escape(file)}`
    }
    return yield* Effect.try({
      try: (): unknown => JSON.parse(text),
      catch: (error) =>
        usage(`${source} is not JSON: ${Format.escape(error instanceof Error ? error.message : String(error))}`)
    })
  })

/** Reads the `--param KEY=VALUE` flags into a query. */
const readParams = (params: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const query: Record<string, Array<string>> = {}
    for (const param of params) {
      const at = param.indexOf("=")
      const key = at < 0 ? param : param.slice(0, at)
      if (at < 0 || !paramKey.test(key)) {
        return yield* usage(`--param must be KEY=VALUE with a key of letters, digits, _ and ., got ${quoted(param)}`)
      }
      ;(query[key] ??= []).push(param.slice(at + 1))
    }
    return query
  })

/**
 * The call the flags describe: the body parsed, the query built, the request id placed where the method
 * takes it (the given one, or a fresh one the client adds for a Dataproc method). Nothing is sent here.
 */
export const request = (input: Input): Effect.Effect<OperationsClient.StartRequest, Exit.UsageError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    // The client refuses a bad path too; the CLI says it first, in the flag's words.
    if (input.path.startsWith("/") || !printable.test(input.path)) {
      return yield* usage(
        `the path must be relative to the API version root, in printable ASCII without spaces, e.g. ` +
          `projects/P/regions/R/clusters; got ${quoted(input.path)}`
      )
    }
    if (input.path.split(/[/:]/).some((part) => part === "." || part === "..")) {
      return yield* usage(`the path must not hold . or .. segments, got ${quoted(input.path)}`)
    }
    let body = Option.isSome(input.data) ? yield* readData(input.data.value) : undefined
    const query = yield* readParams(input.params)
    const location = requestIdLocation(input.method, input.path, Option.isSome(input.requestId), input.dataproc)
    if (Option.isSome(input.requestId)) {
      const id = input.requestId.value
      if (!printable.test(id)) {
        return yield* usage(`--request-id must be printable ASCII without spaces, got ${quoted(id)}`)
      }
      if (location?.in === "body") {
        const record = body === undefined ? {} : isRecord(body) ? body : undefined
        if (record === undefined) {
          return yield* usage("--request-id goes into the body of this method, and --data is not a JSON object")
        }
        if (record["requestId"] !== undefined && record["requestId"] !== id) {
          return yield* usage("--request-id differs from the requestId of --data")
        }
        body = { ...record, requestId: id }
      } else {
        const given = query["requestId"]
        if (given !== undefined && given.some((value) => value !== id)) {
          return yield* usage("--request-id differs from --param requestId=...")
        }
        query["requestId"] = [id]
      }
    }
    // A method that takes a request id gets a fresh one here rather than from the client, so that
    // `--dry-run` prints the whole request.
    if (location !== undefined && Option.isNone(input.requestId)) {
      const fresh = yield* Effect.sync(() => globalThis.crypto.randomUUID())
      if (location.in === "body") {
        const record = body === undefined ? {} : isRecord(body) ? body : undefined
        if (record === undefined) return yield* usage("this method takes its request id in the body, and --data is not a JSON object")
        if (record["requestId"] === undefined) body = { ...record, requestId: fresh }
      } else if (!(query["requestId"] ?? []).some((value) => value !== "")) {
        query["requestId"] = [fresh]
      }
    }
    return {
      method: input.method,
      path: input.path,
      query,
      ...(body === undefined ? {} : { body }),
      ...(location === undefined ? {} : { requestId: location })
    }
  })
