/**
 * The engine for durable waits shared by several runners: `@effect/cluster`'s workflow engine over
 * PostgreSQL, the runners talking to each other over sockets. Shards (and the waits in them) are spread
 * over the runners; when a runner dies its shard locks expire and the others take its waits over.
 *
 * @since 0.1.0
 */
import * as ClusterWorkflowEngine from "@effect/cluster/ClusterWorkflowEngine"
import * as RunnerAddress from "@effect/cluster/RunnerAddress"
import type * as Sharding from "@effect/cluster/Sharding"
import type * as ShardingConfig from "@effect/cluster/ShardingConfig"
import * as NodeClusterSocket from "@effect/platform-node/NodeClusterSocket"
import type * as SocketServer from "@effect/platform/SocketServer"
import * as PgClient from "@effect/sql-pg/PgClient"
import type * as SqlError from "@effect/sql/SqlError"
import type * as WorkflowEngine from "@effect/workflow/WorkflowEngine"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

/**
 * Options of the PostgreSQL engine.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The database, as a `postgres://` URL. */
  readonly url: string | Redacted.Redacted<string>
  /**
   * Whether this process runs waits (the default) or only submits and awaits them through the runners
   * (`false`: it holds no shards and opens no port).
   */
  readonly runner?: boolean | undefined
  /** The host other runners reach this one at. Defaults to `localhost`. */
  readonly runnerHost?: string | undefined
  /** The port this runner listens on for the others. Defaults to 34431. */
  readonly runnerPort?: number | undefined
  /**
   * Settings of the cluster: `shardLockExpiration` (35 s by default) is how long a dead runner's waits
   * stay where they were before another takes them; `entityMessagePollInterval` (10 s) how late a durable
   * wake-up can be. Every runner of a database must use the same `shardsPerGroup`.
   */
  readonly shardingConfig?: Partial<ShardingConfig.ShardingConfig["Type"]> | undefined
}

/**
 * A `WorkflowEngine` over PostgreSQL, as a runner among others (or a client of them), and the cluster's
 * `Sharding` (which grouped waits need).
 *
 * @example
 * ```ts
 * import { DurableWait, PgEngine } from "@longrunning/durable"
 * import { Layer } from "effect"
 *
 * const runner = DurableWait.Default.layer().pipe(
 *   Layer.provideMerge(PgEngine.layer({ url: "postgres://lro@127.0.0.1:5432/lro", runnerPort: 34431 }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options
): Layer.Layer<
  WorkflowEngine.WorkflowEngine | Sharding.Sharding,
  ConfigError.ConfigError | SocketServer.SocketServerError | SqlError.SqlError
> => {
  const address = RunnerAddress.make(options.runnerHost ?? "localhost", options.runnerPort ?? 34431)
  const shardingConfig = { runnerAddress: Option.some(address), ...options.shardingConfig }
  const sharding = options.runner === false
    ? NodeClusterSocket.layer({ clientOnly: true, storage: "sql", shardingConfig })
    : NodeClusterSocket.layer({ storage: "sql", shardingConfig })
  return ClusterWorkflowEngine.layer.pipe(
    Layer.provideMerge(sharding),
    Layer.provide(
      PgClient.layer({ url: typeof options.url === "string" ? Redacted.make(options.url) : options.url })
    )
  )
}
