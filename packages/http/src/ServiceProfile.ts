/**
 * Service profiles: what one Google API that serves google.longrunning over REST needs for its operations,
 * as plain values. A profile says which host a request goes to (global, or `{location}-{service}` for the
 * name's location), which API versions exist, the path template of get, list, cancel, delete and `:wait` in
 * each version (as the service's discovery document writes them), which of those it offers, the name grammar
 * its operation names follow, and the metadata and response types seen in its recorded traffic.
 *
 * {@link requestLine} turns a profile, a method and a name into the request that would be sent, without a
 * client. Profiles are data: build your own with {@link make}, or spread one and change a field.
 *
 * Where the values come from (recorded in each profile's `source`): the method paths of the npm package
 * `googleapis@188.0.0` (`build/src/apis/{api}/{version}.js`, generated from each API's discovery document);
 * Apigee from the discovery-generated gcloud client; Speech v2, which publishes no discovery document, from
 * `google/cloud/speech/v2/speech_v2.yaml` of googleapis/googleapis; locational hosts from the discovery
 * documents' `endpoints` (Vertex AI, Cloud Run) and the issue's recorded traffic (Document AI, Speech v2).
 *
 * @since 0.1.0
 */
import * as OperationName from "@longrunning/schema/OperationName"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as Endpoint from "./Endpoint.js"
import * as Decode from "./internal/decode.js"

/**
 * The operations methods a profile can offer.
 *
 * @since 0.1.0
 * @category models
 */
export type Method = "get" | "list" | "cancel" | "delete" | "wait"

/**
 * `POST {name}:wait`: a long poll that answers when the operation is done or the timeout passes. The timeout
 * goes in the JSON body (`{"timeout":"30s"}`, Cloud Run v2, Translation v3) or in the query (`?timeout=30s`,
 * Vertex AI).
 *
 * @since 0.1.0
 * @category models
 */
export interface Wait {
  /** The path template, such as `v2/{+name}:wait`. */
  readonly path: string
  /** Where the timeout goes. */
  readonly timeout: "body" | "query"
}

/**
 * One API version of a service: the path templates of its operations methods, relative to the host, in the
 * discovery document's syntax (`v1/{+name}:cancel`). A method left out is not offered in that version.
 *
 * A list template is one of `{prefix}/{+name}/operations` (`{+name}` is the parent),
 * `{prefix}/{+name}` (`{+name}` is the collection) or `{prefix}/operations` (one top-level collection).
 *
 * @since 0.1.0
 * @category models
 */
export interface Version {
  readonly version: string
  readonly get: string
  readonly list?: string | undefined
  readonly cancel?: string | undefined
  readonly delete?: string | undefined
  readonly wait?: Wait | undefined
}

/**
 * Which host a request goes to by default: `global` is `https://{service}.{universeDomain}/` for every
 * name; `locational` is `https://{location}-{service}.{universeDomain}/` for a name with a location (the
 * global host for `global` or for a name without one). Any profile can be sent elsewhere with an explicit
 * `Endpoint` (regional `.rep.` hosts, a fixed URL).
 *
 * @since 0.1.0
 * @category models
 */
export type HostRule = "global" | "locational"

/**
 * A service profile.
 *
 * @example
 * ```ts
 * import { ServiceProfile } from "@longrunning/http"
 *
 * ServiceProfile.vertexAi.hosts // "locational"
 * ServiceProfile.vertexAi.versions[0].wait // { path: "v1/{+name}:wait", timeout: "query" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ServiceProfile {
  /** A short key, as `--service` takes it: `dataproc`, `aiplatform`, `run`, ... */
  readonly id: string
  /** The product's name, for messages. */
  readonly title: string
  /** The host prefix: `aiplatform` in `us-central1-aiplatform.googleapis.com`. */
  readonly service: string
  readonly hosts: HostRule
  /** The versions, the default first. */
  readonly versions: readonly [Version, ...Array<Version>]
  /** What the service's operation names may hold beyond the standard shape. */
  readonly grammar: OperationName.Grammar
  /** `@type` URLs of operation metadata seen in recorded traffic or modelled by this library. */
  readonly metadataTypes: ReadonlyArray<string>
  /** `@type` URLs of operation responses seen in recorded traffic. */
  readonly responseTypes: ReadonlyArray<string>
  /** Where the profile's values come from. */
  readonly source: string
}

/**
 * Makes a profile; the grammar defaults to the standard one and the type lists to empty.
 *
 * @example
 * ```ts
 * import { ServiceProfile } from "@longrunning/http"
 *
 * const notebooks = ServiceProfile.make({
 *   id: "notebooks",
 *   title: "Vertex AI Workbench",
 *   service: "notebooks",
 *   hosts: "global",
 *   versions: [{ version: "v2", get: "v2/{+name}", list: "v2/{+name}/operations", cancel: "v2/{+name}:cancel", delete: "v2/{+name}" }],
 *   source: "the notebooks v2 discovery document"
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Omit<ServiceProfile, "grammar" | "metadataTypes" | "responseTypes"> & {
    readonly grammar?: OperationName.Grammar | undefined
    readonly metadataTypes?: ReadonlyArray<string> | undefined
    readonly responseTypes?: ReadonlyArray<string> | undefined
  }
): ServiceProfile => ({
  ...options,
  grammar: options.grammar ?? OperationName.standard,
  metadataTypes: options.metadataTypes ?? [],
  responseTypes: options.responseTypes ?? []
})

const npm = (api: string, versions: string) =>
  `googleapis@188.0.0 (npm), build/src/apis/${api}/${versions}.js, generated from the ${api} discovery documents`

// The common AIP-151 set: get, list under the parent, cancel, delete.
const full = (version: string, list: "parent" | "collection" = "parent"): Version => ({
  version,
  get: `${version}/{+name}`,
  list: list === "parent" ? `${version}/{+name}/operations` : `${version}/{+name}`,
  cancel: `${version}/{+name}:cancel`,
  delete: `${version}/{+name}`
})

const type = (name: string) => `type.googleapis.com/${name}`

/**
 * Dataproc: `projects/{p}/regions/{r}/operations/{id}` and `projects/{p}/locations/{l}/operations/{id}`.
 *
 * @since 0.1.0
 * @category profiles
 */
