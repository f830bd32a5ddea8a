/**
 * Rules for reading what a server answers about an operation, before it is decoded as a
 * google.longrunning Operation:
 *
 * - an answer without a `name` takes the name that was asked for (Resource Manager v3 `folders.delete`);
 * - a `response` without `done` is done (Firestore's create answers with a `response` and no `done`), and so
 *   is an `error` beside a `name` or `metadata` (alone it is a REST error envelope): proto3 leaves `done` out
 *   when it is false, but a result is only ever set on a finished operation, so the result wins;
 * - an operation of another API's own type (Compute Engine, Google Kubernetes Engine, Cloud SQL: `status`,
 *   `progress`, `selfLink`, `operationType`, ...) is refused with a {@link ForeignOperation}, instead of
 *   decoding as a google.longrunning operation that never finishes.
 *
 * The rule that a project number and a project id name the same operation is
 * `OperationName.sameOperation`.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * The APIs whose operations have a type of their own, recognised by {@link foreignApi}.
 *
 * @since 0.1.0
 * @category models
 */
export type ForeignApi = "Compute Engine" | "Google Kubernetes Engine" | "Cloud SQL" | "an API with its own Operation type"

/**
 * Marks a {@link ForeignOperation}.
 *
 * @example
 * ```ts
 * import { Answer } from "@longrunning/schema"
 *
 * declare const error: Answer.ForeignOperation
 * error[Answer.ForeignOperationTypeId] === Answer.ForeignOperationTypeId // true
 * ```
 *
 * @since 0.1.0
 * @category type ids
 */
export const ForeignOperationTypeId: unique symbol = Symbol.for("@longrunning/schema/ForeignOperation")

/**
 * @since 0.1.0
 * @category type ids
 */
export type ForeignOperationTypeId = typeof ForeignOperationTypeId

/**
 * An answer that is an operation of another API's own type, not a google.longrunning Operation.
 *
 * @example
 * ```ts
 * import { Answer } from "@longrunning/schema"
 * import * as Either from "effect/Either"
 *
 * const result = Answer.normalize({ kind: "compute#operation", name: "operation-1", status: "RUNNING", progress: 0 })
 * if (Either.isLeft(result)) result.left.api // "Compute Engine"
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ForeignOperation extends Schema.TaggedError<ForeignOperation>("@longrunning/schema/ForeignOperation")(
  "ForeignOperation",
  {
    api: Schema.Literal("Compute Engine", "Google Kubernetes Engine", "Cloud SQL", "an API with its own Operation type"),
    /** The answer's `name`, if it has one. */
    name: Schema.String,
    /** The fields that gave it away. */
    evidence: Schema.Array(Schema.String)
  }
) {
  /**
   * @since 0.1.0
   */
  readonly [ForeignOperationTypeId]: ForeignOperationTypeId = ForeignOperationTypeId

  override get message(): string {
    const name = this.name === "" ? "the answer" : JSON.stringify(this.name.slice(0, 200))
    return `${name} is ${this.api === "an API with its own Operation type" ? "" : "a "}${this.api} operation (${
      this.evidence.join(", ")
    }), not a google.longrunning operation: poll it with that API's own operations methods`
  }
}

