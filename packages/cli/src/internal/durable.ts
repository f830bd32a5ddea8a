/**
 * `lro wait --durable` and `lro worker`: a wait stored by `@longrunning/durable`, in an SQLite file (this
 * process runs it) or in PostgreSQL (`lro worker` processes run it). `@longrunning/durable` and its storage
 * drivers are optional peers of the CLI, loaded here only when one of these is asked for, so that an install
 * that never uses them builds no native module.
 */
import * as Options from "@effect/cli/Options"
import * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as OperationsClient from "@longrunning/http/OperationsClient"
import * as OperationsError from "@longrunning/http/OperationsError"
import type * as Policy from "@longrunning/polling/Policy"
import type * as Operation from "@longrunning/schema/Operation"
import * as OperationName from "@longrunning/schema/OperationName"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Mailbox from "effect/Mailbox"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import * as Path from "node:path"
import * as Exit from "./exit.js"
import * as Format from "./format.js"
import * as Output from "./output.js"

// -----------------------------------------------------------------------------
// errors
// -----------------------------------------------------------------------------

/** `--durable` or `lro worker` was asked for, but `@longrunning/durable` or its driver is not installed. */
export class DurableNotInstalled extends Schema.TaggedError<DurableNotInstalled>("@longrunning/cli/DurableNotInstalled")(
  "DurableNotInstalled",
  {
    message: Schema.String,
    /** The line that installs what is missing. */
    installLine: Schema.String
  }
) {
  readonly [Exit.TypeId]: Exit.TypeId = Exit.TypeId
}

/** The store could not be opened or reached (a file that cannot be written, a database that refuses). */
export class StoreFailed extends Schema.TaggedError<StoreFailed>("@longrunning/cli/StoreFailed")(
  "StoreFailed",
  { message: Schema.String }
) {
  readonly [Exit.TypeId]: Exit.TypeId = Exit.TypeId
}

// -----------------------------------------------------------------------------
// packaging
// -----------------------------------------------------------------------------

/** What `--durable` needs besides the CLI: `@longrunning/durable` and its peers, as its package.json asks. */
export const durablePackages: ReadonlyArray<string> = [
  "@longrunning/durable@^0.1.0",
  "@effect/workflow@^0.19.1",
  "@effect/cluster@^0.60.2",
  "@effect/sql@^0.52.1",
  "@effect/rpc@^0.76.2",
  "@effect/experimental@^0.61.1"
]

/** The storage driver of each kind of store. */
export const drivers = {
  sqlite: "@effect/sql-sqlite-node@^0.53.0",
  postgres: "@effect/sql-pg@^0.53.0"
} as const

/** The `npm install` line that makes `--durable` work with a kind of store. */
export const installLine = (kind: keyof typeof drivers): string =>
  ["npm install", ...durablePackages, drivers[kind]].join(" ")

const causeText = (cause: unknown): string =>
  Predicate.hasProperty(cause, "message") && typeof cause.message === "string" ? cause.message : String(cause)

/** Loads optional modules; a failure (missing, or a native module that does not load) names the install line. */
const load = <A>(kind: keyof typeof drivers, what: string, importer: () => Promise<A>) =>
  Effect.tryPromise({
    try: importer,
    catch: (cause) => {
      const line = installLine(kind)
      const first = causeText(cause).split("\n")[0] ?? ""
      return new DurableNotInstalled({
        installLine: line,
        message: `${what} needs @longrunning/durable and its ${
          kind === "sqlite" ? "SQLite" : "PostgreSQL"
        } driver, optional dependencies of @longrunning/cli that are not installed here. Install them with:\n  ${line}\n(${
          Format.escape(first)
        })`
      })
    }
  })

const loadSqlite = (what: string) =>
  load("sqlite", what, () =>
    Promise.all([import("@longrunning/durable/DurableWait"), import("@longrunning/durable/SqliteEngine")]))

const loadPostgres = (what: string) =>
  load("postgres", what, () =>
    Promise.all([import("@longrunning/durable/DurableWait"), import("@longrunning/durable/PgEngine")]))

// -----------------------------------------------------------------------------
// flags
// -----------------------------------------------------------------------------

/** The SQLite file used when `--store` is not given, in the working directory. */
export const defaultStore = "lro-waits.sqlite"

/** The flags `lro wait` gains. */
export const waitOptions = {
  durable: Options.boolean("durable").pipe(
    Options.withDescription(
      "Wait durably: the wait is stored (--store) and outlives this process; the same command run again resumes it."
    )
  ),
  store: Options.text("store").pipe(
    Options.withDescription(
      "With --durable: an SQLite file (default ./lro-waits.sqlite; this process polls) or a postgres:// URL " +
        "(`lro worker` processes poll)."
    ),
    Options.optional
  )
}

