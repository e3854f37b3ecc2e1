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
        healthcheck: { command: ["node", "/app/dist/healthcheck.js"], interval: "2s", startPeriod: "5s" },
      },
    },
  };
}
