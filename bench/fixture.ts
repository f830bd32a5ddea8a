/**
 * A typical Dataproc operation as Google writes it (pretty-printed, 2-space indent): a cluster create
 * still running, with its status history, labels and a warning. About 1.4 KB.
 */
export const operationName = (i: number): string =>
  `projects/bench-project/regions/us-central1/operations/${String(i).padStart(8, "0")}-6532-483d-aca0-ae7c8b8ddcdc`

const NAME = "@@NAME@@"

const template = JSON.stringify(
  {
    name: NAME,
    metadata: {
      "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
      clusterName: "etl-nightly-7f3a",
      clusterUuid: "4085f87e-90f2-4e33-a4f7-3b7e0af86dab",
      status: { state: "RUNNING", innerState: "RUNNING", stateStartTime: "2026-03-02T02:52:56.347112Z" },
      statusHistory: [{ state: "PENDING", innerState: "PENDING", stateStartTime: "2026-03-02T02:52:51.034419Z" }],
      operationType: "CREATE",
      description: "Create cluster with 2 workers",
      labels: {
        "goog-dataproc-cluster-name": "etl-nightly-7f3a",
        "goog-dataproc-cluster-uuid": "4085f87e-90f2-4e33-a4f7-3b7e0af86dab",
        "goog-dataproc-location": "us-central1",
        "goog-dataproc-autozone": "enabled",
        env: "prod",
        team: "data-platform"
      },
      warnings: [
        "For PD-Standard without local SSDs, we strongly recommend provisioning 1TB or larger to ensure consistently high I/O performance. See https://cloud.google.com/compute/docs/disks/performance for information on disk I/O performance.",
        "The firewall rules for specified network or subnetwork would allow ingress traffic from 0.0.0.0/0, which could be a security risk."
      ]
    }
  },
  null,
  2
)

const [head, tail] = template.split(NAME) as [string, string]

/** The body of the fixed operation under `name`. */
export const operationBody = (name: string): string => `${head}${name}${tail}`

/** The body's pieces around the name, for a server that answers any name with no work but a concat. */
export const bodyParts = { head, tail } as const
