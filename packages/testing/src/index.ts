/**
 * @since 0.1.0
 */

/**
 * A local emulator of the Dataproc v1 operations REST surface, on loopback, with fault injection.
 *
 * @since 0.1.0
 */
export * as Emulator from "./Emulator.js"
