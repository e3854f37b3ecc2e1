/**
 * Every configuration file pgswarm renders, for each example stack, as a
 * snapshot: a change to any of them shows in review as a diff of the file.
 */
import { loadFromFile, stackFilePath } from "../../../../components/config";
import { defaultDbSubnet } from "../../../../components/names";
import { dbMembers, hasReadRouter, hasRouter } from "../../../../components/postgres";
import { renderBackupSpec, renderMemberPgbackrestConf, renderRepoPgbackrestConf, renderRestorePgbackrestConf } from "../../../../components/backups";
import { renderClusterSpec, renderHaproxyCfg, renderPgHba, renderPostgresqlConf, renderRepmgrConf } from "../../../../components/postgres/render";
import { PROJECT_DIR } from "../../../helpers/stacks";

describe.each(["dev", "staging", "prod"])("the files rendered for Pulumi.%s.yaml", (stack) => {
  const config = loadFromFile(stackFilePath(PROJECT_DIR, stack));
  const members = dbMembers(stack, config);
  const dataMembers = members.filter((member) => member.kind === "data").map((member) => member.name);

  it("postgresql.conf", () => expect(renderPostgresqlConf(config)).toMatchSnapshot());
  it("pg_hba.conf", () => expect(renderPgHba(config.networks.dbSubnet ?? defaultDbSubnet(stack))).toMatchSnapshot());
  it("pgbackrest.conf of a member", () => expect(renderMemberPgbackrestConf()).toMatchSnapshot());
  it("pgbackrest-restore.conf of a member", () => expect(renderRestorePgbackrestConf({ from: stack })).toMatchSnapshot());
  it("pgbackrest.conf of the repository", () => expect(renderRepoPgbackrestConf(dataMembers, config.backups.retention.full, { stack })).toMatchSnapshot());
  it("backups.json of the repository", () => expect(renderBackupSpec(stack, config, dataMembers)).toMatchSnapshot());
  it.each(members.map((member) => [member.name, member]))("repmgr.conf of %s", (_, member) => expect(renderRepmgrConf(member)).toMatchSnapshot());

  const routers = [...(hasRouter(config) ? (["rw"] as const) : []), ...(hasReadRouter(config) ? (["ro"] as const) : [])];
  it("has a router for each endpoint its topology needs", () => expect(routers).toEqual({ dev: ["rw"], staging: ["rw"], prod: ["rw", "ro"] }[stack]));
  it("cluster.json", () => expect(renderClusterSpec(stack, config)).toMatchSnapshot());
  for (const mode of routers) {
    it(`haproxy.cfg of the ${mode} router`, () => expect(renderHaproxyCfg(mode, config, dataMembers)).toMatchSnapshot());
  }
});

describe("with an S3 repository (backups.repository.type: s3)", () => {
  const s3 = { bucket: "acme-backups", endpoint: "minio.example.org:9000", region: "eu-central-1", uriStyle: "path" as const, verifyTls: true, prefix: "/pgswarm" };

  it("the repository keeps <prefix>/<stack> in the bucket; no key is written into its pgbackrest.conf", () => {
    const conf = renderRepoPgbackrestConf(["pgnode1", "pgnode2"], 2, { stack: "prod", s3 });
    expect(conf).toMatchSnapshot();
    expect(conf).toContain("repo1-type=s3\nrepo1-path=/pgswarm/prod\nrepo1-s3-bucket=acme-backups\n");
    expect(conf).not.toMatch(/repo1-s3-key/);
    expect(conf).not.toMatch(/^repo1-path=\/var\/lib/m);
  });

  it("a restoring member reads the source stack's path in the same bucket through the repository service", () => {
    const conf = renderRestorePgbackrestConf({ from: "prod", s3: { ...s3, prefix: "/backups/pg/" } });
    expect(conf).toContain("repo1-host=backup-repo\n");
    expect(conf).toContain("repo1-path=/backups/pg/prod\n");
  });

  it("a member's own pgbackrest.conf does not change: it archives to the repository service either way", () => {
    expect(renderMemberPgbackrestConf()).not.toMatch(/s3/);
  });

  it("verifyTls: false is written as pgBackRest's n", () => {
    expect(renderRepoPgbackrestConf(["pgnode1"], 1, { stack: "dev", s3: { ...s3, verifyTls: false } })).toContain("repo1-storage-verify-tls=n\n");
  });
});
