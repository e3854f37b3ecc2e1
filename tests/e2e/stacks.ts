/** The stacks the e2e tests deploy on the testbed (testbed.json: pgm the manager, pgw1..pgw3 the data nodes). */
import { DATA_NODES, MANAGER } from "../harness/testbed";

export const DEMO_PORT = 18080;

/** Standalone: pgnode1 pinned to pgw1; the demo app on the nodes labelled role=app, published in host mode. */
export function standaloneStack(options: { appReplicas?: number } = {}): Record<string, unknown> {
  return {
    "pgswarm:topology": "standalone",
    "pgswarm:nodes": {
      pgm: { labels: { role: "app" } },
      pgw1: { backups: true },
      pgw2: { labels: { role: "app" } },
    },
    "pgswarm:database": {
      placement: { pgnode1: "pgw1" },
      walArchiving: "on",
    },
    // This kernel has no IPsec (xfrm): an encrypted overlay would drop all traffic between nodes.
    "pgswarm:networks": { encrypted: false },
    "pgswarm:services": {
      web: {
        image: "pgswarm/demo-app:latest",
        uid: 1000,
        replicas: options.appReplicas ?? 1,
        database: "rw",
        placement: ["node.labels.role == app"],
        // The testbed's kernel has no IPVS: host-mode ports, no ingress mesh.
        publish: [{ port: DEMO_PORT, target: 8080, mode: "host" }],
        healthcheck: { command: ["node", "/app/dist/healthcheck.js"], interval: "2s", startPeriod: "60s" },
      },
    },
  };
}

export interface ReplicatedOptions {
  topology?: "replicated" | "read-split";
  /** 3 data members (pgw1, pgw2, pgw3), or 2 data members (pgw1, pgw2) and the witness on the manager, pgm. */
  shape?: "three" | "witness";
  synchronous?: "quorum" | "off";
  walArchiving?: "on" | "off";
  /** database.router.replicas (2 unless given). */
  routerReplicas?: number;
  appReplicas?: number;
  replicaMaxLag?: string;
  postgresImage?: string;
  /** The demo app's published port (each e2e file its own, so a stack left behind never blocks another). */
  appPort?: number;
  /** GeoMapFish's db_chooser overrides for the demo app (split only). */
  dbChooser?: { master: string[]; slave: string[] };
  /** database.credentialsRotation (0 unless given). */
  credentialsRotation?: number;
  /** database.failover.timeout (the default, 3s, unless given). */
  failoverTimeout?: string;
}

/**
 * Replicated or read-split: a member on each data node (or on two of them, and a witness on the
 * manager), the demo app on the manager and two data nodes, published in host mode.
 */
export function replicatedStack(options: ReplicatedOptions = {}): Record<string, unknown> {
  const witness = options.shape === "witness";
  const [first, second, third] = DATA_NODES;
  return {
    "pgswarm:topology": options.topology ?? "replicated",
    "pgswarm:nodes": {
      [MANAGER]: { labels: { role: "app" } },
      [first]: { backups: true, labels: { role: "app" } },
      [second]: { backups: true, labels: { role: "app" } },
      ...(witness ? {} : { [third]: { backups: true } }),
    },
    "pgswarm:database": {
      nodes: witness ? 2 : 3,
      placement: witness ? { pgnode1: first, pgnode2: second } : { pgnode1: first, pgnode2: second, pgnode3: third },
      ...(witness ? { witness: MANAGER } : {}),
      synchronous: options.synchronous ?? "quorum",
      walArchiving: options.walArchiving ?? "on",
      ...(options.routerReplicas ? { router: { replicas: options.routerReplicas } } : {}),
      ...(options.replicaMaxLag ? { replicaMaxLag: options.replicaMaxLag } : {}),
      ...(options.postgresImage ? { image: options.postgresImage } : {}),
      ...(options.credentialsRotation ? { credentialsRotation: options.credentialsRotation } : {}),
      ...(options.failoverTimeout ? { failover: { timeout: options.failoverTimeout } } : {}),
    },
    "pgswarm:networks": { encrypted: false },
    "pgswarm:services": {
      web: {
        image: "pgswarm/demo-app:latest",
        uid: 1000,
        replicas: options.appReplicas ?? 3,
        database: options.topology === "read-split" ? "split" : "rw",
        ...(options.dbChooser ? { dbChooser: options.dbChooser } : {}),
        placement: ["node.labels.role == app"],
        publish: [{ port: options.appPort ?? DEMO_PORT, target: 8080, mode: "host" }],
        healthcheck: { command: ["node", "/app/dist/healthcheck.js"], interval: "2s", startPeriod: "60s" },
      },
    },
  };
}
