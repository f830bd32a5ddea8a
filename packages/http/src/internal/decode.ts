import * as Answer from "@longrunning/schema/Answer"
import * as Operation from "@longrunning/schema/Operation"
import * as OperationName from "@longrunning/schema/OperationName"
import * as Proto from "@longrunning/schema/Proto"
import * as Cause from "effect/Cause"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import * as OperationsError from "../OperationsError.js"
import { excerpt } from "./errors.js"

/** @internal */
export const invalidName = (method: OperationsError.Method, input: string, reason: string) =>
  new OperationsError.InvalidName({ method, input, reason })

/** @internal */
export const parseReason = (error: ParseResult.ParseError): string => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  return issues.length === 0 ? error.message : issues.map((issue) => issue.message).join("; ")
}

const renderPath = (path: ReadonlyArray<PropertyKey>): string =>
  "$" + path.map((key) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`)).join("")

/** What a decoder reports when a 2xx body is not what was promised. */
export interface Malformed {
  readonly path: string
  readonly detail: string
  readonly cause?: unknown
}

/** @internal */
export type Decoder<A> = (json: unknown) => Either.Either<A, Malformed>

// Hostile bodies can nest thousands of levels deep: decoding them, or describing where they fail (the
// formatter prints the offending value), can overflow the stack. That ends as a MalformedResponse, not a
// defect, and without the ParseError as its cause, since printing that would overflow again.
const stackOverflow = (thrown: unknown): RangeError | undefined => {
  if (thrown instanceof RangeError) return thrown
  // the formatter runs an Effect synchronously, which wraps what it throws in a FiberFailure
  if (Runtime.isFiberFailure(thrown)) {
    const died = Cause.dieOption(thrown[Runtime.FiberFailureCauseId])
    if (Option.isSome(died) && died.value instanceof RangeError) return died.value
  }
  return undefined
}

/** @internal */
export const fromSchema = <A, I>(schema: Schema.Schema<A, I>): Decoder<A> => {
  const decode = Schema.decodeUnknownEither(schema, { errors: "first" })
  return (json) => {
    try {
      return Either.mapLeft(decode(json), (error): Malformed => {
        const [issue] = ParseResult.ArrayFormatter.formatErrorSync(error)
        return issue === undefined
          ? { path: "$", detail: error.message, cause: error }
          : { path: renderPath(issue.path), detail: issue.message, cause: error }
      })
    } catch (thrown) {
      const overflow = stackOverflow(thrown)
      if (overflow === undefined) throw thrown
      return Either.left({ path: "$", detail: `the body is nested too deeply to decode (${overflow.message})` })
    }
  }
}

const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && Object.getPrototypeOf(u) === Object.prototype

/**
 * @internal The decoder of a typed operation schema: the schema's own straight-line decoder
 * (`Operation.fastDecoder`), on a body whose nesting `decodeBody` has checked, and the schema itself only
 * when that decoder cannot tell, for the value or the exact error the schema gives.
 */
export const typedDecoder = <M, R, I>(schema: Schema.Schema<Operation.Operation<M, R>, I>): Decoder<Operation.Operation<M, R>> => {
  const fast = Operation.fastDecoder(schema)
  if (Option.isNone(fast)) return fromSchema(schema)
  const decode = fast.value
  // A typed get makes its decoder per call: the schema's is made only when the straight-line one cannot tell.
  let slow: Decoder<Operation.Operation<M, R>> | undefined
  return (json) => {
    const value = decode(json)
    return value === undefined ? (slow ??= fromSchema(schema))(json) : Either.right(value)
  }
}

/** @internal The decoder of untyped operations: `Operation.Operation`'s, with its straight-line decoder. */
export const untypedDecoder: Decoder<Operation.Operation> = typedDecoder(Operation.Operation)

// The answer rules (schema's Answer module) first: another API's own operation type is refused, a nameless
// answer is the one asked for, a result without `done` is done. Then the operation must be the one asked for
// (a project number standing for its id): a proxy or a bug must not hand us another one's state.
const checkName = <M, R>(decode: Decoder<Operation.Operation<M, R>>, name: string): Decoder<Operation.Operation<M, R>> =>
(json) => {
  const answer = Answer.normalize(json, name)
  if (Either.isLeft(answer)) return Either.left({ path: "$", detail: answer.left.message, cause: answer.left })
  return Either.flatMap(decode(answer.right), (operation) =>
    OperationName.sameOperation(name, operation.name)
      ? Either.right(operation)
      : Either.left({
        path: "$.name",
        detail: `expected the operation asked for, ${JSON.stringify(name)}, got ${JSON.stringify(operation.name)}`
      }))
}

/** @internal The decoder of untyped operations (`Operation.Operation`), with its fast path. */
export const untypedOperationDecoder = (name: string): Decoder<Operation.Operation> => checkName(untypedDecoder, name)

/** @internal */
export const operationDecoder = <M, R, I>(
  schema: Schema.Schema<Operation.Operation<M, R>, I>,
  name: string
): Decoder<Operation.Operation<M, R>> => checkName(typedDecoder(schema), name)

// Each operation of a page goes through the answer rules a get applies (but for the name, which a page has no
// one to ask for): another API's operation is refused at its place in the page, a result without `done` is done.
const normalizePage = (json: unknown): Either.Either<unknown, Malformed> => {
  if (!isPlainObject(json) || !Array.isArray(json.operations)) return Either.right(json)
  const operations: ReadonlyArray<unknown> = json.operations
  let changed: Array<unknown> | undefined
  for (let index = 0; index < operations.length; index++) {
    const answer = Answer.normalize(operations[index])
    if (Either.isLeft(answer)) {
      return Either.left({ path: `$.operations[${index}]`, detail: answer.left.message, cause: answer.left })
    }
    if (answer.right !== operations[index]) {
      changed ??= operations.slice()
      changed[index] = answer.right
    }
  }
  return Either.right(changed === undefined ? json : { ...json, operations: changed })
}

/** @internal */
export const listDecoder = <M, R, I>(
  schema: Schema.Schema<Operation.ListOperationsResponse<M, R>, I>
): Decoder<Operation.ListOperationsResponse<M, R>> => {
  const decode = fromSchema(schema)
  return (json) => Either.flatMap(normalizePage(json), decode)
}

/** google.protobuf.Empty: `{}` (or an empty body); other fields are ignored as proto3 parsers do. */
export const emptyDecoder: Decoder<void> = (json) =>
  json === undefined || (typeof json === "object" && json !== null && !Array.isArray(json))
    ? Either.right(undefined)
    : Either.left({ path: "$", detail: "expected an object (google.protobuf.Empty)" })


/**
 * The text of a 2xx answer as JSON (`undefined` for an empty body); not JSON is malformed. Its nesting is
 * checked with every other transport's answers, by {@link decodeBody}.
 */
export const parseJson = (text: string): Either.Either<unknown, Malformed> => {
  if (text === "") return Either.right(undefined)
  try {
    return Either.right(JSON.parse(text))
  } catch (cause) {
    return Either.left({ path: "$", detail: `the body is not JSON: ${excerpt(text)}`, cause })
  }
}

/**
 * A transport's answer decoded: nested deeper than `Proto.maxNestingDepth` (schema's one nesting limit) is
 * malformed, naming the path, before any decoder reads it, whatever the transport. So the decoders may
 * assume the limit holds: the straight-line ones read no further than it.
 */
export const decodeBody = <A>(json: unknown, decoder: Decoder<A>): Either.Either<A, Malformed> => {
  const deep = Proto.tooDeep(json)
  return deep === undefined
    ? decoder(json)
    : Either.left({ path: renderPath(deep), detail: `the body nests deeper than ${Proto.maxNestingDepth} levels` })
}
