import * as Code from "@longrunning/schema/Code"
import * as Dataproc from "@longrunning/schema/Dataproc"
import * as Operation from "@longrunning/schema/Operation"
import * as OperationName from "@longrunning/schema/OperationName"
import * as Status from "@longrunning/schema/Status"
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Schema from "effect/Schema"
import type { CreateOptions } from "../Emulator.js"
import type * as OperationStore from "../OperationStore.js"
import * as Statuses from "../Statuses.js"
import type { Fault } from "./fault.js"
import * as Model from "./model.js"
import * as Routes from "./routes.js"
import * as Start from "./start.js"
import * as Wire from "./wire.js"

// One store of operations under every double: the operations and their timelines, the fault rules, the
// call log, and the clusters, batches and request ids the start methods keep.

type Snapshot = OperationStore.Snapshot
type Method = OperationStore.Method

/** A change on an operation's timeline: new metadata, an end, or both. */
interface Event {
  readonly at: number
  readonly seq: number
  readonly metadata: unknown
  readonly outcome: Model.Outcome | undefined
}

interface Entry {
  readonly name: string
  /** The metadata served until a change replaces it (a scripted operation). */
  readonly metadata: unknown
  /** What a simulated Dataproc operation is about; its metadata and default response follow from it. */
  readonly simulation: Model.Simulation | undefined
  /** Sorted by time, then by the order they were added. */
  events: Array<Event>
}

interface Rule {
  readonly id: number
  readonly fault: Fault
  readonly name: string | undefined
  readonly methods: ReadonlyArray<Method> | undefined
  readonly httpMethods: ReadonlyArray<string> | undefined
  readonly rate: number
  remaining: number
  readonly from: number
  readonly until: number
}

interface Logged {
  call: OperationStore.Call
}

const empty = { "@type": "type.googleapis.com/google.protobuf.Empty" }

const noFault: Effect.Effect<Fault | undefined> = Effect.succeed(undefined)

const encodeStatus = Schema.encodeSync(Status.Status)
const encodeOperation = Schema.encodeSync(Dataproc.DataprocOperation)

// Only the metadata goes through its message schema: responses are kept as the wire Anys the model builds.
const encodeMetadata = (name: string, metadata: Model.Metadata): unknown =>
  encodeOperation(Operation.running({ name, metadata })).metadata

const show = (name: string) => JSON.stringify(name)

/** How an entry stands at `now`: its latest metadata change, and its end if it has ended. */
const stateAt = (entry: Entry, now: number) => {
  let metadata: { readonly value: unknown } | undefined
  for (const event of entry.events) {
    if (event.at > now) break
    if (event.metadata !== undefined) metadata = { value: event.metadata }
    if (event.outcome !== undefined) return { metadata, end: { at: event.at, outcome: event.outcome } }
  }
  return { metadata, end: undefined }
}

const render = (entry: Entry, now: number): Snapshot => {
  const { end, metadata } = stateAt(entry, now)
  const sim = entry.simulation
  const meta = metadata !== undefined
    ? metadata.value
    : sim !== undefined
    ? Model.typeFirst(encodeMetadata(entry.name, Model.metadataOf(sim, now, end)))
    : entry.metadata
  const base = { name: entry.name, ...(meta === undefined ? {} : { metadata: meta }) }
  if (end === undefined) return base
  const outcome = end.outcome
  switch (outcome._tag) {
    case "Succeed":
      return {
        ...base,
        done: true,
        response: sim === undefined
          ? outcome.response ?? empty
          : Model.typeFirst(outcome.response ?? Model.defaultResponse(sim, end.at))
      }
    case "Fail":
      return { ...base, done: true, error: outcome.error }
    case "DoneWithoutResult":
      return { ...base, done: true }
  }
}

const toEvent = (change: OperationStore.Change, at: number, seq: number): Event => {
  switch (change._tag) {
    case "Metadata":
      return { at, seq, metadata: change.metadata, outcome: undefined }
    case "Complete":
      return { at, seq, metadata: change.metadata, outcome: { _tag: "Succeed", response: change.response } }
    case "Fail":
      return { at, seq, metadata: change.metadata, outcome: { _tag: "Fail", error: encodeStatus(change.error) } }
    case "FinishWithoutResult":
      return { at, seq, metadata: change.metadata, outcome: { _tag: "DoneWithoutResult" } }
  }
}

const methodOf = (route: Routes.Route): Method | undefined => {
  switch (route._tag) {
    case "Get":
      return "get"
    case "List":
      return "list"
    case "Cancel":
      return "cancel"
    case "Delete":
      return "delete"
    case "Refused":
      return undefined
    default:
      return "start"
  }
}

