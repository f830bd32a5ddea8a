/**
 * `google.protobuf.Any` in its JSON form: an object with `@type` beside the message's own fields.
 *
 * @since 0.1.0
 */
import * as Arbitrary from "effect/Arbitrary"
import type * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import * as Proto from "./Proto.js"
import { FastDecoderAnnotationId } from "./internal/fastId.js"
import { tooDeepIssue } from "./internal/nesting.js"

/**
 * An Any as it came: its `@type` URL and the message's fields, untouched.
 *
 * @since 0.1.0
 * @category models
 */
export interface Any {
  readonly "@type": string
  readonly [field: string]: unknown
}

/**
 * The prefix of every type URL Google writes.
 *
 * @since 0.1.0
 * @category constants
 */
export const typeUrlPrefix = "type.googleapis.com/"

/**
 * The type URL of a fully qualified message name.
 *
 * @example
 * ```ts
 * import { Any } from "@longrunning/schema"
 *
 * Any.typeUrl("google.rpc.ErrorInfo") // "type.googleapis.com/google.rpc.ErrorInfo"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const typeUrl = <const Name extends string>(fullName: Name): `type.googleapis.com/${Name}` =>
  `${typeUrlPrefix}${fullName}`

/**
 * The message name of an Any's type URL: the part after the last `/`.
 *
 * @example
 * ```ts
 * import { Any } from "@longrunning/schema"
 *
 * Any.typeName({ "@type": "type.googleapis.com/google.rpc.ErrorInfo" }) // "google.rpc.ErrorInfo"
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const typeName = (any: Any): string => any["@type"].slice(any["@type"].lastIndexOf("/") + 1)

/**
 * Tells whether a value is an Any: a JSON object with a string `@type`.
 *
 * @example
 * ```ts
 * import { Any } from "@longrunning/schema"
 *
 * Any.isAny({ "@type": "type.googleapis.com/google.protobuf.Empty" }) // true
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isAny = (u: unknown): u is Any => Predicate.isRecord(u) && typeof u["@type"] === "string"

const fieldName = /^[a-z][A-Za-z0-9]{0,11}$/

// An Any is kept by reference, so its depth is checked here, before anything else walks it.
const checkAny = (u: unknown, _: SchemaAST.ParseOptions, ast: SchemaAST.AST): Effect.Effect<Any, ParseResult.ParseIssue> => {
  if (!isAny(u)) return ParseResult.fail(new ParseResult.Type(ast, u))
  const path = Proto.tooDeep(u)
  return path === undefined ? ParseResult.succeed(u) : ParseResult.fail(tooDeepIssue(ast, u, path))
}

/**
 * The schema of an Any kept as it came. Decoding checks only that it is an object with a string `@type`,
 * and returns the same object: nothing is copied, dropped or reordered.
 *
 * @example
 * ```ts
 * import { Any } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * Schema.decodeUnknownSync(Any.Any)({ "@type": "type.googleapis.com/x.Y", z: 1 })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Any: Schema.Schema<Any> = Schema.declare([], {
  decode: () => checkAny,
  encode: () => checkAny
}, {
  identifier: "Any",
  [FastDecoderAnnotationId]: (u: unknown): Any | undefined => (isAny(u) ? u : undefined),
  description: "a JSON object with a string \"@type\"",
  arbitrary: () => (fc) =>
    fc.tuple(
      fc.constantFrom("example.v1.Thing", "google.protobuf.Empty", "acme.Widget"),
      // Parsed JSON text rather than fc.jsonValue, which makes -0: JSON cannot carry it.
      fc.dictionary(fc.stringMatching(fieldName), fc.json({ maxDepth: 2 }).map((text): unknown => JSON.parse(text)), {
        maxKeys: 4
      })
    ).map(([name, fields]) => ({ ...fields, "@type": typeUrl(name) })),
  pretty: () => (any) => `Any(${any["@type"]})`
})

/**
 * The annotation that carries the type URL of a message schema made with {@link message}. It is on the
 * schema's AST, so `.annotations(...)` keeps it.
 *
 * @since 0.2.0
 * @category annotations
 */
export const TypeUrlAnnotationId: unique symbol = Symbol.for("@longrunning/schema/Any/TypeUrl")

/**
 * The type URL a message schema carries, if it is one.
 *
 * @example
 * ```ts
 * import { Any, Proto } from "@longrunning/schema"
 *
 * const Widget = Any.message("acme.v1.Widget", { size: Proto.optional(Proto.Int32) })
 * Any.typeUrlOf(Widget.annotations({ description: "a widget" })) // Option.some("type.googleapis.com/acme.v1.Widget")
 * ```
 *
 * @since 0.2.0
 * @category accessors
 */
