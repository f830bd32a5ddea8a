/**
 * @since 0.1.0
 */

/**
 * Waiting for a long-running operation as a durable workflow that outlives the process: the same policy
 * and outcomes as `OperationPoller`, on `@effect/workflow`'s engine.
 *
 * @since 0.1.0
 */
export * as DurableWait from "./DurableWait.js"

/**
 * Starting an operation and awaiting it as one durable workflow: the request id is recorded before the
 * call, so a restart re-sends it and never starts a second operation.
 *
 * @since 0.1.0
 */
export * as DurableStart from "./DurableStart.js"

/**
 * Durable waits for many operations: thin workflows whose operations are polled in groups by `watchAll`
 * in sharded entities, so that rows grow with waits, not with polls.
 *
 * @since 0.1.0
 */
export * as GroupedWait from "./GroupedWait.js"

/**
 * The default engine for durable waits: `@effect/cluster` on one runner over an SQLite file.
 *
 * @since 0.1.0
 */
export * as SqliteEngine from "./SqliteEngine.js"

/**
 * The engine for several runners: `@effect/cluster` over PostgreSQL, runners talking over sockets.
 *
 * @since 0.1.0
 */
export * as PgEngine from "./PgEngine.js"
