/**
 * @since 0.1.0
 */

/**
 * A local emulator of the Dataproc v1 REST surface, on loopback, with fault injection.
 *
 * @since 0.1.0
 */
export * as Emulator from "./Emulator.js"

/**
 * One store of operations, fault rules and calls under every double (the emulator, and the in-memory
 * doubles of `@longrunning/testing`), with one control vocabulary.
 *
 * @since 0.1.0
 */
export * as OperationStore from "./OperationStore.js"

/**
 * The Dataproc v1 REST wire format the emulator speaks: routes, JSON and error answers, list paging, a
 * request log with secrets redacted.
 *
 * @since 0.1.0
 */
export * as Wire from "./Wire.js"

/**
 * The Statuses Dataproc answers (unavailable, rate limited, cancelled, quota, zone...), one vocabulary for
 * the emulator and the in-memory doubles.
 *
 * @since 0.1.0
 */
export * as Statuses from "./Statuses.js"
