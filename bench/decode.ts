/**
 * Figure 4: decoding a typical Dataproc operation (1.4 KB of text) into an `Operation`, exactly as
 * `OperationsClient.get` does (`JSON.parse`, then the nesting check and the client's operation decoder), against
 * `JSON.parse` alone: untyped (4), typed with the generated `Dataproc.Operations.clustersCreate` through the
 * client's decoder (4b), and the same schema through `Schema.decodeUnknownEither`, as users decode stored
 * snapshots (4c).
 */
import * as Dataproc from "@longrunning/schema/Dataproc"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import {
  decodeBody,
  type Decoder,
  operationDecoder,
  parseJson,
  untypedOperationDecoder
} from "../packages/http/src/internal/decode.js"
import { operationBody, operationName } from "./fixture.js"

export interface DecodeResults {
  readonly bytes: number
  /** Nanoseconds per operation, per round. */
  readonly jsonParse: ReadonlyArray<number>
  readonly ours: ReadonlyArray<number>
  readonly oursTyped: ReadonlyArray<number>
  readonly schemaTyped: ReadonlyArray<number>
}

const timeNanos = (iterations: number, f: () => unknown): number => {
  const start = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) f()
  return Number(process.hrtime.bigint() - start) / iterations
}

// What the client does with a 2xx body: parse, then the nesting check and the decoder.
const client = <A>(text: string, decoder: Decoder<A>) => Either.flatMap(parseJson(text), (json) => decodeBody(json, decoder))

export const run = (options: { readonly rounds: number; readonly iterations: number }): DecodeResults => {
  const name = operationName(1)
  const text = operationBody(name)
  const untyped = untypedOperationDecoder(name)
  const typed = operationDecoder(Dataproc.Operations.clustersCreate, name)
  const schemaTyped = Schema.decodeUnknownEither(Dataproc.Operations.clustersCreate)
  const contenders = {
    jsonParse: () => JSON.parse(text),
    ours: () => {
      const decoded = client(text, untyped)
      if (Either.isLeft(decoded)) throw new Error(decoded.left.detail)
      return decoded
    },
    oursTyped: () => {
      const decoded = client(text, typed)
      if (Either.isLeft(decoded)) throw new Error(decoded.left.detail)
      return decoded
    },
    schemaTyped: () => {
      const decoded = schemaTyped(JSON.parse(text))
      if (Either.isLeft(decoded)) throw decoded.left
      return decoded
    }
  }
  for (const f of Object.values(contenders)) timeNanos(options.iterations, f)
  const samples = {
    jsonParse: [] as Array<number>,
    ours: [] as Array<number>,
    oursTyped: [] as Array<number>,
    schemaTyped: [] as Array<number>
  }
  const keys = Object.keys(contenders) as Array<keyof typeof contenders>
  for (let round = 0; round < options.rounds; round++) {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[(i + round) % keys.length]!
      samples[key].push(timeNanos(options.iterations, contenders[key]))
    }
  }
  return { bytes: Buffer.byteLength(text), ...samples }
}
