/** The applier's translation of pulumi-docker inputs into Engine API specs. */
import { envList, labelMap, nanoseconds, networkSpec, secretOrConfigSpec, serviceSpec, stopGracePeriodMs } from "../../harness/translate";
import { runStack, serviceNamed } from "../../helpers/stacks";

jest.setTimeout(60_000);

describe("translation pieces", () => {
  it("durations become nanoseconds", () => {
    expect(nanoseconds("5s")).toBe(5e9);
    expect(nanoseconds("1m30s")).toBe(90e9);
    expect(nanoseconds("500ms")).toBe(5e8);
    expect(nanoseconds(undefined)).toBeUndefined();
  });

  it("a bad duration is refused, where pulumi-docker would send zero", () => expect(() => nanoseconds("5 s")).toThrow(/not a duration/));

  it("label lists become maps, env maps K=V lists", () => {
    expect(labelMap([{ label: "a", value: "1" }, { label: "b.c", value: "2" }])).toEqual({ a: "1", "b.c": "2" });
    expect(labelMap(undefined)).toEqual({});
    expect(envList({ PGHOST: "db-rw", PGPORT: "5432" })).toEqual(["PGHOST=db-rw", "PGPORT=5432"]);
  });

  it("networks keep driver, options, subnet and labels", () => {
    expect(
      networkSpec({ name: "s_db", driver: "overlay", options: { encrypted: "true" }, ipamConfigs: [{ subnet: "10.1.2.0/24" }], labels: [{ label: "x", value: "y" }] }),
    ).toEqual({
      Name: "s_db",
      Driver: "overlay",
      Attachable: false,
      Internal: false,
      Options: { encrypted: "true" },
      Labels: { x: "y" },
      IPAM: { Driver: "default", Config: [{ Subnet: "10.1.2.0/24" }] },
    });
  });

  it("a service's stop grace period in ms, 0 when unset", () => {
    expect(stopGracePeriodMs({ taskSpec: { containerSpec: { stopGracePeriod: "1m" } } })).toBe(60_000);
    expect(stopGracePeriodMs({ taskSpec: { containerSpec: {} } })).toBe(0);
  });

  it("secrets and configs pass their base64 data through", () => {
    expect(secretOrConfigSpec("n-abc1234", { data: "aGk=", labels: [{ label: "l", value: "v" }] })).toEqual({ Name: "n-abc1234", Data: "aGk=", Labels: { l: "v" } });
  });
});

describe("a DB service the program declares, as the Engine API receives it", () => {
  let spec: any;
  let app: any;
  beforeAll(async () => {
    const result = await runStack("prod");
    spec = serviceSpec(serviceNamed(result, "prod_pgnode2").inputs);
    app = serviceSpec(serviceNamed(result, "prod_web").inputs);
  });

  it("keeps mode, endpoint and update order", () => {
    expect(spec.Name).toBe("prod_pgnode2");
    expect(spec.Mode).toEqual({ Replicated: { Replicas: 1 } });
    expect(spec.EndpointSpec).toEqual({ Mode: "dnsrr" });
    expect(spec.UpdateConfig).toEqual({ Parallelism: 1, FailureAction: "pause", Monitor: 30e9, Order: "stop-first" });
  });

  it("converts the health check's durations", () => {
    expect(spec.TaskTemplate.ContainerSpec.Healthcheck).toEqual({
      Test: ["CMD", "/usr/local/bin/pgswarm-health"],
      Interval: 5e9,
      Timeout: 3e9,
      Retries: 3,
      StartPeriod: 10e9,
    });
    expect(spec.TaskTemplate.ContainerSpec.StopGracePeriod).toBe(60e9);
    expect(spec.TaskTemplate.ContainerSpec.Init).toBe(true);
  });

  it("references networks by id with their aliases, and secrets by id with file ownership", () => {
    expect(spec.TaskTemplate.Networks).toEqual([{ Target: "prod-net-db-id", Aliases: ["pgnode2"] }]);
    const secret = spec.TaskTemplate.ContainerSpec.Secrets[0];
    expect(secret).toMatchObject({ SecretID: "prod-cred-superuser-password-id", File: { Name: "/run/secrets/pgswarm-superuser-password", UID: "999", GID: "999", Mode: 0o400 } });
  });

  it("turns env into K=V, labels into a map, placement prefs into spread descriptors, resources into limits", () => {
    expect(spec.TaskTemplate.ContainerSpec.Env).toContain("PGSWARM_NODE_NAME=pgnode2");
    expect(spec.Labels).toMatchObject({ "pgswarm.stack": "prod", "pgswarm.member": "pgnode2" });
    expect(spec.TaskTemplate.Resources.Limits).toEqual({ MemoryBytes: 16 * 1024 ** 3, NanoCPUs: 4e9 });
    expect(app.TaskTemplate.Placement).toEqual({ Constraints: ["node.labels.role == app"], Preferences: [{ Spread: { SpreadDescriptor: "node.id" } }] });
    expect(app.EndpointSpec.Ports).toEqual([{ Protocol: "tcp", TargetPort: 8443, PublishedPort: 443, PublishMode: "ingress" }]);
  });

  it("mounts the data volume with its labels", () => {
    expect(spec.TaskTemplate.ContainerSpec.Mounts).toEqual([
      {
        Type: "volume",
        Source: "prod_pgnode2_data",
        Target: "/var/lib/postgresql/data",
        VolumeOptions: { Labels: { "com.docker.stack.namespace": "prod", "pgswarm.stack": "prod", "pgswarm.role": "pgdata" } },
      },
    ]);
  });
});
