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
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as Endpoint from "./Endpoint.js"

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
  options?: { readonly universeDomain?: string | undefined }
): Endpoint.Endpoint => {
  const hostOptions = { service: profile.service, universeDomain: options?.universeDomain }
  return profile.hosts === "locational"
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
  readonly method: "GET" | "POST" | "DELETE"
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
export interface RequestOptions {
  /** The API version; defaults to the profile's first. A full URL's own version wins. */
  readonly version?: string | undefined
  /** Sends the request here instead of the profile's host (regional `.rep.` hosts, an emulator). */
  readonly endpoint?: Endpoint.Endpoint | undefined
  /** The universe domain of the profile's hosts. Defaults to `googleapis.com`. */
  readonly universeDomain?: string | undefined
  /** Query parameters of a list. */
  readonly filter?: string | undefined
  readonly pageSize?: number | undefined
  readonly pageToken?: string | undefined
  readonly returnPartialSuccess?: boolean | undefined
  /** How long a `:wait` may wait. */
  readonly timeout?: Duration.DurationInput | undefined
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

const httpMethods: Record<Method, RequestLine["method"]> = {
  get: "GET",
  list: "GET",
  cancel: "POST",
  delete: "DELETE",
  wait: "POST"
}

// `{prefix}operations/{+name}` (Speech v1) takes the bare id: a name written `operations/{id}`, as a full
// URL gives it, loses its prefix rather than doubling it.
const fillName = (template: string, name: string): string => {
  const at = template.indexOf("{+name}")
  const before = template.slice(0, at)
  const value = before.endsWith("operations/") && name.startsWith("operations/") ? name.slice(11) : name
  return before + value + template.slice(at + "{+name}".length)
}

const fillCollection = (template: string, collection: string): Either.Either<string, string> => {
  const at = template.indexOf("{+name}")
  if (at === -1) {
    // One top-level collection, `v1/operations`.
    return template.endsWith(`/${collection}`)
      ? Either.right(template)
      : Either.left(`this service lists only the collection "${template.slice(template.indexOf("/") + 1)}"`)
  }
  const before = template.slice(0, at)
  const after = template.slice(at + "{+name}".length)
  if (after === "/operations") {
    return Either.right(before + collection)
  }
  return Either.right(before + collection + after)
}

/**
 * The request a method would send for a name (a collection for `list`) under a profile, without sending it:
 * the name is checked with the profile's grammar (a full operation URL is accepted, and its origin and
 * version are used), the version's path template is filled, and the host comes from the profile's host rule
 * and the name's location, or from `options.endpoint`.
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
): Either.Either<RequestLine, RequestLineError> => {
  const fail = (reason: RequestLineError["reason"], detail: string) =>
    Either.left(new RequestLineError({ reason, service: profile.id, method, input: name, detail }))

  let path: string
  let origin: Option.Option<string> = Option.none()
  let version = options.version ?? profile.versions[0].version
  if (method === "list") {
    const collection = OperationName.parseCollection(name, profile.grammar)
    if (Either.isLeft(collection)) return fail("InvalidName", parseMessage(collection.left))
    path = collection.right
  } else {
    const reference = OperationName.parseReference(name, profile.grammar)
    if (Either.isLeft(reference)) return fail("InvalidName", parseMessage(reference.left))
    path = reference.right.name
    origin = reference.right.origin
    if (Option.isSome(reference.right.version)) version = reference.right.version.value
  }

  const entry = profile.versions.find((v) => v.version === version)
  if (entry === undefined) {
    return fail(
      "UnknownVersion",
      `${profile.title} has no version ${JSON.stringify(version)} (known: ${profile.versions.map((v) => v.version).join(", ")})`
    )
  }
  const template = method === "get" ? entry.get : method === "wait" ? entry.wait?.path : entry[method]
  if (template === undefined) return fail("Unsupported", `${profile.title} ${version} does not offer ${method}`)

  let relative: string
  if (method === "list") {
    const filled = fillCollection(template, path)
    if (Either.isLeft(filled)) return fail("InvalidName", filled.left)
    relative = filled.right
  } else {
    relative = fillName(template, path)
  }

  let base: string
  if (Option.isSome(origin)) {
    base = `${origin.value}/`
  } else {
    const where = OperationName.location(path)
    const ownEndpoint = options.endpoint ?? endpoint(profile, { universeDomain: options.universeDomain })
    const resolved = Endpoint.baseUrl(ownEndpoint, where)
    if (Either.isLeft(resolved)) return fail("InvalidEndpoint", resolved.left.reason)
    base = resolved.right
  }

  const params = new URLSearchParams()
  let body: RequestLine["body"]
  if (method === "list") {
    if (options.filter !== undefined) params.set("filter", options.filter)
    if (options.pageSize !== undefined) params.set("pageSize", String(options.pageSize))
    if (options.pageToken !== undefined && options.pageToken !== "") params.set("pageToken", options.pageToken)
    if (options.returnPartialSuccess !== undefined) {
      params.set("returnPartialSuccess", String(options.returnPartialSuccess))
    }
  } else if (method === "wait" && options.timeout !== undefined) {
    const timeout = formatDuration(options.timeout)
    if (entry.wait?.timeout === "query") params.set("timeout", timeout)
    else body = { timeout }
  }
  const query = params.toString()
  const url = base + relative + (query === "" ? "" : `?${query}`)
  return Either.right(body === undefined ? { method: httpMethods[method], url } : { method: httpMethods[method], url, body })
}

// The first line of Effect's tree is the schema's name; the reason is the last line.
const parseMessage = (error: { readonly message: string }): string => {
  const lines = error.message.split("\n")
  return (lines[lines.length - 1] ?? error.message).replace(/^[\s└├─│]+/, "")
}
