// node bench/_icount.mjs <case> <n>: runs one decode case n times (for instruction counts under valgrind)
import * as Dataproc from "@longrunning/schema/Dataproc"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import { operationDecoder, parseJson, untypedOperationDecoder } from "../packages/http/dist/internal/decode.js"
const name = "projects/bench-project/regions/us-central1/operations/00000001-6532-483d-aca0-ae7c8b8ddcdc"
const text = JSON.stringify({
    name,
    metadata: {
      "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
      clusterName: "etl-nightly-7f3a",
      clusterUuid: "4085f87e-90f2-4e33-a4f7-3b7e0af86dab",
      status: { state: "RUNNING", innerState: "RUNNING", stateStartTime: "2026-03-02T02:52:56.347112Z" },
      statusHistory: [{ state: "PENDING", innerState: "PENDING", stateStartTime: "2026-03-02T02:52:51.034419Z" }],
      operationType: "CREATE",
      description: "Create cluster with 2 workers",
      labels: { "goog-dataproc-cluster-name": "etl-nightly-7f3a", "goog-dataproc-cluster-uuid": "4085f87e-90f2-4e33-a4f7-3b7e0af86dab", "goog-dataproc-location": "us-central1", "goog-dataproc-autozone": "enabled", env: "prod", team: "data-platform" },
      warnings: ["For PD-Standard without local SSDs, we strongly recommend provisioning 1TB or larger to ensure consistently high I/O performance. See https://cloud.google.com/compute/docs/disks/performance for information on disk I/O performance.", "The firewall rules for specified network or subnetwork would allow ingress traffic from 0.0.0.0/0, which could be a security risk."]
    }
  }, null, 2)
const json = JSON.parse(text)
const schema = Dataproc.Operations.clustersCreate
const fastOf = (ast) => SchemaAST.getAnnotation(ast, Symbol.for("@longrunning/schema/FastDecoder")).value
const fastOp = fastOf(schema.ast), fastMeta = fastOf(Dataproc.ClusterOperationMetadata.ast)
const untyped = untypedOperationDecoder(name), typed = operationDecoder(schema, name)
const schemaEither = Schema.decodeUnknownEither(schema)
const cases = {
  none: () => 0,
  jsonParse: () => JSON.parse(text),
  untypedFull: () => Either.flatMap(parseJson(text), untyped),
  typedFull: () => Either.flatMap(parseJson(text), typed),
  typedDecoder: () => typed(json),
  schemaEither: () => schemaEither(json),
  fastOperation: () => fastOp(json),
  fastMetadata: () => fastMeta(json.metadata)
}
const f = cases[process.argv[2]]
const n = Number(process.argv[3])
for (let i = 0; i < 20000; i++) f()
globalThis.__mark = 1
for (let i = 0; i < n; i++) f()
