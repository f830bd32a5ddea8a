import { defineConfig } from "vitest/config"

// One Vitest project per package; each package's own config holds its settings (vitest.shared.ts).
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts"]
  }
})
