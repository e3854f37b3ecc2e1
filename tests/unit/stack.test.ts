/** The real program under Pulumi mocks, for each example stack file as it is on disk. */
import type { RunResult } from "../../tools/lib/mockRun";
import { stableSuffix } from "../../tools/lib/recorder";
import { CONFIG, NETWORK, NODE_LABELS, ofType, runStack, SECRET, SERVICE, serviceNamed, stackFileConfig } from "../helpers/stacks";

jest.setTimeout(60_000);
const runs: Record<string, RunResult> = {};
beforeAll(async () => {
  for (const stack of ["dev", "staging", "prod"]) runs[stack] = await runStack(stack);
});

const services = (stack: string) => ofType(runs[stack], SERVICE).map((service) => service.inputs.name).sort();
const dbServices = (stack: string) =>
  ofType(runs[stack], SERVICE).filter((service) => /_pgnode\d$/.test(service.inputs.name));
/** How many DB data nodes the stack file asks for. */
const dbNodesOf = (stack: string) => Number(stackFileConfig(stack)["pgswarm:database"]?.nodes ?? 1);

describe.each(["dev", "staging", "prod"])("stack %s", (stack) => {
  // The recorder never fails a registration, so "no errors" would prove nothing; what can break is a reference.
  it("references only networks, secrets and configs it registered, each resource under its own name", () => {
    const result = runs[stack];
    const keys = result.resources.map((resource) => `${resource.type}::${resource.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    const registeredIds = new Set(result.resources.map((resource) => `${resource.name}-id`));
    const referenced = ofType(result, SERVICE).flatMap((service) => {
      const task = service.inputs.taskSpec;
      return [
        ...task.networksAdvanceds.map((network: any) => network.id),
        ...(task.containerSpec.secrets ?? []).map((secret: any) => secret.secretId),
        ...(task.containerSpec.configs ?? []).map((config: any) => config.configId),
      ];
    });
    // Every DB member alone mounts its network, four secrets and four configs.
    expect(referenced.length).toBeGreaterThanOrEqual(9 * dbServices(stack).length);
    expect(referenced.filter((id) => !registeredIds.has(id))).toEqual([]);
  });

  it("pins each DB service to its own labelled node, one replica, dnsrr, stop-first, a liveness check", () => {
    expect(dbServices(stack)).toHaveLength(dbNodesOf(stack));
    const constraints = new Set<string>();
    for (const service of dbServices(stack)) {
      expect(service.inputs.mode).toEqual({ replicated: { replicas: 1 } });
      expect(service.inputs.endpointSpec.mode).toBe("dnsrr");
      expect(service.inputs.updateConfig.order).toBe("stop-first");
      expect(service.inputs.taskSpec.containerSpec.healthcheck.tests).toEqual(["CMD", "/usr/local/bin/pgswarm-health"]);
      expect(service.inputs.taskSpec.containerSpec.init).toBe(true);
      const [constraint] = service.inputs.taskSpec.placement.constraints;
      expect(constraint).toMatch(new RegExp(`^node\\.labels\\.pgswarm\\.${stack}\\.pgnode == \\d$`));
      constraints.add(constraint);
    }
    expect(constraints.size).toBe(dbServices(stack).length);
  });

  it("puts each pinning label on the node the stack file names", () => {
    const placement = stackFileConfig(stack)["pgswarm:database"].placement as Record<string, string>;
    const labels = ofType(runs[stack], NODE_LABELS);
    for (const [slot, node] of Object.entries(placement)) {
      const onNode = labels.find((resource) => resource.inputs.node === node)!;
      expect(onNode.inputs.labels[`pgswarm.${stack}.pgnode`]).toBe(slot.replace("pgnode", ""));
    }
  });

  it("gives each DB service its own volume for PGDATA", () => {
    const sources = dbServices(stack).map((service) => service.inputs.taskSpec.containerSpec.mounts[0]);
    expect(sources).toHaveLength(dbNodesOf(stack));
    expect(sources.map((mount) => mount.type)).toEqual(sources.map(() => "volume"));
    expect(new Set(sources.map((mount) => mount.source)).size).toBe(sources.length);
  });

  it("references secrets by id and never puts one in an environment value, label or plain output", () => {
    const result = runs[stack];
    const secretIds = new Set(ofType(result, SECRET).map((secret) => `${secret.name}-id`));
    const passwords = result.resources
      .filter((resource) => resource.type === "random:index/randomPassword:RandomPassword")
      .map((resource) => `pw-${stableSuffix(resource.name)}`);
    // superuser, replication, monitor, exporter, both rotation slots of app and reader, and the agents' key.
    expect(passwords).toHaveLength(9);
    const mounted = ofType(result, SERVICE).flatMap((service) => service.inputs.taskSpec.containerSpec.secrets ?? []);
    expect(mounted.length).toBeGreaterThan(0);
    for (const service of ofType(result, SERVICE)) {
      const container = service.inputs.taskSpec.containerSpec;
      for (const secret of container.secrets ?? []) expect(secretIds.has(secret.secretId)).toBe(true);
      const visible = JSON.stringify([container.env, container.args, service.inputs.labels, container.labels]);
      for (const prefix of passwords) expect(visible).not.toContain(prefix);
    }
    expect(JSON.stringify(result.outputs)).not.toContain("pw-");
    // Secret data is marked secret all the way to the provider.
    for (const secret of ofType(result, SECRET)) expect(secret.redacted.data).toBe("[secret]");
  });

  it("encrypts the DB network unless the stack turns it off", () => {
    const db = ofType(runs[stack], NETWORK).find((network) => network.inputs.name === `${stack}_db`)!;
    const encrypted = (stackFileConfig(stack)["pgswarm:networks"]?.encrypted ?? true) as boolean;
    expect(db.inputs.options?.encrypted === "true").toBe(encrypted);
    expect(db.inputs.attachable).toBe(false);
  });
});

describe("topologies", () => {
  it("standalone: one DB node behind the rw router, so db-rw and db never move onto a DB service", () => {
    expect(services("dev")).toEqual(["dev_backup-repo", "dev_db-rw", "dev_pgnode1", "dev_web"]);
    expect(serviceNamed(runs.dev, "dev_pgnode1").inputs.taskSpec.networksAdvanceds[0].aliases).toEqual(["pgnode1"]);
    expect(serviceNamed(runs.dev, "dev_db-rw").inputs.taskSpec.networksAdvanceds[0].aliases).toEqual(["db-rw", "db"]);
  });

  it("replicated: three DB nodes and a rw router holding db-rw and db", () => {
    expect(services("staging")).toEqual(["staging_backup-repo", "staging_db-rw", "staging_pgnode1", "staging_pgnode2", "staging_pgnode3", "staging_web"]);
    expect(serviceNamed(runs.staging, "staging_db-rw").inputs.taskSpec.networksAdvanceds[0].aliases).toEqual(["db-rw", "db"]);
    for (const service of dbServices("staging")) {
      expect(service.inputs.taskSpec.networksAdvanceds[0].aliases).toEqual([service.inputs.name.split("_")[1]]);
    }
  });

  it("read-split: adds a ro router for db-ro", () => {
    expect(services("prod")).toEqual(["prod_backup-repo", "prod_db-ro", "prod_db-rw", "prod_pgnode1", "prod_pgnode2", "prod_pgnode3", "prod_web", "prod_worker"]);
    expect(serviceNamed(runs.prod, "prod_db-ro").inputs.taskSpec.networksAdvanceds[0].aliases).toEqual(["db-ro"]);
  });

  it.each([
    // secrets: one password per credential (4, and 2 slots for each of the 2 logins), the agents' key, the app's pgpass and one pgpass per other access mode in use (prod's split web),
    //   pgBackRest's CA and a certificate and key per data member and for the repository;
    // configs: shared (postgresql.conf, pg_hba.conf, pgbackrest.conf, pgbackrest-restore.conf, cluster.json) + repmgr.conf per DB node
    //   + haproxy.cfg per router + the repository's pgbackrest.conf and backups.json
    ["dev", 8 + 1 + 1 + 1 + 2 * 2, 5 + 1 + 1 + 2],
    ["staging", 8 + 1 + 1 + 1 + 4 * 2, 5 + 3 + 1 + 2],
    ["prod", 8 + 1 + 1 + 1 + 1 + 4 * 2, 5 + 3 + 2 + 2],
  ])("%s: %i secrets and %i configs", (stack, secrets, configs) => {
    expect(ofType(runs[stack], SECRET)).toHaveLength(secrets);
    expect(ofType(runs[stack], CONFIG)).toHaveLength(configs);
  });

  it("exports the endpoints", () => {
    expect(runs.prod.outputs.endpoints).toEqual({
      rw: "db-rw",
      ro: "db-ro",
      port: 5432,
      database: "app",
      user: "app",
      readUser: "app_ro",
      members: ["pgnode1", "pgnode2", "pgnode3"],
    });
    expect(runs.dev.outputs.endpoints).toMatchObject({ rw: "db-rw", ro: undefined });
  });
});

describe("application services", () => {
  it("split + geomapfish: master on db-rw as the app, slave on db-ro as the reader, with the dbChooser overrides", () => {
    const web = serviceNamed(runs.prod, "prod_web").inputs.taskSpec.containerSpec;
    expect(web.env).toMatchObject({
      PGHOST: "db-rw",
      PGUSER: "app",
      PGPASSWORD_FILE: "/run/secrets/pgswarm-app-password",
      PGHOST_SLAVE: "db-ro",
      PGPORT_SLAVE: "5432",
      PGUSER_SLAVE: "app_ro",
      PGPASSWORD_SLAVE_FILE: "/run/secrets/pgswarm-reader-password",
      PGSWARM_READ_YOUR_WRITES: "2s",
    });
    expect(JSON.parse(web.env.PGSWARM_DB_CHOOSER_MASTER)).toEqual(["GET /short/", "GET /oauth/login"]);
  });

  /** The secret file names a service mounts, and the credential file paths its environment names. */
  const credentialFiles = (container: any) => ({
    mounted: (container.secrets ?? []).map((secret: any) => secret.fileName).sort(),
    named: Object.values(container.env as Record<string, string>).filter((value) => value.startsWith("/run/secrets/")).sort(),
  });

  it("each service mounts exactly the credential files its environment names: split both roles, rw the app's only", () => {
    const web = credentialFiles(serviceNamed(runs.prod, "prod_web").inputs.taskSpec.containerSpec);
    expect(web.mounted).toEqual(["/run/secrets/pgswarm-app-password", "/run/secrets/pgswarm-reader-password", "/run/secrets/pgswarm-split-pgpass"]);
    expect(web.named).toEqual(web.mounted);
    const worker = credentialFiles(serviceNamed(runs.prod, "prod_worker").inputs.taskSpec.containerSpec);
    expect(worker.mounted).toEqual(["/run/secrets/pgswarm-app-password", "/run/secrets/pgswarm-app-pgpass"]);
    expect(worker.named).toEqual(worker.mounted);
  });

  it("a ro service mounts the reader's password and pgpass only, never the app's", async () => {
    const config = stackFileConfig("prod");
    config["pgswarm:services"] = { ...config["pgswarm:services"], report: { image: "app:1", database: "ro", dbEnv: "url" } };
    const result = await runStack("prod", config);
    const report = serviceNamed(result, "prod_report").inputs.taskSpec.containerSpec;
    const files = credentialFiles(report);
    expect(files.mounted).toEqual(["/run/secrets/pgswarm-reader-password", "/run/secrets/pgswarm-reader-pgpass"]);
    expect(files.named).toEqual(files.mounted);
    expect(report.env.DATABASE_URL).toBe("postgresql://app_ro@db-ro:5432/app");
    // The mounted files are the reader's secrets.
    const secretNames = Object.fromEntries(ofType(result, SECRET).map((secret) => [`${secret.name}-id`, secret.name]));
    expect(report.secrets.map((secret: any) => secretNames[secret.secretId]).sort()).toEqual(["prod-cred-reader-password", "prod-cred-reader-pgpass"]);
    const pgpass = ofType(result, SECRET).find((secret) => secret.name === "prod-cred-reader-pgpass")!;
    expect(Buffer.from(pgpass.inputs.data, "base64").toString("utf8")).toMatch(/^\*:\*:\*:app_ro:pw-[0-9a-f]{7}x*\n$/);
  });

  it("no DB member mounts a login's password: the repository's login keeper sets them, so a rotation restarts no member", () => {
    for (const stack of ["dev", "prod"]) {
      const members = ofType(runs[stack], SERVICE).filter((s) => /_pgnode\d$/.test(s.inputs.name));
      expect(members.length).toBeGreaterThan(0);
      for (const service of members) {
        const files: string[] = service.inputs.taskSpec.containerSpec.secrets.map((secret: any) => secret.fileName);
        expect(files).toContain("/run/secrets/pgswarm-superuser-password");
        expect(files.filter((file) => /pgswarm-(app|reader)(-b)?-password$/.test(file))).toEqual([]);
      }
    }
  });

  it("rw + libpq: PGHOST=db-rw and a pgpass file readable by the app's uid only", () => {
    const worker = serviceNamed(runs.prod, "prod_worker").inputs.taskSpec.containerSpec;
    expect(worker.env).toMatchObject({ PGHOST: "db-rw", PGPASSFILE: "/run/secrets/pgswarm-app-pgpass" });
    expect(worker.env.PGHOST_RO).toBeUndefined();
    const pgpass = worker.secrets.find((secret: any) => secret.fileName === "/run/secrets/pgswarm-app-pgpass");
    expect(pgpass).toMatchObject({ fileMode: 0o400, fileUid: "1000" });
    expect(worker.commands).toEqual(["app", "worker"]);
  });

  it("reach the DB network only when they use the database, and update start-first with rollback", () => {
    const web = serviceNamed(runs.prod, "prod_web").inputs;
    expect(web.taskSpec.networksAdvanceds.map((network: any) => network.id)).toEqual(["prod-net-app-id", "prod-net-db-id"]);
    expect(web.updateConfig).toMatchObject({ order: "start-first", failureAction: "rollback" });
    expect(web.endpointSpec.ports).toEqual([{ publishedPort: 443, targetPort: 8443, protocol: "tcp", publishMode: "ingress" }]);
    expect(web.taskSpec.placement.constraints).toEqual(["node.labels.role == app"]);
  });

  it("routers roll start-first and tolerate one task of two failing to start (a Swarm glitch), rolling back only when more fail", () => {
    const router = serviceNamed(runs.prod, "prod_db-rw").inputs;
    expect(router.mode.replicated.replicas).toBe(2);
    // Swarm rolls back when failed / tasks > maxFailureRatio: 1 of 2 is tolerated, 2 of 2 is not.
    expect(router.updateConfig).toMatchObject({ order: "start-first", failureAction: "rollback", maxFailureRatio: "0.5" });
  });

  it("a service publishing a host-mode port updates stop-first: a second task could not bind the port on the node", async () => {
    const config = stackFileConfig("prod");
    config["pgswarm:services"] = { ...config["pgswarm:services"], edge: { image: "nginx:1", database: "none", publish: [{ port: 8080, target: 80, mode: "host" }] } };
    const result = await runStack("prod", config);
    const edge = serviceNamed(result, "prod_edge").inputs;
    expect(edge.updateConfig).toMatchObject({ order: "stop-first", failureAction: "rollback" });
    expect(edge.rollbackConfig).toMatchObject({ order: "stop-first" });
  });

  it("a service with database: none gets no DB network, variables or credentials", async () => {
    const config = stackFileConfig("prod");
    config["pgswarm:services"] = { ...config["pgswarm:services"], static: { image: "nginx:1", database: "none" } };
    const result = await runStack("prod", config);
    const staticSite = serviceNamed(result, "prod_static").inputs.taskSpec;
    expect(staticSite.networksAdvanceds).toHaveLength(1);
    expect(staticSite.containerSpec.secrets).toEqual([]);
    expect(Object.keys(staticSite.containerSpec.env)).toEqual([]);
  });
});

describe("dev builds our images locally", () => {
  it("declares the three images without push, and services use them", () => {
    const images = ofType(runs.dev, "docker:index/image:Image");
    expect(images.map((image) => image.inputs.imageName).sort()).toEqual(["pgswarm/demo-app:latest", "pgswarm/postgres:17", "pgswarm/router:3.0"]);
    expect(images.every((image) => image.inputs.skipPush === true)).toBe(true);
    expect(serviceNamed(runs.dev, "dev_web").inputs.taskSpec.containerSpec.image).toBe("pgswarm/demo-app:latest");
  });

  it("staging and prod build nothing", () => {
    expect(ofType(runs.prod, "docker:index/image:Image")).toEqual([]);
    expect(ofType(runs.staging, "docker:index/image:Image")).toEqual([]);
  });
});

describe("a bad stack", () => {
  it("stops the program before any resource is registered, with every problem and no stack trace", async () => {
    const config = stackFileConfig("prod");
    config["pgswarm:database"] = { ...config["pgswarm:database"], replicaMaxLag: "lots" };
    config["pgswarm:topolgy"] = "read-split";
    jest.resetModules();
    const { runProgram } = require("../../tools/lib/mockRun");
    const registered: string[] = [];
    const failure = await runProgram("prod", config, async (resource: any) => {
      registered.push(resource.name);
      return { id: "x", state: {} };
    }).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    // RunError: the engine prints its message alone, without a stack trace.
    expect((failure as any).__pulumiRunError).toBe(true);
    expect(failure.message).toMatch(/database\.replicaMaxLag: expected a size/);
    expect(failure.message).toMatch(/topolgy: unknown key/);
    expect(registered).toEqual([]);
  });
});

describe("the backup repository", () => {
  const repositoryOf = (stack: string) => serviceNamed(runs[stack], `${stack}_backup-repo`);
  const secretNames = (service: any) => (service.inputs.taskSpec.containerSpec.secrets ?? []).map((secret: any) => secret.fileName).sort();

  it.each([
    ["dev", "self"],
    // The last node marked backups: true in the stack file: prod's db-c, not the usual primary's db-a.
    ["prod", "db-c"],
    ["staging", "stg-db-3"],
  ])("%s: one replica pinned by its own label to %s, stop-first, its own volume, `backup-repo` on the DB network", (stack, node) => {
    const repository = repositoryOf(stack);
    expect(repository.inputs.mode).toEqual({ replicated: { replicas: 1 } });
    expect(repository.inputs.updateConfig.order).toBe("stop-first");
    expect(repository.inputs.taskSpec.placement.constraints).toEqual([`node.labels.pgswarm.${stack}.backup-repo == true`]);
    const labels = ofType(runs[stack], NODE_LABELS).find((resource) => resource.inputs.node === node)!;
    expect(labels.inputs.labels[`pgswarm.${stack}.backup-repo`]).toBe("true");
    const others = ofType(runs[stack], NODE_LABELS).filter((resource) => resource.inputs.node !== node);
    for (const other of others) expect(other.inputs.labels[`pgswarm.${stack}.backup-repo`]).toBeUndefined();
    expect(repository.inputs.taskSpec.containerSpec.mounts).toEqual([
      expect.objectContaining({ type: "volume", source: `${stack}_backup-repo_data`, target: "/var/lib/pgbackrest" }),
      // The image's declared data volume, which would leave an anonymous volume per task.
      { type: "tmpfs", target: "/var/lib/postgresql/data" },
    ]);
    expect(repository.inputs.taskSpec.networksAdvanceds[0].aliases).toEqual(["backup-repo"]);
    expect(repository.inputs.taskSpec.containerSpec.commands).toEqual(["/usr/local/bin/pgswarm-repo"]);
  });

  it("mounts its TLS files, the agents' key and both slots of each login's password (the login keeper's), and nothing else", () => {
    expect(secretNames(repositoryOf("prod"))).toEqual([
      "/run/secrets/pgswarm-agent-key-password",
      "/run/secrets/pgswarm-app-b-password",
      "/run/secrets/pgswarm-app-password",
      "/run/secrets/pgswarm-reader-b-password",
      "/run/secrets/pgswarm-reader-password",
      "/run/secrets/pgswarm-tls-ca.crt",
      "/run/secrets/pgswarm-tls.crt",
      "/run/secrets/pgswarm-tls.key",
    ]);
  });

  it("gives every data member a certificate and key of its own, signed by the stack's CA, as Docker secrets", () => {
    const members = dbServices("prod");
    const keyIds = members.map((service) => service.inputs.taskSpec.containerSpec.secrets.find((secret: any) => secret.fileName.endsWith("pgswarm-tls.key")).secretId);
    expect(new Set(keyIds).size).toBe(members.length);
    const caIds = new Set(members.map((service) => service.inputs.taskSpec.containerSpec.secrets.find((secret: any) => secret.fileName.endsWith("pgswarm-tls-ca.crt")).secretId));
    expect(caIds.size).toBe(1);
    const requests = runs.prod.resources.filter((resource) => resource.type === "tls:index/certRequest:CertRequest");
    expect(requests.map((request) => request.inputs.subject.commonName).sort()).toEqual(["backup-repo", "pgnode1", "pgnode2", "pgnode3"]);
    for (const request of requests) expect(request.inputs.dnsNames).toEqual([request.inputs.subject.commonName]);
    const certificates = runs.prod.resources.filter((resource) => resource.type === "tls:index/locallySignedCert:LocallySignedCert");
    for (const certificate of certificates) expect(certificate.inputs.allowedUses).toEqual(expect.arrayContaining(["server_auth", "client_auth"]));
  });

  it("never shows a private key outside a Docker secret's data", () => {
    for (const service of ofType(runs.prod, SERVICE)) expect(JSON.stringify(service.inputs)).not.toContain("PRIVATE KEY");
    expect(JSON.stringify(runs.prod.outputs)).not.toContain("PRIVATE KEY");
    const keySecrets = ofType(runs.prod, SECRET).filter((secret) => /tls.*key-file/.test(secret.name));
    expect(keySecrets).toHaveLength(4);
    for (const secret of keySecrets) expect(secret.redacted.data).toBe("[secret]");
  });

  it("a restoring stack mounts the source stack's repository volume read-only, and labels it not as its own", async () => {
    // "legacy": a stack whose file is not in this project (one beside it is checked: see tests/unit/config/restoreSource.test.ts).
    const restoring = await runStack("staging", { ...stackFileConfig("staging"), "pgswarm:database": { ...stackFileConfig("staging")["pgswarm:database"], restore: { from: "legacy", time: "2026-11-26T03:00:00Z" } } });
    const mounts = serviceNamed(restoring, "staging_backup-repo").inputs.taskSpec.containerSpec.mounts;
    expect(mounts[2]).toEqual({ type: "volume", source: "legacy_backup-repo_data", target: "/var/lib/pgbackrest-source", readOnly: true });
    const cluster = JSON.parse(Buffer.from(ofType(restoring, CONFIG).find((config) => config.name.includes("cluster-json"))!.inputs.data, "base64").toString());
    expect(cluster.restore).toEqual({ from: "legacy", time: "2026-11-26T03:00:00Z", targetTime: "2026-11-26 03:00:00+00" });
  });
});

describe("an S3 repository (backups.repository.type: s3)", () => {
  const ACCESS = "AKIAPGSWARMTEST01";
  const SECRET_KEY = "wJalrXUtnFEMI-pgswarm-test-secret";
  let result: RunResult;
  beforeAll(async () => {
    const prod = stackFileConfig("prod");
    result = await runStack("prod", {
      ...prod,
      "pgswarm:backups": { ...prod["pgswarm:backups"], repository: { type: "s3", bucket: "acme-pg", endpoint: "minio.internal:9000", region: "eu-central-1", uriStyle: "path" } },
      // As the engine hands over secrets set with --secret: the value, its key listed as secret.
      "pgswarm:s3AccessKey": { secure: ACCESS },
      "pgswarm:s3SecretKey": { secure: `${SECRET_KEY}\n` },
    });
  });
  const repository = () => serviceNamed(result, "prod_backup-repo");
  const dataOf = (resource: any) => Buffer.from(resource.inputs.data, "base64").toString("utf8");

  it("registers without a failed resource", () => expect(result.errors).toEqual([]));

  it("mounts the two keys as Docker secrets in the repository service alone, and a tmpfs for their include file", () => {
    const files = (service: any) => (service.inputs.taskSpec.containerSpec.secrets ?? []).map((secret: any) => secret.fileName);
    expect(files(repository())).toEqual(expect.arrayContaining(["/run/secrets/pgswarm-s3-access-key", "/run/secrets/pgswarm-s3-secret-key"]));
    for (const member of ofType(result, SERVICE).filter((service) => service !== repository())) expect(files(member).filter((file: string) => file.includes("s3"))).toEqual([]);
    expect(repository().inputs.taskSpec.containerSpec.mounts).toEqual(expect.arrayContaining([{ type: "tmpfs", target: "/run/pgswarm-pgbackrest" }]));
  });

  it("keeps the keys in secret data only (trimmed), never in a spec, a config file, a label or an output", () => {
    const keySecrets = ofType(result, SECRET).filter((secret) => /-s3-(access|secret)-key$/.test(secret.name));
    expect(keySecrets.map(dataOf).sort()).toEqual([ACCESS, SECRET_KEY].sort());
    for (const secret of keySecrets) expect(secret.redacted.data).toBe("[secret]");
    const elsewhere = JSON.stringify([
      ...ofType(result, SERVICE).map((service) => service.inputs),
      ...ofType(result, CONFIG).map(dataOf),
      ...ofType(result, SECRET).filter((secret) => !keySecrets.includes(secret)).map((secret) => secret.inputs),
      result.outputs,
    ]);
    expect(elsewhere).not.toContain(ACCESS);
    expect(elsewhere).not.toContain(SECRET_KEY);
  });

  it("tells the repository's pgBackRest to keep the stack's backups at /pgswarm/prod in the bucket", () => {
    const conf = dataOf(ofType(result, CONFIG).find((config) => config.name.includes("backups-pgbackrest-conf"))!);
    expect(conf).toContain("repo1-type=s3\nrepo1-path=/pgswarm/prod\nrepo1-s3-bucket=acme-pg\nrepo1-s3-endpoint=minio.internal:9000\n");
    expect(conf).toContain("repo1-s3-uri-style=path\n");
  });

  it("a stack restoring from another reads that stack's path in the bucket, and mounts no volume of it", async () => {
    const staging = stackFileConfig("staging");
    const restoring = await runStack("staging", {
      ...staging,
      "pgswarm:database": { ...staging["pgswarm:database"], restore: { from: "legacy" } },
      "pgswarm:backups": { ...staging["pgswarm:backups"], repository: { type: "s3", bucket: "acme-pg", endpoint: "s3.eu-central-1.amazonaws.com", region: "eu-central-1" } },
      "pgswarm:s3AccessKey": { secure: ACCESS },
      "pgswarm:s3SecretKey": { secure: SECRET_KEY },
    });
    expect(restoring.errors).toEqual([]);
    const mounts = serviceNamed(restoring, "staging_backup-repo").inputs.taskSpec.containerSpec.mounts;
    expect(mounts.filter((mount: any) => mount.source === "legacy_backup-repo_data")).toEqual([]);
    const restoreConf = dataOf(ofType(restoring, CONFIG).find((config) => config.name.includes("pgbackrest-restore-conf"))!);
    expect(restoreConf).toContain("repo1-path=/pgswarm/legacy\n");
  });
});

describe("the order of creation and deletion", () => {
  it("every DB member depends on the backup repository: created after it, deleted before it", () => {
    const repository = serviceNamed(runs.prod, "prod_backup-repo");
    for (const member of dbServices("prod")) expect(member.dependencies).toEqual(expect.arrayContaining([repository.urn]));
  });
});
