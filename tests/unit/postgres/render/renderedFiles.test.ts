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
  it("pgbackrest-restore.conf of a member", () => expect(renderRestorePgbackrestConf()).toMatchSnapshot());
  it("pgbackrest.conf of the repository", () => expect(renderRepoPgbackrestConf(dataMembers, config.backups.retention.full)).toMatchSnapshot());
  it("backups.json of the repository", () => expect(renderBackupSpec(stack, config)).toMatchSnapshot());
  it.each(members.map((member) => [member.name, member]))("repmgr.conf of %s", (_, member) => expect(renderRepmgrConf(member)).toMatchSnapshot());

  const routers = [...(hasRouter(config) ? (["rw"] as const) : []), ...(hasReadRouter(config) ? (["ro"] as const) : [])];
  it("has a router for each endpoint its topology needs", () => expect(routers).toEqual({ dev: ["rw"], staging: ["rw"], prod: ["rw", "ro"] }[stack]));
  it("cluster.json", () => expect(renderClusterSpec(stack, config)).toMatchSnapshot());
  for (const mode of routers) {
    it(`haproxy.cfg of the ${mode} router`, () => expect(renderHaproxyCfg(mode, config, dataMembers)).toMatchSnapshot());
  }
});