/**
 * Whether a value is a {@link ForeignOperation}.
 *
 * @example
 * ```ts
 * import { Answer } from "@longrunning/schema"
 *
 * Answer.isForeignOperation(new Error("x")) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isForeignOperation = (u: unknown): u is ForeignOperation => Predicate.hasProperty(u, ForeignOperationTypeId)

// Fields a google.longrunning Operation never has at its top level, and that the other APIs' operation types
// all carry some of.
const foreignFields = [
  "status",
  "progress",
  "selfLink",
  "targetLink",
  "operationType",
  "insertTime",
  "targetId",
  "targetProject",
  "zone",
  "statusMessage"
]
const statusValues = new Set(["PENDING", "RUNNING", "DONE", "ABORTING", "STATUS_UNSPECIFIED", "SQL_OPERATION_STATUS_UNSPECIFIED"])

// GKE's operation types are upper-case names such as CREATE_CLUSTER or SET_NODE_POOL_SIZE; Compute's are
// lower-case (`insert`) and Cloud SQL's carry `kind: sql#operation`.
const gkeOperationType = /^(?:[A-Z]+_)*(?:CLUSTER|NODE_POOL|NODES|MASTER|MASTER_AUTH|LABELS|NETWORK_POLICY|MAINTENANCE_POLICY|NODE_POOL_SIZE|NODE_POOL_MANAGEMENT|FLEET_FEATURE_UPGRADE)$/

const apiOf = (record: Record<string, unknown>): ForeignApi => {
  const kind = typeof record.kind === "string" ? record.kind : ""
  const link = typeof record.selfLink === "string" ? record.selfLink : ""
  if (kind.startsWith("compute#") || /\/compute\/|compute\.googleapis\.com/.test(link)) return "Compute Engine"
  if (kind.startsWith("sql#") || /sqladmin\.googleapis\.com|\/sql\//.test(link)) return "Cloud SQL"
  const operationType = typeof record.operationType === "string" ? record.operationType : ""
  if (/container\.googleapis\.com/.test(link) || gkeOperationType.test(operationType)) return "Google Kubernetes Engine"
  return "an API with its own Operation type"
}

/**
 * The API an answer comes from when it is an operation of that API's own type rather than a
 * google.longrunning Operation; `None` for a google.longrunning Operation (or anything else). Recognised by
 * shape: a `status` of `PENDING`/`RUNNING`/`DONE` beside `progress`, `selfLink`, `operationType` or a
 * `kind` such as `compute#operation`, and no `done`, `metadata` or `response`.
 *
 * @example
 * ```ts
 * import { Answer } from "@longrunning/schema"
 *
 * Answer.foreignApi({ kind: "sql#operation", status: "DONE", operationType: "CREATE" }) // Option.some("Cloud SQL")
 * Answer.foreignApi({ name: "operations/1", done: true }) // Option.none()
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const foreignApi = (json: unknown): Option.Option<ForeignApi> =>
  isRecord(json) && foreignEvidence(json) !== undefined ? Option.some(apiOf(json)) : Option.none()

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const foreignEvidence = (json: Record<string, unknown>): ReadonlyArray<string> | undefined => {
  if ("done" in json || "metadata" in json || "response" in json) return undefined
  const kind = typeof json.kind === "string" && /#operation$/.test(json.kind) ? [`kind: ${json.kind}`] : []
  const found = foreignFields.filter((field) => field in json)
  const status = typeof json.status === "string" && statusValues.has(json.status)
  if (kind.length > 0 && found.length > 0) return [...kind, ...found]
  return status && found.length >= 2 ? found.map((field) => field === "status" ? `status: ${json.status}` : field) : undefined
}

/**
 * Applies the answer rules to a JSON answer: refuses an operation of another API's own type, gives a nameless
 * answer the name asked for, and marks an answer with a result but no `done` as done. Anything else comes
 * back as it was (the very same value when no rule applied), for the Operation schema to decode.
 *
 * @example
 * ```ts
 * import { Answer } from "@longrunning/schema"
 *
 * Answer.normalize({ done: true, response: { "@type": "type.googleapis.com/google.protobuf.Empty" } }, "operations/fd.1")
 * // Either.right({ name: "operations/fd.1", done: true, response: { ... } })
 * Answer.normalize({ name: "projects/p/databases/d/operations/o", response: { "@type": "x" } })
 * // Either.right({ name: "...", response: { ... }, done: true })
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const normalize = (json: unknown, asked?: string): Either.Either<unknown, ForeignOperation> => {
  if (!isRecord(json)) return Either.right(json)
  const evidence = foreignEvidence(json)
  if (evidence !== undefined) {
    return Either.left(
      new ForeignOperation({
        api: apiOf(json),
        name: typeof json.name === "string" ? json.name : "",
        evidence: [...evidence]
      })
    )
  }
  const nameless = asked !== undefined && (json.name === undefined || json.name === null || json.name === "")
  // An `error` alone is also what a REST error envelope looks like: it counts only beside a name or metadata.
  const present = (key: string) => json[key] !== undefined && json[key] !== null
  const resultWithoutDone = (json.done === undefined || json.done === null) &&
    (present("response") || (present("error") && (present("name") || present("metadata"))))
  if (!nameless && !resultWithoutDone) return Either.right(json)
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(json)) {
    // "__proto__" as a plain assignment would change the copy's prototype instead of copying the field.
    Object.defineProperty(out, key, { value: json[key], enumerable: true, writable: true, configurable: true })
  }
  if (nameless) out.name = asked
  if (resultWithoutDone) out.done = true
  return Either.right(out)
}