export const dataproc: ServiceProfile = make({
  id: "dataproc",
  title: "Dataproc",
  service: "dataproc",
  hosts: "global",
  versions: [full("v1", "collection")],
  metadataTypes: [
    "google.cloud.dataproc.v1.ClusterOperationMetadata",
    "google.cloud.dataproc.v1.BatchOperationMetadata",
    "google.cloud.dataproc.v1.SessionOperationMetadata",
    "google.cloud.dataproc.v1.NodeGroupOperationMetadata",
    "google.cloud.dataproc.v1.WorkflowMetadata",
    "google.cloud.dataproc.v1.JobMetadata"
  ].map(type),
  source: npm("dataproc", "v1")
})

/**
 * Vertex AI: locational hosts, names nested under resources
 * (`projects/{p}/locations/{l}/endpoints/{e}/operations/{id}`), `:wait` with the timeout in the query.
 *
 * @since 0.1.0
 * @category profiles
 */
export const vertexAi: ServiceProfile = make({
  id: "aiplatform",
  title: "Vertex AI",
  service: "aiplatform",
  hosts: "locational",
  versions: [
    { ...full("v1"), wait: { path: "v1/{+name}:wait", timeout: "query" } },
    { ...full("v1beta1"), wait: { path: "v1beta1/{+name}:wait", timeout: "query" } }
  ],
  metadataTypes: [type("google.cloud.aiplatform.v1beta1.CreateDeploymentResourcePoolOperationMetadata")],
  source: `${npm("aiplatform", "v1|v1beta1")}; locational hosts from the aiplatform.v1 discovery document's endpoints`
})

/**
 * Cloud Run v2: get, list, delete and `:wait` (timeout in the body); no cancel.
 *
 * @since 0.1.0
 * @category profiles
 */
export const cloudRun: ServiceProfile = make({
  id: "run",
  title: "Cloud Run",
  service: "run",
  hosts: "global",
  versions: [{
    version: "v2",
    get: "v2/{+name}",
    list: "v2/{+name}/operations",
    delete: "v2/{+name}",
    wait: { path: "v2/{+name}:wait", timeout: "body" }
  }],
  metadataTypes: [type("google.cloud.run.v2.Job")],
  source: `${npm("run", "v2")}; the discovery document also lists {location}-run.googleapis.com hosts`
})

/**
 * Spanner: operations under instances, databases, backups and instance configs
 * (`projects/{p}/instances/{i}/databases/{d}/operations/{id}`).
 *
 * @since 0.1.0
 * @category profiles
 */
export const spanner: ServiceProfile = make({
  id: "spanner",
  title: "Spanner",
  service: "spanner",
  hosts: "global",
  versions: [full("v1", "collection")],
  metadataTypes: [type("google.spanner.admin.database.v1.CreateDatabaseMetadata")],
  source: npm("spanner", "v1")
})

/**
 * Firestore: `projects/{p}/databases/{d}/operations/{id}`.
 *
 * @since 0.1.0
 * @category profiles
 */
export const firestore: ServiceProfile = make({
  id: "firestore",
  title: "Firestore",
  service: "firestore",
  hosts: "global",
  versions: [full("v1")],
  metadataTypes: [type("google.firestore.admin.v1.CreateDatabaseMetadata")],
  responseTypes: [type("google.firestore.admin.v1.Database")],
  source: npm("firestore", "v1")
})

/**
 * Cloud Functions v2: get and list only.
 *
 * @since 0.1.0
 * @category profiles
 */
export const cloudFunctions: ServiceProfile = make({
  id: "cloudfunctions",
  title: "Cloud Functions",
  service: "cloudfunctions",
  hosts: "global",
  versions: [{ version: "v2", get: "v2/{+name}", list: "v2/{+name}/operations" }],
  source: npm("cloudfunctions", "v2")
})

/**
 * Cloud Build: get and cancel; builds are `operations/build/{project}/{base64 id}`, worker pools
 * `projects/{p}/locations/{l}/operations/{id}`.
 *
 * @since 0.1.0
 * @category profiles
 */
export const cloudBuild: ServiceProfile = make({
  id: "cloudbuild",
  title: "Cloud Build",
  service: "cloudbuild",
  hosts: "global",
  versions: [
    { version: "v1", get: "v1/{+name}", cancel: "v1/{+name}:cancel" },
    { version: "v2", get: "v2/{+name}", cancel: "v2/{+name}:cancel" }
  ],
  grammar: OperationName.grammar({ nestedIds: true }),
  metadataTypes: [type("google.devtools.cloudbuild.v1.BuildOperationMetadata")],
  source: npm("cloudbuild", "v1|v2")
})

/**
 * AlloyDB.
 *
 * @since 0.1.0
 * @category profiles
 */
export const alloyDb: ServiceProfile = make({
  id: "alloydb",
  title: "AlloyDB",
  service: "alloydb",
  hosts: "global",
  versions: [full("v1"), full("v1beta"), full("v1alpha")],
  metadataTypes: [type("google.cloud.alloydb.v1beta.OperationMetadata")],
  source: npm("alloydb", "v1|v1beta|v1alpha")
})

/**
 * Filestore.
 *
 * @since 0.1.0
 * @category profiles
 */
export const filestore: ServiceProfile = make({
  id: "file",
  title: "Filestore",
  service: "file",
  hosts: "global",
  versions: [full("v1"), full("v1beta1")],
  source: npm("file", "v1|v1beta1")
})

/**
 * Memorystore for Redis.
 *
 * @since 0.1.0
 * @category profiles
 */
