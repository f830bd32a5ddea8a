import * as Any from "@longrunning/schema/Any"
import * as Code from "@longrunning/schema/Code"
import * as Dataproc from "@longrunning/schema/Dataproc"
import * as Operation from "@longrunning/schema/Operation"
import * as Status from "@longrunning/schema/Status"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"

/** What a person wants to know about an operation, read from its Dataproc metadata when it has some. */
export interface Progress {
  /** `RUNNING`, `SUCCEEDED`, `FAILED`, `CANCELLED` or `DONE` (done without a result). */
  readonly state: string
  /** What the operation does: `cluster CREATE`, `batch`, `node group RESIZE`... or the metadata's type. */
  readonly kind: string
  /** What it acts on: the cluster name, batch id, session or node group. */
  readonly target: string
  /** The service's own progress: `RUNNING: Creating cluster`, a workflow's state... */
  readonly detail: string
  /** The metadata's description, e.g. `Create cluster with 2 workers`. */
  readonly description: string
  /** When it started and ended (epoch ms), when the metadata says. */
  readonly startedAt: number | undefined
  readonly endedAt: number | undefined
}

const decodeMetadata = Schema.decodeUnknownEither(Any.oneOf(...Dataproc.operationMetadata))

// C0 and C1 controls, DEL, the line and paragraph separators, and the bidi marks, embeddings, overrides and
// isolates: what lets a string move the cursor, retitle the window or make text read in another order.
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const unsafeText = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const hex = (unit: string, width: number): string => unit.charCodeAt(0).toString(16).padStart(width, "0")

/**
 * Server-controlled text as it may be shown on a terminal: every control, C1 and bidi character is written
 * as a visible escape (`\x1b`, `\u202e`), so a server cannot clear the screen, set the window title, reorder
 * a line or start a fake one. Backslashes are left alone, so escaping twice changes nothing.
 */
export const escape = (text: string): string =>
  text.replace(unsafeText, (unit) => (unit.charCodeAt(0) < 0x100 ? `\\x${hex(unit, 2)}` : `\\u${hex(unit, 4)}`))

// JSON.stringify escapes only what is below U+0020; these pass through it raw.
const jsonUnsafe = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/** JSON text with C1 controls, DEL, separators and bidi characters written as `\uXXXX` (still the same JSON). */
export const safeJson = (text: string): string => text.replace(jsonUnsafe, (unit) => `\\u${hex(unit, 4)}`)

const lastSegment = (path: string | undefined): string =>
  path === undefined ? "" : path.slice(path.lastIndexOf("/") + 1)

const millis = (t: { readonly epochMillis: number } | undefined): number | undefined => t?.epochMillis

const enumText = (value: string | number | undefined): string => (value === undefined ? "" : String(value))

const joinDetail = (...parts: ReadonlyArray<string | undefined>): string =>
  parts.filter((part): part is string => part !== undefined && part !== "").join(": ")

/**
 * Whether an operation handed over with unknown metadata and response (as `onCancelled` gives it) is one the
 * untyped schema decoded: metadata and response absent or `Any`. The value is not copied, so fields a newer
 * server added are still written back by {@link json}.
 */
export const isUntyped = (operation: Operation.Operation<unknown, unknown>): operation is Operation.Operation =>
  (operation.metadata === undefined || Any.isAny(operation.metadata)) &&
  (operation._tag !== "Succeeded" || Any.isAny(operation.response))

/** The operation-level state word. */
export const stateOf = (operation: Operation.Operation): string => {
  switch (operation._tag) {
    case "Running":
      return "RUNNING"
    case "Succeeded":
      return "SUCCEEDED"
    case "Failed":
      return Operation.isCancelled(operation) ? "CANCELLED" : "FAILED"
    case "DoneWithoutResult":
      return "DONE"
  }
}

type ClusterStatus = Dataproc.ClusterOperationStatus

const clusterProgress = (
  status: ClusterStatus | undefined,
  history: ReadonlyArray<ClusterStatus> | undefined
): Pick<Progress, "detail" | "startedAt" | "endedAt"> => {
  const first = history !== undefined && history.length > 0 ? history[0] : status
  const state = enumText(status?.state)
  return {
    detail: joinDetail(
      state,
      status?.innerState !== undefined && status.innerState !== state ? status.innerState : undefined,
      status?.details
    ),
    startedAt: millis(first?.stateStartTime),
    endedAt: state === "DONE" ? millis(status?.stateStartTime) : undefined
  }
}

