import type * as Any from "@longrunning/schema/Any"
import type * as Status from "@longrunning/schema/Status"
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import type { CreateOptions, Fault, FaultOptions, RecordedRequest } from "../Emulator.js"
import * as Model from "./model.js"

interface FaultRule {
  readonly id: number
  readonly fault: Fault
  readonly name: string | undefined
  readonly methods: ReadonlyArray<string> | undefined
  readonly rate: number
  remaining: number
  readonly from: number
  readonly until: number
}

/** The emulator's state, its clock and its seeded random, shared by the control API and the HTTP handler. */
export interface Engine {
  readonly clock: Clock.Clock
  readonly now: Effect.Effect<number>
  readonly create: (options: CreateOptions) => Effect.Effect<Model.Entry>
  readonly entry: (name: string) => Model.Entry | undefined
  readonly entries: () => ReadonlyArray<Model.Entry>
  readonly remove: (name: string) => boolean
  readonly settle: (entry: Model.Entry, outcome: Model.Outcome, now: number) => void
  readonly addFault: (fault: Fault, options: FaultOptions) => Effect.Effect<number>
  readonly removeFault: (id: number) => void
  readonly clearFaults: () => void
  readonly pickFault: (
    name: string | undefined,
    method: string,
    now: number,
    starts: boolean
  ) => Effect.Effect<Fault | undefined>
  readonly record: (request: RecordedRequest) => void
  readonly requests: () => ReadonlyArray<RecordedRequest>
  readonly clearRequests: () => void
  readonly reset: () => void
  /** The operation a request id started, if it was seen within the window before `now`. */
  readonly started: (key: string, now: number) => string | undefined
  /** Remembers the operation a request id started. */
  readonly remember: (key: string, name: string, now: number) => void
  /** Clusters and batches by resource name (`projects/p/regions/r/clusters/c`, `.../batches/b`). */
  readonly resources: Map<string, Resource>
}

/** A cluster or batch the emulator knows of: its UUID, and the delete operation that removes it, once one was started. */
export interface Resource {
  readonly uuid: string
  readonly labels: Readonly<Record<string, string>>
  deletedBy?: string | undefined
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

export const make = (clock: Clock.Clock, seed: number, requestIdWindow: number): Engine => {
  const operations = new Map<string, Model.Entry>()
  const requestIds = new Map<string, { readonly name: string; readonly at: number }>()
  const resources = new Map<string, Resource>()
  let faults: Array<FaultRule> = []
  let requests: Array<RecordedRequest> = []
  let random = Random.make(seed)
  let nextFaultId = 1

  const create = (options: CreateOptions): Effect.Effect<Model.Entry> =>
    Effect.gen(function*() {
      const now = yield* clock.currentTimeMillis
      const kind = options.kind ?? "ClusterCreate"
      const project = options.project ?? "demo"
      const location = options.region ?? "us-central1"
      const collection = options.collection ?? "regions"
      const id = options.operationId ?? (yield* uuid(random))
      const resourceUuid = options.resourceUuid ?? (yield* uuid(random))
      const resourceId = options.resourceId ??
        (kind === "Batch"
          ? `batch-${(yield* hex(random, 8))}`
          : kind === "Workflow"
          ? `template-${(yield* hex(random, 4))}`
          : `cluster-${(yield* hex(random, 4))}`)
      const scenario = options.scenario ?? { _tag: "Succeed", after: Model.defaultRun[kind] }
      const createdAt = now - (options.startedAgo === undefined ? 0 : Duration.toMillis(options.startedAgo))
      const pendingMillis = options.pendingFor === undefined
        ? Math.min(
          5_000,
          scenario._tag === "Never" ? 5_000 : Math.floor(Duration.toMillis(scenario.after) / 4)
        )
        : Duration.toMillis(options.pendingFor)
      const entry: Model.Entry = {
        name: `projects/${project}/${collection}/${location}/operations/${id}`,
        kind,
        project,
        location,
        resourceId,
        resourceUuid,
        createdAt,
        pendingMillis,
        scenario,
        labels: options.labels ?? {},
        warnings: options.warnings ?? [],
        description: options.description ?? Model.defaultDescription[kind]
      }
      // A re-used name replaces the old operation, and moves it to the end of the list order.
      operations.delete(entry.name)
      operations.set(entry.name, entry)
      return entry
    })

  const addFault = (fault: Fault, options: FaultOptions): Effect.Effect<number> =>
    Effect.map(clock.currentTimeMillis, (now) => {
      const from = now + (options.after === undefined ? 0 : Duration.toMillis(options.after))
      const id = nextFaultId++
      faults.push({
        id,
        fault,
        name: options.name,
        methods: options.methods?.map((method) => method.toUpperCase()),
        rate: options.rate ?? 1,
        remaining: options.times ?? Infinity,
        from,
        until: options.during === undefined ? Infinity : from + Duration.toMillis(options.during)
      })
      return id
    })

  const applies = (rule: FaultRule, name: string | undefined, method: string, now: number, starts: boolean): boolean =>
    rule.remaining > 0 && now >= rule.from && now < rule.until &&
    (rule.fault._tag !== "FailOperation" || starts) &&
    (rule.methods === undefined || rule.methods.includes(method)) &&
    (rule.name === undefined || rule.name === name)

  const pickFault = (
    name: string | undefined,
    method: string,
    now: number,
    starts: boolean
  ): Effect.Effect<Fault | undefined> =>
    Effect.gen(function*() {
      // Rules for this operation come before global ones; within each, the first injected wins.
      const candidates = [
        ...faults.filter((rule) => rule.name !== undefined),
        ...faults.filter((rule) => rule.name === undefined)
      ]
      for (const rule of candidates) {
        if (!applies(rule, name, method, now, starts)) continue
        if (rule.rate < 1) {
          const roll = yield* random.next
          if (roll >= rule.rate) continue
        }
        rule.remaining -= 1
        return rule.fault
      }
      return undefined
    })

  return {
    clock,
    now: clock.currentTimeMillis,
    create,
    entry: (name) => operations.get(name),
    entries: () => Array.from(operations.values()),
    remove: (name) => operations.delete(name),
    settle: (entry, outcome, now) => {
      if (Model.isRunningAt(entry, now)) entry.override = { at: now, outcome }
    },
    addFault,
    removeFault: (id) => {
      faults = faults.filter((rule) => rule.id !== id)
    },
    clearFaults: () => {
      faults = []
    },
    pickFault,
    record: (request) => {
      requests.push(request)
    },
    requests: () => requests.slice(),
    clearRequests: () => {
      requests = []
    },
    started: (key, now) => {
      const seen = requestIds.get(key)
      if (seen === undefined) return undefined
      if (now - seen.at < requestIdWindow) return seen.name
      requestIds.delete(key)
      return undefined
    },
    remember: (key, name, now) => {
      requestIds.set(key, { name, at: now })
    },
    resources,
    reset: () => {
      operations.clear()
      requestIds.clear()
      resources.clear()
      faults = []
      requests = []
      random = Random.make(seed)
      nextFaultId = 1
    }
  }
}

/** The outcome a `complete` call asks for. */
export const succeed = (response: Option.Option<Any.Any>): Model.Outcome => ({
  _tag: "Succeed",
  response: Option.getOrUndefined(response)
})

/** The outcome a `fail` call asks for. */
export const fail = (error: Status.Status): Model.Outcome => ({ _tag: "Fail", error })
