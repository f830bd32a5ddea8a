/**
 * `google.longrunning.Operation` as a tagged union of the states an operation can be in, with codecs to
 * and from the JSON Google sends.
 *
 * @since 0.1.0
 */
import { dual } from "effect/Function"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Any from "./Any.js"
import * as Fast from "./internal/fast.js"
import { fastOf, guarded } from "./internal/guard.js"
import * as Proto from "./Proto.js"
import * as Status from "./Status.js"

/**
 * Not done yet: `done` was false or absent, and there is no result.
 *
 * @since 0.1.0
 * @category models
 */
export interface Running<M = Any.Any> {
  readonly _tag: "Running"
  readonly name: string
  readonly metadata?: M
}

/**
 * Done, with a `response`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Succeeded<M = Any.Any, R = Any.Any> {
  readonly _tag: "Succeeded"
  readonly name: string
  readonly metadata?: M
  readonly response: R
}

/**
 * Done, with an `error` (a cancelled operation ends here with code 1, CANCELLED).
 *
 * @since 0.1.0
 * @category models
 */
export interface Failed<M = Any.Any> {
  readonly _tag: "Failed"
  readonly name: string
  readonly metadata?: M
  readonly error: Status.Status
}

/**
 * Done, with neither `error` nor `response`: "some services might not provide the result".
 *
 * @since 0.1.0
 * @category models
 */
export interface DoneWithoutResult<M = Any.Any> {
  readonly _tag: "DoneWithoutResult"
  readonly name: string
  readonly metadata?: M
}

/**
 * An operation in one of its four states. Fields a newer server adds are kept on the value (not in its
 * type) and written back when it is encoded.
 *
 * @since 0.1.0
 * @category models
 */
export type Operation<M = Any.Any, R = Any.Any> = Running<M> | Succeeded<M, R> | Failed<M> | DoneWithoutResult<M>

/**
 * An operation that is done, whichever way.
 *
 * @since 0.1.0
 * @category models
 */
export type Done<M = Any.Any, R = Any.Any> = Succeeded<M, R> | Failed<M> | DoneWithoutResult<M>

/**
 * The JSON form of an operation.
 *
 * @since 0.1.0
 * @category models
 */
export interface OperationEncoded<MI = Any.Any, RI = Any.Any> {
  readonly name?: string | null | undefined
  readonly metadata?: MI | null | undefined
  readonly done?: boolean | null | undefined
  readonly error?: Status.StatusEncoded | null | undefined
  readonly response?: RI | null | undefined
  readonly [field: string]: unknown
}

const knownFields = new Set(["name", "metadata", "done", "error", "response"])