/** The flags of `lro worker` besides the client's. */
export const workerOptions = {
  store: Options.text("store").pipe(Options.withDescription("The shared store of durable waits: a postgres:// URL.")),
  runnerHost: Options.text("runner-host").pipe(
    Options.withDescription("The host the other workers reach this one at (default localhost)."),
    Options.withDefault("localhost")
  ),
  runnerPort: Options.integer("runner-port").pipe(
    Options.withDescription("The port this worker listens on for the other workers (default 34431)."),
    Options.withDefault(34431)
  )
}

/** Where waits are stored. `shown` is what messages print (a URL without its password). */
type Store =
  | { readonly _tag: "Sqlite"; readonly filename: string; readonly shown: string }
  | { readonly _tag: "Postgres"; readonly url: Redacted.Redacted<string>; readonly shown: string }

const postgresScheme = /^postgres(?:ql)?:\/\//i
const anyScheme = /^([a-z][a-z0-9+.-]*):\/\//i

const parseStore = (text: string) =>
  Effect.gen(function*() {
    if (text.trim() === "") return yield* new Exit.UsageError({ message: "--store must not be empty" })
    if (postgresScheme.test(text)) {
      const url = yield* Effect.try({
        try: () => new URL(text),
        catch: () => new Exit.UsageError({ message: "--store: the postgres:// URL does not parse" })
      })
      if (url.password !== "") url.password = "***"
      return { _tag: "Postgres", url: Redacted.make(text), shown: Format.escape(url.href) } satisfies Store
    }
    const scheme = anyScheme.exec(text)?.[1]
    if (scheme !== undefined) {
      return yield* new Exit.UsageError({
        message: `--store takes an SQLite file or a postgres:// URL, not a ${Format.escape(scheme)}:// URL`
      })
    }
    const fs = yield* FileSystem.FileSystem
    const dir = Path.dirname(Path.resolve(text))
    const exists = yield* Effect.orElseSucceed(fs.exists(dir), () => false)
    if (!exists) {
      return yield* new Exit.UsageError({
        message: `--store ${Format.escape(JSON.stringify(text))}: its directory ${Format.escape(dir)} does not exist`
      })
    }
    return { _tag: "Sqlite", filename: text, shown: Format.escape(text) } satisfies Store
  })

/** What `lro wait` was given, as far as a durable wait cares. */
export interface WaitFlags {
  /** The operation's name (a full URL's name: this process's client is made for the URL's host). */
  readonly name: string
  /** The operation as given: the name, or its full URL. */
  readonly reference: string
  readonly durable: boolean
  readonly store: Option.Option<string>
  readonly cancelOnInterrupt: boolean
  readonly initialDelay: Option.Option<string>
  readonly maxDelay: Option.Option<string>
  readonly multiplier: Option.Option<number>
  readonly backoff: "proportional" | "exponential"
  readonly service: Option.Option<string>
  readonly apiVersion: Option.Option<string>
  readonly endpoint: Option.Option<string>
  readonly accessToken: Option.Option<Redacted.Redacted<string>>
  readonly quotaProject: Option.Option<string>
  readonly requestTimeout: Option.Option<string>
}

/** Whether `lro wait` was asked to wait durably (`--store` alone is refused later, with the reason). */
export const requested = (flags: Pick<WaitFlags, "durable" | "store">): boolean =>
  flags.durable || Option.isSome(flags.store)

const policyFlags = (flags: WaitFlags): ReadonlyArray<string> => [
  ...(Option.isSome(flags.initialDelay) ? ["--initial-delay"] : []),
  ...(Option.isSome(flags.maxDelay) ? ["--max-delay"] : []),
  ...(Option.isSome(flags.multiplier) ? ["--multiplier"] : []),
  ...(flags.backoff === "exponential" ? ["--backoff"] : [])
]

const clientFlags = (flags: WaitFlags): ReadonlyArray<string> => [
  ...(Option.isSome(flags.service) ? ["--service"] : []),
  ...(Option.isSome(flags.apiVersion) ? ["--api-version"] : []),
  ...(Option.isSome(flags.endpoint) ? ["--endpoint"] : []),
  ...(Option.isSome(flags.accessToken) ? ["--access-token"] : []),
  ...(Option.isSome(flags.quotaProject) ? ["--quota-project"] : []),
  ...(Option.isSome(flags.requestTimeout) ? ["--request-timeout"] : [])
]

