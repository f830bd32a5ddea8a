/**
 * `pnpm codegen`: writes Effect Schemas, straight-line decoders and operation schemas for the messages of a
 * Google discovery document, with the proto3 JSON rules of `@longrunning/schema`.
 *
 *   node --import tsx packages/schema/codegen/generate.ts <discovery.json> <extras.json> <out.ts>
 *
 * The discovery document gives messages, fields, formats, enum names and descriptions. What it does not
 * give comes from the extras file (see docs/schema.md): the proto package, enum numbers that
 * are not the order of the names, the metadata and response types of each long-running method
 * (`google.longrunning.operation_info` in the API's protos), and which discovery schemas are the
 * package's own (`Status`, `Operation`).
 */
import * as Fs from "node:fs"

interface Property {
  readonly type?: string
  readonly format?: string
  readonly $ref?: string
  readonly description?: string
  readonly enum?: ReadonlyArray<string>
  readonly items?: Property
  readonly additionalProperties?: Property
  readonly readOnly?: boolean
}

interface DiscoverySchema {
  readonly id: string
  readonly description?: string
  readonly type: string
  readonly properties?: Readonly<Record<string, Property>>
}

interface Method {
  readonly id: string
  readonly httpMethod: string
  readonly path: string
  readonly response?: { readonly $ref: string }
  readonly request?: { readonly $ref: string }
}

interface Resource {
  readonly methods?: Readonly<Record<string, Method>>
  readonly resources?: Readonly<Record<string, Resource>>
}

interface Discovery {
  readonly name: string
  readonly version: string
  readonly revision: string
  readonly title: string
  readonly schemas: Readonly<Record<string, DiscoverySchema>>
  readonly resources: Readonly<Record<string, Resource>>
}

interface Extras {
  /** The proto package of the messages: `google.cloud.dataproc.v1`. */
  readonly package: string
  /** Full proto names of messages outside that package: `{ "Empty": "google.protobuf.Empty" }`. */
  readonly fullNames: Readonly<Record<string, string>>
  /** Discovery schemas that are this package's own schemas: `{ "Status": "Status.Status" }`. */
  readonly builtins: Readonly<Record<string, "Status.Status" | "Operation.Operation">>
  /** `Message.field` -> name -> number, for enums whose numbers are not the order of their names. */
  readonly enums: Readonly<Record<string, Readonly<Record<string, number>>>>
  /** Discovery method id -> the message names of its operation's metadata and response (null: any). */
  readonly operations: Readonly<Record<string, { readonly metadata: string; readonly response: string | null }>>
}

const [discoveryPath, extrasPath, outPath] = process.argv.slice(2)
if (discoveryPath === undefined || extrasPath === undefined || outPath === undefined) {
  process.stderr.write("usage: generate.ts <discovery.json> <extras.json> <out.ts>\n")
  process.exit(2)
}
const discovery: Discovery = JSON.parse(Fs.readFileSync(discoveryPath, "utf8"))
const extras: Extras = JSON.parse(Fs.readFileSync(extrasPath, "utf8"))
const schemas = discovery.schemas

const fail = (message: string): never => {
  throw new Error(`codegen: ${message}`)
}

// -----------------------------------------------------------------------------
// what each field is
// -----------------------------------------------------------------------------

type Kind =
  | { readonly _tag: "scalar"; readonly schema: string; readonly fast: string; readonly type: string }
  | { readonly _tag: "enum"; readonly name: string; readonly values: ReadonlyArray<string> }
  | { readonly _tag: "message"; readonly name: string }
  | { readonly _tag: "builtin"; readonly schema: "Status.Status" | "Operation.Operation" }
  | { readonly _tag: "array"; readonly item: Kind }
  | { readonly _tag: "map"; readonly value: Kind }

const scalar = (schema: string, fast: string, type: string): Kind => ({ _tag: "scalar", schema, fast, type })

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

