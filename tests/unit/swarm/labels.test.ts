import { dockerConnection, mergeOwnedLabels, renderPgpass } from "../../../components/swarm";

describe("owned node labels", () => {
  it("sets wanted labels and keeps labels it never owned", () => {
    expect(mergeOwnedLabels({ zone: "x", "team.owner": "ops" }, {}, { "pgswarm.prod.pgnode": "1" })).toEqual({
      zone: "x",
      "team.owner": "ops",
      "pgswarm.prod.pgnode": "1",
    });
  });

  it("removes labels it owned and no longer wants", () => {
    expect(mergeOwnedLabels({ role: "app", other: "keep" }, { role: "app" }, {})).toEqual({ other: "keep" });
  });

  it("leaves a label someone else changed since pgswarm set it", () => {
    expect(mergeOwnedLabels({ role: "db" }, { role: "app" }, {})).toEqual({ role: "db" });
  });

  it("keeps a label another stack still claims when one stack lets go of it, and drops its own claim", () => {
    const node = { role: "app", "pgswarm.claims.dev": "role", "pgswarm.claims.prod": "role,zone", zone: "a" };
    const devOwned = { role: "app", "pgswarm.claims.dev": "role" };
    expect(mergeOwnedLabels(node, devOwned, {})).toEqual({ role: "app", "pgswarm.claims.prod": "role,zone", zone: "a" });
    // The last stack to let go removes it.
    const prodOwned = { role: "app", zone: "a", "pgswarm.claims.prod": "role,zone" };
    expect(mergeOwnedLabels({ role: "app", zone: "a", "pgswarm.claims.prod": "role,zone" }, prodOwned, {})).toEqual({});
  });
});

describe("Docker host addresses", () => {
  it.each([
    ["unix:///var/run/docker.sock", { socketPath: "/var/run/docker.sock" }],
    ["tcp://10.1.2.3:2375", { host: "10.1.2.3", port: 2375, protocol: "http" }],
    ["ssh://deploy@manager.example.org", { host: "manager.example.org", port: 22, protocol: "ssh", username: "deploy" }],
  ])("%s", (address, expected) => expect(dockerConnection(address)).toEqual(expected));

  it("rejects what it cannot reach", () => expect(() => dockerConnection("npipe:////./pipe/docker")).toThrow(/unsupported Docker host/));
});

describe("pgpass", () => {
  it("escapes : and \\ as libpq requires", () => expect(renderPgpass("app", "a:b\\c")).toBe("*:*:*:app:a\\:b\\\\c\n"));
});
