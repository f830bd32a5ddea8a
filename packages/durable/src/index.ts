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
