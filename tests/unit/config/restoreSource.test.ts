/** database.restore.from checked against the source stack's file beside it: the restore must find the source's repository. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadFromEngine, loadFromFile } from "../../../components/config";
import { engineConfig } from "../../../tools/lib/mockRun";
import { loadProblems } from "./fixtures";

const NODES = `  pgswarm:nodes:
    db-a: { backups: true }
    db-b: { backups: true }
    db-c: { backups: true }
  pgswarm:database:
    nodes: 3
    placement: { pgnode1: db-a, pgnode2: db-b, pgnode3: db-c }
`;
const S3 = "    repository: { type: s3, bucket: acme-pg, endpoint: s3.eu-central-1.amazonaws.com, region: eu-central-1 }\n";
const S3_KEYS = "  pgswarm:s3AccessKey: { secure: v1:AAAA }\n  pgswarm:s3SecretKey: { secure: v1:BBBB }\n";

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pgswarm-restore-"));
  for (const [stack, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), `config:\n  pgswarm:topology: replicated\n${text}`);
  return dir;
}
const restoring = (extra = "") => `${NODES}    restore: { from: prod }\n${extra}`;
const problems = loadProblems;

describe("a restore's source stack, when its file is in the project", () => {
  it("is accepted when this stack's repository runs on the node that holds the source's volume", () => {
    const dir = project({ prod: NODES, restored: restoring() });
    expect(problems(() => loadFromFile(path.join(dir, "Pulumi.restored.yaml")))).toEqual([]);
  });

  it("a repository on another node would mount an empty volume: refused, naming the node to set", () => {
    const dir = project({ prod: `${NODES}  pgswarm:backups: { node: db-a }\n`, restored: restoring() });
    expect(problems(() => loadFromFile(path.join(dir, "Pulumi.restored.yaml")))).toEqual([
      {
        path: "backups.node",
        message: `"prod"'s repository volume is on node "db-a" (Pulumi.prod.yaml), and this stack's repository mounts it from its own node, found "db-c": set backups.node: db-a`,
      },
    ]);
  });

  it("the engine's config is checked the same way against the project's folder", () => {
    const dir = project({ prod: `${NODES}  pgswarm:backups: { node: db-b }\n` });
    const config = engineConfig({
      "pgswarm:topology": "replicated",
      "pgswarm:nodes": { "db-a": { backups: true }, "db-b": { backups: true }, "db-c": { backups: true } },
      "pgswarm:database": { nodes: 3, placement: { pgnode1: "db-a", pgnode2: "db-b", pgnode3: "db-c" }, restore: { from: "prod" } },
    });
    expect(problems(() => loadFromEngine(config, "restored", undefined, dir)).map((problem) => problem.path)).toEqual(["backups.node"]);
    expect(problems(() => loadFromEngine(config, "restored"))).toEqual([]);
  });

  it("S3 on one side and a volume on the other: refused", () => {
    const dir = project({ prod: `${NODES}  pgswarm:backups:\n${S3}${S3_KEYS}`, restored: restoring() });
    expect(problems(() => loadFromFile(path.join(dir, "Pulumi.restored.yaml")))).toEqual([
      {
        path: "database.restore.from",
        message:
          '"prod" keeps its backups in s3://acme-pg/pgswarm/prod at s3.eu-central-1.amazonaws.com (Pulumi.prod.yaml), and this stack reads them from a repository volume: use the same backups.repository.type as "prod"',
      },
    ]);
  });

  it("S3 on both sides: the same bucket, endpoint and prefix, or refused", () => {
    const same = project({ prod: `${NODES}  pgswarm:backups:\n${S3}${S3_KEYS}`, restored: `${restoring()}  pgswarm:backups:\n${S3}${S3_KEYS}` });
    expect(problems(() => loadFromFile(path.join(same, "Pulumi.restored.yaml")))).toEqual([]);
    const other = project({ prod: `${NODES}  pgswarm:backups:\n${S3}${S3_KEYS}`, restored: `${restoring()}  pgswarm:backups:\n${S3.replace("acme-pg", "other-pg")}${S3_KEYS}` });
    expect(problems(() => loadFromFile(path.join(other, "Pulumi.restored.yaml")))[0].message).toMatch(
      /but this stack would read s3:\/\/other-pg\/pgswarm\/prod at s3\.eu-central-1\.amazonaws\.com: use the same bucket, endpoint and path$/,
    );
  });

  it("no file for the source, or one that does not load: not judged here (its own check says what is wrong with it)", () => {
    expect(problems(() => loadFromFile(path.join(project({ restored: restoring() }), "Pulumi.restored.yaml")))).toEqual([]);
    const broken = project({ prod: "  pgswarm:nodes: 3\n", restored: restoring() });
    expect(problems(() => loadFromFile(path.join(broken, "Pulumi.restored.yaml")))).toEqual([]);
  });

  it("a source that restores from a third stack, or from this one, is not followed any further", () => {
    const dir = project({ prod: `${NODES.replace("placement: { pgnode1: db-a, pgnode2: db-b, pgnode3: db-c }", "placement: { pgnode1: db-a, pgnode2: db-b, pgnode3: db-c }\n    restore: { from: restored }")}`, restored: restoring() });
    expect(problems(() => loadFromFile(path.join(dir, "Pulumi.restored.yaml")))).toEqual([]);
  });
});
