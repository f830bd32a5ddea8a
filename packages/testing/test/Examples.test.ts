/**
 * Every example in `packages/*\/examples/` runs, as the README tells a reader to run it
 * (`node --conditions=@longrunning/source --import tsx FILE`), and exits 0. The two that talk to
 * `lro emulator --port 8085` find one: this test starts the emulator there, on the real clock, with the
 * operation they wait for. Examples that declare their inputs (`declare const name: string`) are snippets of
 * the docs, not programs: `pnpm check` type-checks them (their package's tsconfig.check.json includes
 * `examples`), and this test checks that it does.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Emulator from "@longrunning/emulator/Emulator"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as ChildProcess from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"

const root = path.resolve(__dirname, "../../..")
const packages = path.join(root, "packages")

const examples: ReadonlyArray<string> = fs.readdirSync(packages).flatMap((pkg) => {
  const dir = path.join(packages, pkg, "examples")
  return fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((file) => file.endsWith(".ts")).sort().map((file) => `packages/${pkg}/examples/${file}`)
    : []
})

const source = (file: string): string => fs.readFileSync(path.join(root, file), "utf8")
const isSnippet = (file: string): boolean => /^declare const /m.test(source(file))
const needsEmulator = (file: string): boolean => source(file).includes("127.0.0.1:8085")

// The operations the emulator examples wait for (op-1, op-2): done 2 s after the emulator starts.
const operation = "projects/demo/regions/us-central1/operations/op-1"

interface Run {
  readonly code: number | null
  readonly output: string
}

const run = (file: string, args: ReadonlyArray<string>): Effect.Effect<Run> =>
  Effect.async<Run>((resume) => {
    const child = ChildProcess.execFile(
      process.execPath,
      ["--conditions=@longrunning/source", "--import", "tsx", file, ...args],
      { cwd: root, timeout: 90_000, env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null
        resume(Effect.succeed({ code, output: `${stdout}${stderr}` }))
      }
    )
    return Effect.sync(() => child.kill())
  })

describe("every example runs", () => {
  it("finds the examples of every package", () => {
    expect(examples.length).toBeGreaterThan(10)
    expect(examples).toContain("packages/testing/examples/testing-your-code.ts")
    expect(examples).toContain("packages/emulator/examples/emulator.ts")
  })

  for (const file of examples.filter(isSnippet)) {
    it(`${file} is a snippet with declared inputs, type-checked by pnpm check`, () => {
      const pkg = file.split("/")[1] ?? ""
      const config: unknown = JSON.parse(fs.readFileSync(path.join(packages, pkg, "tsconfig.check.json"), "utf8"))
      const include = typeof config === "object" && config !== null && "include" in config ? config.include : []
      expect(include).toContain("examples")
    })
  }

  const runs = (file: string) =>
    it.scopedLive(`${file} exits 0`, () =>
      Effect.gen(function*() {
        if (needsEmulator(file)) {
          // Another run on this machine may hold 8085 for a moment: wait for it, a minute at most.
          const emulator = yield* Emulator.make({ port: 8085 }).pipe(
            Effect.retry(Schedule.spaced("250 millis").pipe(Schedule.upTo("60 seconds")))
          )
          for (const operationId of ["op-1", "op-2"]) {
            yield* emulator.create({ operationId, scenario: Emulator.succeedAfter("2 seconds") })
          }
        }
        const result = yield* run(file, needsEmulator(file) ? [operation] : [])
        expect(result.code, result.output).toBe(0)
      }), 120_000)

  // One at a time: they share port 8085.
  describe("against an emulator on port 8085", () => {
    for (const file of examples.filter((file) => !isSnippet(file) && needsEmulator(file))) runs(file)
  })

  // The rest are independent processes: a few at once.
  describe.concurrent("on their own", () => {
    for (const file of examples.filter((file) => !isSnippet(file) && !needsEmulator(file))) runs(file)
  })
})
