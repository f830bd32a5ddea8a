/**
 * The `lro` command: start, get, list, wait for, cancel and delete Google Cloud long-running operations, run the
 * local emulator, and a demo, as an `@effect/cli` `Command` that can be run in-process or from `bin.ts`.
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import type * as CliApp from "@effect/cli/CliApp"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Credentials from "@longrunning/http/Credentials"
import * as Endpoint from "@longrunning/http/Endpoint"
import * as OperationsClient from "@longrunning/http/OperationsClient"
import type * as OperationsError from "@longrunning/http/OperationsError"
import * as OperationPoller from "@longrunning/polling/OperationPoller"
import * as Policy from "@longrunning/polling/Policy"
import type * as Operation from "@longrunning/schema/Operation"
import * as Emulator from "@longrunning/emulator/Emulator"
import * as OperationName from "@longrunning/schema/OperationName"
import * as ServiceProfile from "@longrunning/http/ServiceProfile"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as Demo from "./internal/demo.js"
import * as Durable from "./internal/durable.js"
import * as Exit from "./internal/exit.js"
import * as Format from "./internal/format.js"
import * as Output from "./internal/output.js"
import * as Service from "./internal/service.js"
import * as Start from "./internal/start.js"

/**
 * The version `lro --version` prints.
 *
 * @example
 * ```ts
 * import { Cli } from "@longrunning/cli"
 *
 * Cli.version // "0.1.0"
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const version = "0.1.0"

/**
 * The exit codes of `lro`: 0 done (or the call worked), 1 the operation failed, 2 usage or invalid input
 * (nothing was sent), 3 an API or transport error, 4 `--timeout` ran out (`wait`: the operation was not done
 * in time), 70 a bug, 130 interrupted.
 *
 * @example
 * ```ts
 * import { Cli } from "@longrunning/cli"
 *
 * Cli.exitCodes.timeout // 4
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const exitCodes: {
  readonly ok: 0
  readonly failed: 1
  readonly usage: 2
  readonly api: 3
  readonly timeout: 4
  readonly internal: 70
  readonly interrupted: 130
} = Exit.codes

/**
 * The exit code for an error a command failed with (see {@link exitCodes}).
 *
 * @example
 * ```ts
 * import { Cli } from "@longrunning/cli"
 * import { OperationsError } from "@longrunning/http"
 *
 * Cli.exitCodeOf(new OperationsError.InvalidName({ method: "get", input: "x", reason: "not a name" })) // 2
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const exitCodeOf: (error: unknown) => number = Exit.codeOf

/**
 * What the commands need from their context: `@effect/cli`'s environment (`NodeContext.layer` gives it) and
 * an `HttpClient` (`UndiciHttpClient.layer()`, or any other). Output goes through the `Console` (lines) and the
 * `Terminal` (the live progress line of `wait` when stdout is a terminal).
 *
 * @example
 * ```ts
 * import type { Cli } from "@longrunning/cli"
 * import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
 * import { NodeContext } from "@effect/platform-node"
 * import type { Layer } from "effect"
 *
 * const environment: Layer.Layer<Cli.Environment> = Layer.merge(NodeContext.layer, UndiciHttpClient.layer())
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Environment = CliApp.CliApp.Environment | HttpClient.HttpClient

// -----------------------------------------------------------------------------
// common options
// -----------------------------------------------------------------------------

const endpointOption = Options.text("endpoint").pipe(
  Options.withDescription(
    "Base URL of the API (https, or http for a loopback emulator). Env: LRO_ENDPOINT. " +
      "Default: https://dataproc.googleapis.com/"
  ),
  Options.optional
)

const accessTokenOption = Options.redacted("access-token").pipe(
  Options.withDescription(
    "OAuth 2.0 access token (e.g. `gcloud auth print-access-token`). Env: GOOGLE_OAUTH_ACCESS_TOKEN; otherwise " +
      "Application Default Credentials. A loopback endpoint gets no credentials unless this flag is given."
  ),
  Options.optional
)

const quotaProjectOption = Options.text("quota-project").pipe(
  Options.withDescription("The project billed for quota (x-goog-user-project)."),
  Options.optional
)

// A choice of @effect/cli would refuse `--format yaml` without naming the flag.
const formatOption = Options.text("format").pipe(
  Options.withDescription("text (default) for people; json prints Google's JSON (one object per line for list and wait)."),
  Options.withDefault("text"),
  Options.mapEffect((value): Effect.Effect<"text" | "json", ValidationError.ValidationError> =>
    value === "text" || value === "json"
      ? Effect.succeed(value)
      : Effect.fail(ValidationError.invalidValue(
        HelpDoc.p(`--format must be text or json, got ${Format.escape(JSON.stringify(value))}`)
      ))
  )
)

const requestTimeoutOption = Options.text("request-timeout").pipe(
  Options.withDescription(
    "Give up on one HTTP attempt after this long, e.g. 10s (default 30s); transient failures are tried again."
  ),
  Options.optional
)

const timeoutOption = Options.text("timeout").pipe(
  Options.withDescription(
    "Give up on the whole command after this long, e.g. 2m (exit 4); for wait, on the wait. No limit by default."
  ),
  Options.optional
)

const serviceOption = Options.text("service").pipe(
  Options.withDescription(
    "The API, by its profile id: dataproc (default), aiplatform, run, spanner, cloudbuild ... (an unknown one " +
      "lists them all). A full operation URL as the name names its own."
  ),
  Options.optional
)

const apiVersionOption = Options.text("api-version").pipe(
  Options.withDescription("The API version, one the service has (default: its first, v1 for Dataproc)."),
  Options.optional
)

const dryRunOption = Options.boolean("dry-run").pipe(
  Options.withDescription(
    "Print the request that would be sent (GET https://...) and send nothing: no credentials, no connection."
  )
)

// What every command that calls an API takes; `worker` sends nothing of its own to dry-run.
const connection = {
  endpoint: endpointOption,
  accessToken: accessTokenOption,
  quotaProject: quotaProjectOption,
  format: formatOption,
  requestTimeout: requestTimeoutOption,
  timeout: timeoutOption,
  service: serviceOption,
  apiVersion: apiVersionOption
}

const common = { ...connection, dryRun: dryRunOption }

interface Common {
  readonly service: Option.Option<string>
  readonly apiVersion: Option.Option<string>
  readonly dryRun: boolean
  readonly endpoint: Option.Option<string>
  readonly accessToken: Option.Option<Redacted.Redacted<string>>
  readonly quotaProject: Option.Option<string>
  readonly format: "text" | "json"
  readonly requestTimeout: Option.Option<string>
  readonly timeout: Option.Option<string>
}

// Header values: printable ASCII without spaces. A CR or LF would be refused by the HTTP stack on every
// attempt, so it is bad input (exit 2), caught before anything is sent.
const headerSafe = /^[\x21-\x7e]+$/

/** The common flags checked, durations parsed: the same for every command, before anything is sent. */
const commonFlags = (options: Common) =>
  Effect.gen(function*() {
    const requestTimeout = yield* optionalDuration("request-timeout", options.requestTimeout)
    const timeout = yield* optionalDuration("timeout", options.timeout)
    if (Option.isSome(options.quotaProject) && !headerSafe.test(options.quotaProject.value)) {
      return yield* new Exit.UsageError({
        message: `--quota-project must be printable ASCII without spaces (it is sent as a header), got ${
          Format.escape(JSON.stringify(options.quotaProject.value))
        }`
      })
    }
    if (Option.isSome(options.accessToken) && !headerSafe.test(Redacted.value(options.accessToken.value))) {
      return yield* new Exit.UsageError({
        message: "--access-token must be printable ASCII without spaces (it is sent as a header)"
      })
    }
    return { requestTimeout, timeout }
  })