/** The HTTP method a call takes on the wire, for calls made in memory. */
const httpMethodOf = (route: Routes.Route): string => {
  switch (route._tag) {
    case "Get":
    case "List":
      return "GET"
    case "Delete":
    case "DeleteCluster":
      return "DELETE"
    default:
      return "POST"
  }
}

const hex = (random: Random.Random, digits: number): Effect.Effect<string> =>
  Effect.map(
    Effect.all(Array.from({ length: digits }, () => random.nextIntBetween(0, 16))),
    (nibbles) => nibbles.map((n) => n.toString(16)).join("")
  )

const uuid = (random: Random.Random): Effect.Effect<string> =>
  Effect.map(
    Effect.all([hex(random, 8), hex(random, 4), hex(random, 3), hex(random, 3), hex(random, 12)]),
    ([a, b, c, d, e]) => `${a}-${b}-4${c}-a${d}-${e}`
  )

const proxyHtml = `<!DOCTYPE html>
<html lang=en>
  <meta charset=utf-8>
  <title>Error 502 (Server Error)!!1</title>
  <p><b>502.</b> <ins>That's an error.</ins>
  <p>The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds.  <ins>That's all we know.</ins>
`

/** Rewrites the JSON of a successful `get`; other answers pass through. */
const bendOperation = (
  route: Routes.Route,
  reply: Wire.Reply,
  bend: (operation: Record<string, unknown>) => Record<string, unknown>
): Wire.Reply =>
  route._tag === "Get" && reply._tag === "Json" && reply.json !== null && typeof reply.json === "object" &&
    !Array.isArray(reply.json)
    ? { _tag: "Json", json: bend({ ...reply.json }) }
    : reply

const raw = (reply: Wire.Reply, f: (prepared: Wire.Prepared) => Wire.Prepared): Effect.Effect<Wire.Reply> =>
  Effect.map(Wire.prepare(reply), (prepared) => ({ _tag: "Raw", prepared: f(prepared) }))

/** The answer as a fault that bends bodies makes it; faults on time and connections leave it alone. */
const bendReply = (fault: Fault, route: Routes.Route, reply: Wire.Reply): Effect.Effect<Wire.Reply> => {
  switch (fault._tag) {
    case "ProxyHtml":
      return Effect.succeed({
        _tag: "Raw",
        prepared: { status: 502, contentType: "text/html; charset=UTF-8", headers: {}, body: proxyHtml }
      })
    case "EmptyBody":
      return Effect.succeed({
        _tag: "Raw",
        prepared: { status: 200, contentType: Wire.jsonContentType, headers: { "content-length": "0" }, body: "" }
      })
    case "TruncatedJson":
      return raw(reply, (prepared) => ({ ...prepared, body: prepared.body.slice(0, Math.floor(prepared.body.length / 2)) }))
    case "OversizedBody":
      // Trailing whitespace keeps the JSON valid: only a size limit tells this body from a good one.
      return raw(reply, (prepared) => ({
        ...prepared,
        body: prepared.body + " ".repeat(Math.max(0, fault.bytes - prepared.body.length))
      }))
    case "NullBody":
      return Effect.succeed({ _tag: "Json", json: null })
    case "ArrayBody":
      return Effect.succeed({ _tag: "Json", json: [] })
    case "WrongName":
      return Effect.succeed(bendOperation(route, reply, (op) => ({
        ...op,
        name: typeof op.name === "string" ? `${op.name.slice(0, op.name.lastIndexOf("/"))}/not-the-one-asked-for` : op.name
      })))
    case "ErrorAndResponse":
      return Effect.succeed(bendOperation(route, reply, (op) => ({
        ...op,
        done: true,
        error: { code: Code.codes.INTERNAL, message: "Internal error" },
        response: op.response ?? empty
      })))
    default:
      return Effect.succeed(reply)
  }
}