export const redis: ServiceProfile = make({
  id: "redis",
  title: "Memorystore for Redis",
  service: "redis",
  hosts: "global",
  versions: [full("v1"), full("v1beta1")],
  source: npm("redis", "v1|v1beta1")
})

/**
 * Dataproc Metastore.
 *
 * @since 0.1.0
 * @category profiles
 */
export const metastore: ServiceProfile = make({
  id: "metastore",
  title: "Dataproc Metastore",
  service: "metastore",
  hosts: "global",
  versions: [full("v1"), full("v1beta"), full("v1alpha")],
  source: npm("metastore", "v1|v1beta|v1alpha")
})

const withoutCancel = (version: string): Version => ({
  version,
  get: `${version}/{+name}`,
  list: `${version}/{+name}/operations`,
  delete: `${version}/{+name}`
})

/**
 * Cloud Composer: get, list, delete; no cancel.
 *
 * @since 0.1.0
 * @category profiles
 */
export const composer: ServiceProfile = make({
  id: "composer",
  title: "Cloud Composer",
  service: "composer",
  hosts: "global",
  versions: [withoutCancel("v1"), withoutCancel("v1beta1")],
  source: npm("composer", "v1|v1beta1")
})

/**
 * Workflows: get, list, delete; no cancel.
 *
 * @since 0.1.0
 * @category profiles
 */
export const workflows: ServiceProfile = make({
  id: "workflows",
  title: "Workflows",
  service: "workflows",
  hosts: "global",
  versions: [withoutCancel("v1"), withoutCancel("v1beta")],
  source: npm("workflows", "v1|v1beta")
})

/**
 * Artifact Registry: get and cancel.
 *
 * @since 0.1.0
 * @category profiles
 */
export const artifactRegistry: ServiceProfile = make({
  id: "artifactregistry",
  title: "Artifact Registry",
  service: "artifactregistry",
  hosts: "global",
  versions: [{ version: "v1", get: "v1/{+name}", cancel: "v1/{+name}:cancel" }],
  source: npm("artifactregistry", "v1")
})

/**
 * Cloud Deploy.
 *
 * @since 0.1.0
 * @category profiles
 */
export const cloudDeploy: ServiceProfile = make({
  id: "clouddeploy",
  title: "Cloud Deploy",
  service: "clouddeploy",
  hosts: "global",
  versions: [full("v1")],
  source: npm("clouddeploy", "v1")
})

/**
 * Document AI: locational hosts (`eu-documentai.googleapis.com` for `eu`).
 *
 * @since 0.1.0
 * @category profiles
 */
export const documentAi: ServiceProfile = make({
  id: "documentai",
  title: "Document AI",
  service: "documentai",
  hosts: "locational",
  versions: [full("v1", "collection"), full("v1beta3", "collection")],
  source: npm("documentai", "v1|v1beta3")
})

/**
 * Speech-to-Text v1: bare numeric ids, fetched at `v1/operations/{id}`; get and list only.
 *
 * @since 0.1.0
 * @category profiles
 */
export const speechV1: ServiceProfile = make({
  id: "speech",
  title: "Speech-to-Text v1",
  service: "speech",
  hosts: "global",
  versions: [
    { version: "v1", get: "v1/operations/{+name}", list: "v1/operations" },
    { version: "v1p1beta1", get: "v1p1beta1/operations/{+name}", list: "v1p1beta1/operations" }
  ],
  grammar: OperationName.grammar({ bareIds: true }),
  source: npm("speech", "v1|v1p1beta1")
})

/**
 * Speech-to-Text v2: locational hosts, `projects/{p}/locations/{l}/operations/{id}`.
 *
 * @since 0.1.0
 * @category profiles
 */
export const speechV2: ServiceProfile = make({
  id: "speech-v2",
  title: "Speech-to-Text v2",
  service: "speech",
  hosts: "locational",
  versions: [full("v2")],
  metadataTypes: [type("google.cloud.speech.v2.OperationMetadata")],
  responseTypes: [type("google.cloud.speech.v2.PhraseSet")],
  source: "google/cloud/speech/v2/speech_v2.yaml (http rules of google.longrunning.Operations) in googleapis/googleapis"
})

/**
 * Cloud Translation v3: the full set and `:wait` (timeout in the body).
 *
 * @since 0.1.0
 * @category profiles
 */
export const translation: ServiceProfile = make({
  id: "translate",
  title: "Cloud Translation",
  service: "translation",
  hosts: "global",
  versions: [{ ...full("v3"), wait: { path: "v3/{+name}:wait", timeout: "body" } }],
  source: npm("translate", "v3")
})

/**
 * Resource Manager: get only; v2 documents fetching its operations at `v1/`.
 *
 * @since 0.1.0
 * @category profiles
 */
export const resourceManager: ServiceProfile = make({
  id: "cloudresourcemanager",
  title: "Resource Manager",
  service: "cloudresourcemanager",
  hosts: "global",
  versions: [
    { version: "v3", get: "v3/{+name}" },
    { version: "v1", get: "v1/{+name}" },
    { version: "v2", get: "v1/{+name}" }
  ],
  responseTypes: [type("google.cloud.resourcemanager.v3.Folder")],
  source: npm("cloudresourcemanager", "v1|v2|v3")
})

/**
 * Service Usage: `operations/{id}`; v1 has get, list, cancel and delete, v1beta1 get and list.
 *
 * @since 0.1.0
 * @category profiles
 */
export const serviceUsage: ServiceProfile = make({
  id: "serviceusage",
  title: "Service Usage",
  service: "serviceusage",
  hosts: "global",
  versions: [
    { version: "v1", get: "v1/{+name}", list: "v1/operations", cancel: "v1/{+name}:cancel", delete: "v1/{+name}" },
    { version: "v1beta1", get: "v1beta1/{+name}", list: "v1beta1/operations" }
  ],
  metadataTypes: [type("google.protobuf.Empty")],
  source: npm("serviceusage", "v1|v1beta1")
})