// google-auth-library is loaded only when Application Default Credentials are needed.
const googleAuth: Layer.Layer<Credentials.Credentials, Credentials.CredentialsError, HttpClient.HttpClient> = Layer
  .unwrapEffect(
    Effect.tryPromise({
      try: () => import("@longrunning/http/GoogleAuth"),
      catch: (cause) =>
        new Credentials.CredentialsError({
          message: `Application Default Credentials need google-auth-library: ${String(cause)}`
        })
    }).pipe(Effect.map((GoogleAuth) => GoogleAuth.layer()))
  )

// Empty variables count as unset, as `LRO_ENDPOINT= lro ...` is easy to write in a shell.
const envToken = Config.redacted("GOOGLE_OAUTH_ACCESS_TOKEN").pipe(
  Config.option,
  Config.map(Option.filter((token) => Redacted.value(token) !== ""))
)

const envEndpoint = Config.string("LRO_ENDPOINT").pipe(
  Config.option,
  Config.map(Option.filter((url) => url !== ""))
)

/** What a command settles before it sends anything: the common flags, the API, where requests go. */
interface Prepared {
  readonly requestTimeout: Duration.Duration | undefined
  readonly timeout: Duration.Duration | undefined
  readonly target: Service.Target
  /** `--endpoint` (or `LRO_ENDPOINT`) checked, or a full-URL name's origin; `undefined`: the service's hosts. */
  readonly url: string | undefined
  /** The client's builder of request lines, for the same options: what a dry run prints. */
  readonly requests: ServiceProfile.Requests
}

