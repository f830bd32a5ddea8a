// @ts-check
import js from "@eslint/js"
import tseslint from "typescript-eslint"

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/*.d.ts", "bench/results.json"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-empty-object-type": "off",
      "@typescript-eslint/no-namespace": "off",
      "@typescript-eslint/ban-ts-comment": "error",
      "require-yield": "off",
      "prefer-const": "error",
      "eqeqeq": ["error", "always", { null: "ignore" }]
    }
  },
  {
    files: ["packages/*/src/**/*.ts"],
    rules: {
      "no-console": "error",
      "no-restricted-imports": ["error", {
        paths: [{ name: "effect", message: "import modules directly (effect/Effect), not the barrel" }],
        patterns: [
          { group: ["@longrunning/*/internal/*"], message: "no package reaches into another's internal/" }
        ]
      }]
    }
  }
)