/**
 * Bigtable admin: `operations/projects/{p}/instances/{i}/locations/{zone}/operations/{id}`; get, and list
 * under `operations/projects/{p}`.
 *
 * @since 0.1.0
 * @category profiles
 */
export const bigtableAdmin: ServiceProfile = make({
  id: "bigtableadmin",
  title: "Bigtable admin",
  service: "bigtableadmin",
  hosts: "global",
  versions: [{ version: "v2", get: "v2/{+name}", list: "v2/{+name}/operations" }],
  source: npm("bigtableadmin", "v2")
})

/**
 * Apigee: `organizations/{org}/operations/{id}`; get and list.
 *
 * @since 0.1.0
 * @category profiles
 */
export const apigee: ServiceProfile = make({
  id: "apigee",
  title: "Apigee",
  service: "apigee",
  hosts: "global",
  versions: [{ version: "v1", get: "v1/{+name}", list: "v1/{+name}/operations" }],
  source: "the Apigee v1 discovery document, as generated into gcloud's apigee_v1_client (OrganizationsOperationsService)"
})

/**
 * Service Management: names with a colon (`operations/serviceConfigs.{service}:{uuid}`); get and list.
 *
 * @since 0.1.0
 * @category profiles
 */
export const serviceManagement: ServiceProfile = make({
  id: "servicemanagement",
  title: "Service Management",
  service: "servicemanagement",
  hosts: "global",
  versions: [{ version: "v1", get: "v1/{+name}", list: "v1/operations" }],
  grammar: OperationName.grammar({ colons: true }),
  source: npm("servicemanagement", "v1")
})

/**
 * Access Context Manager: `operations/accessPolicies/{p}/accessLevels/{l}/update/{id}`.
 *
 * @since 0.1.0
 * @category profiles
 */
export const accessContextManager: ServiceProfile = make({
  id: "accesscontextmanager",
  title: "Access Context Manager",
  service: "accesscontextmanager",
  hosts: "global",
  versions: [full("v1", "collection")],
  grammar: OperationName.grammar({ nestedIds: true }),
  source: npm("accesscontextmanager", "v1")
})

/**
 * IAM v2 deny policies: a percent-encoded parent in the name, as the API writes it; get only.
 *
 * @since 0.1.0
 * @category profiles
 */
export const iamV2: ServiceProfile = make({
  id: "iam",
  title: "IAM v2",
  service: "iam",
  hosts: "global",
  versions: [{ version: "v2", get: "v2/{+name}" }],
  grammar: OperationName.grammar({ encodedSlashes: true }),
  source: npm("iam", "v2")
})

/**
 * Cloud Asset: `projects/{n}/operations/ExportAssets/RESOURCE/{id}`; get only.
 *
 * @since 0.1.0
 * @category profiles
 */
export const cloudAsset: ServiceProfile = make({
  id: "cloudasset",
  title: "Cloud Asset",
  service: "cloudasset",
  hosts: "global",
  versions: [{ version: "v1", get: "v1/{+name}" }],
  grammar: OperationName.grammar({ nestedIds: true }),
  source: npm("cloudasset", "v1")
})

/**
 * Every built-in profile, Dataproc first.
 *
 * @example
 * ```ts
 * import { ServiceProfile } from "@longrunning/http"
 *
 * ServiceProfile.all.map((profile) => profile.id)
 * ```
 *
 * @since 0.1.0
 * @category profiles
 */
export const all: ReadonlyArray<ServiceProfile> = [
  dataproc,
  vertexAi,
  cloudRun,
  spanner,
  firestore,
  cloudFunctions,
  cloudBuild,
  alloyDb,
  filestore,
  redis,
  metastore,
  composer,
  workflows,
  artifactRegistry,
  cloudDeploy,
  documentAi,
  speechV1,
  speechV2,
  translation,
  resourceManager,
  serviceUsage,
  bigtableAdmin,
  apigee,
  serviceManagement,
  accessContextManager,
  iamV2,
  cloudAsset
]

/**
 * The profile with the given id, among the built-in ones or those given.
 *
 * @example
 * ```ts
 * import { ServiceProfile } from "@longrunning/http"
 *
 * ServiceProfile.byId("aiplatform") // Option.some(ServiceProfile.vertexAi)
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const byId = (id: string, profiles: ReadonlyArray<ServiceProfile> = all): Option.Option<ServiceProfile> =>
  Option.fromNullable(profiles.find((profile) => profile.id === id))

/**
 * The profile a host belongs to (`us-central1-aiplatform.googleapis.com`, `dataproc.googleapis.com`,
 * `spanner.europe-west3.rep.googleapis.com`), preferring one that has `version` when it is given.
 *
 * @example
 * ```ts
 * import { ServiceProfile } from "@longrunning/http"
 *
 * ServiceProfile.forHost("europe-west4-aiplatform.googleapis.com") // Option.some(ServiceProfile.vertexAi)
 * ServiceProfile.forHost("speech.googleapis.com", "v2") // Option.some(ServiceProfile.speechV2)
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const forHost = (
  host: string,
  version?: string,
  profiles: ReadonlyArray<ServiceProfile> = all
): Option.Option<ServiceProfile> => {
  const label = host.toLowerCase().split(".")[0]
  const matching = profiles.filter((profile) => label === profile.service || label.endsWith(`-${profile.service}`))
  const withVersion = version === undefined
    ? undefined
    : matching.find((profile) => profile.versions.some((v) => v.version === version))
  return Option.fromNullable(withVersion ?? matching[0])
}

/**
 * The endpoint of a profile's host rule: `Endpoint.global` for a global profile; for a locational one,
 * `Endpoint.locational` that sends `global` and names without a location to the global host. It can be given
 * to `OperationsClient.layer({ endpoint })` as it is.
 *
 * @example
 * ```ts
 * import { OperationsClient, ServiceProfile } from "@longrunning/http"
 *
 * const vertex = OperationsClient.layer({ endpoint: ServiceProfile.endpoint(ServiceProfile.vertexAi), apiVersion: "v1" })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const endpoint = (
  profile: ServiceProfile,
  options?: {
    readonly universeDomain?: string | undefined
    /** Regional endpoints (`{service}.{region}.rep.{universeDomain}`) for data residency. */
    readonly regional?: boolean | undefined
  }
): Endpoint.Endpoint => {
  const hostOptions = { service: profile.service, universeDomain: options?.universeDomain }
  return options?.regional === true
    ? Endpoint.regional({ ...hostOptions, withoutLocation: "global" })
    : profile.hosts === "locational"
    ? Endpoint.locational({ ...hostOptions, withoutLocation: "global" })
    : Endpoint.global(hostOptions)
}