/** Checks the common flags, picks the API (from the flags, or from `reference` when it is a full URL). */
const prepare = (options: Common, reference: string | undefined) =>
  Effect.gen(function*() {
    const { requestTimeout, timeout } = yield* commonFlags(options)
    const target = yield* Service.resolve(options, reference)
    const url = yield* endpointUrl(options, target)
    const requests = OperationsClient.requests(routing(target, url))
    return { requestTimeout, timeout, target, url, requests } satisfies Prepared
  })

/** Where requests go when not to the service's own hosts: a full-URL name's origin, else the endpoint given. */
const endpointUrl = (
  options: Common,
  target: Service.Target
): Effect.Effect<string | undefined, Endpoint.InvalidEndpoint | Exit.UsageError> =>
  Effect.gen(function*() {
    if (Option.isSome(target.origin)) {
      // A URL names its host; --endpoint could only contradict it. LRO_ENDPOINT, a default, gives way.
      if (Option.isSome(options.endpoint)) {
        return yield* new Exit.UsageError({
          message: "--endpoint: the name is a full URL, which names its own host; give a plain name with --endpoint"
        })
      }
      return `${target.origin.value}/`
    }
    const fromFlag = options.endpoint
    const url = Option.getOrUndefined(
      Option.isSome(fromFlag) ? fromFlag : yield* Effect.orElseSucceed(envEndpoint, () => Option.none())
    )
    if (url !== undefined && Service.hasUserinfo.test(url)) {
      return yield* new Endpoint.InvalidEndpoint({ reason: "the URL must not carry credentials (user:password@)" })
    }
    if (url !== undefined) yield* Endpoint.validateBaseUrl(url)
    return url
  })

/**
 * Where and how the client sends, the same for its layer and for a dry run's request lines: the service's
 * profile and version, and the endpoint given (or a full URL's origin) instead of the service's hosts.
 */
const routing = (target: Service.Target, url: string | undefined) => ({
  profile: target.profile,
  apiVersion: target.version,
  endpoint: url === undefined ? undefined : Endpoint.fixed(url)
})

/**
 * The client the common options describe: the service's hosts and version (or the endpoint given),
 * credentials (the token given, none for loopback, the env token, else ADC) and quota project.
 */
const clientLayer = (
  options: Common,
  prepared: Prepared,
  wholeTimeout: Duration.Duration | undefined
): Layer.Layer<
  OperationsClient.OperationsClient,
  Endpoint.InvalidEndpoint | OperationsError.InvalidHeader | Credentials.CredentialsError | Exit.UsageError,
  HttpClient.HttpClient
> =>
  Layer.unwrapEffect(Effect.gen(function*() {
    const url = prepared.url
    const loopback = url !== undefined && Endpoint.isLoopbackUrl(url)
    const fromEnv = loopback ? Option.none() : yield* Effect.orElseSucceed(envToken, () => Option.none())
    if (Option.isSome(fromEnv) && !headerSafe.test(Redacted.value(fromEnv.value))) {
      return yield* new Exit.UsageError({
        message: "GOOGLE_OAUTH_ACCESS_TOKEN must be printable ASCII without spaces (it is sent as a header)"
      })
    }
    const token = Option.orElse(options.accessToken, () => fromEnv)
    const credentials = Option.isSome(token)
      ? Credentials.static(token.value)
      : loopback
      ? Credentials.unauthenticated
      : googleAuth
    return OperationsClient.layer({
      ...routing(prepared.target, url),
      quotaProject: Option.getOrUndefined(options.quotaProject),
      apiClient: `lro/${version}`,
      timeout: prepared.requestTimeout,
      // Without --timeout a call ends within the client's total deadline (3 minutes); with it, --timeout
      // bounds the whole command instead (see withClient), so that it alone decides when to give up.
      totalTimeout: wholeTimeout === undefined ? undefined : Duration.infinity
    }).pipe(Layer.provide(credentials))
  }))

/**
 * Runs `effect` with the client the common flags describe. `--timeout` bounds all of it (credentials, every
 * attempt and page) unless `wholeCall` is false (`wait` hands its timeout to the poller instead).
 */
const withClient = <A, E, R>(
  options: Common,
  prepared: Prepared,
  effect: Effect.Effect<A, E, R>,
  wholeCall = true
): Effect.Effect<
  A,
  E | Endpoint.InvalidEndpoint | OperationsError.InvalidHeader | Credentials.CredentialsError | Exit.UsageError | Exit.CommandTimedOut,
  Exclude<R, OperationsClient.OperationsClient> | HttpClient.HttpClient
> =>
  Effect.suspend(() => {
    const timeout = prepared.timeout
    const provided = Effect.provide(effect, clientLayer(options, prepared, wholeCall ? timeout : undefined))
    return !wholeCall || timeout === undefined ? provided : withTimeout(provided, timeout)
  })

