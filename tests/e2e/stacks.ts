/** The stacks the e2e tests deploy on the testbed (pgm manager, pgw1 and pgw2 workers). */

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
  /** 3 data members (pgm, pgw1, pgw2), or 2 data members (pgw1, pgw2) and the witness on pgm. */
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

/** Replicated or read-split: a member on each node (or two and a witness), the demo app on every node, published in host mode. */
export function replicatedStack(options: ReplicatedOptions = {}): Record<string, unknown> {
  const witness = options.shape === "witness";
  return {
    "pgswarm:topology": options.topology ?? "replicated",
    "pgswarm:nodes": {
      pgm: { backups: !witness, labels: { role: "app" } },
      pgw1: { backups: true, labels: { role: "app" } },
      pgw2: { backups: true, labels: { role: "app" } },
    },
    "pgswarm:database": {
      nodes: witness ? 2 : 3,
      placement: witness ? { pgnode1: "pgw1", pgnode2: "pgw2" } : { pgnode1: "pgm", pgnode2: "pgw1", pgnode3: "pgw2" },
      ...(witness ? { witness: "pgm" } : {}),
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
