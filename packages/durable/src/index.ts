/**
 * Durable waits for long-running operations on `@effect/workflow` and `@effect/cluster`.
 *
 * @since 0.1.0
 */
export {}