/**
 * `--dry-run`: prints the request and sends nothing (no client, so no credentials and no connection).
 * Otherwise runs `effect` with the client, as {@link withClient}.
 */
const send = <A, E, R>(
  options: Common,
  prepared: Prepared,
  request: Service.Request,
  effect: Effect.Effect<A, E, R>,
  wholeCall = true
) =>
  options.dryRun
    ? Output.out(Service.formatRequest(options.format, request))
    : withClient(options, prepared, effect, wholeCall)

/** `effect` bounded by `--timeout`: exit 4 when it runs out. */
const withTimeout = <A, E, R>(effect: Effect.Effect<A, E, R>, timeout: Duration.Duration) =>
  Effect.timeoutFail(effect, {
    duration: timeout,
    onTimeout: () => new Exit.CommandTimedOut({ message: `no answer within ${Duration.format(timeout)} (--timeout)` })
  })

// `lro get projects/p/regions/r/operations`: a collection where an operation is expected, said plainly.
const operationName = (name: string): Effect.Effect<void, Exit.UsageError> =>
  OperationName.isOperationCollection(name)
    ? new Exit.UsageError({
      message: `${Format.escape(JSON.stringify(name))} is a collection, not an operation: \`lro list ${
        Format.escape(name)
      }\` lists its operations`
    })
    : Effect.void

const nameArg = Args.text({ name: "name" }).pipe(
  Args.withDescription("The operation's full name, e.g. projects/P/regions/R/operations/ID")
)

// -----------------------------------------------------------------------------
// get, list, cancel, delete
// -----------------------------------------------------------------------------

/** One operation as `get` prints it: described for people, or Google's JSON indented. */
const printOperation = (format: "text" | "json", operation: Operation.Operation) =>
  format === "json"
    ? Output.out(Format.prettyJson(operation))
    : Effect.flatMap(Clock.currentTimeMillis, (now) => Output.out(Format.describe(operation, now)))

/**
 * get, cancel and delete: the name checked and the API settled, then the request printed (`--dry-run`) or
 * `call` run with the client on the operation's name.
 */
const onOperation = <A, E, R>(
  options: Common & { readonly name: string },
  method: "get" | "cancel" | "delete",
  call: (client: OperationsClient.Service, name: string) => Effect.Effect<A, E, R>
) =>
  Effect.gen(function*() {
    yield* operationName(options.name)
    const prepared = yield* prepare(options, options.name)
    const request = yield* Service.operationRequest(prepared.requests, method, options.name)
    return yield* send(
      options,
      prepared,
      request,
      Effect.flatMap(OperationsClient.OperationsClient, (client) => call(client, options.name))
    )
  })

const getCommand = Command.make("get", { ...common, name: nameArg }, (options) =>
  onOperation(options, "get", (client, name) =>
    Effect.flatMap(client.get(name), (operation) => printOperation(options.format, operation)))).pipe(
    Command.withDescription("Print an operation: its state and progress, or its JSON.")
  )

const positive = (flag: string, value: Option.Option<number>) =>
  Option.isSome(value) && value.value <= 0
    ? Effect.fail(new Exit.UsageError({ message: `--${flag} must be a positive integer, got ${value.value}` }))
    : Effect.succeed(Option.getOrUndefined(value))

const listCommand = Command.make("list", {
  ...common,
  collection: Args.text({ name: "collection" }).pipe(
    Args.withDescription("The collection, e.g. projects/P/regions/R/operations")
  ),
  filter: Options.text("filter").pipe(
    Options.withDescription("A filter in the service's syntax, e.g. status.state = DONE"),
    Options.optional
  ),
  pageSize: Options.integer("page-size").pipe(
    Options.withDescription("The largest page to ask the server for."),
    Options.optional
  ),
  limit: Options.integer("limit").pipe(
    Options.withDescription("Stop after this many operations (pages are fetched as needed)."),
    Options.optional
  )
}, (options) =>
  Effect.gen(function*() {
    const pageSize = yield* positive("page-size", options.pageSize)
    const limit = yield* positive("limit", options.limit)
    if (OperationName.isOperationName(options.collection)) {
      return yield* new Exit.UsageError({
        message: `${Format.escape(JSON.stringify(options.collection))} is an operation, not a collection: \`lro get ${
          Format.escape(options.collection)
        }\` prints it`
      })
    }
    const prepared = yield* prepare(options, options.collection)
    // The first page's request; later pages add their page token.
    const request = yield* Service.operationRequest(prepared.requests, "list", options.collection, {
      filter: Option.getOrUndefined(options.filter),
      pageSize
    })
    yield* send(
      options,
      prepared,
      request,
      Effect.gen(function*() {
        const client = yield* OperationsClient.OperationsClient
        const all = client.listAll(options.collection, {
          filter: Option.getOrUndefined(options.filter),
          pageSize
        })
        // Stream.take ends the stream once `limit` rows are out, so no page after that is fetched.
        const operations = limit === undefined ? all : Stream.take(all, limit)
        if (options.format === "json") {
          return yield* Stream.runForEach(operations, (operation) => Output.out(Format.json(operation)))
        }
        // Rows are printed page by page as they arrive; the first page sets the column widths.
        let widths: ReadonlyArray<number> | undefined
        yield* Stream.runForEachChunk(operations, (page) =>
          Effect.gen(function*() {
            if (Chunk.isEmpty(page)) return
            const now = yield* Clock.currentTimeMillis
            const rows = Chunk.toReadonlyArray(page).map((operation) => listRow(operation, now))
            const header = widths === undefined ? [listHeader] : []
            widths ??= Format.columnWidths(listHeader, rows)
            const sized = widths
            yield* Output.out([...header, ...rows].map((cells) => Format.row(cells, sized)).join("\n"))
          }))
        if (widths === undefined) yield* Output.out(`no operations in ${Format.escape(options.collection)}`)
      })
    )
  })).pipe(
    Command.withDescription("List the operations of a collection, printing each page as it arrives.")
  )