const makeSlow = <M, MI, R, RI>(
  metadata: Schema.Schema<M, MI>,
  response: Schema.Schema<R, RI>
): Schema.Schema<Operation<M, R>, OperationEncoded<MI, RI>> => {
  const wire = Schema.Struct({
    name: Proto.optional(Schema.String),
    metadata: Proto.optional(metadata),
    done: Proto.optional(Schema.Boolean),
    error: Proto.optional(Status.Status),
    response: Proto.optional(response)
  }).annotations({ identifier: "OperationJson", ...Proto.preserveUnknownFields })
  const M = Schema.typeSchema(metadata)
  const common = { name: Schema.String, metadata: Schema.optionalWith(M, { exact: true }) }
  const state = Schema.Union(
    Schema.TaggedStruct("Running", common),
    Schema.TaggedStruct("Succeeded", { ...common, response: Schema.typeSchema(response) }),
    Schema.TaggedStruct("Failed", { ...common, error: Schema.typeSchema(Status.Status) }),
    Schema.TaggedStruct("DoneWithoutResult", common)
  ).annotations({ ...Proto.preserveUnknownFields })

  return Schema.transformOrFail(wire, state, {
    strict: true,
    decode: (json, _, ast) => {
      const base: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(json)) {
        if (!knownFields.has(key)) base[key] = value
      }
      if (Object.hasOwn(base, "_tag")) {
        return ParseResult.fail(
          new ParseResult.Pointer("_tag", json, new ParseResult.Type(ast, json, "\"_tag\" is not a field of an Operation"))
        )
      }
      const fields = {
        ...base,
        name: json.name ?? "",
        ...(json.metadata === undefined ? {} : { metadata: json.metadata })
      }
      if (json.done !== true) {
        for (const key of ["error", "response"] as const) {
          if (json[key] !== undefined) {
            return ParseResult.fail(
              new ParseResult.Pointer(
                key,
                json,
                new ParseResult.Type(
                  ast,
                  json,
                  `an operation that is not done (done is ${json.done ?? "absent"}) must not carry "${key}"`
                )
              )
            )
          }
        }
        return ParseResult.succeed({ ...fields, _tag: "Running" as const })
      }
      if (json.error !== undefined && json.response !== undefined) {
        return ParseResult.fail(
          new ParseResult.Type(ast, json, "an operation that is done carries \"error\" or \"response\", not both")
        )
      }
      if (json.error !== undefined) return ParseResult.succeed({ ...fields, _tag: "Failed" as const, error: json.error })
      if (json.response !== undefined) {
        return ParseResult.succeed({ ...fields, _tag: "Succeeded" as const, response: json.response })
      }
      return ParseResult.succeed({ ...fields, _tag: "DoneWithoutResult" as const })
    },
    encode: (operation) => {
      const { _tag, metadata: m, name, ...rest } = operation
      const json = {
        ...rest,
        ...(name === "" ? {} : { name }),
        ...(m === undefined ? {} : { metadata: m }),
        ...(_tag === "Running" ? {} : { done: true })
      }
      return ParseResult.succeed(json)
    }
  }).annotations({ identifier: "Operation" })
}

// The schema users get: the nesting limit checked at the root first, then the fast decoder if any.
const make = <M, MI, R, RI>(
  metadata: Schema.Schema<M, MI>,
  response: Schema.Schema<R, RI>,
  fast?: ((input: unknown) => Operation<M, R> | undefined) | undefined
): Schema.Schema<Operation<M, R>, OperationEncoded<MI, RI>> =>
  guarded(makeSlow(metadata, response), { fast, annotations: { identifier: "Operation" } })

/**
 * The JSON form of an untyped operation, checked as JSON: each known field's type, with metadata and
 * response Anys. For arbitraries of wire payloads and JSON Schemas: `Schema.encodedSchema` of an
 * operation schema has no annotations to build them from, since the operation schema is a declaration
 * (it checks the nesting limit before anything else).
 *
 * @example
 * ```ts
 * import { Operation } from "@longrunning/schema"
 * import { Arbitrary, FastCheck } from "effect"
 *
 * FastCheck.sample(Arbitrary.make(Operation.OperationJson), 1)
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const OperationJson: Schema.Schema<OperationEncoded> = Schema.encodedSchema(makeSlow(Any.Any, Any.Any))

// -----------------------------------------------------------------------------
// the fast path
// -----------------------------------------------------------------------------

// A field's straight-line decoder: a message schema's own (dispatched on `@type`, others kept as they
// came, as `Any.oneOf` does), a schema's annotation, or the schema itself.
const fieldDecoder = (input: Any.FieldInput): Fast.Fast<unknown> => {
  const messages: ReadonlyArray<Any.AnyMessageSchema> | undefined = Any.isMessageSchema(input)
    ? [input]
    : Schema.isSchema(input)
    ? undefined
    : input
  if (messages === undefined) {
    const schema = Any.field(input)
    return Fast.fastDecoderOf(schema) ?? Fast.viaSchema(schema)
  }
  const urlOf = (m: Any.AnyMessageSchema) => Option.getOrElse(Any.typeUrlOf(m), () => m.typeUrl)
  const decoderOf = (m: Any.AnyMessageSchema) => Fast.fastDecoderOf(m) ?? Fast.viaSchema(m)
  // One type (a typed operation's usual metadata): a comparison, not a Map lookup that hashes the text of
  // each answer's `@type` anew.
  const [only] = messages
  if (only !== undefined && messages.length === 1) {
    const url = urlOf(only)
    const decode = decoderOf(only)
    return (u) => (Any.isAny(u) ? (u["@type"] === url ? decode(u) : u) : undefined)
  }
  const byUrl = new Map<string, Fast.Fast<unknown>>()
  for (const m of messages) byUrl.set(urlOf(m), decoderOf(m))
  return (u) => {
    if (!Any.isAny(u)) return undefined
    const decode = byUrl.get(u["@type"])
    return decode === undefined ? u : decode(u)
  }
}

const decodeStatus = Fast.viaSchema(Status.Status)

// The result is built on the object of unknown fields, in place: V8 keeps a copy made by spreading a
// non-empty object into a literal with more fields alive through young-generation collections.
const tags: {
  readonly Running: { readonly _tag: "Running" }
  readonly Succeeded: { readonly _tag: "Succeeded" }
  readonly Failed: { readonly _tag: "Failed" }
  readonly DoneWithoutResult: { readonly _tag: "DoneWithoutResult" }
} = {
  Running: { _tag: "Running" },
  Succeeded: { _tag: "Succeeded" },
  Failed: { _tag: "Failed" },
  DoneWithoutResult: { _tag: "DoneWithoutResult" }
}

/**
 * What the schema made by `makeSlow` returns, built by hand: unknown fields first (in their order), then
 * `_tag`, `name`, `metadata` and the result, as the schema's type side orders them. Shapes it does not
 * handle (a `_tag` or `__proto__` field, a value of the wrong type, a state the union refuses) are left
 * to the schema.
 */
