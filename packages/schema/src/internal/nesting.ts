import * as ParseResult from "effect/ParseResult"
import type * as SchemaAST from "effect/SchemaAST"

/** The limit `Proto.maxNestingDepth` documents. */
export const maxNestingDepth = 100

// Arrays too: their elements are read by index like the fields of an object.
type Container = { readonly [key: string]: unknown }

const isContainer = (u: unknown): u is Container => typeof u === "object" && u !== null

// The path of the first container past the limit; only run once the quick pass has found one.
const deepPath = (json: Container, maxDepth: number): ReadonlyArray<string | number> => {
  const path: Array<string | number> = []
  const frames: Array<{ readonly keys: ReadonlyArray<string | number>; readonly value: Container; index: number }> = []
  const enter = (value: Container) => {
    const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value)
    frames.push({ keys, value, index: 0 })
  }
  enter(json)
  while (frames.length > 0) {
    const frame = frames[frames.length - 1]!
    if (frame.index >= frame.keys.length) {
      frames.pop()
      path.pop()
      continue
    }
    const key = frame.keys[frame.index++]!
    const child = frame.value[key]
    if (!isContainer(child)) continue
    path.push(key)
    if (frames.length + 1 > maxDepth) return path
    enter(child)
  }
  return path
}

/** `Proto.tooDeep`. */
export const tooDeep = (
  json: unknown,
  maxDepth: number = maxNestingDepth
): ReadonlyArray<string | number> | undefined => {
  if (!isContainer(json)) return undefined
  if (maxDepth < 1) return []
  // Depth-first over containers only, with the depth of each beside it.
  const values: Array<Container> = [json]
  const depths: Array<number> = [1]
  while (values.length > 0) {
    const value = values.pop()!
    const depth = depths.pop()! + 1
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const child: unknown = value[i]
        if (isContainer(child)) {
          if (depth > maxDepth) return deepPath(json, maxDepth)
          values.push(child)
          depths.push(depth)
        }
      }
    } else {
      for (const key in value) {
        const child = value[key]
        if (isContainer(child)) {
          if (depth > maxDepth) return deepPath(json, maxDepth)
          values.push(child)
          depths.push(depth)
        }
      }
    }
  }
  return undefined
}

/** The parse issue for a value nested past `Proto.maxNestingDepth`, pointing at the path inside it. */
export const tooDeepIssue = (
  ast: SchemaAST.AST,
  actual: unknown,
  path: ReadonlyArray<string | number>
): ParseResult.ParseIssue => {
  // The deep value itself is not the issue's `actual`: a formatter printing it would overflow the stack.
  const issue = new ParseResult.Type(
    ast,
    "(a value nested too deeply to print)",
    `nested more than ${maxNestingDepth} objects or arrays deep, the limit of protobuf's parsers`
  )
  const [head, ...rest] = path
  return head === undefined ? issue : new ParseResult.Pointer([head, ...rest], actual, issue)
}

/** The issue for the first field of `object` (other than `known` ones) nested too deeply, if any. */
export const checkFields = (
  ast: SchemaAST.AST,
  object: { readonly [key: string]: unknown },
  isKnown: (key: string) => boolean
): ParseResult.ParseIssue | undefined => {
  for (const key in object) {
    if (isKnown(key)) continue
    const value = object[key]
    if (typeof value !== "object" || value === null) continue
    const path = tooDeep(value, maxNestingDepth - 1)
    if (path !== undefined) return tooDeepIssue(ast, object, [key, ...path])
  }
  return undefined
}