const kindOf = (message: string, field: string, p: Property): Kind => {
  if (p.$ref !== undefined) {
    const builtin = extras.builtins[p.$ref]
    if (builtin !== undefined) return { _tag: "builtin", schema: builtin }
    if (schemas[p.$ref] === undefined) fail(`${message}.${field} refers to an unknown schema ${p.$ref}`)
    return { _tag: "message", name: p.$ref }
  }
  if (p.enum !== undefined) return { _tag: "enum", name: `${message}${upperFirst(field)}`, values: p.enum }
  switch (p.type) {
    case "string":
      switch (p.format) {
        case undefined:
        case "byte":
        case "google-fieldmask":
          return scalar("Schema.String", "F.string", "string")
        case "int64":
          return scalar("Proto.Int64", "F.int64", "bigint")
        case "uint64":
          return scalar("Proto.UInt64", "F.uint64", "bigint")
        case "google-datetime":
          return scalar("Proto.Timestamp", "F.timestamp", "Proto.TimestampValue")
        case "google-duration":
          return scalar("Proto.Duration", "F.duration", "Duration.Duration")
        default:
          return fail(`${message}.${field}: string format ${p.format}`)
      }
    case "integer":
      if (p.format === "int32") return scalar("Proto.Int32", "F.int32", "number")
      return fail(`${message}.${field}: integer format ${p.format}`)
    case "number":
      return scalar("Proto.Double", "F.double", "number")
    case "boolean":
      return scalar("Schema.Boolean", "F.boolean", "boolean")
    case "any":
      return scalar("Proto.JsonValue", "F.unknown", "unknown")
    case "array":
      return { _tag: "array", item: kindOf(message, field, p.items ?? fail(`${message}.${field}: array without items`)) }
    case "object": {
      const value = p.additionalProperties ?? fail(`${message}.${field}: object without additionalProperties`)
      // google.protobuf.Any, as discovery documents write it
      if (value.type === "any" && (value.description ?? "").includes("@type")) {
        return scalar("Any.Any", "F.any", "Any.Any")
      }
      if (value.type === "string" && value.format === undefined && value.enum === undefined) {
        return scalar("Proto.StringMap", "F.stringMap", "{ readonly [key: string]: string }")
      }
      return { _tag: "map", value: kindOf(message, field, value) }
    }
    default:
      return fail(`${message}.${field}: type ${p.type}`)
  }
}

// -----------------------------------------------------------------------------
// the messages, dependencies first
// -----------------------------------------------------------------------------

const messageNames = Object.keys(schemas).filter((name) => extras.builtins[name] === undefined).sort()

interface Field {
  readonly name: string
  readonly description: string | undefined
  readonly kind: Kind
}

const fieldsOf = new Map<string, ReadonlyArray<Field>>()
for (const name of messageNames) {
  const properties = schemas[name]!.properties ?? {}
  fieldsOf.set(
    name,
    Object.keys(properties).sort().map((field) => ({
      name: field,
      description: properties[field]!.description,
      kind: kindOf(name, field, properties[field]!)
    }))
  )
}

const refsOf = (kind: Kind): ReadonlyArray<string> => {
  switch (kind._tag) {
    case "message":
      return [kind.name]
    case "array":
      return refsOf(kind.item)
    case "map":
      return refsOf(kind.value)
    default:
      return []
  }
}

// Tarjan's strongly connected components come out dependencies first.
const order: Array<string> = []
const cyclic = new Set<string>()
{
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: Array<string> = []
  const onStack = new Set<string>()
  let next = 0
  const visit = (v: string) => {
    index.set(v, next)
    low.set(v, next)
    next++
    stack.push(v)
    onStack.add(v)
    const deps = [...new Set(fieldsOf.get(v)!.flatMap((f) => refsOf(f.kind)))].sort()
    for (const w of deps) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!))
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: Array<string> = []
      for (;;) {
        const w = stack.pop()!
        onStack.delete(w)
        component.push(w)
        if (w === v) break
      }
      component.sort()
      const selfLoop = deps.includes(v)
      if (component.length > 1 || selfLoop) for (const w of component) cyclic.add(w)
      order.push(...component)
    }
  }
  for (const name of messageNames) if (!index.has(name)) visit(name)
}