const fastOperation = <M, R>(
  metadata: Fast.Fast<M>,
  response: Fast.Fast<R>
): Fast.Fast<Operation<M, R>> =>
(json) => {
  if (!Fast.isObject(json)) return undefined
  const rest: Record<string, unknown> = {}
  for (const key in json) {
    switch (key) {
      case "name":
      case "metadata":
      case "done":
      case "error":
      case "response":
        continue
      case "_tag":
      case "__proto__":
        return undefined
    }
    rest[key] = json[key]
  }
  const { done, error, metadata: m, name, response: r } = json
  if (name != null && typeof name !== "string") return undefined
  if (done != null && typeof done !== "boolean") return undefined
  if (done !== true ? error != null || r != null : error != null && r != null) return undefined
  let md: M | undefined
  if (m != null) {
    md = metadata(m)
    if (md === undefined) return undefined
  }
  const common = md === undefined ? { name: name ?? "" } : { name: name ?? "", metadata: md }
  if (done !== true) return Object.assign(rest, tags.Running, common)
  if (error != null) {
    const e = decodeStatus(error)
    return e === undefined ? undefined : Object.assign(rest, tags.Failed, common, { error: e })
  }
  if (r != null) {
    const rd = response(r)
    return rd === undefined ? undefined : Object.assign(rest, tags.Succeeded, common, { response: rd })
  }
  return Object.assign(rest, tags.DoneWithoutResult, common)
}