/**
 * Whether a profile offers a method in a version (its default version when none is given).
 *
 * @example
 * ```ts
 * import { ServiceProfile } from "@longrunning/http"
 *
 * ServiceProfile.offers(ServiceProfile.cloudRun, "wait") // true
 * ServiceProfile.offers(ServiceProfile.cloudRun, "cancel") // false
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const offers = (profile: ServiceProfile, method: Method, version?: string): boolean => {
  const entry = version === undefined ? profile.versions[0] : profile.versions.find((v) => v.version === version)
  return entry !== undefined && (method === "get" || entry[method] !== undefined)
}

/**
 * The request a call would send: the HTTP method, the full URL, and a JSON body where there is one.
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestLine {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
  readonly url: string
  /** The JSON body: `{ timeout }` for a `:wait` that takes it in the body. */
  readonly body?: { readonly timeout: string } | undefined
}

/**
 * Formats a request line as it is printed: `GET https://...`.
 *
 * @example
 * ```ts
 * import { ServiceProfile } from "@longrunning/http"
 *
 * ServiceProfile.formatRequestLine({ method: "GET", url: "https://run.googleapis.com/v2/projects/p/locations/l/operations/o" })
 * // "GET https://run.googleapis.com/v2/projects/p/locations/l/operations/o"
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const formatRequestLine = (line: RequestLine): string =>
  line.body === undefined ? `${line.method} ${line.url}` : `${line.method} ${line.url} ${JSON.stringify(line.body)}`

/**
 * Options of {@link requestLine}.
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestOptions extends LineOptions {
  /** The API version; defaults to the profile's first. A full URL's own version wins. */
  readonly version?: string | undefined
  /** Sends the request here instead of the profile's host (regional `.rep.` hosts, an emulator). */
  readonly endpoint?: Endpoint.Endpoint | undefined
  /** The universe domain of the profile's hosts. Defaults to `googleapis.com`. */
  readonly universeDomain?: string | undefined
}

/**
 * Marks a {@link RequestLineError}.
 *
 * @example
 * ```ts
 * import { ServiceProfile } from "@longrunning/http"
 *
 * declare const error: ServiceProfile.RequestLineError
 * error[ServiceProfile.RequestLineErrorTypeId] === ServiceProfile.RequestLineErrorTypeId // true
 * ```
 *
 * @since 0.1.0
 * @category type ids
 */
export const RequestLineErrorTypeId: unique symbol = Symbol.for("@longrunning/http/RequestLineError")

/**
 * @since 0.1.0
 * @category type ids
 */
export type RequestLineErrorTypeId = typeof RequestLineErrorTypeId

const MethodSchema: Schema.Schema<Method> = Schema.Literal("get", "list", "cancel", "delete", "wait")

/**
 * A request that cannot be made: a name the service's grammar refuses, a version or method the profile does
 * not have, or an endpoint that cannot serve the name.
 *
 * @example
 * ```ts
 * import { ServiceProfile } from "@longrunning/http"
 *
 * declare const error: ServiceProfile.RequestLineError
 * if (error.reason === "UnknownVersion") error.detail
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class RequestLineError extends Schema.TaggedError<RequestLineError>("@longrunning/http/RequestLineError")(
  "RequestLineError",
  {
    reason: Schema.Literal("InvalidName", "UnknownVersion", "Unsupported", "InvalidEndpoint"),
    /** The profile's id. */
    service: Schema.String,
    method: MethodSchema,
    input: Schema.String,
    detail: Schema.String
  }
) {
  /**
   * @since 0.1.0
   */
  readonly [RequestLineErrorTypeId]: RequestLineErrorTypeId = RequestLineErrorTypeId

  override get message(): string {
    return `${this.service} ${this.method} ${JSON.stringify(this.input.slice(0, 200))}: ${this.detail}`
  }
}

/**
 * Whether a value is a {@link RequestLineError}.
 *
 * @example
 * ```ts
 * import { ServiceProfile } from "@longrunning/http"
 *
 * ServiceProfile.isRequestLineError(new Error("x")) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isRequestLineError = (u: unknown): u is RequestLineError => Predicate.hasProperty(u, RequestLineErrorTypeId)

/**
 * A proto3 JSON duration (`"30s"`, `"2.5s"`), as `:wait` takes its timeout.
 *
 * @example
 * ```ts
 * import { ServiceProfile } from "@longrunning/http"
 *
 * ServiceProfile.formatDuration("2500 millis") // "2.500s"
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const formatDuration = (input: Duration.DurationInput): string => {
  const nanos = Duration.toNanos(Duration.decode(input))
  if (Option.isNone(nanos) || nanos.value < 0n) return "0s"
  const seconds = nanos.value / 1_000_000_000n
  const fraction = nanos.value % 1_000_000_000n
  if (fraction === 0n) return `${seconds}s`
  const digits = fraction.toString().padStart(9, "0")
  const trimmed = digits.endsWith("000000") ? digits.slice(0, 3) : digits.endsWith("000") ? digits.slice(0, 6) : digits
  return `${seconds}.${trimmed}s`
}

/**
 * The timeout to ask a `:wait` for: the shorter of the time left before the caller's deadline and the time one
 * attempt may take, less a margin for the answer to travel back, so that the server answers before either
 * runs out. `None` when less than a second would be left: then a plain get is the better call.
 *
 * @example
 * ```ts
 * import { ServiceProfile } from "@longrunning/http"
 *
 * ServiceProfile.waitTimeout({ remaining: "10 minutes", attemptTimeout: "30 seconds" }) // Option.some(28 seconds)
 * ServiceProfile.waitTimeout({ remaining: "2 seconds", attemptTimeout: "30 seconds" }) // Option.none()
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const waitTimeout = (options: {
  /** The time left before the caller's deadline. */
  readonly remaining: Duration.DurationInput
  /** The time one attempt of the client may take (its `timeout` option). */
  readonly attemptTimeout: Duration.DurationInput
  /** Kept free for the answer to come back. Defaults to 2 seconds. */
  readonly margin?: Duration.DurationInput | undefined
}): Option.Option<Duration.Duration> => {
  const bound = Duration.min(Duration.decode(options.remaining), Duration.decode(options.attemptTimeout))
  const left = Duration.subtract(bound, Duration.decode(options.margin ?? Duration.seconds(2)))
  return Duration.greaterThanOrEqualTo(left, Duration.seconds(1)) ? Option.some(left) : Option.none()
}