// Messages packed in an Any: the metadata and responses of long-running methods.
const packed = new Set<string>()
for (const [method, types] of Object.entries(extras.operations)) {
  for (const t of [types.metadata, types.response]) {
    if (t === null) continue
    if (schemas[t] === undefined) fail(`operation ${method}: unknown message ${t}`)
    packed.add(t)
  }
}
const referenced = new Set(messageNames.flatMap((name) => fieldsOf.get(name)!.flatMap((f) => refsOf(f.kind))))
// A packed message that no other message holds is the Any-packed schema under its own name (the metadata
// messages); one that others hold (Cluster, in ListClustersResponse) keeps its name for the plain message
// and is packed as `Packed.Cluster`.
const packedOnly = (name: string) => packed.has(name) && !referenced.has(name)

const fullName = (name: string) => extras.fullNames[name] ?? `${extras.package}.${name}`

// -----------------------------------------------------------------------------
// writing
// -----------------------------------------------------------------------------

const out: Array<string> = []
const emit = (line = "") => out.push(line)

const doc = (text: string | undefined, indent: string, tags: ReadonlyArray<string> = []) => {
  const lines: Array<string> = []
  for (const paragraph of (text ?? "").replace(/\*\//g, "*\\/").split("\n")) {
    let line = ""
    for (const word of paragraph.split(/\s+/).filter((w) => w !== "")) {
      if (line !== "" && line.length + word.length + 1 > 110 - indent.length) {
        lines.push(line)
        line = word
      } else {
        line = line === "" ? word : `${line} ${word}`
      }
    }
    lines.push(line)
  }
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop()
  if (tags.length > 0) {
    if (lines.length > 0) lines.push("")
    lines.push(...tags)
  }
  if (lines.length === 0) return
  if (lines.length === 1) {
    emit(`${indent}/** ${lines[0]} */`)
    return
  }
  emit(`${indent}/**`)
  for (const line of lines) emit(line === "" ? `${indent} *` : `${indent} * ${line}`)
  emit(`${indent} */`)
}

const enumConst = (name: string) => name
const fastName = (name: string) => `decode${name}`

const schemaExpr = (kind: Kind, from: string): string => {
  switch (kind._tag) {
    case "scalar":
      return kind.schema
    case "enum":
      return enumConst(kind.name)
    case "builtin":
      return kind.schema
    case "message":
      return cyclic.has(kind.name) && cyclic.has(from)
        ? `Schema.suspend((): Schema.Schema<${kind.name}, Proto.MessageEncoded> => ${kind.name})`
        : kind.name
    case "array":
      return `Schema.Array(${schemaExpr(kind.item, from)})`
    case "map":
      return `Proto.mapOf(${schemaExpr(kind.value, from)})`
  }
}

const typeExpr = (kind: Kind): string => {
  switch (kind._tag) {
    case "scalar":
      return kind.type
    case "enum":
      return `Proto.EnumValue<${kind.values.map((v) => JSON.stringify(v)).join(" | ")}>`
    case "builtin":
      return kind.schema
    case "message":
      return kind.name
    case "array":
      return `ReadonlyArray<${typeExpr(kind.item)}>`
    case "map":
      return `{ readonly [key: string]: ${typeExpr(kind.value)} }`
  }
}

// Decoders of composite fields are made once, at module level.
const fastConsts = new Map<string, string>()
const fastExpr = (kind: Kind): string => {
  switch (kind._tag) {
    case "scalar":
      return kind.fast
    case "enum":
      return `${fastName(kind.name)}`
    case "builtin":
      return kind.schema === "Status.Status" ? "decodeStatus" : "decodeOperation"
    case "message":
      return fastName(kind.name)
    case "array":
    case "map": {
      const inner = kind._tag === "array" ? fastExpr(kind.item) : fastExpr(kind.value)
      const name = `${kind._tag}Of_${inner.replace(/\W/g, "_")}`
      fastConsts.set(name, `F.${kind._tag}Of(${inner})`)
      return name
    }
  }
}

const snakeCase = (camel: string): string => camel.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase())

