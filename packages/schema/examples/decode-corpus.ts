/**
 * Decodes every operation and error body recorded from Google Cloud (fixtures/corpus/payloads) and prints
 * what the schema package makes of it.
 */
import { Dataproc, Operation, Status } from "@longrunning/schema"
import { Console, Effect, Schema } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"

const corpus = path.resolve(import.meta.dirname, "../../../fixtures/corpus/payloads")

const describe = (file: string, json: unknown) =>
  Effect.gen(function*() {
    if (typeof json === "object" && json !== null && "error" in json && !("name" in json)) {
      const envelope = yield* Schema.decodeUnknown(Status.ErrorBody)(json)
      return `error body   ${Status.format(Status.fromEnvelope(envelope))}`
    }
    const op = yield* Schema.decodeUnknown(Dataproc.DataprocOperation)(json)
    return Operation.match(op, {
      Running: (r) => `running      ${r.name}`,
      Succeeded: (s) => `succeeded    ${s.name} -> ${s.response["@type"]}`,
      Failed: (f) => `failed       ${f.name}: ${Status.format(f.error)}`,
      DoneWithoutResult: (d) => `done         ${d.name}`
    })
  }).pipe(
    Effect.catchTag("ParseError", (e) => Effect.succeed(`invalid      ${e.message}`)),
    Effect.flatMap((line) => Console.log(`${file.padEnd(64)} ${line}`))
  )

const program = Effect.forEach(fs.readdirSync(corpus).sort(), (file) =>
  describe(file, JSON.parse(fs.readFileSync(path.join(corpus, file), "utf8"))))

Effect.runPromise(program)
