#!/usr/bin/env node
// The packages as a stranger gets them: every package under packages/ is packed (`pnpm pack`), each tarball
// must hold a LICENSE, its README, every file its exports point at and no .tsbuildinfo; then a fresh project
// outside the workspace runs exactly the `npm install` line of each package's README, dependencies first (the
// tarballs stand in for the @longrunning names), each of which must end without ERESOLVE or EBADENGINE; a file
// importing every entry point of every package is type-checked under `nodenext`; and the installed `lro` bin
// runs the emulator and is pointed at it. Then @longrunning/cli alone in a project of its own: no native
// module nor warning without @longrunning/durable, whose README lines make `--durable` load.
// Needs a build first (`pnpm run build`; .ci/run does that). Prints one line per package, the details only
// when something fails.
import { execFile, spawn } from "node:child_process"
import console from "node:console"
import { existsSync } from "node:fs"
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import process from "node:process"
import { setTimeout as sleep } from "node:timers/promises"
import { fileURLToPath } from "node:url"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const started = Date.now()
const problems = []

// npm and pnpm read npm_config_* from the environment; a stranger's shell has none of ours.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_)/i.test(key))
)

/** Runs a command to its end; never rejects. */
const run = (command, args, options = {}) =>
  new Promise((done) => {
    execFile(command, args, { env, maxBuffer: 64 * 1024 * 1024, timeout: 240_000, ...options }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1
      done({ code, stdout, stderr, output: `${stdout}${stderr}` })
    })
  })

const fail = (what, detail = "") => {
  problems.push(detail === "" ? what : `${what}\n${detail.trimEnd().split("\n").map((l) => `    ${l}`).join("\n")}`)
}

const work = await mkdtemp(join(tmpdir(), "lro-stranger-"))
const tarballs = join(work, "tarballs")
await mkdir(tarballs)

// -- every package, packed -------------------------------------------------------------------------------

const packages = []
for (const dir of (await readdir(join(root, "packages"))).sort()) {
  const file = join(root, "packages", dir, "package.json")
  if (!existsSync(file)) continue
  const manifest = JSON.parse(await readFile(file, "utf8"))
  if (manifest.private === true) continue
  packages.push({ dir, manifest, readme: await readFile(join(root, "packages", dir, "README.md"), "utf8").catch(() => "") })
}