/**
 * Reads the progress of an operation from its metadata (Dataproc's messages; others give their type). Every
 * text in it comes from the server, so it is {@link escape}d here, once.
 */
export const progress = (operation: Operation.Operation): Progress => {
  const p = rawProgress(operation)
  return { ...p, kind: escape(p.kind), target: escape(p.target), detail: escape(p.detail), description: escape(p.description) }
}

const rawProgress = (operation: Operation.Operation): Progress => {
  const state = stateOf(operation)
  const none = { state, kind: "", target: "", detail: "", description: "", startedAt: undefined, endedAt: undefined }
  if (operation.metadata === undefined) return none
  const decoded = decodeMetadata(operation.metadata)
  if (Either.isLeft(decoded)) return { ...none, kind: Any.typeName(operation.metadata) }
  const metadata = decoded.right
  if (Any.is(Dataproc.ClusterOperationMetadata)(metadata)) {
    return {
      state,
      kind: joinWords("cluster", metadata.operationType),
      target: metadata.clusterName ?? "",
      description: metadata.description ?? "",
      ...clusterProgress(metadata.status, metadata.statusHistory)
    }
  }
  if (Any.is(Dataproc.NodeGroupOperationMetadata)(metadata)) {
    return {
      state,
      kind: joinWords("node group", enumText(metadata.operationType)),
      target: metadata.nodeGroupId ?? "",
      description: metadata.description ?? "",
      ...clusterProgress(metadata.status, metadata.statusHistory)
    }
  }
  if (Any.is(Dataproc.BatchOperationMetadata)(metadata)) {
    return {
      state,
      kind: "batch",
      target: lastSegment(metadata.batch),
      detail: "",
      description: metadata.description ?? "",
      startedAt: millis(metadata.createTime),
      endedAt: millis(metadata.doneTime)
    }
  }
  if (Any.is(Dataproc.SessionOperationMetadata)(metadata)) {
    return {
      state,
      kind: joinWords("session", enumText(metadata.operationType)),
      target: lastSegment(metadata.session),
      detail: "",
      description: metadata.description ?? "",
      startedAt: millis(metadata.createTime),
      endedAt: millis(metadata.doneTime)
    }
  }
  if (Any.is(Dataproc.WorkflowMetadata)(metadata)) {
    const nodes = metadata.graph?.nodes ?? []
    const completed = nodes.filter((node) => node.state === "COMPLETED").length
    return {
      state,
      kind: "workflow",
      target: lastSegment(metadata.template),
      detail: joinDetail(enumText(metadata.state), nodes.length > 0 ? `${completed}/${nodes.length} steps` : undefined),
      description: metadata.clusterName === undefined ? "" : `on cluster ${metadata.clusterName}`,
      startedAt: millis(metadata.startTime),
      endedAt: millis(metadata.endTime)
    }
  }
  if (Any.is(Dataproc.JobMetadata)(metadata)) {
    return {
      state,
      kind: joinWords("job", metadata.operationType),
      target: metadata.jobId ?? "",
      detail: joinDetail(enumText(metadata.status?.state), metadata.status?.details),
      description: "",
      startedAt: millis(metadata.startTime),
      endedAt: undefined
    }
  }
  return { ...none, kind: Any.typeName(metadata) }
}

const joinWords = (...words: ReadonlyArray<string | undefined>): string =>
  words.filter((word): word is string => word !== undefined && word !== "").join(" ")

