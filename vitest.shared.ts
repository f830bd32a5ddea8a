import { defineConfig } from "vitest/config"

// Workspace packages resolve to their TypeScript sources through the "@longrunning/source" export condition,
// so tests never need a build first.
const conditions = ["@longrunning/source", "import", "module", "node", "default"]

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    sequence: { concurrent: false },
    passWithNoTests: true
  }
})