await Promise.all(packages.map(async (pkg) => {
  const packed = await run("npx", ["-y", "pnpm@10.34.8", "pack", "--json", "--pack-destination", tarballs], {
    cwd: join(root, "packages", pkg.dir)
  })
  if (packed.code !== 0) return fail(`${pkg.manifest.name}: pnpm pack failed`, packed.output)
  pkg.tarball = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("{"))).filename
  const listed = await run("tar", ["-tzf", pkg.tarball])
  const files = new Set(listed.stdout.split("\n").filter((f) => f !== "").map((f) => f.replace(/^package\//, "")))
  pkg.files = files.size
  if (!files.has("LICENSE")) fail(`${pkg.manifest.name}: the tarball has no LICENSE`)
  if (!files.has("README.md")) fail(`${pkg.manifest.name}: the tarball has no README.md`)
  for (const file of files) if (file.endsWith(".tsbuildinfo")) fail(`${pkg.manifest.name}: the tarball ships ${file}`)
  for (const [entry, target] of Object.entries(pkg.manifest.exports ?? {})) {
    if (entry.includes("*")) fail(`${pkg.manifest.name}: the export ${entry} is a wildcard (list entry points one by one)`)
    const paths = typeof target === "string" ? [target] : [target?.types, target?.default]
    for (const path of paths) {
      if (typeof path === "string" && !files.has(path.replace(/^\.\//, ""))) {
        fail(`${pkg.manifest.name}: the export ${entry} points at ${path}, which is not in the tarball`)
      }
    }
  }
  for (const module of await readdir(join(root, "packages", pkg.dir, "src"))) {
    const name = module.replace(/\.ts$/, "")
    if (!module.endsWith(".ts") || name === "index" || name === "bin") continue
    if (pkg.manifest.exports?.[`./${name}`] === undefined) {
      fail(`${pkg.manifest.name}: src/${module} is a public module but package.json exports no ./${name}`)
    }
  }
}))

const byName = new Map(packages.map((pkg) => [pkg.manifest.name, pkg]))

// -- each README's install line, in one fresh project -----------------------------------------------------

const installLine = (readme) => {
  const section = /^## Install\s*\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readme)?.[1] ?? ""
  return /^npm install .*$/m.exec(section)?.[0]
}

// Dependencies first: when a line installs a package, the @longrunning packages it depends on are already
// there (installed from their tarballs by their own README's line), so npm never asks the registry for them.
const ordered = []
const visit = (pkg) => {
  if (ordered.includes(pkg)) return
  for (const dependency of Object.keys(pkg.manifest.dependencies ?? {})) {
    const other = byName.get(dependency)
    if (other !== undefined) visit(other)
  }
  ordered.push(pkg)
}
for (const pkg of packages) visit(pkg)

const project = join(work, "project")
await mkdir(project)
await writeFile(join(project, "package.json"), JSON.stringify({ name: "stranger", private: true, type: "module" }))

const install = async (pkg) => {
  const began = Date.now()
  const line = installLine(pkg.readme)
  if (line === undefined) return fail(`${pkg.manifest.name}: README.md has no \`npm install\` line under "## Install"`)
  const words = line.trim().split(/\s+/).slice(2)
  const unknown = words.filter((word) => word.startsWith("@longrunning/") && !byName.has(word))
  if (unknown.length > 0) return fail(`${pkg.manifest.name}: the install line names ${unknown.join(", ")}, not in packages/`)
  if (!words.includes(pkg.manifest.name)) return fail(`${pkg.manifest.name}: the install line does not install it: ${line}`)
  const args = words.map((word) => byName.get(word)?.tarball ?? word)
  const installed = await run("npm", ["install", ...args, "--no-audit", "--no-fund"], { cwd: project })
  if (installed.code !== 0 || /ERESOLVE|EBADENGINE/.test(installed.output)) {
    return fail(`${pkg.manifest.name}: \`${line}\` failed`, installed.output)
  }
  pkg.installed = Math.round((Date.now() - began) / 1000)
}

for (const pkg of ordered) if (pkg.tarball !== undefined) await install(pkg)

// Every entry point of every package in one file, under nodenext.
const entries = packages.flatMap((pkg) =>
  pkg.installed === undefined ? [] : Object.keys(pkg.manifest.exports ?? {})
    .filter((entry) => entry !== "./package.json")
    .map((entry) => (entry === "." ? pkg.manifest.name : `${pkg.manifest.name}/${entry.slice(2)}`))
)
await writeFile(
  join(project, "entries.ts"),
  entries.map((entry, i) => `import * as m${i} from "${entry}"\n`).join("") +
    `export const modules = [${entries.map((_, i) => `m${i}`).join(", ")}]\n`
)
await writeFile(join(project, "tsconfig.json"), JSON.stringify({
  compilerOptions: {
    module: "nodenext",
    moduleResolution: "nodenext",
    target: "es2022",
    strict: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    skipLibCheck: true,
    types: []
  },
  files: ["entries.ts"]
}))
const checked = await run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", project])
if (checked.code !== 0) fail("the entry points do not type-check under nodenext", checked.output)

// -- the installed lro against the emulator --------------------------------------------------------------

const lroAgainstTheEmulator = async (project) => {
  const lro = join(project, "node_modules/.bin/lro")
  const plain = { ...env, LRO_ENDPOINT: "", GOOGLE_OAUTH_ACCESS_TOKEN: "" }
  const help = await run(lro, ["--help"], { env: plain, cwd: project })
  if (help.code !== 0 || !help.stdout.includes("wait")) return fail("lro --help did not print the help", help.output)
  if (help.output.includes("\u001b")) return fail("lro --help writes ANSI escapes into a pipe")
  const bin = await run(process.execPath, ["--input-type=module", "-e", "await import('@longrunning/cli/bin')"], { cwd: project })
  if (!bin.output.includes("ERR_PACKAGE_PATH_NOT_EXPORTED")) fail("import(\"@longrunning/cli/bin\") is allowed", bin.output)

  const emulator = spawn(lro, ["emulator", "--port", "0"], { cwd: project, env: plain, stdio: ["ignore", "pipe", "pipe"] })
  let out = ""
  let err = ""
  emulator.stdout.on("data", (chunk) => (out += chunk))
  emulator.stderr.on("data", (chunk) => (err += chunk))
  const exited = new Promise((done) => emulator.on("exit", (code, signal) => done(code ?? signal)))
  try {
    for (let i = 0; i < 300 && !out.includes("\n"); i++) await sleep(100)
    const url = out.split("\n")[0]
    if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url ?? "")) return fail("lro emulator did not print its URL", out + err)
    const collection = "projects/demo/regions/us-central1/operations"
    const list = await run(lro, ["list", collection, "--endpoint", url, "--format", "json"], { env: plain })
    const operations = list.stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l))
    if (list.code !== 0 || operations.length !== 3) return fail("lro list against the emulator", list.output)
    const succeeded = operations.find((op) => op.done === true && op.response !== undefined)
    const wait = await run(lro, ["wait", succeeded.name, "--endpoint", url, "--timeout", "30s"], { env: plain })
    if (wait.code !== 0 || !/^SUCCEEDED /.test(wait.stdout)) return fail("lro wait against the emulator", wait.output)
  } finally {
    emulator.kill("SIGINT")
  }
  const code = await exited
  if (code !== 130) fail(`lro emulator exited ${code} on SIGINT, not 130`, err)
}

