/** Our client stack for the emulator runs: OperationsClient over UndiciHttpClient, unauthenticated. */
import * as OperationsClient from "@longrunning/http/OperationsClient"
import type * as RetryPolicy from "@longrunning/http/RetryPolicy"
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"

export const runtime = (
  url: string,
  options: { readonly connections: number; readonly retryPolicy?: RetryPolicy.RetryPolicy | undefined }
) =>
  ManagedRuntime.make(
    OperationsClient.layerEmulator(url, options.retryPolicy === undefined ? {} : { retryPolicy: options.retryPolicy }).pipe(
      Layer.provide(UndiciHttpClient.layer({ connections: options.connections })),
      Layer.orDie
    )
  )