const httpMethods: Record<Method, "GET" | "POST" | "DELETE"> = {
  get: "GET",
  list: "GET",
  cancel: "POST",
  delete: "DELETE",
  wait: "POST"
}

/**
 * A checked name (a collection, for `list`) and where its request goes: the profile and version whose path
 * templates apply, and the origin of a full URL. {@link Requests.target} makes it; {@link Requests.line}
 * turns it into a request line.
 *
 * @since 0.1.0
 * @category models
 */
export interface Target<N extends string = string> {
  /** What the caller wrote: a name, a collection or a full URL. */
  readonly input: string
  /** The name (the collection, for `list`), without a URL's origin and version. */
  readonly name: N
  /** `https://{host}[:{port}]` of a full URL. */
  readonly origin: Option.Option<string>
  /** The profile whose templates apply: the one given, or the one a URL's host belongs to. */
  readonly profile: ServiceProfile
  /** The version whose templates apply: a URL's own, else the one asked for, else the profile's first. */
  readonly version: string
}

/**
 * Options of {@link requests}.
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestsOptions {
  /**
   * The service. Defaults to Dataproc; when it is not given, a full URL's host chooses the profile among
   * `profiles` (`us-central1-aiplatform.googleapis.com` is Vertex AI).
   */
  readonly profile?: ServiceProfile | undefined
  /** The API version; defaults to the profile's first. A full URL's own version wins. */
  readonly version?: string | undefined
  /** Sends requests here instead of the profile's host (regional `.rep.` hosts, an emulator). */
  readonly endpoint?: Endpoint.Endpoint | undefined
  /** The universe domain of the profile's hosts. Defaults to `googleapis.com`. */
  readonly universeDomain?: string | undefined
  /** The profiles a URL's host is looked up in. Defaults to {@link all}. */
  readonly profiles?: ReadonlyArray<ServiceProfile> | undefined
}

/**
 * Options of one request line: the query of a list, the timeout of a wait.
 *
 * @since 0.1.0
 * @category models
 */