/** `850ms`, `12.3s`, `4m 05s`, `2h 03m`, `3d 04h`. */
export const formatElapsed = (ms: number): string => {
  if (!Number.isFinite(ms) || ms < 0) return "-"
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`
  const seconds = Math.floor(ms / 1000)
  const pad = (n: number) => String(n).padStart(2, "0")
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${pad(seconds % 60)}s`
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ${pad(Math.floor(seconds / 60) % 60)}m`
  return `${Math.floor(seconds / 86_400)}d ${pad(Math.floor(seconds / 3600) % 24)}h`
}

/** The elapsed time the metadata tells (start to end, or to `now` while it runs). */
export const elapsedOf = (p: Progress, now: number): number | undefined =>
  p.startedAt === undefined ? undefined : (p.endedAt ?? now) - p.startedAt

/** One line about an operation: state, kind and target, progress, elapsed. */
export const line = (operation: Operation.Operation, now: number, extra?: string): string => {
  const p = progress(operation)
  const elapsed = elapsedOf(p, now)
  return [
    p.state.padEnd(9),
    joinWords(p.kind, p.target),
    p.detail === "" ? undefined : `(${p.detail})`,
    elapsed === undefined ? undefined : formatElapsed(elapsed),
    extra
  ].filter((part): part is string => part !== undefined && part !== "").join("  ")
}

/** A Status for people: `CODE: message`, then the reasons and violations its details carry. */
export const status = (s: Status.Status): string => {
  const lines = [Status.format(s)]
  const info = Status.errorInfo(s)
  if (info._tag === "Some" && info.value.reason !== undefined && info.value.reason !== "") {
    lines.push(`  reason: ${info.value.reason}${info.value.domain ? ` (${info.value.domain})` : ""}`)
  }
  const quota = Status.quotaFailure(s)
  if (quota._tag === "Some") {
    for (const violation of quota.value.violations ?? []) {
      lines.push(`  quota: ${joinDetail(violation.subject, violation.description)}`)
    }
  }
  const badRequest = Status.badRequest(s)
  if (badRequest._tag === "Some") {
    for (const violation of badRequest.value.fieldViolations ?? []) {
      lines.push(`  field ${violation.field ?? ""}: ${violation.description ?? ""}`)
    }
  }
  const help = Status.help(s)
  if (help._tag === "Some") {
    for (const link of help.value.links ?? []) lines.push(`  see: ${link.url ?? ""}`)
  }
  // Each line is escaped on its own: the line breaks are ours, any in the server's text are shown as \x0a.
  return lines.map(escape).join("\n")
}

/** The code name of a google.rpc code. */
export const codeName = (code: number): string => Code.name(code)

/** Several lines about one operation, for `lro get`. */
export const describe = (operation: Operation.Operation, now: number): string => {
  const p = progress(operation)
  const elapsed = elapsedOf(p, now)
  const rows: Array<[string, string]> = [["name", escape(operation.name)], ["state", p.state]]
  if (p.kind !== "") rows.push(["kind", p.kind])
  if (p.target !== "") rows.push(["target", p.target])
  if (p.detail !== "") rows.push(["progress", p.detail])
  if (p.description !== "") rows.push(["about", p.description])
  if (p.startedAt !== undefined) rows.push(["started", new Date(p.startedAt).toISOString()])
  if (p.endedAt !== undefined) rows.push(["ended", new Date(p.endedAt).toISOString()])
  if (elapsed !== undefined) rows.push(["elapsed", formatElapsed(elapsed)])
  if (operation._tag === "Failed") rows.push(["error", status(operation.error)])
  if (operation._tag === "Succeeded") rows.push(["response", escape(Any.typeName(operation.response))])
  const width = Math.max(...rows.map(([key]) => key.length)) + 2
  return rows.map(([key, value]) => `${`${key}:`.padEnd(width)}${value}`).join("\n")
}

/** A table with a header row; columns padded to their widest cell, the last one left ragged. */
export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = columnWidths(header, rows)
  return [header, ...rows].map((cells) => row(cells, widths)).join("\n")
}

/** The width of each column: its widest cell among the header and the rows given. */
export const columnWidths = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>
): ReadonlyArray<number> => header.map((_, i) => Math.max(...[header, ...rows].map((cells) => (cells[i] ?? "").length)))

/**
 * One row of a table: each cell but the last padded to its column's width. A cell wider than its column
 * (rows arriving after the widths were set) pushes the rest of its row right, two spaces still apart.
 */
export const row = (cells: ReadonlyArray<string>, widths: ReadonlyArray<number>): string =>
  cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ").trimEnd()

/** An operation as Google's JSON, exactly as the server sent it (unknown fields included). */
export const json = (operation: Operation.Operation): string => safeJson(JSON.stringify(encodeOperation(operation)))

/** The same, pretty-printed. */
export const prettyJson = (operation: Operation.Operation): string =>
  safeJson(JSON.stringify(encodeOperation(operation), null, 2))

const encodeOperation = Schema.encodeSync(Operation.Operation)
