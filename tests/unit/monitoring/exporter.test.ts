/** monitoring.enabled: a postgres_exporter per DB data member, its password only as a file. */
import { exporterEnv, EXPORTER_UID, exporterServiceName } from "../../../components/monitoring";
import type { RunResult } from "../../../tools/lib/mockRun";
import { stableSuffix } from "../../../tools/lib/recorder";
import { ofType, runStack, SECRET, SERVICE, serviceNamed, stackFileConfig } from "../../helpers/stacks";

jest.setTimeout(60_000);

function withMonitoring(stack: string, monitoring: Record<string, unknown>): Record<string, any> {
  return { ...stackFileConfig(stack), "pgswarm:monitoring": monitoring };
}

describe("exporterEnv", () => {
  it("names the member, the exporter role and the password file, never a password", () => {
    expect(exporterEnv("pgnode2", "/run/secrets/pgswarm-exporter-password")).toEqual({
      DATA_SOURCE_URI: "pgnode2:5432/postgres?sslmode=disable&connect_timeout=3",
      DATA_SOURCE_USER: "pgswarm_exporter",
      DATA_SOURCE_PASS_FILE: "/run/secrets/pgswarm-exporter-password",
      PG_EXPORTER_WEB_TELEMETRY_PATH: "/metrics",
    });
  });
});

describe("a read-split stack with monitoring enabled", () => {
  let result: RunResult;
  beforeAll(async () => {
    const config = withMonitoring("prod", { enabled: true, image: "registry.example.org/pgswarm/exporter:0.17" });
    // A witness proves exporters follow data members only.
    config["pgswarm:nodes"] = { ...config["pgswarm:nodes"], "wit-1": {} };
    config["pgswarm:database"] = { ...config["pgswarm:database"], witness: "wit-1" };
    result = await runStack("prod", config);
  });

  it("registers without errors", () => expect(result.errors).toEqual([]));

  it("adds one exporter per data member and none for the witness", () => {
    const exporters = ofType(result, SERVICE)
      .map((service) => service.inputs.name as string)
      .filter((name) => name.endsWith("-exporter"))
      .sort();
    expect(exporters).toEqual(["prod_pgnode1-exporter", "prod_pgnode2-exporter", "prod_pgnode3-exporter"]);
    expect(exporterServiceName("prod", "pgnode1")).toBe("prod_pgnode1-exporter");
    expect(result.outputs.services).toEqual(expect.arrayContaining(exporters));
  });

  it("puts each exporter on the DB network only, dnsrr, pointed at its own member", () => {
    const exporter = serviceNamed(result, "prod_pgnode2-exporter").inputs;
    expect(exporter.taskSpec.networksAdvanceds).toEqual([{ id: "prod-net-db-id" }]);
    expect(exporter.endpointSpec.mode).toBe("dnsrr");
    expect(exporter.mode).toEqual({ replicated: { replicas: 1 } });
    expect(exporter.taskSpec.containerSpec.env.DATA_SOURCE_URI).toMatch(/^pgnode2:5432\//);
    expect(exporter.taskSpec.containerSpec.image).toBe("registry.example.org/pgswarm/exporter:0.17");
    expect(Object.fromEntries(exporter.labels.map((label: any) => [label.label, label.value]))).toMatchObject({
      "pgswarm.role": "exporter",
      "pgswarm.member": "pgnode2",
    });
  });

  it("mounts the exporter credential as a file of the exporter's uid and keeps its value out of env, args and labels", () => {
    const exporterSecret = ofType(result, SECRET).find((secret) => secret.name === "prod-cred-exporter-password")!;
    const password = `pw-${stableSuffix("prod-cred-exporter-password")}`;
    const exporter = serviceNamed(result, "prod_pgnode1-exporter").inputs;
    const container = exporter.taskSpec.containerSpec;
    expect(container.secrets).toEqual([
      expect.objectContaining({
        secretId: `${exporterSecret.name}-id`,
        fileName: container.env.DATA_SOURCE_PASS_FILE,
        fileUid: String(EXPORTER_UID),
        fileMode: 0o400,
      }),
    ]);
    expect(JSON.stringify([container.env, container.args, exporter.labels])).not.toContain(password);
    // The members get the same secret, so the bootstrap can create the role with it.
    const member = serviceNamed(result, "prod_pgnode1").inputs.taskSpec.containerSpec;
    expect(member.secrets.map((secret: any) => secret.secretId)).toContain(`${exporterSecret.name}-id`);
  });
});

describe("monitoring off (the default) and dev builds", () => {
  it("adds no exporter when monitoring is not enabled", async () => {
    const result = await runStack("staging");
    expect(ofType(result, SERVICE).filter((service) => String(service.inputs.name).endsWith("-exporter"))).toEqual([]);
  });

  it("dev with monitoring builds the exporter image locally and uses it", async () => {
    const result = await runStack("dev", withMonitoring("dev", { enabled: true }));
    const images = ofType(result, "docker:index/image:Image").map((image) => image.inputs.imageName);
    expect(images).toContain("pgswarm/exporter:0.17");
    expect(serviceNamed(result, "dev_pgnode1-exporter").inputs.taskSpec.containerSpec.image).toBe("pgswarm/exporter:0.17");
  });

  it.each([
    [{ enabled: "yes" }, /monitoring\.enabled: expected true or false/],
    [{ enabled: true, scrape: "10s" }, /monitoring\.scrape: unknown key; allowed here: enabled, image/],
  ])("refuses %j with the key path", async (monitoring, message) => {
    jest.resetModules();
    const { validateStack, pgswarmValues } = require("../../../components/config");
    const { values } = pgswarmValues(withMonitoring("dev", monitoring), { bareKeys: "ours" });
    expect(() => validateStack(values, "Pulumi.dev.yaml")).toThrow(message);
  });
});