const header = `/**
 * ${discovery.title} (\`${discovery.name}\` ${discovery.version}, discovery revision ${discovery.revision}):
 * every message of the API as an Effect Schema, with a straight-line decoder beside each, and an operation
 * schema per long-running method.
 *
 * Generated by \`pnpm codegen\` (packages/schema/codegen/generate.ts) from the discovery document and
 * its extras file (docs/schema.md); do not edit.
 *
 * @since 0.2.0
 */`

// enums
const enums = new Map<string, { readonly values: ReadonlyArray<string>; readonly key: string; readonly description: string | undefined }>()
for (const name of messageNames) {
  for (const field of fieldsOf.get(name)!) {
    const collect = (kind: Kind) => {
      if (kind._tag === "enum") enums.set(kind.name, { values: kind.values, key: `${name}.${field.name}`, description: field.description })
      if (kind._tag === "array") collect(kind.item)
      if (kind._tag === "map") collect(kind.value)
    }
    collect(field.kind)
  }
}
emit("// -----------------------------------------------------------------------------")
emit("// enums")
emit("// -----------------------------------------------------------------------------")
emit()
const usedOverrides = new Set<string>()
for (const [name, { description, key, values }] of [...enums].sort(([a], [b]) => a.localeCompare(b))) {
  const override = extras.enums[key]
  if (override !== undefined) usedOverrides.add(key)
  const table = values.flatMap((v, i): ReadonlyArray<string> => {
    const n = override === undefined ? i : override[v]
    return n === undefined ? [] : [`${/^[A-Za-z_][A-Za-z0-9_]*$/.test(v) ? v : JSON.stringify(v)}: ${n}`]
  })
  doc(`The values of \`${key}\`${description === undefined ? "." : `: ${description}`}`, "", [
    "@since 0.2.0",
    "@category enums"
  ])
  emit(`export const ${name} = Proto.Enum(${JSON.stringify(key)}, { ${table.join(", ")} })`)
  emit(`const ${fastName(name)} = F.enumOf(new Map(Object.entries(${name}.values).map(([k, v]) => [v, k])))`)
  emit()
}
for (const key of Object.keys(extras.enums)) if (!usedOverrides.has(key)) fail(`extras: no enum field ${key}`)

// messages
emit("// -----------------------------------------------------------------------------")
emit("// messages")
emit("// -----------------------------------------------------------------------------")
emit()

const writeFast = (name: string, fnName: string, typeName: string, typeUrl: string | undefined) => {
  const fields = fieldsOf.get(name)!
  const known = fields.map((f) => f.name).concat(typeUrl === undefined ? [] : ["@type"])
  const aliases = fields.map((f) => snakeCase(f.name)).filter((s, i) => s !== fields[i]!.name)
  emit(`function ${fnName}(u: unknown): ${typeName} | undefined {`)
  emit(`  if (!F.isObject(u)) return undefined`)
  const outType = typeUrl === undefined ? typeName : `Omit<${typeName}, "@type">`
  emit(`  const out: { -readonly [K in keyof ${outType}]: ${outType}[K] } = {}`)
  emit(`  for (const key in u) {`)
  if (known.length > 0) {
    emit(`    switch (key) {`)
    for (const k of known) emit(`      case ${JSON.stringify(k)}:`)
    emit(`        continue`)
    emit(`    }`)
  }
  // snake_case spellings and "__proto__" are left to the schema
  emit(`    if (${["\"__proto__\"", ...aliases.map((a) => JSON.stringify(a))].map((a) => `key === ${a}`).join(" || ")}) return undefined`)
  emit(`    F.keep(out, key, u[key])`)
  emit(`  }`)
  fields.forEach((field, i) => {
    emit(`  const v${i} = u[${JSON.stringify(field.name)}]`)
    emit(`  if (v${i} != null) {`)
    emit(`    const d = ${fastExpr(field.kind)}(v${i})`)
    emit(`    if (d === undefined) return undefined`)
    emit(`    out[${JSON.stringify(field.name)}] = d`)
    emit(`  }`)
  })
  if (typeUrl !== undefined) {
    emit(`  const type = u["@type"]`)
    emit(`  if (type !== ${JSON.stringify(typeUrl)}) return undefined`)
    // "@type" is the message schema's last field (F.withTypeUrl says why it is added in place)
    emit(`  return F.withTypeUrl(out, type)`)
  } else {
    emit(`  return out`)
  }
  emit(`}`)
  emit()
}

