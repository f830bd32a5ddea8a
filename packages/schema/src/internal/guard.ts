import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { FastDecoderAnnotationId } from "./fastId.js"
import * as Nesting from "./nesting.js"

/**
 * Wraps a schema so that decoding first checks the input's nesting depth (the whole value, from its root,
 * before any union or formatter can walk it), then tries `fast`, a straight-line decoder that returns
 * exactly what `schema` would or `undefined` when it cannot tell, and falls back to `schema`, which also
 * produces the ParseError. Encoding is `schema`'s. The type and encoded sides are `schema`'s: derived
 * schemas (`Schema.typeSchema`, `Schema.encodedSchema`) get the derived view of `schema` as their
 * parameter, and use it as it is, since the fast decoder and the depth check are for the wire form only.
 */
export const guarded = <A, I>(
  schema: Schema.Schema<A, I>,
  options: {
    readonly fast?: ((input: unknown) => A | undefined) | undefined
    readonly annotations?: Schema.Annotations.Schema<A, readonly [A]> | undefined
  } = {}
): Schema.Schema<A, I> => {
  const fast = options.fast
  return Schema.declare([schema], {
    decode: (param) => {
      const decode = ParseResult.decodeUnknown(param)
      // This parameter is the wire schema itself only when the declaration was not derived.
      if (param.ast !== schema.ast) return (input, parseOptions) => decode(input, parseOptions)
      return (input, parseOptions, ast) => {
        const path = Nesting.tooDeep(input)
        if (path !== undefined) return ParseResult.fail(Nesting.tooDeepIssue(ast, input, path))
        if (fast !== undefined) {
          const value = fast(input)
          if (value !== undefined) return ParseResult.succeed(value)
        }
        return decode(input, parseOptions)
      }
    },
    encode: (param) => {
      const encode = ParseResult.encodeUnknown(param)
      return (input, parseOptions) => encode(input, parseOptions)
    }
  }, {
    // The fast decoder is carried too, so that the tests can run it beside the schema.
    ...(fast === undefined ? {} : { [FastDecoderAnnotationId]: fast }),
    arbitrary: (param) => param,
    pretty: (param) => param,
    equivalence: (param) => param,
    ...options.annotations
  })
}