export const typeUrlOf = (schema: Schema.Schema.All): Option.Option<string> =>
  SchemaAST.getAnnotation<string>(schema.ast, TypeUrlAnnotationId)

/**
 * The fields of a message packed in an Any: its own, and `@type`.
 *
 * @since 0.2.0
 * @category models
 */
export type MessageFields<Name extends string, Fields extends Schema.Struct.Fields> = Fields & {
  readonly "@type": Schema.Literal<[`type.googleapis.com/${Name}`]>
}

/**
 * The schema of a message as it appears packed in an Any. Its type URL is both an annotation (see
 * {@link typeUrlOf}) and the static `typeUrl`, and `.annotations(...)` keeps both.
 *
 * @since 0.2.0
 * @category models
 */
export interface MessageSchema<Name extends string, Fields extends Schema.Struct.Fields> extends
  Schema.AnnotableClass<
    MessageSchema<Name, Fields>,
    Schema.Struct<MessageFields<Name, Fields>>["Type"],
    { readonly [key: string]: unknown },
    Schema.Struct.Context<Fields>
  >
{
  readonly typeUrl: `type.googleapis.com/${Name}`
  readonly fields: MessageFields<Name, Fields>
}

const makeMessage = <Name extends string, Fields extends Schema.Struct.Fields>(
  ast: SchemaAST.AST,
  typeUrl: `type.googleapis.com/${Name}`,
  fields: MessageFields<Name, Fields>
): MessageSchema<Name, Fields> =>
  class MessageClass extends Schema.make<
    Schema.Struct<MessageFields<Name, Fields>>["Type"],
    { readonly [key: string]: unknown },
    Schema.Struct.Context<Fields>
  >(ast) {
    static override annotations(
      annotations: Schema.Annotations.GenericSchema<Schema.Struct<MessageFields<Name, Fields>>["Type"]>
    ): MessageSchema<Name, Fields> {
      return makeMessage(
        Schema.make<
          Schema.Struct<MessageFields<Name, Fields>>["Type"],
          { readonly [key: string]: unknown },
          Schema.Struct.Context<Fields>
        >(this.ast).annotations(annotations).ast,
        typeUrl,
        fields
      )
    }
    static typeUrl = typeUrl
    static fields = fields
  }

/**
 * Makes the schema of a message as it appears packed in an Any.
 *
 * @example
 * ```ts
 * import { Any, Proto } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * const Widget = Any.message("acme.v1.Widget", { size: Proto.optional(Proto.Int32) })
 * Widget.typeUrl // "type.googleapis.com/acme.v1.Widget"
 * Any.isMessageSchema(Widget.annotations({ description: "a widget" })) // true: still dispatched on @type
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const message = <const Name extends string, Fields extends Schema.Struct.Fields>(
  fullName: Name,
  fields: Fields
): MessageSchema<Name, Fields> => {
  const url = typeUrl(fullName)
  const all: MessageFields<Name, Fields> = { ...fields, "@type": Schema.Literal(url) }
  const schema = Proto.message(fullName, all).annotations({ [TypeUrlAnnotationId]: url })
  return makeMessage(schema.ast, url, all)
}

/**
 * Any message schema made with {@link message}.
 *
 * @since 0.1.0
 * @category models
 */
export type AnyMessageSchema = Schema.Schema.AnyNoContext & { readonly typeUrl: string }

/**
 * Tells whether a schema was made with {@link message}: it carries a type URL annotation (which
 * `.annotations(...)` keeps) and its `typeUrl`.
 *
 * @since 0.1.0
 * @category guards
 */
export const isMessageSchema = (u: unknown): u is AnyMessageSchema =>
  Schema.isSchema(u) && Option.isSome(typeUrlOf(u)) && Predicate.hasProperty(u, "typeUrl") &&
  typeof u.typeUrl === "string"