for (const name of order) {
  const schema = schemas[name]!
  const fields = fieldsOf.get(name)!
  const isCyclic = cyclic.has(name)
  const onlyPacked = packedOnly(name)
  emit(`const ${name}Fields = {`)
  for (const field of fields) {
    doc(field.description, "  ")
    emit(`  ${field.name}: Proto.optional(${schemaExpr(field.kind, name)}),`)
  }
  emit(`}`)
  emit()
  const tags = ["@since 0.2.0", "@category messages"]
  if (isCyclic) {
    // recursive messages spell their type out, so that the schema can refer to it
    doc(schema.description, "", tags)
    emit(`export interface ${name} {`)
    for (const field of fields) {
      doc(field.description, "  ")
      emit(`  readonly ${field.name}?: ${typeExpr(field.kind)} | undefined`)
    }
    emit(`}`)
    emit()
    doc(schema.description, "", tags)
    emit(`export const ${name}: Schema.Schema<${name}, Proto.MessageEncoded> = Proto.message(`)
    emit(`  ${JSON.stringify(fullName(name))},`)
    emit(`  ${name}Fields`)
    emit(`).annotations({ [F.FastDecoderAnnotationId]: ${fastName(name)} })`)
    emit()
  } else {
    doc(schema.description, "", tags)
    if (onlyPacked) {
      emit(`export const ${name} = Any.message(${JSON.stringify(fullName(name))}, ${name}Fields).annotations({`)
    } else {
      emit(`export const ${name} = Proto.message(${JSON.stringify(fullName(name))}, ${name}Fields).annotations({`)
    }
    emit(`  [F.FastDecoderAnnotationId]: ${fastName(name)}`)
    emit(`})`)
    emit()
    doc(undefined, "", tags)
    emit(`export interface ${name} extends Schema.Schema.Type<typeof ${name}> {}`)
    emit()
  }
  writeFast(name, fastName(name), name, onlyPacked ? `type.googleapis.com/${fullName(name)}` : undefined)
}

// packed forms of messages others also hold
const packedNames = [...packed].filter((name) => !packedOnly(name)).sort()
emit("// -----------------------------------------------------------------------------")
emit("// messages packed in an Any")
emit("// -----------------------------------------------------------------------------")
emit()
for (const name of packedNames) {
  const url = `type.googleapis.com/${fullName(name)}`
  emit(`const Packed${name}Schema = Any.message(${JSON.stringify(fullName(name))}, ${name}Fields).annotations({`)
  emit(`  [F.FastDecoderAnnotationId]: decodePacked${name}`)
  emit(`})`)
  emit()
  emit(`type Packed${name} = Schema.Schema.Type<typeof Packed${name}Schema>`)
  emit()
  writeFast(name, `decodePacked${name}`, `Packed${name}`, url)
}
doc(
  "Messages that other messages also hold, in the form they take packed in an Any (with their `@type`): the responses of long-running methods.",
  "",
  ["@since 0.2.0", "@category messages"]
)
emit(`export const Packed = {`)
for (const name of packedNames) emit(`  ${name}: Packed${name}Schema,`)
emit(`} as const`)
emit()