if (packages.some((pkg) => pkg.manifest.bin?.lro !== undefined && pkg.installed !== undefined)) {
  await lroAgainstTheEmulator(project)
}

// -- @longrunning/cli alone, as a stranger who never uses --durable installs it ------------------------------
// Its README's line (the @longrunning packages it pulls in given as tarballs) must build no native module and
// print no warning: @longrunning/durable and its drivers are optional peers. `lro wait --durable` and `lro
// worker` then name the README's durable line; after the PostgreSQL line has run, they load durable.

const cliAlone = async (cli) => {
  const before = problems.length
  const alone = join(work, "cli-alone")
  await mkdir(alone)
  await writeFile(join(alone, "package.json"), JSON.stringify({ name: "stranger-cli", private: true, type: "module" }))
  const tarballsOf = (words) => words.map((word) => byName.get(word.replace(/(.)@[^@/]*$/, "$1"))?.tarball ?? word)
  const closure = new Set()
  const collect = (pkg) => {
    for (const dependency of Object.keys(pkg.manifest.dependencies ?? {})) {
      const other = byName.get(dependency)
      if (other !== undefined && !closure.has(other)) {
        closure.add(other)
        collect(other)
      }
    }
  }
  collect(cli)
  const npmInstall = (line, extra = []) =>
    run("npm", ["install", ...tarballsOf(line.trim().split(/\s+/).slice(2)), ...extra, "--no-audit", "--no-fund"], { cwd: alone })
  const installed = await npmInstall(installLine(cli.readme), [...closure].map((pkg) => pkg.tarball))
  // npm's notice of install scripts it has not been allowed to run names @parcel/watcher and msgpackr-extract,
  // which @effect/platform-node brings; no warning may come from the durable side (a peer, a native build).
  const warnings = installed.output.split("\n").filter((line) => /^npm warn/i.test(line))
  const durableWarnings = warnings.filter((line) => /peer|gyp (info|ERR)|node-gyp rebuild|better-sqlite3|@longrunning|@effect\/(workflow|cluster|sql)/i.test(line))
  if (installed.code !== 0 || /ERESOLVE|EBADENGINE/.test(installed.output) || durableWarnings.length > 0) {
    return fail("@longrunning/cli alone: its README's line did not install clean", installed.output)
  }
  // (@effect/cluster, @effect/sql and @effect/workflow do come: peers of @effect/platform-node, which npm installs)
  for (const absent of ["better-sqlite3", "@longrunning/durable", "@effect/sql-sqlite-node", "@effect/sql-pg"]) {
    if (existsSync(join(alone, "node_modules", absent))) fail(`@longrunning/cli alone installs ${absent}`)
  }

  const durableLine = (driver) => new RegExp(`^npm install @longrunning/durable\\S* .*${driver}.*$`, "m").exec(cli.readme)?.[0]
  const sqliteLine = durableLine("@effect/sql-sqlite-node")
  const pgLine = durableLine("@effect/sql-pg")
  if (sqliteLine === undefined || pgLine === undefined) {
    return fail("@longrunning/cli: README.md has no `npm install @longrunning/durable ...` line for SQLite and for PostgreSQL")
  }
  const lro = join(alone, "node_modules/.bin/lro")
  const plain = { ...env, LRO_ENDPOINT: "", GOOGLE_OAUTH_ACCESS_TOKEN: "" }
  const name = "projects/p/regions/r/operations/o"
  const pg = "postgres://lro@127.0.0.1:1/none"
  const missing = await run(lro, ["wait", name, "--durable"], { cwd: alone, env: plain })
  if (missing.code !== 2 || !missing.stderr.includes(sqliteLine)) {
    fail("lro wait --durable without @longrunning/durable: not exit 2 with the README's SQLite line", missing.output)
  }
  const noWorker = await run(lro, ["worker", "--store", pg], { cwd: alone, env: plain })
  if (noWorker.code !== 2 || !noWorker.stderr.includes(pgLine)) {
    fail("lro worker without @longrunning/durable: not exit 2 with the README's PostgreSQL line", noWorker.output)
  }

  const withPg = await npmInstall(pgLine)
  if (withPg.code !== 0 || /ERESOLVE|EBADENGINE/.test(withPg.output)) {
    return fail(`@longrunning/cli alone: the README's \`${pgLine}\` failed`, withPg.output)
  }
  const loaded = await run(lro, ["wait", name, "--durable", "--store", pg], { cwd: alone, env: plain })
  if (loaded.code !== 3 || !loaded.stderr.startsWith("cannot use the store postgres://")) {
    fail("lro wait --durable --store postgres:// with the PostgreSQL line installed: not the store's error (exit 3)", loaded.output)
  }
  cli.alone = problems.length === before
}

const cliPackage = packages.find((pkg) => pkg.manifest.bin?.lro !== undefined && pkg.tarball !== undefined)
if (cliPackage !== undefined) await cliAlone(cliPackage)

for (const pkg of ordered) {
  if (pkg.installed !== undefined) {
    console.log(`stranger: ${pkg.manifest.name}: ${pkg.files} files packed; its README's npm install line ran clean (${pkg.installed} s)`)
  }
  if (pkg.alone === true) {
    console.log(`stranger: ${pkg.manifest.name} alone: no native module, no warning; --durable names its install line, and loads after it`)
  }
}
await rm(work, { recursive: true, force: true })
if (problems.length > 0) {
  for (const problem of problems) console.error(`stranger: ${problem}`)
  process.exit(1)
}
console.log(
  `stranger: ${packages.length} packages packed and installed, ${entries.length} entry points type-checked, lro ran ` +
    `against its emulator, in ${Math.round((Date.now() - started) / 1000)} s`
)