const listHeader = ["ID", "STATE", "KIND", "TARGET", "ELAPSED", "PROGRESS"]

const listRow = (operation: Operation.Operation, now: number): ReadonlyArray<string> => {
  const p = Format.progress(operation)
  const elapsed = Format.elapsedOf(p, now)
  return [
    Format.escape(operation.name.slice(operation.name.lastIndexOf("/") + 1)),
    p.state,
    p.kind,
    p.target,
    elapsed === undefined ? "" : Format.formatElapsed(elapsed),
    p.detail
  ]
}

const cancelCommand = Command.make("cancel", { ...common, name: nameArg }, (options) =>
  onOperation(options, "cancel", (client, name) =>
    Effect.zipRight(
      client.cancel(name),
      Output.out(options.format === "json" ? "{}" : `cancel requested for ${Format.escape(options.name)}`)
    ))).pipe(Command.withDescription("Ask the server to cancel an operation (it later ends with CANCELLED)."))

const deleteCommand = Command.make("delete", { ...common, name: nameArg }, (options) =>
  onOperation(options, "delete", (client, name) =>
    Effect.zipRight(
      client.delete(name),
      Output.out(options.format === "json" ? "{}" : `deleted ${Format.escape(options.name)}`)
    ))).pipe(Command.withDescription("Delete an operation record (it is not cancelled)."))

// -----------------------------------------------------------------------------
// wait
// -----------------------------------------------------------------------------

const durationPattern = /^\s*(\d+(?:\.\d+)?)\s*(ms|millis|milliseconds?|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)?\s*$/

const unitMillis = (unit: string | undefined): number => {
  if (unit === undefined) return 1000
  if (unit.startsWith("ms") || unit.startsWith("milli")) return 1
  if (unit.startsWith("s")) return 1000
  if (unit.startsWith("m")) return 60_000
  return 3_600_000
}

// `90`, `90s`, `500ms`, `2m`, `1.5h` or `10 seconds`; a bare number is seconds.
const parseDuration = (flag: string, text: string): Either.Either<Duration.Duration, Exit.UsageError> => {
  const match = durationPattern.exec(text)
  if (match === null || match[1] === undefined) {
    return Either.left(
      new Exit.UsageError({
        message: `--${flag}: ${Format.escape(JSON.stringify(text))} is not a duration (try 30s, 500ms, 5m)`
      })
    )
  }
  const millis = Number(match[1]) * unitMillis(match[2])
  if (!(millis > 0)) return Either.left(new Exit.UsageError({ message: `--${flag} must be more than zero` }))
  return Either.right(Duration.millis(millis))
}

const optionalDuration = (flag: string, value: Option.Option<string>) =>
  Option.match(value, {
    onNone: () => Either.right(undefined),
    onSome: (text) => Either.map(parseDuration(flag, text), (d): Duration.Duration | undefined => d)
  })

interface PolicyFlags {
  readonly initialDelay: Option.Option<string>
  readonly maxDelay: Option.Option<string>
  readonly multiplier: Option.Option<number>
  readonly backoff: "proportional" | "exponential"
}

/**
 * The polling policy the wait flags describe: `Policy.defaultPolicy` when none is given, otherwise a
 * proportional (or, with `--backoff exponential`, exponential) policy whose missing knobs take the
 * default policy's values (1 s, ×1.23, 60 s).
 */