export interface LineOptions {
  readonly filter?: string | undefined
  readonly pageSize?: number | undefined
  readonly pageToken?: string | undefined
  readonly returnPartialSuccess?: boolean | undefined
  /** How long a `:wait` may wait. */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * What builds every request line of a client: the one place where a profile, a version, an endpoint and a
 * name become a URL. `OperationsClient` sends what it builds, and `OperationsClient.requests` gives the same
 * builder for the client's options, so a dry run prints exactly what a call would send.
 *
 * @example
 * ```ts
 * import { ServiceProfile } from "@longrunning/http"
 * import * as Either from "effect/Either"
 *
 * const run = ServiceProfile.requests({ profile: ServiceProfile.cloudRun })
 * Either.map(run.requestLine("get", "projects/p/locations/us-central1/operations/o"), ServiceProfile.formatRequestLine)
 * // Either.right("GET https://run.googleapis.com/v2/projects/p/locations/us-central1/operations/o")
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Requests {
  /** The profile of plain names. */
  readonly profile: ServiceProfile
  /** The version of plain names. */
  readonly version: string
  /**
   * Checks a name or a full operation URL for a method: the name under the profile's grammar, a URL's host
   * (a host of the endpoint's universe domain, or a fixed endpoint's own origin: a token is never sent
   * elsewhere),
   * and that the profile offers the method in that version.
   */
  readonly target: (
    method: "get" | "cancel" | "delete" | "wait",
    input: string
  ) => Either.Either<Target<OperationName.OperationName>, RequestLineError>
  /** Checks a collection or the full URL of one for `list`, as {@link Requests.target} does names. */
  readonly collection: (input: string) => Either.Either<Target<OperationName.OperationCollection>, RequestLineError>
  /** The request line of a checked target. */
  readonly line: (method: Method, target: Target, options?: LineOptions) => Either.Either<RequestLine, RequestLineError>
  /** {@link Requests.target} (or {@link Requests.collection}) then {@link Requests.line}. */
  readonly requestLine: (method: Method, input: string, options?: LineOptions) => Either.Either<RequestLine, RequestLineError>
  /**
   * The URL of a call relative to the version root (`projects/p/regions/r/clusters`), as a start call sends
   * it: the host from the path's location, then `{version}/{path}` and the query.
   */
  readonly url: (
    path: string,
    query: ReadonlyArray<readonly [string, string]>,
    version?: string
  ) => Either.Either<string, Endpoint.InvalidEndpoint>
}

// A template split around `{+name}`, once per version and method.
interface Template {
  readonly before: string
  readonly after: string
  // `{prefix}operations/{+name}` (Speech v1) takes the bare id: a name written `operations/{id}`, as a
  // full URL gives it, loses its prefix rather than doubling it.
  readonly barePrefix: boolean
  // A list template without `{+name}` names one top-level collection.
  readonly fixed: boolean
}

const split = (template: string): Template => {
  const at = template.indexOf("{+name}")
  if (at === -1) return { before: template, after: "", barePrefix: false, fixed: true }
  const before = template.slice(0, at)
  const after = template.slice(at + "{+name}".length)
  return { before, after, barePrefix: before.endsWith("operations/"), fixed: false }
}

type Templates = Partial<Record<Method, Template>> & { readonly wait?: Template & { readonly timeout: "body" | "query" } }

const compile = (version: Version): Templates => ({
  get: split(version.get),
  ...(version.list === undefined ? {} : { list: split(version.list) }),
  ...(version.cancel === undefined ? {} : { cancel: split(version.cancel) }),
  ...(version.delete === undefined ? {} : { delete: split(version.delete) }),
  ...(version.wait === undefined ? {} : { wait: { ...split(version.wait.path), timeout: version.wait.timeout } })
})

const fill = (method: Method, template: Template, name: string): Either.Either<string, string> => {
  if (method !== "list") {
    const value = template.barePrefix && name.startsWith("operations/") ? name.slice(11) : name
    return Either.right(template.before + value + template.after)
  }
  if (template.fixed) {
    // One top-level collection, `v1/operations`.
    return template.before.endsWith(`/${name}`)
      ? Either.right(template.before)
      : Either.left(`this service lists only the collection "${template.before.slice(template.before.indexOf("/") + 1)}"`)
  }
  // `{prefix}/{+name}/operations` takes the parent: the collection already ends in `operations`.
  return Either.right(template.before + name + (template.after === "/operations" ? "" : template.after))
}

const noOrigin: Option.Option<string> = Option.none()

const urlHost = /^https?:\/\/([^/?#@]*?)(?::[0-9]*)?(?:[/?#]|$)/i

/**
 * Makes the builder of request lines for a profile, a version and an endpoint.
 *
 * @example
 * ```ts
 * import { Endpoint, ServiceProfile } from "@longrunning/http"
 *
 * // an emulator serving Cloud Run's paths
 * const local = ServiceProfile.requests({ profile: ServiceProfile.cloudRun, endpoint: Endpoint.fixed("http://127.0.0.1:8085") })
 * local.requestLine("wait", "projects/p/locations/l/operations/o", { timeout: "30 seconds" })
 * // Either.right({ method: "POST", url: "http://127.0.0.1:8085/v2/projects/p/locations/l/operations/o:wait",
 * //                body: { timeout: "30s" } })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const requests = (options: RequestsOptions = {}): Requests => {
  const profile = options.profile ?? dataproc
  const version = options.version ?? profile.versions[0].version
  const universeDomain = options.universeDomain ?? "googleapis.com"
  const ownEndpoint = options.endpoint ?? endpoint(profile, { universeDomain })
  // A URL may point only where the endpoint does: a host of its universe, or a fixed endpoint's own origin.
  const fixedOrigin = ownEndpoint._tag === "Fixed"
    ? Either.getOrElse(Either.map(Endpoint.validateBaseUrl(ownEndpoint.url), (url) => new URL(url).origin), () => "")
    : undefined
  const domain = ownEndpoint._tag === "Fixed" ? undefined : ownEndpoint.universeDomain
  const profiles = options.profiles ?? all

  // Templates of the client's own profile are split once; an inferred profile's on use.
  const own = new Map(profile.versions.map((entry) => [entry.version, compile(entry)] as const))
  const templates = (target: Target): Templates | undefined => {
    if (target.profile === profile) return own.get(target.version)
    const entry = target.profile.versions.find((v) => v.version === target.version)
    return entry === undefined ? undefined : compile(entry)
  }

  // A global or fixed endpoint has one base URL; the others one per location, kept for the few in use.
  const single = ownEndpoint._tag === "Global" || ownEndpoint._tag === "Fixed"
    ? Endpoint.baseUrl(ownEndpoint, Option.none())
    : undefined
  const bases = new Map<string, Either.Either<string, Endpoint.InvalidEndpoint>>()
  const base = (path: string): Either.Either<string, Endpoint.InvalidEndpoint> => {
    if (single !== undefined) return single
    const where = OperationName.location(path)
    const key = Option.getOrElse(where, () => "")
    const known = bases.get(key)
    if (known !== undefined) return known
    const resolved = Endpoint.baseUrl(ownEndpoint, where)
    if (bases.size < 64) bases.set(key, resolved)
    return resolved
  }

  const fail = (reason: RequestLineError["reason"], method: Method, input: string, detail: string, service = profile) =>
    Either.left(new RequestLineError({ reason, service: service.id, method, input, detail }))

  // A URL's profile and grammar: the host's when no profile was given.
  const profileOf = (input: string, urlVersion: () => string | undefined): ServiceProfile => {
    if (options.profile !== undefined) return profile
    const host = urlHost.exec(input)
    if (host === null) return profile
    return Option.getOrElse(forHost(host[1], urlVersion(), profiles), () => profile)
  }