/** The workflow every `lro worker` runs: the default policy. */
const sharedWorkflow = "@longrunning/cli/wait"

/**
 * The workflow's name: a replay must take the same steps as the first run, so a wait with other policy flags
 * is another workflow (and another execution). The flags are kept as they were written.
 */
const workflowName = (flags: WaitFlags): string => {
  if (policyFlags(flags).length === 0) return sharedWorkflow
  const text = (value: Option.Option<string | number>) => Option.match(value, { onNone: () => "", onSome: String })
  return `${sharedWorkflow}/${flags.backoff},${text(flags.initialDelay)},${text(flags.maxDelay)},${
    text(flags.multiplier)
  }`.replace(/\s+/g, "")
}

// Durable clocks and waiting messages are looked for every second (the engine's default is 10 s).
const shardingConfig = { entityMessagePollInterval: Duration.seconds(1) }

/** A layer's failure while opening the store, said with the store it was. */
const storeFailed = (store: Store) => (error: unknown): StoreFailed =>
  new StoreFailed({ message: `cannot use the store ${store.shown}: ${causeText(error)}` })

// -----------------------------------------------------------------------------
// lro wait --durable
// -----------------------------------------------------------------------------

/**
 * What a durable wait fails with besides a done operation (a failed one included, which is a snapshot):
 * `DurableWait.WaitError`, seen through its tag and message so that the CLI's public types do not name
 * `@longrunning/durable`, which may not be installed.
 */
export interface WaitFailed {
  readonly _tag: "OperationNotFound" | "WaitTimeout" | "PollingFailed"
  readonly message: string
}

/** What the snapshots of a durable wait can fail with. */
export type WaitFailure = WaitFailed | OperationsError.InvalidName

/**
 * The client for the wait's polls, passing each running snapshot to `seen` so that the wait shows progress
 * as `lro wait` does. Done snapshots are left to the wait's outcome, which a replay gives too.
 */
const observed = (
  client: OperationsClient.OperationsClient["Type"],
  seen: (operation: Operation.Operation) => Effect.Effect<void>
): OperationsClient.OperationsClient["Type"] => {
  const show = (operation: Operation.Operation<unknown, unknown>) =>
    operation._tag === "Running" && Format.isUntyped(operation) ? seen(operation) : Effect.void
  function get(name: string): Effect.Effect<Operation.Operation, OperationsClient.Error>
  function get<M, R, I>(
    name: string,
    schema: OperationsClient.OperationSchema<M, R, I>
  ): Effect.Effect<Operation.Operation<M, R>, OperationsClient.Error>
  function get<M, R, I>(name: string, schema?: OperationsClient.OperationSchema<M, R, I>) {
    return schema === undefined ? Effect.tap(client.get(name), show) : Effect.tap(client.get(name, schema), show)
  }
  return { ...client, get }
}

/**
 * `lro wait NAME --durable`: waits through a stored execution found by the operation name, and shows its
 * snapshots with `show` (the output of `lro wait`). On SQLite this process runs the wait, polling with
 * `client`; on PostgreSQL it submits the wait and awaits it while `lro worker` processes run it.
 */
