import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
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

/**
 * The straight-line decoder of a schema made by `guarded`, if it has one and decoding that schema runs it.
 * A declaration derived from it by `Schema.typeSchema` keeps its annotations but decodes the type side
 * (its parameter is no longer the wire schema's transformation) without the straight-line decoder, so it
 * has none; `Schema.encodedSchema` drops the annotations.
 */
export const fastOf = <A, I, R>(schema: Schema.Schema<A, I, R>): ((input: unknown) => A | undefined) | undefined => {
  const ast = schema.ast
  if (!SchemaAST.isDeclaration(ast)) return undefined
  const param = ast.typeParameters[0]
  if (param === undefined || !SchemaAST.isTransformation(param)) return undefined
  // Annotations are not typed by their key: the decoder under this one was put there for this schema.
  const found = SchemaAST.getAnnotation<(input: unknown) => A | undefined>(ast, FastDecoderAnnotationId)
  return found._tag === "Some" ? found.value : undefined
}
