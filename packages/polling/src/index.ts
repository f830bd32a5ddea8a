/**
 * @since 0.1.0
 */

/**
 * Watching operations until they are done: Streams of snapshots polled on a Schedule, waiting, and one
 * scheduler for many operations.
 *
 * @since 0.1.0
 */
export * as OperationPoller from "./OperationPoller.js"

/**
 * Polling policies as Schedules: the default, presets compatible with Google's clients, and builders.
 *
 * @since 0.1.0
 */
export * as Policy from "./Policy.js"

/**
 * Watching and waiting for plain JavaScript: an AsyncIterable of snapshots and a Promise of the result.
 *
 * @since 0.1.0
 */
export * as Adapters from "./Adapters.js"