/**
 * The schema of an operation whose metadata and response are kept as untyped Anys.
 *
 * @example
 * ```ts
 * import { Operation } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * const op = Schema.decodeUnknownSync(Operation.Operation)({
 *   name: "projects/p/regions/us-central1/operations/123",
 *   metadata: { "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata" }
 * })
 * op._tag // "Running"
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Operation: Schema.Schema<Operation, OperationEncoded> = make(
  Any.Any,
  Any.Any,
  fastOperation(Fast.any, Fast.any)
)

/**
 * Makes the schema of a typed operation from the schemas of its metadata and response. A message schema
 * (made with `Any.message`, like `Dataproc.ClusterOperationMetadata`) or a list of them is dispatched on
 * `@type`, and an Any of another type is kept as it came; any other schema (`Schema.Unknown`) is used
 * as it is.
 *
 * @example
 * ```ts
 * import { Dataproc, Operation } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * const ClusterOperation = Operation.schema({
 *   metadata: Dataproc.ClusterOperationMetadata,
 *   response: Schema.Unknown
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export function schema<
  const MF extends Any.FieldInput = Schema.Schema<Any.Any>,
  const RF extends Any.FieldInput = Schema.Schema<Any.Any>
>(
  options: { readonly metadata?: MF | undefined; readonly response?: RF | undefined }
): Schema.Schema<
  Operation<Any.FieldType<MF>, Any.FieldType<RF>>,
  OperationEncoded<Any.FieldEncoded<MF>, Any.FieldEncoded<RF>>
>
export function schema(
  options: { readonly metadata?: Any.FieldInput | undefined; readonly response?: Any.FieldInput | undefined }
): Schema.Schema<Operation<unknown, unknown>, OperationEncoded<unknown, unknown>> {
  const metadata = options.metadata ?? Any.Any
  const response = options.response ?? Any.Any
  return make<unknown, unknown, unknown, unknown>(
    Any.field(metadata),
    Any.field(response),
    fastOperation(fieldDecoder(metadata), fieldDecoder(response))
  )
}

/**
 * A straight-line decoder of an operation schema's JSON: the very value the schema decodes the input to, or
 * `undefined` when it cannot tell (a value the schema may refuse, a spelling only the schema reads); the
 * schema then decodes it, or gives the exact `ParseError`. It does not check the nesting limit: call it only
 * on values `Proto.tooDeep` passes, as the schema does before calling it.
 *
 * @example
 * ```ts
 * import { Operation } from "@longrunning/schema"
 * import { Option } from "effect"
 *
 * const decode: Operation.FastDecoder<Operation.Operation> = Option.getOrThrow(Operation.fastDecoder(Operation.Operation))
 * decode({ name: "operations/1" })?._tag // "Running"
 * decode({ name: 1 }) // undefined: the schema says why
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type FastDecoder<A> = (json: unknown) => A | undefined

/**
 * The straight-line decoder an operation schema runs before its schema: `Some` for {@link Operation}, the
 * schemas made by {@link schema} (the generated `Dataproc.Operations.*` and `Dataproc.DataprocOperation`),
 * and the same with other annotations (`.annotations(...)`); `None` for any other schema, one derived from an
 * operation schema (`Schema.typeSchema`) included. The decoder travels with the schema as one of its
 * annotations. `Schema.decodeUnknown(schema)` runs it already, after the nesting check; this is for a
 * caller that checks the nesting itself and decodes many answers, as `OperationsClient` does, going to the
 * schema only when the decoder returns `undefined`.
 *
 * @example
 * ```ts
 * import { Dataproc, Operation, Proto } from "@longrunning/schema"
 * import { Either, Option, Schema } from "effect"
 *
 * const schema = Dataproc.Operations.clustersCreate
 * const fast = Operation.fastDecoder(schema)
 * const decode = (json: unknown) => {
 *   const value = Option.isSome(fast) && Proto.tooDeep(json) === undefined ? fast.value(json) : undefined
 *   return value === undefined ? Schema.decodeUnknownEither(schema)(json) : Either.right(value)
 * }
 * decode({ name: "projects/p/regions/r/operations/1" }) // Either.right({ _tag: "Running", ... })
 * ```
 *
 * @since 0.2.0
 * @category accessors
 */
export const fastDecoder = <A, I, R>(schema: Schema.Schema<A, I, R>): Option.Option<FastDecoder<A>> =>
  Option.fromNullable(fastOf(schema))

