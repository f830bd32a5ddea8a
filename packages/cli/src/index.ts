/**
 * @since 0.1.0
 */

/**
 * The `lro` command (get, list, wait, cancel, delete, emulator, demo) and its exit codes.
 *
 * @since 0.1.0
 */
export * as Cli from "./Cli.js"
