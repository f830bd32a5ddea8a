/**
 * @since 0.1.0
 */

/**
 * A local emulator of the Dataproc v1 operations REST surface, on loopback, with fault injection.
 *
 * @since 0.1.0
 */
export * as Emulator from "./Emulator.js"

/**
 * An in-memory `OperationsClient` with a control service to script operations, errors and time.
 *
 * @since 0.1.0
 */
export * as TestOperations from "./TestOperations.js"

/**
 * A fake `HttpClient` serving the Dataproc operations REST surface from a `TestOperations` script.
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