/**
 * The response of `ListOperations`: a page of operations, the token of the next page (empty on the last),
 * and the locations that could not be reached.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListOperationsResponse<M = Any.Any, R = Any.Any> {
  readonly operations: ReadonlyArray<Operation<M, R>>
  readonly nextPageToken: string
  readonly unreachable: ReadonlyArray<string>
}

/**
 * The JSON form of a {@link ListOperationsResponse}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListOperationsResponseEncoded<OI = OperationEncoded> {
  readonly operations?: ReadonlyArray<OI> | null
  readonly nextPageToken?: string | null
  readonly unreachable?: ReadonlyArray<string> | null
}

/**
 * Makes the schema of a list response from the schema of its operations.
 *
 * @example
 * ```ts
 * import { Dataproc, Operation } from "@longrunning/schema"
 *
 * const ClusterOperations = Operation.listResponse(Operation.schema({ metadata: Dataproc.ClusterOperationMetadata }))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const listResponse = <M, R, OI>(
  operation: Schema.Schema<Operation<M, R>, OI>
): Schema.Schema<ListOperationsResponse<M, R>, ListOperationsResponseEncoded<OI>> =>
  guarded(
    Schema.Struct({
      operations: Proto.withDefault(Schema.Array(operation), () => [], (ops) => ops.length === 0),
      nextPageToken: Proto.withDefault(Schema.String, () => ""),
      unreachable: Proto.withDefault(Schema.Array(Schema.String), () => [], (u) => u.length === 0)
    }).annotations({ identifier: "ListOperationsResponse", ...Proto.preserveUnknownFields }),
    { annotations: { identifier: "ListOperationsResponse" } }
  )

/**
 * The schema of a list response with untyped operations.
 *
 * @example
 * ```ts
 * import { Operation } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * const page = Schema.decodeUnknownSync(Operation.ListOperationsResponse)({ operations: [], nextPageToken: "" })
 * page.operations.length // 0
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ListOperationsResponse: Schema.Schema<ListOperationsResponse, ListOperationsResponseEncoded> =
  listResponse(Operation)

// -----------------------------------------------------------------------------
// constructors
// -----------------------------------------------------------------------------

type Common<M> = { readonly name: string; readonly metadata?: M | undefined }

const common = <M>(options: Common<M>) => ({
  name: options.name,
  ...(options.metadata === undefined ? {} : { metadata: options.metadata })
})

/**
 * Makes a running operation.
 *
 * @example
 * ```ts
 * import { Operation } from "@longrunning/schema"
 *
 * Operation.running({ name: "operations/1" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const running = <M = Any.Any>(options: Common<M>): Running<M> => ({ _tag: "Running", ...common(options) })

/**
 * Makes an operation that succeeded.
 *
 * @example
 * ```ts
 * import { Operation } from "@longrunning/schema"
 *
 * Operation.succeeded({ name: "operations/1", response: { "@type": "type.googleapis.com/google.protobuf.Empty" } })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const succeeded = <M = Any.Any, R = Any.Any>(options: Common<M> & { readonly response: R }): Succeeded<M, R> => ({
  _tag: "Succeeded",
  ...common(options),
  response: options.response
})

/**
 * Makes an operation that failed.
 *
 * @example
 * ```ts
 * import { Operation, Status } from "@longrunning/schema"
 *
 * Operation.failed({ name: "operations/1", error: Status.make({ code: 1, message: "cancelled" }) })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const failed = <M = Any.Any>(options: Common<M> & { readonly error: Status.Status }): Failed<M> => ({
  _tag: "Failed",
  ...common(options),
  error: options.error
})

/**
 * Makes an operation that is done without a result.
 *
 * @example
 * ```ts
 * import { Operation } from "@longrunning/schema"
 *
 * Operation.doneWithoutResult({ name: "operations/1" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const doneWithoutResult = <M = Any.Any>(options: Common<M>): DoneWithoutResult<M> => ({
  _tag: "DoneWithoutResult",
  ...common(options)
})

// -----------------------------------------------------------------------------
// guards
// -----------------------------------------------------------------------------

/**
 * Tells whether the operation is still running.
 *
 * @example
 * ```ts
 * import { Operation } from "@longrunning/schema"
 *
 * Operation.isRunning(Operation.running({ name: "operations/1" })) // true
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isRunning = <M, R>(operation: Operation<M, R>): operation is Running<M> => operation._tag === "Running"

/**
 * Tells whether the operation is done: succeeded, failed or done without a result.
 *
 * @example
 * ```ts
 * import { Operation } from "@longrunning/schema"
 *
 * Operation.isDone(Operation.doneWithoutResult({ name: "operations/1" })) // true
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isDone = <M, R>(operation: Operation<M, R>): operation is Done<M, R> => operation._tag !== "Running"

/**
 * Tells whether the operation succeeded.
 *
 * @example
 * ```ts
 * import { Operation } from "@longrunning/schema"
 *
 * Operation.isSucceeded(Operation.running({ name: "operations/1" })) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isSucceeded = <M, R>(operation: Operation<M, R>): operation is Succeeded<M, R> =>
  operation._tag === "Succeeded"

/**
 * Tells whether the operation failed (cancelled included).
 *
 * @example
 * ```ts
 * import { Operation, Status } from "@longrunning/schema"
 *
 * Operation.isFailed(Operation.failed({ name: "operations/1", error: Status.make({ code: 1 }) })) // true
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isFailed = <M, R>(operation: Operation<M, R>): operation is Failed<M> => operation._tag === "Failed"

/**
 * Tells whether the operation is done without a result.
 *
 * @example
 * ```ts
 * import { Operation } from "@longrunning/schema"
 *
 * Operation.isDoneWithoutResult(Operation.doneWithoutResult({ name: "operations/1" })) // true
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isDoneWithoutResult = <M, R>(operation: Operation<M, R>): operation is DoneWithoutResult<M> =>
  operation._tag === "DoneWithoutResult"

/**
 * Tells whether the operation was cancelled: failed with code 1 (CANCELLED).
 *
 * @example
 * ```ts
 * import { Operation, Status } from "@longrunning/schema"
 *
 * Operation.isCancelled(Operation.failed({ name: "operations/1", error: Status.make({ code: 1 }) })) // true
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isCancelled = <M, R>(operation: Operation<M, R>): operation is Failed<M> =>
  operation._tag === "Failed" && operation.error.code === 1

/**
 * Handles each state of an operation.
 *
 * @example
 * ```ts
 * import { Operation, Status } from "@longrunning/schema"
 *
 * declare const op: Operation.Operation
 * const text = Operation.match(op, {
 *   Running: () => "running",
 *   Succeeded: (done) => `done: ${done.response["@type"]}`,
 *   Failed: (failed) => Status.format(failed.error),
 *   DoneWithoutResult: () => "done"
 * })
 * ```
 *
 * @since 0.1.0
 * @category pattern matching
 */
