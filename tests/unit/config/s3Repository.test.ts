/** backups.repository type s3: its settings, its keys as secrets, and what an operator is told when either is wrong. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadFromEngine, loadFromFile, s3RepositoryOf, s3StackPath, validateStack } from "../../../components/config";
import { engineConfig } from "../../../tools/lib/mockRun";
import { edited, loadProblems, paths, problemAt, readSplit } from "./fixtures";

const S3 = { type: "s3", bucket: "acme-pg-backups", endpoint: "s3.eu-central-1.amazonaws.com", region: "eu-central-1" };
const withS3 = (repository: Record<string, unknown>) => edited(readSplit, (raw) => (raw.backups = { repository }));
const BOTH_KEYS = { secretKeys: ["s3AccessKey", "s3SecretKey"] };

describe("backups.repository: s3", () => {
  it("is accepted with a bucket, an endpoint, a region and both keys; defaults: host-style URIs, verified TLS, prefix /pgswarm", () => {
    const config = validateStack(withS3(S3), "test", BOTH_KEYS);
    expect(s3RepositoryOf(config)).toEqual({
      bucket: "acme-pg-backups",
      endpoint: "s3.eu-central-1.amazonaws.com",
      region: "eu-central-1",
      uriStyle: "host",
      verifyTls: true,
      prefix: "/pgswarm",
    });
    expect(s3StackPath(s3RepositoryOf(config)!, "prod")).toBe("/pgswarm/prod");
  });

  it("takes path-style URIs, a port, a prefix and verifyTls: false for a self-hosted store", () => {
    const config = validateStack(withS3({ ...S3, endpoint: "minio.internal:9000", uriStyle: "path", path: "/db/backups", verifyTls: false }), "test", BOTH_KEYS);
    expect(s3RepositoryOf(config)).toMatchObject({ endpoint: "minio.internal:9000", uriStyle: "path", verifyTls: false, prefix: "/db/backups" });
    expect(s3StackPath(s3RepositoryOf(config)!, "staging")).toBe("/db/backups/staging");
  });

  it("is no S3 repository for the default type", () => {
    expect(s3RepositoryOf(validateStack(readSplit(), "test"))).toBeUndefined();
  });

  it.each(["bucket", "endpoint", "region"])("requires its %s", (key) => {
    const repository: Record<string, unknown> = { ...S3 };
    delete repository[key];
    expect(problemAt(withS3(repository), `backups.repository.${key}`, BOTH_KEYS)).toBe(`required: an S3 repository needs its ${key}`);
  });

  it("requires both keys as secrets, saying how to set them", () => {
    expect(paths(withS3(S3), { secretKeys: ["s3AccessKey"] })).toEqual(["s3SecretKey"]);
    expect(problemAt(withS3(S3), "s3AccessKey", { secretKeys: [] })).toBe(
      "required: an S3 repository needs its key as a secret; run `pulumi config set --secret pgswarm:s3AccessKey <value>`",
    );
  });

  it("refuses S3 settings on the repository service, naming each", () => {
    expect(paths(withS3({ type: "service", bucket: "acme", region: "eu-central-1" }))).toEqual(["backups.repository.bucket", "backups.repository.region"]);
    expect(problemAt(withS3({ bucket: "acme" }), "backups.repository.bucket")).toBe(
      'only an S3 repository has a bucket: set backups.repository.type: s3, or remove it (found type "service")',
    );
  });

  it("says which types there are", () => {
    expect(problemAt(withS3({ type: "gcs" }), "backups.repository.type")).toBe('expected "service" or "s3", found the string "gcs"');
  });

  it.each([
    ["bucket", "Acme_Backups", /^expected an S3 bucket name: 3 to 63 lowercase letters/],
    ["bucket", "ab", /^expected an S3 bucket name/],
    ["bucket", "192.168.1.10", /not an IP address/],
    ["endpoint", "https://s3.amazonaws.com", /without a scheme \(pgBackRest always speaks HTTPS to S3\)/],
    ["endpoint", "minio.internal:99999", /^expected an S3 endpoint: a host name with an optional port/],
    ["endpoint", "bad host", /^expected an S3 endpoint/],
    ["region", "EU Central", /^expected an S3 region such as eu-central-1/],
    ["path", "pgswarm", /^expected a path in the bucket such as \/pgswarm/],
    ["path", "/a/../b", /^expected a path in the bucket/],
    ["path", "/a\nrepo1-type=posix", /^expected a path in the bucket/],
    ["uriStyle", "virtual", /^expected "host" or "path"/],
  ])("refuses %s %j with what is expected", (key, value, message) => {
    expect(problemAt(withS3({ ...S3, [key]: value }), `backups.repository.${key}`, BOTH_KEYS)).toMatch(message);
  });
});

describe("the S3 keys in the stack's config", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pgswarm-s3-"));
  const STACK = `config:
  pgswarm:topology: standalone
  pgswarm:nodes:
    self: { backups: true }
  pgswarm:database:
    placement: { pgnode1: self }
  pgswarm:backups:
    repository: { type: s3, bucket: acme-pg-backups, endpoint: s3.eu-central-1.amazonaws.com, region: eu-central-1 }
`;
  const file = (extra: string) => {
    const name = path.join(dir, "Pulumi.prod.yaml");
    fs.writeFileSync(name, STACK + extra);
    return name;
  };
  const problems = loadProblems;

  it("a stack file holds them encrypted ({ secure: ... }) and is accepted", () => {
    const config = loadFromFile(file("  pgswarm:s3AccessKey:\n    secure: v1:AAAA\n  pgswarm:s3SecretKey:\n    secure: v1:BBBB\n"));
    expect(config.backups.repository.type).toBe("s3");
    expect(JSON.stringify(config)).not.toContain("v1:AAAA");
  });

  it("a key written in plain text is refused by its name, its value never shown", () => {
    const found = problems(() => loadFromFile(file("  pgswarm:s3AccessKey: AKIAEXAMPLE\n  pgswarm:s3SecretKey:\n    secure: v1:BBBB\n")));
    expect(found).toEqual([{ path: "s3AccessKey", message: "a key in plain text: it must be a secret; run `pulumi config set --secret pgswarm:s3AccessKey <value>`" }]);
    expect(JSON.stringify(found)).not.toContain("AKIAEXAMPLE");
  });

  it("missing keys are named with the command that sets them", () => {
    expect(problems(() => loadFromFile(file(""))).map((problem) => problem.path)).toEqual(["s3AccessKey", "s3SecretKey"]);
  });

  it("the engine decrypts them and says they are secret: accepted, and kept out of the stack config", () => {
    const config = engineConfig({
      "pgswarm:topology": "standalone",
      "pgswarm:nodes": { self: { backups: true } },
      "pgswarm:database": { placement: { pgnode1: "self" } },
      "pgswarm:backups": { repository: S3 },
      "pgswarm:s3AccessKey": "AKIAEXAMPLE",
      "pgswarm:s3SecretKey": "wJalrXUtnFEMI",
    });
    const loaded = loadFromEngine(config, "prod", (key) => key === "pgswarm:s3AccessKey" || key === "pgswarm:s3SecretKey");
    expect(JSON.stringify(loaded)).not.toMatch(/AKIAEXAMPLE|wJalrXUtnFEMI/);
    const plain = problems(() => loadFromEngine(config, "prod", (key) => key === "pgswarm:s3AccessKey"));
    expect(plain).toEqual([{ path: "s3SecretKey", message: expect.stringMatching(/^a key in plain text: it must be a secret/) }]);
    expect(JSON.stringify(plain)).not.toContain("wJalrXUtnFEMI");
  });
});
