/**
 * @since 0.1.0
 */

/**
 * The emulator of `@longrunning/emulator` (a Dataproc v1 REST server on loopback, with fault injection),
 * re-exported so that one import gives every double.
 *
 * @since 0.1.0
 */
export * as Emulator from "@longrunning/emulator/Emulator"

/**
 * The Statuses Dataproc answers, shared by every double (`@longrunning/emulator`'s `Statuses`).
 *
 * @since 0.1.0
 */
export * as Statuses from "@longrunning/emulator/Statuses"

/**
 * An in-memory `OperationsClient` with a control service to script operations, errors and time, on the
 * emulator's `OperationStore`; it serves the Dataproc start methods too.
 *
 * @since 0.1.0
 */
export * as TestOperations from "./TestOperations.js"

/**
 * A fake `HttpClient` serving the emulator's Dataproc REST surface from the same store, without a socket.
 *
 * @since 0.1.0
 */
export * as TestHttpClient from "./TestHttpClient.js"

/**
 * Drive an effect that does real socket I/O (the `Emulator`, a loopback server) under `TestClock`.
 *
 * @since 0.1.0
 */
export * as TestClockDriver from "./TestClockDriver.js"
