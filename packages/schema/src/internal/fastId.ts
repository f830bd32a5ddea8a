/** The annotation under which a schema carries its straight-line decoder (see internal/fast.ts). */
export const FastDecoderAnnotationId: unique symbol = Symbol.for("@longrunning/schema/FastDecoder")
