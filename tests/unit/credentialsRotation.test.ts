/**
 * database.credentialsRotation through the whole program under the recording mocks (prod's stack
 * file): each step changes only what it says — a slot's password (and so the repository, which
 * mounts both slots), or the login the apps use — and never a DB member.
 */
import type { RunResult } from "../../tools/lib/mockRun";
import { ofType, runStack, SECRET, SERVICE, serviceNamed, stackFileConfig } from "./../helpers/stacks";

jest.setTimeout(120_000);
const PASSWORD = "random:index/randomPassword:RandomPassword";
const runs: RunResult[] = [];

beforeAll(async () => {
  for (const credentialsRotation of [0, 1, 2]) {
    const config = stackFileConfig("prod");
    config["pgswarm:database"] = { ...config["pgswarm:database"], credentialsRotation };
    runs.push(await runStack("prod", config));
  }
});

const services = (run: RunResult) => Object.fromEntries(ofType(run, SERVICE).map((service) => [service.inputs.name, service.inputs]));
const keepers = (run: RunResult, name: string) => run.resources.find((resource) => resource.type === PASSWORD && resource.name === name)?.inputs.keepers;
const mountedSecrets = (run: RunResult, dockerName: string) => {
  const names = Object.fromEntries(ofType(run, SECRET).map((secret) => [`${secret.name}-id`, secret.name]));
  return serviceNamed(run, dockerName).inputs.taskSpec.containerSpec.secrets.map((secret: any) => `${secret.fileName} ← ${names[secret.secretId]}`).sort();
};

describe("credentialsRotation, step by step", () => {
  it("step 1 renews slot 1's passwords only, and changes no service but the repository (which the mocks show by its secrets)", () => {
    expect(keepers(runs[0], "prod-cred-app-b-password")).toBeUndefined();
    expect(keepers(runs[1], "prod-cred-app-b-password")).toEqual({ generation: "1" });
    expect(keepers(runs[1], "prod-cred-reader-b-password")).toEqual({ generation: "1" });
    expect(keepers(runs[1], "prod-cred-app-password")).toBeUndefined();
    const [before, after] = [services(runs[0]), services(runs[1])];
    for (const name of Object.keys(before)) expect([name, after[name]]).toEqual([name, before[name]]);
    expect(mountedSecrets(runs[1], "prod_backup-repo")).toContain("/run/secrets/pgswarm-app-b-password ← prod-cred-app-b-password");
  });

  it("step 2 switches the apps to slot 1 (the login role and the secret behind the same file name), and changes no DB member", () => {
    const web = (run: RunResult) => serviceNamed(run, "prod_web").inputs.taskSpec.containerSpec;
    expect(web(runs[1]).env.PGUSER).toBe("app");
    expect(web(runs[2]).env.PGUSER).toBe("app_b");
    // prod's web is a split service in GeoMapFish's style: its read side logs in through the reader's slot 1.
    expect(web(runs[2]).env.PGUSER_SLAVE).toBe("app_ro_b");
    expect(mountedSecrets(runs[2], "prod_web")).toEqual(
      expect.arrayContaining(["/run/secrets/pgswarm-app-password ← prod-cred-app-b-password", "/run/secrets/pgswarm-reader-password ← prod-cred-reader-b-password"]),
    );
    expect(mountedSecrets(runs[1], "prod_web")).toEqual(expect.arrayContaining(["/run/secrets/pgswarm-app-password ← prod-cred-app-password"]));
    const members = (run: RunResult) => Object.entries(services(run)).filter(([name]) => /_pgnode\d$/.test(name));
    expect(members(runs[2])).toEqual(members(runs[0]));
    expect(members(runs[0]).length).toBe(3);
    // The repository dumps as the read side's login in use.
    const backupsJson = (run: RunResult) =>
      JSON.parse(Buffer.from(run.resources.find((resource) => resource.name === "prod-backups-backups-json")!.inputs.data, "base64").toString("utf8"));
    expect(backupsJson(runs[2]).dumps).toMatchObject({ user: "app_ro_b", credential: "reader-b" });
    expect(backupsJson(runs[0]).dumps).toMatchObject({ user: "app_ro", credential: "reader" });
  });
});