export const match: {
  <M, R, A, B, C, D>(
    cases: {
      readonly Running: (operation: Running<M>) => A
      readonly Succeeded: (operation: Succeeded<M, R>) => B
      readonly Failed: (operation: Failed<M>) => C
      readonly DoneWithoutResult: (operation: DoneWithoutResult<M>) => D
    }
  ): (self: Operation<M, R>) => A | B | C | D
  <M, R, A, B, C, D>(
    self: Operation<M, R>,
    cases: {
      readonly Running: (operation: Running<M>) => A
      readonly Succeeded: (operation: Succeeded<M, R>) => B
      readonly Failed: (operation: Failed<M>) => C
      readonly DoneWithoutResult: (operation: DoneWithoutResult<M>) => D
    }
  ): A | B | C | D
} = dual(2, <M, R, A, B, C, D>(
  self: Operation<M, R>,
  cases: {
    readonly Running: (operation: Running<M>) => A
    readonly Succeeded: (operation: Succeeded<M, R>) => B
    readonly Failed: (operation: Failed<M>) => C
    readonly DoneWithoutResult: (operation: DoneWithoutResult<M>) => D
  }
): A | B | C | D => {
  switch (self._tag) {
    case "Running":
      return cases.Running(self)
    case "Succeeded":
      return cases.Succeeded(self)
    case "Failed":
      return cases.Failed(self)
    case "DoneWithoutResult":
      return cases.DoneWithoutResult(self)
  }
})