const policyOf = (flags: PolicyFlags) =>
  Effect.gen(function*() {
    const initial = yield* optionalDuration("initial-delay", flags.initialDelay)
    const max = yield* optionalDuration("max-delay", flags.maxDelay)
    const multiplier = Option.getOrUndefined(flags.multiplier)
    if (initial === undefined && max === undefined && multiplier === undefined && flags.backoff === "proportional") {
      return Policy.defaultPolicy
    }
    const options = {
      initial: initial ?? Duration.seconds(1),
      multiplier: multiplier ?? 1.23,
      max: max ?? Duration.seconds(60)
    }
    return yield* Effect.try({
      try: () => (flags.backoff === "exponential" ? Policy.exponential(options) : Policy.proportional(options)),
      catch: (error) =>
        new Exit.UsageError({ message: error instanceof Error ? error.message : `invalid policy: ${String(error)}` })
    })
  })

const waitFlags = {
  initialDelay: Options.text("initial-delay").pipe(
    Options.withDescription("The delay after the first poll (default 1s)."),
    Options.optional
  ),
  maxDelay: Options.text("max-delay").pipe(
    Options.withDescription("The longest delay between polls (default 60s)."),
    Options.optional
  ),
  multiplier: Options.float("multiplier").pipe(
    Options.withDescription("How fast delays grow, >= 1 (default 1.23)."),
    Options.optional
  ),
  backoff: Options.choice("backoff", ["proportional", "exponential"]).pipe(
    Options.withDescription("proportional: delay = initial + (multiplier - 1) x elapsed; exponential: x multiplier per poll."),
    Options.withDefault("proportional")
  ),
  cancelOnInterrupt: Options.boolean("cancel-on-interrupt").pipe(
    Options.withDescription("On Ctrl-C, cancel the operation and print its state after the cancel.")
  )
}

const waitCommand = Command.make("wait", { ...common, ...waitFlags, ...Durable.waitOptions, name: nameArg }, (options) =>
  Effect.gen(function*() {
    const schedule = yield* policyOf(options)
    yield* operationName(options.name)
    const prepared = yield* prepare(options, options.name)
    const request = yield* Service.waitRequest(prepared.requests, options.name, {
      longPoll: !Durable.requested(options),
      timeout: prepared.timeout,
      attemptTimeout: prepared.requestTimeout ?? OperationsClient.defaultTimeout
    })
    if (Durable.requested(options) && !options.dryRun) {
      return yield* Durable.wait({ ...options, name: Service.operationNameOf(options.name), reference: options.name }, {
        schedule,
        grammar: prepared.target.profile.grammar,
        timeout: prepared.timeout,
        client: clientLayer(options, prepared, undefined),
        show: (snapshots) => showWait(options, options.name, () => snapshots)
      })
    }
    yield* send(options, prepared, request, waitFor(options, options.name, schedule, prepared.timeout), false)
  })).pipe(
    Command.withDescription(
      "Poll an operation until it is done, showing its progress; exit 0 when it succeeded, 1 when it failed."
    )
  )

/**
 * Waits for an operation, from its name (`wait`) or from the snapshot a start call returned (`start --wait`,
 * whose first line is that snapshot), printing its progress; fails with `OperationEndedInError` when it failed.
 */
const waitFor = (
  options: Common & { readonly cancelOnInterrupt: boolean },
  target: OperationPoller.Target,
  schedule: Policy.Policy,
  timeout: Duration.Duration | undefined
) =>
  showWait(options, typeof target === "string" ? target : target.name, (onCancelled) =>
    OperationPoller.watch(target, {
      schedule,
      timeout,
      cancelOnInterrupt: options.cancelOnInterrupt,
      onCancelled
    }))

/**
 * Prints a wait's snapshots as they come (from the poller, or from a durable wait) and its outcome; fails
 * with `OperationEndedInError` when the operation failed.
 */