  // A plain name (the poll path) is parsed on its own; a URL, whose host may choose the profile, as a reference.
  const resolve = <N extends string>(
    method: Method,
    input: string,
    plain: (grammar: OperationName.Grammar) => Either.Either<N, ParseResult.ParseError>,
    url: (grammar: OperationName.Grammar) => Either.Either<
      { readonly name: N; readonly origin: Option.Option<string>; readonly host: Option.Option<string>; readonly version: Option.Option<string> },
      ParseResult.ParseError
    >
  ): Either.Either<Target<N>, RequestLineError> => {
    const isUrl = /^https?:\/\//i.test(input)
    const chosen = isUrl ? profileOf(input, () => /^https?:\/\/[^/]*\/([^/]*)\//i.exec(input)?.[1]) : profile
    const parsed = isUrl
      ? url(chosen.grammar)
      : Either.map(plain(chosen.grammar), (name) => ({ name, origin: noOrigin, host: noOrigin, version: noOrigin }))
    if (Either.isLeft(parsed)) return fail("InvalidName", method, input, Decode.parseReason(parsed.left), chosen)
    const reference = parsed.right
    if (Option.isSome(reference.origin)) {
      const host = Option.getOrElse(reference.host, () => "")
      const allowed = domain === undefined
        ? reference.origin.value === fixedOrigin
        : host === domain || host.endsWith(`.${domain}`)
      if (!allowed) {
        return fail(
          "InvalidName",
          method,
          input,
          domain === undefined
            ? `the URL's origin is not the endpoint's (${fixedOrigin}): requests go only there`
            : `the URL's host ${JSON.stringify(host)} is not a host of ${domain}, where requests go`,
          chosen
        )
      }
    }
    const targetVersion = Option.getOrElse(reference.version, () => version)
    const target: Target<N> = { input, name: reference.name, origin: reference.origin, profile: chosen, version: targetVersion }
    const entry = templates(target)
    if (entry === undefined) {
      return fail(
        "UnknownVersion",
        method,
        input,
        `${chosen.title} has no version ${JSON.stringify(targetVersion)} (known: ${chosen.versions.map((v) => v.version).join(", ")})`,
        chosen
      )
    }
    if (entry[method] === undefined) return fail("Unsupported", method, input, `${chosen.title} ${targetVersion} does not offer ${method}`, chosen)
    return Either.right(target)
  }

  // Speech v1 names its operations by bare id, which its URLs write as `operations/{id}`: the target's name
  // is the bare id, so that the answer's name is the one asked for.
  const target: Requests["target"] = (method, input) =>
    Either.flatMap(
      resolve(
        method,
        input,
        (grammar) => OperationName.parse(input, grammar),
        (grammar) => OperationName.parseReference(input, grammar)
      ),
      (checked) => {
      if (!checked.name.startsWith("operations/") || templates(checked)?.[method]?.barePrefix !== true) {
        return Either.right(checked)
      }
      const bare = OperationName.parse(checked.name.slice(11), checked.profile.grammar)
      return Either.isRight(bare) ? Either.right({ ...checked, name: bare.right }) : Either.right(checked)
    }
    )
  const collection: Requests["collection"] = (input) =>
    resolve(
      "list",
      input,
      (grammar) => OperationName.parseCollection(input, grammar),
      (grammar) => OperationName.parseCollectionReference(input, grammar)
    )

  const line: Requests["line"] = (method, target, lineOptions = {}) => {
    const entry = templates(target)
    const template = entry?.[method]
    if (entry === undefined || template === undefined) {
      return fail("Unsupported", method, target.input, `${target.profile.title} ${target.version} does not offer ${method}`, target.profile)
    }
    const filled = fill(method, template, target.name)
    if (Either.isLeft(filled)) return fail("InvalidName", method, target.input, filled.left, target.profile)
    let prefix: string
    if (Option.isSome(target.origin)) {
      prefix = `${target.origin.value}/`
    } else {
      const resolved = base(target.name)
      if (Either.isLeft(resolved)) return fail("InvalidEndpoint", method, target.input, resolved.left.reason, target.profile)
      prefix = resolved.right
    }
    let query = ""
    let body: RequestLine["body"]
    if (method === "list") {
      const params = new URLSearchParams()
      if (lineOptions.filter !== undefined) params.set("filter", lineOptions.filter)
      if (lineOptions.pageSize !== undefined) params.set("pageSize", String(lineOptions.pageSize))
      if (lineOptions.pageToken !== undefined && lineOptions.pageToken !== "") params.set("pageToken", lineOptions.pageToken)
      if (lineOptions.returnPartialSuccess !== undefined) {
        params.set("returnPartialSuccess", String(lineOptions.returnPartialSuccess))
      }
      const text = params.toString()
      if (text !== "") query = `?${text}`
    } else if (method === "wait" && lineOptions.timeout !== undefined) {
      const timeout = formatDuration(lineOptions.timeout)
      if (entry.wait?.timeout === "query") query = `?timeout=${timeout}`
      else body = { timeout }
    }
    const url = prefix + filled.right + query
    return Either.right(body === undefined ? { method: httpMethods[method], url } : { method: httpMethods[method], url, body })
  }

  const requestLine: Requests["requestLine"] = (method, input, lineOptions) =>
    method === "list"
      ? Either.flatMap(collection(input), (checked) => line(method, checked, lineOptions))
      : Either.flatMap(target(method, input), (checked) => line(method, checked, lineOptions))

  const url: Requests["url"] = (path, query, pathVersion = version) =>
    Either.map(base(path.replace(/:[A-Za-z][A-Za-z0-9]*$/, "")), (prefix) =>
      prefix + pathVersion + "/" + path + (query.length === 0
        ? ""
        : "?" + query.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join("&")))

  return { profile, version, target, collection, line, requestLine, url }
}

/**
 * The request a method would send for a name (a collection for `list`) under a profile, without sending it:
 * the name is checked with the profile's grammar (a full operation URL is accepted, and its origin and
 * version are used), the version's path template is filled, and the host comes from the profile's host rule
 * and the name's location, or from `options.endpoint`. The same as `requests(...).requestLine(...)`.
 *
 * @example
 * ```ts
 * import { ServiceProfile } from "@longrunning/http"
 *
 * ServiceProfile.requestLine(ServiceProfile.vertexAi, "wait", "projects/p/locations/us-central1/operations/1", {
 *   timeout: "30 seconds"
 * })
 * // Either.right({ method: "POST",
 * //   url: "https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/operations/1:wait?timeout=30s" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const requestLine = (
  profile: ServiceProfile,
  method: Method,
  name: string,
  options: RequestOptions = {}
): Either.Either<RequestLine, RequestLineError> =>
  requests({
    profile,
    version: options.version,
    endpoint: options.endpoint,
    universeDomain: options.universeDomain
  }).requestLine(method, name, options)