export const wait = <ES, RS, EC>(
  flags: WaitFlags,
  context: {
    readonly schedule: Policy.Policy
    /** The service's name grammar: the name was checked with it already, and the wait checks it again. */
    readonly grammar: OperationName.Grammar
    readonly timeout: Duration.Duration | undefined
    readonly client: Layer.Layer<OperationsClient.OperationsClient, EC, HttpClient.HttpClient>
    readonly show: (snapshots: Stream.Stream<Operation.Operation, WaitFailure>) => Effect.Effect<void, ES, RS>
  }
) =>
  Effect.gen(function*() {
    if (!flags.durable) {
      return yield* new Exit.UsageError({ message: "--store is where durable waits are kept: add --durable" })
    }
    if (flags.cancelOnInterrupt) {
      return yield* new Exit.UsageError({
        message: "--cancel-on-interrupt does not go with --durable: an interrupted durable wait stays stored, to " +
          "be resumed; `lro cancel NAME` cancels the operation"
      })
    }
    const store = yield* parseStore(Option.getOrElse(flags.store, () => defaultStore))
    if (store._tag === "Postgres") {
      const ignored = [...policyFlags(flags), ...clientFlags(flags)]
      if (ignored.length > 0) {
        return yield* new Exit.UsageError({
          message: `with a shared store the workers poll, with their own flags and the default policy: ${
            ignored.join(", ")
          } ${ignored.length === 1 ? "belongs" : "belong"} to \`lro worker\`, not to \`lro wait --durable\``
        })
      }
      const [Durable, Pg] = yield* loadPostgres("lro wait --durable")
      const Wait = Durable.make({ name: sharedWorkflow, grammar: context.grammar })
      const engine = Pg.layer({ url: store.url, runner: false, shardingConfig })
      return yield* Effect.scoped(Effect.gen(function*() {
        const mailbox = yield* Mailbox.make<Operation.Operation, WaitFailure>()
        const workflows = yield* Effect.mapError(Layer.build(engine), storeFailed(store))
        // The workers poll with their own client: a full URL keeps its host and version for them.
        const awaited = Effect.flatMap(Wait.wait(flags.reference, { timeout: context.timeout }), (done) => mailbox.offer(done))
        yield* Effect.forkScoped(Effect.provide(Mailbox.into(awaited, mailbox), workflows))
        return yield* context.show(Mailbox.toStream(mailbox))
      }))
    }

    const [Durable, Sqlite] = yield* loadSqlite("lro wait --durable")
    const Wait = Durable.make({ name: workflowName(flags), policy: context.schedule, grammar: context.grammar })
    return yield* Effect.scoped(Effect.gen(function*() {
      const mailbox = yield* Mailbox.make<Operation.Operation, WaitFailure>()
      const client = Context.get(yield* Layer.build(context.client), OperationsClient.OperationsClient)
      const polling = Layer.succeed(OperationsClient.OperationsClient, observed(client, (op) => Effect.asVoid(mailbox.offer(op))))
      const runner = Wait.layer().pipe(
        Layer.provideMerge(Sqlite.layer({ filename: store.filename, shardingConfig })),
        Layer.provide(polling)
      )
      const workflows = yield* Effect.mapError(Layer.build(runner), storeFailed(store))
      const awaited = Effect.flatMap(Wait.wait(flags.name, { timeout: context.timeout }), (done) => mailbox.offer(done))
      yield* Effect.forkScoped(Effect.provide(Mailbox.into(awaited, mailbox), workflows))
      return yield* context.show(Mailbox.toStream(mailbox))
    }))
  })

// -----------------------------------------------------------------------------
// lro worker
// -----------------------------------------------------------------------------

/** What `lro worker` was given. */
export interface WorkerFlags {
  readonly store: string
  readonly runnerHost: string
  readonly runnerPort: number
  readonly timeout: Option.Option<string>
}

/**
 * `lro worker --store postgres://...`: a runner of durable waits (those `lro wait --durable` submits to the
 * same database), polling with `client`, until it is interrupted. Its shards go to the other workers then.
 */
export const worker = <EC>(
  flags: WorkerFlags,
  client: Layer.Layer<OperationsClient.OperationsClient, EC, HttpClient.HttpClient>
) =>
  Effect.gen(function*() {
    if (Option.isSome(flags.timeout)) {
      return yield* new Exit.UsageError({ message: "--timeout does not apply to `lro worker`: it runs until stopped" })
    }
    if (flags.runnerPort < 0 || flags.runnerPort > 65535) {
      return yield* new Exit.UsageError({ message: `--runner-port must be between 0 and 65535, got ${flags.runnerPort}` })
    }
    const store = yield* parseStore(flags.store)
    if (store._tag !== "Postgres") {
      return yield* new Exit.UsageError({
        message: "`lro worker` needs a shared store: --store postgres://... (an SQLite file is run by `lro wait " +
          "--durable` itself)"
      })
    }
    const [Durable, Pg] = yield* loadPostgres("lro worker")
    const address = `${flags.runnerHost}:${flags.runnerPort}`
    const runner = Durable.make({ name: sharedWorkflow }).layer().pipe(
      Layer.provideMerge(
        Pg.layer({ url: store.url, runnerHost: flags.runnerHost, runnerPort: flags.runnerPort, shardingConfig })
      ),
      Layer.provide(client)
    )
    return yield* Effect.scoped(Effect.gen(function*() {
      yield* Effect.mapError(Layer.build(runner), (error) =>
        Predicate.isTagged(error, "SocketServerError")
          ? Exit.listenFailed(Format.escape(address))({ cause: Predicate.hasProperty(error, "cause") ? error.cause : error })
          : storeFailed(store)(error))
      yield* Output.err(`lro worker: running durable waits stored in ${store.shown}, reachable at ${Format.escape(address)}`)
      yield* Output.err("Ctrl-C stops it; its waits go on in the other workers, or when one starts.")
      return yield* Effect.never
    }))
  })