const showWait = <E, R>(
  options: Pick<Common, "format">,
  target: string,
  source: (onCancelled: OperationPoller.OnCancelled) => Stream.Stream<Operation.Operation, E, R>
) =>
  Effect.gen(function*() {
    // A snapshot's name is the server's text.
    const name = Format.escape(target)
    const json = options.format === "json"
    const live = json ? undefined : (yield* Output.isTTY) ? yield* Output.liveLine : undefined
    const started = yield* Clock.currentTimeMillis
    let last: Operation.Operation | undefined
    let polls = 0
    let printedKey = ""
    let cancelReported = false

    const render = (operation: Operation.Operation, now: number) =>
      Format.line(operation, now, `[${polls} ${polls === 1 ? "poll" : "polls"}, ${Format.formatElapsed(now - started)}]`)

    const onCancelled: OperationPoller.OnCancelled = (after, cancel) =>
      Effect.gen(function*() {
        cancelReported = true
        if (live !== undefined) yield* live.clear
        // "cancel sent" only when the server answered the cancel; otherwise the operation may still run.
        yield* Output.err(
          cancel.answered
            ? `cancel sent for ${name}`
            : `the cancel of ${name} got no answer: the operation may still be running`
        )
        if (Option.isNone(after)) return yield* Output.err("its state after the cancel could not be read")
        const operation = after.value
        // The watch decodes with the untyped schema, so this holds; the fallback only guards the types.
        if (!Format.isUntyped(operation)) return yield* Output.err(`it is now ${operation._tag}`)
        yield* Output.out(json ? Format.json(operation) : render(operation, yield* Clock.currentTimeMillis))
      })

    const snapshots = source(onCancelled)

    const show = (operation: Operation.Operation) =>
      Effect.gen(function*() {
        last = operation
        polls++
        if (json) return yield* Output.out(Format.json(operation))
        const now = yield* Clock.currentTimeMillis
        if (live !== undefined) return yield* live.draw(render(operation, now))
        // Plain lines: one per change of state or progress, not one per poll.
        const p = Format.progress(operation)
        const key = [p.state, p.kind, p.target, p.detail].join("\u0000")
        if (key === printedKey) return
        printedKey = key
        yield* Output.out(render(operation, now))
      })

    const watched = Stream.runForEach(snapshots, show)
    // On a terminal the elapsed time keeps moving between polls: a side fiber redraws the line every second.
    // The watch itself stays on this fiber, so an interrupt runs cancelOnInterrupt's cancel here, before the
    // client's layers close; a race would interrupt the watch in the background, after they closed.
    const ticker = Effect.forever(Effect.zipRight(
      Effect.sleep("1 second"),
      Effect.suspend(() => {
        const current = last
        return current === undefined || live === undefined || cancelReported
          ? Effect.void
          : Effect.flatMap(Clock.currentTimeMillis, (now) => live.draw(render(current, now)))
      })
    ))
    yield* live === undefined ? watched : Effect.scoped(Effect.zipRight(Effect.forkScoped(ticker), watched)).pipe(
      Effect.ensuring(Effect.gen(function*() {
        yield* live.clear
        if (last !== undefined && !cancelReported) yield* Output.out(render(last, yield* Clock.currentTimeMillis))
      }))
    )
    const done = last
    if (done === undefined || done._tag === "Running") return
    if (done._tag === "Failed") {
      return yield* new Exit.OperationEndedInError({ message: Format.status(done.error) })
    }
  })

// -----------------------------------------------------------------------------
// start
// -----------------------------------------------------------------------------

const startCommand = Command.make("start", {
  ...common,
  ...waitFlags,
  path: Args.text({ name: "path" }).pipe(
    Args.withDescription("The method's path below the API version, e.g. projects/P/regions/R/clusters")
  ),
  method: Options.choice("method", Start.methods).pipe(
    Options.withDescription("The HTTP method (default POST)."),
    Options.withDefault("POST")
  ),
  data: Options.text("data").pipe(
    Options.withDescription("The JSON body, or @FILE to read it from a file."),
    Options.optional
  ),
  params: Options.text("param").pipe(
    Options.withDescription("A query parameter KEY=VALUE; repeat the flag for more."),
    Options.repeated
  ),
  requestId: Options.text("request-id").pipe(
    Options.withDescription(
      "The request id (AIP-155) that makes retries safe. Dataproc methods get a fresh one when none is given; " +
        "every retry of the call carries the same."
    ),
    Options.optional
  ),
  wait: Options.boolean("wait").pipe(
    Options.withDescription("Then wait for the operation as `lro wait` does (same output and exit codes).")
  )
}, (options) =>
  Effect.gen(function*() {
    // Every flag is checked before the call is sent, the wait flags too.
    const schedule = yield* policyOf(options)
    const prepared = yield* prepare(options, undefined)
    const { timeout } = prepared
    const request = yield* Start.request({ ...options, dataproc: prepared.target.profile.id === "dataproc" })
    const line = yield* Service.startRequest(routing(prepared.target, prepared.url), request)
    yield* send(
      options,
      prepared,
      line,
      Effect.gen(function*() {
        const client = yield* OperationsClient.OperationsClient
        if (!options.wait) return yield* printOperation(options.format, yield* client.start(request))
        // With --wait, --timeout bounds the start call, then the wait.
        const started = timeout === undefined ? client.start(request) : withTimeout(client.start(request), timeout)
        yield* waitFor(options, yield* started, schedule, timeout)
      }),
      !options.wait
    )
  })).pipe(
    Command.withDescription(
      "Start an operation with any method of the API (clusters.create, batches.create ...) and print it; " +
        "with --wait, wait for it as `lro wait` does."
    )
  )

// -----------------------------------------------------------------------------
// emulator and demo
// -----------------------------------------------------------------------------