export const make = (clock: Clock.Clock, options: OperationStore.Options = {}): OperationStore.OperationStore.Service => {
  const seed = options.seed ?? 1
  const requestIdWindow = Duration.toMillis(Duration.decode(options.requestIdWindow ?? "1 hour"))
  const operations = new Map<string, Entry>()
  // Names created once, deleted since: strict mode still answers NOT_FOUND for them.
  const deleted = new Set<string>()
  const requestIds = new Map<string, { readonly name: string; readonly at: number }>()
  const resources = new Map<string, Start.Resource>()
  let rules: Array<Rule> = []
  let log: Array<Logged> = []
  let random = Random.make(seed)
  let seq = 0
  let nextRuleId = 1

  const now = clock.currentTimeMillis

  const addEvent = (entry: Entry, event: Event) => {
    entry.events = [...entry.events, event].sort((a, b) => a.at - b.at || a.seq - b.seq)
  }

  const put = (entry: Entry) => {
    // A re-used name replaces the old operation, and moves it to the end of the list order.
    operations.delete(entry.name)
    operations.set(entry.name, entry)
    deleted.delete(entry.name)
  }

  const simulate = (createOptions: CreateOptions) =>
    Effect.gen(function*() {
      const at = yield* now
      const kind = createOptions.kind ?? "ClusterCreate"
      const project = createOptions.project ?? "demo"
      const location = createOptions.region ?? "us-central1"
      const collection = createOptions.collection ?? "regions"
      const id = createOptions.operationId ?? (yield* uuid(random))
      const resourceUuid = createOptions.resourceUuid ?? (yield* uuid(random))
      const resourceId = createOptions.resourceId ??
        (kind === "Batch"
          ? `batch-${(yield* hex(random, 8))}`
          : kind === "Workflow"
          ? `template-${(yield* hex(random, 4))}`
          : `cluster-${(yield* hex(random, 4))}`)
      const scenario = createOptions.scenario ?? { _tag: "Succeed", after: Model.defaultRun[kind] }
      const createdAt = at - (createOptions.startedAgo === undefined ? 0 : Duration.toMillis(createOptions.startedAgo))
      const pendingMillis = createOptions.pendingFor === undefined
        ? Math.min(5_000, scenario._tag === "Never" ? 5_000 : Math.floor(Duration.toMillis(scenario.after) / 4))
        : Duration.toMillis(createOptions.pendingFor)
      const labels = createOptions.labels ?? {}
      const simulation: Model.Simulation = {
        kind,
        project,
        location,
        resourceId,
        resourceUuid,
        createdAt,
        pendingMillis,
        labels,
        warnings: createOptions.warnings ?? [],
        description: createOptions.description ?? Model.defaultDescription[kind]
      }
      const entry: Entry = {
        name: `projects/${project}/${collection}/${location}/operations/${id}`,
        metadata: undefined,
        simulation,
        events: []
      }
      if (scenario._tag !== "Never") {
        const end = createdAt + Duration.toMillis(scenario.after)
        addEvent(
          entry,
          toEvent(
            scenario._tag === "Succeed"
              ? { _tag: "Complete", response: scenario.response }
              : scenario._tag === "Fail"
              ? { _tag: "Fail", error: scenario.error }
              : { _tag: "FinishWithoutResult" },
            end,
            seq++
          )
        )
      }
      put(entry)
      return { entry, name: entry.name, resourceId, resourceUuid, labels }
    })

  const startHost: Start.Host = {
    now,
    simulate: (createOptions) => simulate(createOptions),
    exists: (name) => operations.has(name),
    succeeded: (name, at) => {
      const entry = operations.get(name)
      const end = entry === undefined ? undefined : stateAt(entry, at).end
      return end !== undefined && end.outcome._tag === "Succeed"
    },
    resources,
    started: (key, at) => {
      const seen = requestIds.get(key)
      if (seen === undefined) return undefined
      if (at - seen.at < requestIdWindow) return seen.name
      requestIds.delete(key)
      return undefined
    },
    remember: (key, name, at) => {
      requestIds.set(key, { name, at })
    }
  }

  const change = (name: string, what: OperationStore.Change, after: number) =>
    Effect.map(now, (at): OperationStore.ChangeResult => {
      const entry = operations.get(name)
      if (entry === undefined) return { _tag: "NotFound", deleted: deleted.has(name) }
      const current = render(entry, at)
      if (current.done === true) return { _tag: "AlreadyDone", snapshot: current }
      addEvent(entry, toEvent(what, at + after, seq++))
      return { _tag: "Changed", snapshot: render(entry, at) }
    })

  const known = (method: Method, name: string): boolean =>
    method === "list"
      ? Array.from(operations.keys()).some((op) => op.startsWith(`${name}/`)) ||
        Array.from(deleted).some((op) => op.startsWith(`${name}/`))
      : operations.has(name) || deleted.has(name)

  const applies = (
    rule: Rule,
    name: string | undefined,
    method: Method | undefined,
    httpMethod: string,
    at: number
  ): boolean =>
    rule.remaining > 0 && at >= rule.from && at < rule.until &&
    (rule.fault._tag !== "FailOperation" || method === "start") &&
    (rule.methods === undefined || (method !== undefined && rule.methods.includes(method))) &&
    (rule.httpMethods === undefined || rule.httpMethods.includes(httpMethod)) &&
    (rule.name === undefined || rule.name === name)

  const pickFault = (
    name: string | undefined,
    method: Method | undefined,
    httpMethod: string,
    at: number
  ): Effect.Effect<Fault | undefined> =>
    rules.length === 0 ? noFault : Effect.gen(function*() {
      // Rules for a name come before global ones; within each, the first added wins.
      const candidates = [...rules.filter((rule) => rule.name !== undefined), ...rules.filter((rule) => rule.name === undefined)]
      for (const rule of candidates) {
        if (!applies(rule, name, method, httpMethod, at)) continue
        if (rule.rate < 1) {
          const roll = yield* random.next
          if (roll >= rule.rate) continue
        }
        rule.remaining -= 1
        return rule.fault
      }
      return undefined
    })

  const operationJson = (entry: Entry, at: number, intEnums: boolean): unknown => {
    const snapshot = render(entry, at)
    return intEnums ? Model.intEnums(snapshot) : snapshot
  }

  /** The answer of a request to an operations method (or a refused one), at `at`. */
  const answerNow = (route: Routes.Route, query: URLSearchParams, at: number): Wire.Reply => {
    const intEnums = (query.get("$alt") ?? "").includes("enum-encoding=int")
    switch (route._tag) {
      case "Get": {
        const entry = operations.get(route.name)
        return entry === undefined
          ? { _tag: "Error", status: Statuses.operationNotFound(route.name) }
          : { _tag: "Json", json: operationJson(entry, at, intEnums) }
      }
      case "List": {
        const prefix = `${route.collection}/`
        const all: Array<Record<string, unknown>> = []
        for (const entry of operations.values()) {
          if (entry.name.startsWith(prefix)) all.push(render(entry, at))
        }
        return Either.match(Wire.page(all, Wire.listParams(query)), {
          onLeft: (status): Wire.Reply => ({ _tag: "Error", status }),
          onRight: (page): Wire.Reply => ({
            _tag: "Json",
            json: Wire.pageBody(intEnums ? { ...page, operations: page.operations.map(Model.intEnums) } : page)
          })
        })
      }
      case "Cancel": {
        const entry = operations.get(route.name)
        if (entry === undefined) return { _tag: "Error", status: Statuses.operationNotFound(route.name) }
        // Cancelling a done operation changes nothing, as on Google's servers.
        if (stateAt(entry, at).end === undefined) {
          addEvent(entry, toEvent({ _tag: "Fail", error: Statuses.cancelled }, at, seq++))
        }
        return { _tag: "Json", json: {} }
      }
      case "Delete": {
        if (!operations.delete(route.name)) return { _tag: "Error", status: Statuses.operationNotFound(route.name) }
        deleted.add(route.name)
        return { _tag: "Json", json: {} }
      }
      case "Refused":
        return {
          _tag: "Error",
          status: route.status,
          httpStatus: route.httpStatus,
          headers: route.allow === undefined ? {} : { allow: route.allow }
        }
      default:
        return { _tag: "Error", status: Statuses.unimplemented([route._tag]) }
    }
  }

  /** The answer when no fault speaks for the request (a `FailOperation` may still shape what it starts). */
  const answer = (request: OperationStore.Request, failure: Start.Failure | undefined): Effect.Effect<Wire.Reply> => {
    const route = request.route
    if (!Routes.isStart(route)) return Effect.map(now, (at) => answerNow(route, request.query, at))
    return Effect.gen(function*() {
      const outcome = yield* Start.start(startHost, route, request.query, yield* request.body, failure)
      if (outcome._tag === "Refused") return { _tag: "Error", status: outcome.status }
      const entry = operations.get(outcome.name)
      const intEnums = (request.query.get("$alt") ?? "").includes("enum-encoding=int")
      return entry === undefined
        ? { _tag: "Error", status: Statuses.operationNotFound(outcome.name) }
        : { _tag: "Json", json: operationJson(entry, yield* now, intEnums) }
    })
  }

  const codeOf = (reply: Wire.Reply): number | undefined =>
    reply._tag === "Json" ? Code.codes.OK : reply._tag === "Error" ? reply.status.code : undefined

  const receive = (
    request: OperationStore.Request,
    serveOptions: OperationStore.ServeOptions = {}
  ): Effect.Effect<OperationStore.Exchange> =>
    Effect.flatMap(now, (at) => {
      const route = request.route
      const method = methodOf(route)
      const name = Routes.target(route)
      const httpMethod = request.http?.method ?? httpMethodOf(route)
      return Effect.flatMap(pickFault(name, method, httpMethod, at), (fault) => {
        const logged: Logged = {
          call: {
            method,
            route: route._tag,
            name,
            time: at,
            ...(fault === undefined ? {} : { fault: fault._tag }),
            ...(request.http === undefined ? {} : { http: request.http })
          }
        }
        log.push(logged)
        if (fault === undefined && serveOptions.strict === true) {
          const label = serveOptions.label ?? "OperationStore"
          if (method === undefined || name === undefined) {
            logged.call = { ...logged.call, code: -1 }
            return Effect.dieMessage(
              `${label}: strict mode: ${httpMethod} ${request.http?.url ?? name ?? ""} is not a Dataproc v1 call the store serves`
            )
          }
          if (method !== "start" && !known(method, name)) {
            logged.call = { ...logged.call, code: -1 }
            return Effect.dieMessage(
              `${label}: strict mode: ${method} of ${show(name)}, ${
                method === "list" ? "a collection holding no operation" : "an operation"
              } the script never created`
            )
          }
        }
        const normal = fault === undefined
          ? answer(request, undefined)
          : fault._tag === "Answer"
          ? Effect.succeed<Wire.Reply>({ _tag: "Error", status: fault.status })
          : fault._tag === "FailOperation"
          ? answer(request, fault)
          : Effect.flatMap(answer(request, undefined), (reply) => bendReply(fault, route, reply))
        const reply = Effect.map(normal, (answered) => {
          const code = codeOf(answered)
          if (code !== undefined) logged.call = { ...logged.call, code }
          return answered
        })
        return Effect.succeed({ fault, reply })
      })
    })

  const reset = Effect.sync(() => {
    operations.clear()
    deleted.clear()
    requestIds.clear()
    resources.clear()
    rules = []
    log = []
    random = Random.make(seed)
    nextRuleId = 1
  })

  return {
    clock,
    now,
    create: (name, createOptions) =>
      Effect.map(now, (at): OperationStore.CreateResult => {
        if (Either.isLeft(OperationName.parse(name))) return { _tag: "InvalidName" }
        if (operations.has(name)) return { _tag: "NameTaken" }
        const entry: Entry = { name, metadata: createOptions?.metadata, simulation: undefined, events: [] }
        put(entry)
        return { _tag: "Created", snapshot: render(entry, at) }
      }),
    simulate: (createOptions = {}) =>
      Effect.flatMap(simulate(createOptions), ({ entry }) => Effect.map(now, (at) => render(entry, at))),
    change: (name, what) => change(name, what, 0),
    schedule: (name, after, what) => {
      const millis = Duration.toMillis(Duration.decode(after))
      return !Number.isFinite(millis) || millis < 0
        ? Effect.dieMessage(`schedule(${show(name)}): the delay must be a finite duration, got ${millis} ms`)
        : change(name, what, millis)
    },
    peek: (name) => Effect.map(now, (at) => Option.map(Option.fromNullable(operations.get(name)), (e) => render(e, at))),
    operations: Effect.map(now, (at) => Array.from(operations.values(), (entry) => render(entry, at))),
    pending: Effect.map(now, (at) => {
      let count = 0
      for (const entry of operations.values()) {
        for (const event of entry.events) if (event.at > at) count++
      }
      return count
    }),
    addRule: (fault, ruleOptions = {}) =>
      Effect.map(now, (at) => {
        const from = at + (ruleOptions.after === undefined ? 0 : Duration.toMillis(Duration.decode(ruleOptions.after)))
        const id = nextRuleId++
        rules.push({
          id,
          fault,
          name: ruleOptions.name,
          methods: ruleOptions.methods,
          httpMethods: ruleOptions.httpMethods?.map((method) => method.toUpperCase()),
          rate: ruleOptions.rate ?? 1,
          remaining: ruleOptions.times ?? Infinity,
          from,
          until: ruleOptions.during === undefined ? Infinity : from + Duration.toMillis(Duration.decode(ruleOptions.during))
        })
        return id
      }),
    removeRule: (id) =>
      Effect.sync(() => {
        rules = rules.filter((rule) => rule.id !== id)
      }),
    clearRules: Effect.sync(() => {
      rules = []
    }),
    calls: Effect.sync(() => log.map((logged) => logged.call)),
    clearCalls: Effect.sync(() => {
      log = []
    }),
    receive,
    reset
  }
}
