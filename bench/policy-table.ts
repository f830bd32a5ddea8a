/**
 * Prints the policy comparison table of docs/polling.md, computed by running the real schedules
 * under TestClock:
 *
 *   node --conditions=@longrunning/source --import tsx bench/policy-table.ts
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { standardMarkdown } from "./policyTable.js"

Effect.runFork(Effect.flatMap(standardMarkdown, Console.log))
