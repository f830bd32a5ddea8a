/**
 * The default engine for durable waits: `@effect/cluster`'s workflow engine on one runner, stored in an
 * SQLite file, so a single process needs no server. Kill it and start it again on the same file: the waits
 * go on where they were.
 *
 * @since 0.1.0
 */
import * as ClusterWorkflowEngine from "@effect/cluster/ClusterWorkflowEngine"
import type * as Sharding from "@effect/cluster/Sharding"
import type * as ShardingConfig from "@effect/cluster/ShardingConfig"
import * as SingleRunner from "@effect/cluster/SingleRunner"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import type * as WorkflowEngine from "@effect/workflow/WorkflowEngine"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"

/**
 * The file used when none is given: `./lro-waits.sqlite`.
 *
 * @example
 * ```ts
 * import { SqliteEngine } from "@longrunning/durable"
 *
 * SqliteEngine.defaultFilename // "lro-waits.sqlite"
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultFilename = "lro-waits.sqlite"

/**
 * Options of the SQLite engine.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The SQLite file, created when missing. Defaults to {@link defaultFilename} in the working directory. */
  readonly filename?: string | undefined
  /**
   * Settings of the cluster. `entityMessagePollInterval` (10 s by default) is how often due durable clocks
   * and waiting messages are looked for, so how late a durable wake-up can be. Keep `shardsPerGroup` the
   * same for the life of a file: it decides where each wait is stored.
   */
  readonly shardingConfig?: Partial<ShardingConfig.ShardingConfig["Type"]> | undefined
}

/**
 * A `WorkflowEngine` on one runner over an SQLite file, and the cluster's `Sharding` (which grouped waits
 * need). Register waits (`DurableWait.layer()`) on it and await them with the same layer.
 *
 * @example
 * ```ts
 * import { DurableWait, SqliteEngine } from "@longrunning/durable"
 * import { Layer } from "effect"
 *
 * const runner = DurableWait.Default.layer().pipe(Layer.provideMerge(SqliteEngine.layer({ filename: "waits.sqlite" })))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<WorkflowEngine.WorkflowEngine | Sharding.Sharding, ConfigError.ConfigError> =>
  ClusterWorkflowEngine.layer.pipe(
    Layer.provideMerge(SingleRunner.layer({ shardingConfig: options.shardingConfig })),
    Layer.provide(SqliteClient.layer({ filename: options.filename ?? defaultFilename }))
  )
