/**
 * The setups of docs/http.md, type-checked.
 */
import { Credentials, Endpoint, OperationsClient } from "@longrunning/http"
import * as GoogleAuth from "@longrunning/http/GoogleAuth"
import * as UndiciHttpClient from "@longrunning/http/UndiciHttpClient"
import { Layer, Redacted } from "effect"

// Application Default Credentials: a key file in GOOGLE_APPLICATION_CREDENTIALS, gcloud's
// `auth application-default login`, or the metadata server on Google Cloud. google-auth-library is an
// optional peer dependency, loaded only through this entry point.
const Adc = OperationsClient.layer({ quotaProject: "my-project" }).pipe(
  Layer.provide(GoogleAuth.layer()),
  Layer.provide(UndiciHttpClient.layer())
)

// A service-account key file.
const KeyFile = OperationsClient.layer().pipe(
  Layer.provide(GoogleAuth.layer({ keyFile: "/secrets/sa.json" })),
  Layer.provide(UndiciHttpClient.layer())
)

// A token from the environment (GOOGLE_OAUTH_ACCESS_TOKEN), read through Config.
const FromEnv = OperationsClient.layer().pipe(
  Layer.provide(Credentials.layerConfig()),
  Layer.provide(UndiciHttpClient.layer())
)

// A token you already have (never refreshed).
const Fixed = OperationsClient.layer().pipe(
  Layer.provide(Credentials.static(Redacted.make("ya29...."))),
  Layer.provide(UndiciHttpClient.layer())
)

// A local emulator: plain http on loopback, no credentials.
const Local = OperationsClient.layerEmulator("http://127.0.0.1:8085").pipe(Layer.provide(UndiciHttpClient.layer()))

// Regional endpoints that keep data in the region.
const Regional = OperationsClient.layer({ endpoint: Endpoint.regional() }).pipe(
  Layer.provide(GoogleAuth.layer()),
  Layer.provide(UndiciHttpClient.layer())
)

export { Adc, Fixed, FromEnv, KeyFile, Local, Regional }