/**
 * Decodes an Any with the message schema its `@type` names, and keeps an Any whose `@type` is none of
 * them as it came: never dropped, never rejected. An Any whose `@type` is known but whose fields do not
 * decode is an error naming the field.
 *
 * @example
 * ```ts
 * import { Any, Proto } from "@longrunning/schema"
 * import { Schema } from "effect"
 *
 * const Widget = Any.message("acme.v1.Widget", { size: Proto.optional(Proto.Int32) })
 * const Packed = Any.oneOf(Widget)
 * Schema.decodeUnknownSync(Packed)({ "@type": Widget.typeUrl, size: "3" }) // { "@type": ..., size: 3 }
 * Schema.decodeUnknownSync(Packed)({ "@type": "type.googleapis.com/other.Type", x: 1 }) // kept as it came
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const oneOf = <const Messages extends ReadonlyArray<AnyMessageSchema>>(
  ...messages: Messages
): Schema.Schema<Schema.Schema.Type<Messages[number]> | Any, Any> => {
  const byUrl = new Map<string, AnyMessageSchema>()
  for (const m of messages) byUrl.set(Option.getOrElse(typeUrlOf(m), () => m.typeUrl), m)
  const to = Schema.Union(...messages.map((m) => Schema.typeSchema(m)), Any)
  return Schema.transformOrFail(Any, to, {
    strict: false,
    decode: (any, options) => {
      const schema = byUrl.get(any["@type"])
      return schema === undefined ? ParseResult.succeed(any) : ParseResult.decodeUnknown(schema)(any, options)
    },
    encode: (value, options) => {
      const schema = isAny(value) ? byUrl.get(value["@type"]) : undefined
      return schema === undefined
        ? ParseResult.succeed(value)
        : ParseResult.encodeUnknown(schema)(value, options).pipe(
          ParseResult.flatMap((encoded) =>
            isAny(encoded)
              ? ParseResult.succeed(encoded)
              : ParseResult.fail(new ParseResult.Type(Any.ast, encoded, "expected an Any"))
          )
        )
    }
  }).annotations({
    identifier: `Any<${messages.map((m) => m.typeUrl.slice(typeUrlPrefix.length)).join(" | ")}>`,
    // The decoded message is checked again against the type side, which would drop its unknown fields.
    ...Proto.preserveUnknownFields,
    arbitrary: () => (fc) =>
      fc.oneof(...messages.map((m) => Arbitrary.makeLazy(Schema.typeSchema(m))(fc)), Arbitrary.makeLazy(Any)(fc))
  })
}

/**
 * Narrows a value decoded by {@link oneOf} to one of its messages.
 *
 * @example
 * ```ts
 * import { Any, Proto } from "@longrunning/schema"
 *
 * const Widget = Any.message("acme.v1.Widget", { size: Proto.optional(Proto.Int32) })
 * declare const packed: Any.Any
 * if (Any.is(Widget)(packed)) packed.size
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const is = <M extends AnyMessageSchema>(message: M) =>
(value: unknown): value is Schema.Schema.Type<M> => isAny(value) && value["@type"] === message.typeUrl

/**
 * The value of a message, when the decoded Any holds it.
 *
 * @example
 * ```ts
 * import { Any, Proto } from "@longrunning/schema"
 *
 * const Widget = Any.message("acme.v1.Widget", { size: Proto.optional(Proto.Int32) })
 * declare const packed: Any.Any
 * Any.get(packed, Widget) // Option<Widget>
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const get = <M extends AnyMessageSchema>(value: unknown, message: M): Option.Option<Schema.Schema.Type<M>> =>
  is(message)(value) ? Option.some(value) : Option.none()

/**
 * What a field of an operation may be given as: a message schema (decoded by `@type`, others kept), a list
 * of them, or any schema used as it is (`Schema.Unknown`, `Any.Any`).
 *
 * @since 0.1.0
 * @category models
 */
export type FieldInput = Schema.Schema.AnyNoContext | ReadonlyArray<AnyMessageSchema>

/**
 * The decoded type of a {@link FieldInput}.
 *
 * @since 0.1.0
 * @category models
 */
export type FieldType<F> = F extends ReadonlyArray<AnyMessageSchema> ? Schema.Schema.Type<F[number]> | Any
  : F extends AnyMessageSchema ? Schema.Schema.Type<F> | Any
  : F extends Schema.Schema.AnyNoContext ? Schema.Schema.Type<F>
  : never

/**
 * The encoded type of a {@link FieldInput}.
 *
 * @since 0.1.0
 * @category models
 */
export type FieldEncoded<F> = F extends ReadonlyArray<AnyMessageSchema> ? Any
  : F extends AnyMessageSchema ? Any
  : F extends Schema.Schema.AnyNoContext ? Schema.Schema.Encoded<F>
  : never

/**
 * Turns a {@link FieldInput} into its schema: message schemas are dispatched on `@type` with {@link oneOf}.
 *
 * @example
 * ```ts
 * import { Any, Proto } from "@longrunning/schema"
 *
 * const Widget = Any.message("acme.v1.Widget", { size: Proto.optional(Proto.Int32) })
 * const schema = Any.field(Widget) // Schema<Widget | Any.Any, Any.Any>
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export function field<const F extends FieldInput>(input: F): Schema.Schema<FieldType<F>, FieldEncoded<F>>
export function field(input: FieldInput): Schema.Schema.AnyNoContext {
  if (isMessageSchema(input)) return oneOf(input)
  if (Schema.isSchema(input)) return input
  return oneOf(...input)
}