const emulatorCommand = Command.make("emulator", {
  port: Options.integer("port").pipe(
    Options.withDescription("The port on 127.0.0.1 (0: a free one)."),
    Options.withDefault(8085)
  )
}, ({ port }) =>
  Effect.gen(function*() {
    if (port < 0 || port > 65535) {
      return yield* new Exit.UsageError({ message: `--port must be between 0 and 65535, got ${port}` })
    }
    const emulator = yield* Emulator.make({ port, seedDemo: true }).pipe(
      Effect.catchTag("ServeError", (error) => Effect.fail(Exit.listenFailed(`127.0.0.1:${port}`)(error)))
    )
    yield* Output.out(emulator.url)
    const collection = "projects/demo/regions/us-central1/operations"
    yield* Output.err(`Dataproc operations emulator on ${emulator.url}, with 3 demo operations in ${collection}`)
    yield* Output.err(`try: lro list ${collection} --endpoint ${emulator.url}`)
    yield* Output.err("Ctrl-C stops it.")
    return yield* Effect.never
  }).pipe(Effect.scoped)).pipe(
    Command.withDescription(
      "Run the local Dataproc operations emulator, seeded with demo operations; prints its URL first."
    )
  )

const workerCommand = Command.make("worker", { ...connection, ...Durable.workerOptions }, (options) => {
  const flags = { ...options, dryRun: false }
  return Effect.flatMap(prepare(flags, undefined), (prepared) => Durable.worker(options, clientLayer(flags, prepared, undefined)))
}).pipe(
    Command.withDescription(
      "Run durable waits stored in PostgreSQL (those `lro wait --durable --store postgres://...` submits) until stopped."
    )
  )

const demoCommand = Command.make("demo", {}, () => Demo.run).pipe(
  Command.withDescription(
    "Start the emulator in-process, start three operations and watch them live through the real HTTP client."
  )
)

// -----------------------------------------------------------------------------
// the command
// -----------------------------------------------------------------------------

const root = Command.make("lro", {}, () =>
  new Exit.UsageError({
    message: "usage: lro <command> [options]\n" +
      "commands: start, get, list, wait, cancel, delete, worker, emulator, demo\n" +
      "`lro --help` or `lro <command> --help` tells more"
  })).pipe(Command.withDescription("Google Cloud long-running operations from the command line."))

/**
 * The `lro` command with its subcommands `start`, `get`, `list`, `wait`, `cancel`, `delete`, `worker`, `emulator`
 * and `demo`.
 * Run it with `Command.run` (see {@link run}, which also maps errors to exit codes).
 *
 * @example
 * ```ts
 * import { Cli } from "@longrunning/cli"
 * import { Command } from "@effect/cli"
 *
 * const main = Command.run(Cli.command, { name: "lro", version: Cli.version })
 * ```
 *
 * @since 0.1.0
 * @category commands
 */
export const command = root.pipe(
  Command.withSubcommands([
    startCommand,
    getCommand,
    listCommand,
    waitCommand,
    cancelCommand,
    deleteCommand,
    workerCommand,
    emulatorCommand,
    demoCommand
  ])
)

const cli = Command.run(command, { name: "lro", version })

/**
 * Runs `lro` with the given arguments (without the `node` and script paths) and returns its exit code.
 * Errors are printed on stderr (usage errors by `@effect/cli`, others as their message) and mapped to
 * {@link exitCodes}; interruption is not caught (the caller maps it to 130).
 *
 * @example
 * ```ts
 * import { Cli } from "@longrunning/cli"
 * import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
 * import { NodeContext } from "@effect/platform-node"
 * import { Effect, Layer } from "effect"
 *
 * const code = Cli.run(["get", "projects/demo/regions/us-central1/operations/x", "--endpoint", "http://127.0.0.1:8085"])
 *   .pipe(Effect.provide(Layer.merge(NodeContext.layer, UndiciHttpClient.layer())))
 * ```
 *
 * @since 0.1.0
 * @category running
 */
export const run = (args: ReadonlyArray<string>): Effect.Effect<number, never, Environment> =>
  cli(["node", "lro", ...args]).pipe(
    (main) => Effect.flatMap(Output.colour, (colour) => (colour ? main : Output.withoutStyles(main))),
    Effect.provide(Output.loggerLayer),
    Effect.as(Exit.codes.ok),
    Effect.catchAllCause((cause) => {
      const failure = Cause.failureOption(cause)
      if (Option.isNone(failure)) {
        if (Cause.isInterruptedOnly(cause)) return Effect.interrupt
        return Effect.as(Output.err(`lro: internal error\n${Cause.pretty(cause)}`), Exit.codes.internal)
      }
      const message = Exit.messageOf(failure.value)
      return Effect.as(message === null ? Effect.void : Output.err(message), Exit.codeOf(failure.value))
    })
  )
