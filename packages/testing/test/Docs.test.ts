/**
 * Every ```ts block in the docs (`docs/*.md`, `README.md`, `packages/*\/README.md`) type-checks against the
 * workspace's sources, as a reader would paste it into a project: one TypeScript program over all blocks, with
 * the repository's compiler options, the packages resolved to their sources (`@longrunning/source`).
 * A block that is deliberately a fragment says so in its info string (```ts fragment) and is counted, not
 * checked. A block that is the same program as an example says so (```ts example=packages/x/examples/y.ts)
 * and must be that file verbatim, less the example's leading comment (which names the doc it mirrors): the
 * Examples test runs it.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import ts from "typescript"

const root = path.resolve(__dirname, "../../..")
const packages = path.join(root, "packages")
// Inside the repository so that module resolution finds the workspace packages and their dependencies.
const outDir = path.join(root, "node_modules", ".cache", "docs-check")

interface Block {
  readonly doc: string
  readonly line: number
  readonly info: string
  readonly code: string
}

const docs: ReadonlyArray<string> = [
  ...fs.readdirSync(path.join(root, "docs")).filter((file) => file.endsWith(".md")).sort().map((file) =>
    `docs/${file}`
  ),
  "README.md",
  ...fs.readdirSync(packages).sort().map((pkg) => `packages/${pkg}/README.md`).filter((file) =>
    fs.existsSync(path.join(root, file))
  )
]

const blocksOf = (doc: string): ReadonlyArray<Block> => {
  const lines = fs.readFileSync(path.join(root, doc), "utf8").split("\n")
  const blocks: Array<Block> = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^```ts(?:\s+(.*))?$/.exec(lines[i] ?? "")
    if (open === null) continue
    const start = i + 1
    let end = start
    while (end < lines.length && !(lines[end] ?? "").startsWith("```")) end++
    blocks.push({ doc, line: start + 1, info: (open[1] ?? "").trim(), code: lines.slice(start, end).join("\n") + "\n" })
    i = end
  }
  return blocks
}

const blocks = docs.flatMap(blocksOf)
const isFragment = (block: Block): boolean => /(?:^|\s)fragment(?:\s|$)/.test(block.info)
const exampleOf = (block: Block): string | undefined => /(?:^|\s)example=(\S+)/.exec(block.info)?.[1]
// An example's first lines may be a comment saying which doc it mirrors and how to run it.
const withoutHeader = (source: string): string => source.replace(/^(?:\/\*\*[\s\S]*?\*\/\n|(?:\/\/.*\n)+)/, "")
const where = (block: Block): string => `${block.doc}:${block.line}`

// Every `@longrunning/*` export, to its source, as the `@longrunning/source` condition resolves it; the
// packages not installed at the root (cli, durable) resolve the same way.
const paths: Record<string, Array<string>> = {}
for (const pkg of fs.readdirSync(packages)) {
  const file = path.join(packages, pkg, "package.json")
  if (!fs.existsSync(file)) continue
  const manifest: unknown = JSON.parse(fs.readFileSync(file, "utf8"))
  if (typeof manifest !== "object" || manifest === null || !("name" in manifest) || !("exports" in manifest)) continue
  const exports = manifest.exports
  if (typeof exports !== "object" || exports === null) continue
  for (const [key, target] of Object.entries(exports)) {
    if (typeof target !== "object" || target === null || !("@longrunning/source" in target)) continue
    const source = target["@longrunning/source"]
    if (typeof source !== "string") continue
    paths[`${String(manifest.name)}${key.slice(1)}`] = [path.join(packages, pkg, source)]
  }
}
// Dependencies only the durable package installs (their declarations; they are published built).
for (const dependency of ["@effect/workflow", "@effect/cluster", "@effect/sql"]) {
  const dts = path.join(packages, "durable", "node_modules", dependency, "dist", "dts")
  paths[dependency] = [path.join(dts, "index.d.ts")]
  paths[`${dependency}/*`] = [path.join(dts, "*.d.ts")]
}

const typeCheck = (checked: ReadonlyArray<Block>): Map<Block, Array<string>> => {
  fs.rmSync(outDir, { recursive: true, force: true })
  fs.mkdirSync(outDir, { recursive: true })
  const files = new Map<string, Block>()
  checked.forEach((block, index) => {
    const file = path.join(outDir, `${block.doc.replace(/[/.]/g, "_")}_${block.line}_${index}.ts`)
    // `export {}` keeps each block its own module; it comes last so that lines map one to one.
    fs.writeFileSync(file, `${block.code}export {}\n`)
    files.set(file, block)
  })
  const config = ts.readConfigFile(path.join(root, "tsconfig.base.json"), ts.sys.readFile)
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root)
  const program = ts.createProgram([...files.keys()], {
    ...options,
    noEmit: true,
    composite: false,
    incremental: false,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    // A doc block shows a call, not a whole program: a value it declares and never reads is not an error.
    noUnusedLocals: false,
    noUnusedParameters: false,
    paths
  })
  const errors = new Map<Block, Array<string>>()
  for (const [file, block] of files) {
    const sourceFile = program.getSourceFile(file)
    if (sourceFile === undefined) throw new Error(`${where(block)}: not in the program`)
    const diagnostics = [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)]
    errors.set(
      block,
      diagnostics.map((diagnostic) => {
        const at = diagnostic.start === undefined ? 0 : sourceFile.getLineAndCharacterOfPosition(diagnostic.start).line
        return `${block.doc}:${block.line + at}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`
      })
    )
  }
  return errors
}

describe("every ts block in the docs", () => {
  const fragments = blocks.filter(isFragment)
  const examples = blocks.filter((block) => exampleOf(block) !== undefined)
  const checked = blocks.filter((block) => !isFragment(block) && exampleOf(block) === undefined)

  it("finds the blocks, and few are fragments", () => {
    expect(blocks.length).toBeGreaterThan(40)
    expect(fragments.length).toBeLessThanOrEqual(8)
    console.log(
      `docs: ${blocks.length} ts blocks, ${checked.length} type-checked, ${examples.length} are examples (run by Examples.test.ts), ${fragments.length} fragments`
    )
  })

  for (const block of examples) {
    it(`${where(block)} is ${exampleOf(block)} verbatim`, () => {
      const file = path.join(root, exampleOf(block) ?? "")
      expect(fs.existsSync(file)).toBe(true)
      expect(block.code).toBe(withoutHeader(fs.readFileSync(file, "utf8")))
    })
  }

  it(`${checked.length} blocks type-check`, () => {
    // A wrong block planted in the same program proves that errors are found and placed at the doc's line.
    const canary: Block = { doc: "canary.md", line: 10, info: "", code: "import { Effect } from \"effect\"\n\nconst n: number = Effect.void\n" }
    const errors = typeCheck([...checked, canary])
    expect(errors.get(canary)?.[0]).toMatch(/^canary\.md:12: Type 'Effect<void, never, never>' is not assignable to type 'number'/)
    errors.delete(canary)
    expect([...errors.values()].flat()).toEqual([])
  }, 120_000)
})
