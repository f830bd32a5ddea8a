import { ServiceProfile } from "../src/index.js"

// Expected request lines written out by hand from each service's discovery document (the method paths of
// googleapis@188.0.0 on npm, Apigee's gcloud client, Speech v2's service yaml), never computed by the code
// under test. The ServiceProfile tests check them against `requestLine`, the OperationsClient tests against
// what the client puts on the wire.
// For each profile: a name and a collection as the service writes them, and the request line of each method
// in the default version (undefined: the service does not offer it).
export interface Case {
  readonly profile: ServiceProfile.ServiceProfile
  readonly name: string
  readonly collection: string
  readonly get: string
  readonly list: string | undefined
  readonly cancel: string | undefined
  readonly delete: string | undefined
  readonly wait: string | undefined
}

export const g = "googleapis.com"
export const cases: ReadonlyArray<Case> = [
  {
    profile: ServiceProfile.dataproc,
    name: "projects/p/regions/us-central1/operations/o",
    collection: "projects/p/regions/us-central1/operations",
    get: `GET https://dataproc.${g}/v1/projects/p/regions/us-central1/operations/o`,
    list: `GET https://dataproc.${g}/v1/projects/p/regions/us-central1/operations`,
    cancel: `POST https://dataproc.${g}/v1/projects/p/regions/us-central1/operations/o:cancel`,
    delete: `DELETE https://dataproc.${g}/v1/projects/p/regions/us-central1/operations/o`,
    wait: undefined
  },
  {
    profile: ServiceProfile.vertexAi,
    name: "projects/p/locations/us-central1/endpoints/e/operations/1",
    collection: "projects/p/locations/us-central1/endpoints/e/operations",
    get: `GET https://us-central1-aiplatform.${g}/v1/projects/p/locations/us-central1/endpoints/e/operations/1`,
    list: `GET https://us-central1-aiplatform.${g}/v1/projects/p/locations/us-central1/endpoints/e/operations`,
    cancel: `POST https://us-central1-aiplatform.${g}/v1/projects/p/locations/us-central1/endpoints/e/operations/1:cancel`,
    delete: `DELETE https://us-central1-aiplatform.${g}/v1/projects/p/locations/us-central1/endpoints/e/operations/1`,
    wait:
      `POST https://us-central1-aiplatform.${g}/v1/projects/p/locations/us-central1/endpoints/e/operations/1:wait?timeout=30s`
  },
  {
    profile: ServiceProfile.cloudRun,
    name: "projects/p/locations/us-central1/operations/o",
    collection: "projects/p/locations/us-central1/operations",
    get: `GET https://run.${g}/v2/projects/p/locations/us-central1/operations/o`,
    list: `GET https://run.${g}/v2/projects/p/locations/us-central1/operations`,
    cancel: undefined,
    delete: `DELETE https://run.${g}/v2/projects/p/locations/us-central1/operations/o`,
    wait: `POST https://run.${g}/v2/projects/p/locations/us-central1/operations/o:wait {"timeout":"30s"}`
  },
  {
    profile: ServiceProfile.spanner,
    name: "projects/p/instances/i/databases/d/operations/_auto_op_1",
    collection: "projects/p/instances/i/databases/d/operations",
    get: `GET https://spanner.${g}/v1/projects/p/instances/i/databases/d/operations/_auto_op_1`,
    list: `GET https://spanner.${g}/v1/projects/p/instances/i/databases/d/operations`,
    cancel: `POST https://spanner.${g}/v1/projects/p/instances/i/databases/d/operations/_auto_op_1:cancel`,
    delete: `DELETE https://spanner.${g}/v1/projects/p/instances/i/databases/d/operations/_auto_op_1`,
    wait: undefined
  },
  {
    profile: ServiceProfile.firestore,
    name: "projects/p/databases/(default)/operations/NW1h",
    collection: "projects/p/databases/(default)/operations",
    get: `GET https://firestore.${g}/v1/projects/p/databases/(default)/operations/NW1h`,
    list: `GET https://firestore.${g}/v1/projects/p/databases/(default)/operations`,
    cancel: `POST https://firestore.${g}/v1/projects/p/databases/(default)/operations/NW1h:cancel`,
    delete: `DELETE https://firestore.${g}/v1/projects/p/databases/(default)/operations/NW1h`,
    wait: undefined
  },
  {
    profile: ServiceProfile.cloudFunctions,
    name: "projects/p/locations/europe-west1/operations/o",
    collection: "projects/p/locations/europe-west1/operations",
    get: `GET https://cloudfunctions.${g}/v2/projects/p/locations/europe-west1/operations/o`,
    list: `GET https://cloudfunctions.${g}/v2/projects/p/locations/europe-west1/operations`,
    cancel: undefined,
    delete: undefined,
    wait: undefined
  },
  {
    profile: ServiceProfile.cloudBuild,
    name: "operations/build/hashr/MjE1ZDgxNTEtNWNlMi00ZGQ1LThhZmUtMDgzOGZiZTI4NDE5",
    collection: "operations",
    get: `GET https://cloudbuild.${g}/v1/operations/build/hashr/MjE1ZDgxNTEtNWNlMi00ZGQ1LThhZmUtMDgzOGZiZTI4NDE5`,
    list: undefined,
    cancel: `POST https://cloudbuild.${g}/v1/operations/build/hashr/MjE1ZDgxNTEtNWNlMi00ZGQ1LThhZmUtMDgzOGZiZTI4NDE5:cancel`,
    delete: undefined,
    wait: undefined
  },
  {
    profile: ServiceProfile.alloyDb,
    name: "projects/p/locations/us-west1/operations/operation-1711974896123",
    collection: "projects/p/locations/us-west1/operations",
    get: `GET https://alloydb.${g}/v1/projects/p/locations/us-west1/operations/operation-1711974896123`,
    list: `GET https://alloydb.${g}/v1/projects/p/locations/us-west1/operations`,
    cancel: `POST https://alloydb.${g}/v1/projects/p/locations/us-west1/operations/operation-1711974896123:cancel`,
    delete: `DELETE https://alloydb.${g}/v1/projects/p/locations/us-west1/operations/operation-1711974896123`,
    wait: undefined
  },
  ...([
    [ServiceProfile.filestore, "https://file.googleapis.com"],
    [ServiceProfile.redis, "https://redis.googleapis.com"],
    [ServiceProfile.metastore, "https://metastore.googleapis.com"],
    [ServiceProfile.cloudDeploy, "https://clouddeploy.googleapis.com"]
  ] as const).map(([profile, origin]): Case => {
    const host = `${origin}/v1/projects/p/locations/us-east1/operations`
    return {
      profile,
      name: "projects/p/locations/us-east1/operations/o",
      collection: "projects/p/locations/us-east1/operations",
      get: `GET ${host}/o`,
      list: `GET ${host}`,
      cancel: `POST ${host}/o:cancel`,
      delete: `DELETE ${host}/o`,
      wait: undefined
    }
  }),
  ...([
    [ServiceProfile.composer, "https://composer.googleapis.com"],
    [ServiceProfile.workflows, "https://workflows.googleapis.com"]
  ] as const).map(([profile, origin]): Case => {
    const host = `${origin}/v1/projects/p/locations/us-east1/operations`
    return {
      profile,
      name: "projects/p/locations/us-east1/operations/o",
      collection: "projects/p/locations/us-east1/operations",
      get: `GET ${host}/o`,
      list: `GET ${host}`,
      cancel: undefined,
      delete: `DELETE ${host}/o`,
      wait: undefined
    }
  }),
  {
    profile: ServiceProfile.artifactRegistry,
    name: "projects/p/locations/us/operations/o",
    collection: "projects/p/locations/us/operations",
    get: `GET https://artifactregistry.${g}/v1/projects/p/locations/us/operations/o`,
    list: undefined,
    cancel: `POST https://artifactregistry.${g}/v1/projects/p/locations/us/operations/o:cancel`,
    delete: undefined,
    wait: undefined
  },
  {
    profile: ServiceProfile.documentAi,
    name: "projects/p/locations/eu/operations/123",
    collection: "projects/p/locations/eu/operations",
    get: `GET https://eu-documentai.${g}/v1/projects/p/locations/eu/operations/123`,
    list: `GET https://eu-documentai.${g}/v1/projects/p/locations/eu/operations`,
    cancel: `POST https://eu-documentai.${g}/v1/projects/p/locations/eu/operations/123:cancel`,
    delete: `DELETE https://eu-documentai.${g}/v1/projects/p/locations/eu/operations/123`,
    wait: undefined
  },
  {
    profile: ServiceProfile.speechV1,
    name: "8254262642733152416",
    collection: "operations",
    get: `GET https://speech.${g}/v1/operations/8254262642733152416`,
    list: `GET https://speech.${g}/v1/operations`,
    cancel: undefined,
    delete: undefined,
    wait: undefined
  },
  {
    profile: ServiceProfile.speechV2,
    name: "projects/123456789012/locations/us-central1/operations/operation-1",
    collection: "projects/123456789012/locations/us-central1/operations",
    get: `GET https://us-central1-speech.${g}/v2/projects/123456789012/locations/us-central1/operations/operation-1`,
    list: `GET https://us-central1-speech.${g}/v2/projects/123456789012/locations/us-central1/operations`,
    cancel: `POST https://us-central1-speech.${g}/v2/projects/123456789012/locations/us-central1/operations/operation-1:cancel`,
    delete: `DELETE https://us-central1-speech.${g}/v2/projects/123456789012/locations/us-central1/operations/operation-1`,
    wait: undefined
  },
  {
    profile: ServiceProfile.translation,
    name: "projects/p/locations/us-central1/operations/o",
    collection: "projects/p/locations/us-central1/operations",
    get: `GET https://translation.${g}/v3/projects/p/locations/us-central1/operations/o`,
    list: `GET https://translation.${g}/v3/projects/p/locations/us-central1/operations`,
    cancel: `POST https://translation.${g}/v3/projects/p/locations/us-central1/operations/o:cancel`,
    delete: `DELETE https://translation.${g}/v3/projects/p/locations/us-central1/operations/o`,
    wait: `POST https://translation.${g}/v3/projects/p/locations/us-central1/operations/o:wait {"timeout":"30s"}`
  },
  {
    profile: ServiceProfile.resourceManager,
    name: "operations/fd.p2-1234",
    collection: "operations",
    get: `GET https://cloudresourcemanager.${g}/v3/operations/fd.p2-1234`,
    list: undefined,
    cancel: undefined,
    delete: undefined,
    wait: undefined
  },
  {
    profile: ServiceProfile.serviceUsage,
    name: "operations/acf.p2-123456789012-4f2a9c1e",
    collection: "operations",
    get: `GET https://serviceusage.${g}/v1/operations/acf.p2-123456789012-4f2a9c1e`,
    list: `GET https://serviceusage.${g}/v1/operations`,
    cancel: `POST https://serviceusage.${g}/v1/operations/acf.p2-123456789012-4f2a9c1e:cancel`,
    delete: `DELETE https://serviceusage.${g}/v1/operations/acf.p2-123456789012-4f2a9c1e`,
    wait: undefined
  },
  {
    profile: ServiceProfile.bigtableAdmin,
    name: "operations/projects/p/instances/i/locations/us-central1-b/operations/123",
    collection: "operations/projects/p/operations",
    get: `GET https://bigtableadmin.${g}/v2/operations/projects/p/instances/i/locations/us-central1-b/operations/123`,
    list: `GET https://bigtableadmin.${g}/v2/operations/projects/p/operations`,
    cancel: undefined,
    delete: undefined,
    wait: undefined
  },
  {
    profile: ServiceProfile.apigee,
    name: "organizations/my-org/operations/6b8f",
    collection: "organizations/my-org/operations",
    get: `GET https://apigee.${g}/v1/organizations/my-org/operations/6b8f`,
    list: `GET https://apigee.${g}/v1/organizations/my-org/operations`,
    cancel: undefined,
    delete: undefined,
    wait: undefined
  },
  {
    profile: ServiceProfile.serviceManagement,
    name: "operations/serviceConfigs.my-svc.endpoints.p.cloud.goog:6f1c2d3e-4a5b",
    collection: "operations",
    get: `GET https://servicemanagement.${g}/v1/operations/serviceConfigs.my-svc.endpoints.p.cloud.goog:6f1c2d3e-4a5b`,
    list: `GET https://servicemanagement.${g}/v1/operations`,
    cancel: undefined,
    delete: undefined,
    wait: undefined
  },
  {
    profile: ServiceProfile.accessContextManager,
    name: "operations/accessPolicies/123/accessLevels/lvl/update/170",
    collection: "operations",
    get: `GET https://accesscontextmanager.${g}/v1/operations/accessPolicies/123/accessLevels/lvl/update/170`,
    list: `GET https://accesscontextmanager.${g}/v1/operations`,
    cancel: `POST https://accesscontextmanager.${g}/v1/operations/accessPolicies/123/accessLevels/lvl/update/170:cancel`,
    delete: `DELETE https://accesscontextmanager.${g}/v1/operations/accessPolicies/123/accessLevels/lvl/update/170`,
    wait: undefined
  },
  {
    profile: ServiceProfile.iamV2,
    name: "policies/cloudresourcemanager.googleapis.com%2Ffolders%2F987/denypolicies/d/operations/o",
    collection: "policies/cloudresourcemanager.googleapis.com%2Ffolders%2F987/denypolicies/d/operations",
    get: `GET https://iam.${g}/v2/policies/cloudresourcemanager.googleapis.com%2Ffolders%2F987/denypolicies/d/operations/o`,
    list: undefined,
    cancel: undefined,
    delete: undefined,
    wait: undefined
  },
  {
    profile: ServiceProfile.cloudAsset,
    name: "projects/123456789012/operations/ExportAssets/RESOURCE/1e2f",
    collection: "projects/123456789012/operations",
    get: `GET https://cloudasset.${g}/v1/projects/123456789012/operations/ExportAssets/RESOURCE/1e2f`,
    list: undefined,
    cancel: undefined,
    delete: undefined,
    wait: undefined
  }
]