// operations
emit("// -----------------------------------------------------------------------------")
emit("// operations")
emit("// -----------------------------------------------------------------------------")
emit()
const methods: Array<Method> = []
const walk = (resources: Readonly<Record<string, Resource>>) => {
  for (const resource of Object.values(resources)) {
    for (const method of Object.values(resource.methods ?? {})) methods.push(method)
    walk(resource.resources ?? {})
  }
}
walk(discovery.resources)
const lro = methods.filter((m) => m.response?.$ref === "Operation" && !/\.operations\.get$/.test(m.id))
const byKey = new Map<string, { readonly ids: Array<string>; readonly metadata: string; readonly response: string | null }>()
for (const method of lro) {
  const types = extras.operations[method.id] ?? fail(`extras: no operation types for ${method.id}`)
  const parts = method.id.split(".")
  const key = parts[parts.length - 2]! + upperFirst(parts[parts.length - 1]!)
  const seen = byKey.get(key)
  if (seen !== undefined) {
    if (seen.metadata !== types.metadata || seen.response !== types.response) fail(`${key}: methods disagree`)
    seen.ids.push(method.id)
  } else {
    byKey.set(key, { ids: [method.id], metadata: types.metadata, response: types.response })
  }
}
for (const id of Object.keys(extras.operations)) {
  if (!lro.some((m) => m.id === id)) fail(`extras: ${id} is not a long-running method of the document`)
}
const packedRef = (name: string) => (packedOnly(name) ? name : `Packed.${name}`)
doc(
  "The operation schema of each long-running method, by resource and method (`clustersCreate` for `projects.regions.clusters.create`): its metadata and its response decoded by `@type`, an Any of another type kept as it came.",
  "",
  ["@since 0.2.0", "@category operations"]
)
emit(`export const Operations = {`)
for (const [key, { ids, metadata, response }] of [...byKey].sort(([a], [b]) => a.localeCompare(b))) {
  doc(`${ids.map((id) => `\`${id}\``).join(", ")}: metadata \`${metadata}\`, response ${response === null ? "an Any" : `\`${response}\``}.`, "  ")
  emit(
    `  ${key}: Operation.schema({ metadata: ${packedRef(metadata)}${response === null ? "" : `, response: ${packedRef(response)}`} }),`
  )
}
emit(`} as const`)
emit()
const metadataNames = [...new Set([...byKey.values()].map((o) => o.metadata))].sort()
doc("Every message a long-running method of the API reports as its metadata.", "", ["@since 0.2.0", "@category operations"])
emit(`export const operationMetadata = [${metadataNames.map(packedRef).join(", ")}] as const`)
emit()
const responseNames = [...new Set([...byKey.values()].flatMap((o) => (o.response === null ? [] : [o.response])))].sort()
doc("Every message a long-running method of the API answers with.", "", ["@since 0.2.0", "@category operations"])
emit(`export const operationResponses = [${responseNames.map(packedRef).join(", ")}] as const`)

// after the enums' decoders, before anything that could call them
const composite = [...fastConsts].map(([name, expr]) => `const ${name} = ${expr}`)
const messagesStart = out.indexOf("// messages") - 1
out.splice(messagesStart, 0, ...composite, "")
const body = out.join("\n")
const uses = (word: string) => new RegExp(`\\b${word}\\.`).test(body)
const preamble = [
  header,
  ...(uses("Duration") ? [`import type * as Duration from "effect/Duration"`] : []),
  `import * as Schema from "effect/Schema"`,
  `import * as Any from "../Any.js"`,
  `import * as F from "../internal/fast.js"`,
  `import * as Operation from "../Operation.js"`,
  `import * as Proto from "../Proto.js"`,
  ...(uses("Status") ? [`import * as Status from "../Status.js"`] : []),
  "",
  ...(/\bdecodeStatus\b/.test(body) ? ["const decodeStatus = F.viaSchema(Status.Status)"] : []),
  ...(/\bdecodeOperation\b/.test(body) ? ["const decodeOperation = F.viaSchema(Operation.Operation)"] : []),
  ""
]
Fs.writeFileSync(outPath, preamble.join("\n") + "\n" + body + "\n")
process.stderr.write(`codegen: ${order.length} messages, ${enums.size} enums, ${byKey.size} operations -> ${outPath}\n`)
