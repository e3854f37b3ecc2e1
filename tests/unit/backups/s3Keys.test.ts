/** The repository agent's side of an S3 repository: the keys' include file, and knowing the stanza exists without local files. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stanzaExists } from "../../../images/postgres/agent/repo/repository";
import { installS3Keys, renderS3KeysInclude } from "../../../images/postgres/agent/repo/s3Keys";

describe("the S3 keys' include file", () => {
  it("gives pgBackRest both keys in its [global] section", () => {
    expect(renderS3KeysInclude("AKIA1", "s3cr/et+=")).toBe("[global]\nrepo1-s3-key=AKIA1\nrepo1-s3-key-secret=s3cr/et+=\n");
  });

  it("refuses an empty key or one with a control character, without showing it", () => {
    expect(() => renderS3KeysInclude("", "x")).toThrow("the S3 access key secret is empty or holds a control character");
    let message = "";
    try {
      renderS3KeysInclude("AKIA1", "abc\nrepo1-type=posix");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe("the S3 secret key secret is empty or holds a control character");
  });

  it("is written mode 0600 from the mounted secrets (a trailing newline dropped), and pgBackRest is pointed at its folder", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pgswarm-s3keys-"));
    const files = { accessKey: path.join(dir, "access"), secretKey: path.join(dir, "secret") };
    fs.writeFileSync(files.accessKey, "AKIA2\n");
    fs.writeFileSync(files.secretKey, "topsecret");
    const include = path.join(dir, "include", "s3-keys.conf");
    const env: NodeJS.ProcessEnv = {};
    expect(installS3Keys(files, include, env)).toBe(true);
    expect(fs.readFileSync(include, "utf8")).toBe("[global]\nrepo1-s3-key=AKIA2\nrepo1-s3-key-secret=topsecret\n");
    expect(fs.statSync(include).mode & 0o777).toBe(0o600);
    expect(env).toEqual({ PGBACKREST_CONFIG_INCLUDE_PATH: path.join(dir, "include") });
  });

  it("does nothing for a repository on its volume (no key mounted)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pgswarm-s3keys-"));
    const env: NodeJS.ProcessEnv = {};
    expect(installS3Keys({ accessKey: path.join(dir, "none"), secretKey: path.join(dir, "none2") }, path.join(dir, "inc", "k.conf"), env)).toBe(false);
    expect(env).toEqual({});
    expect(fs.existsSync(path.join(dir, "inc"))).toBe(false);
  });
});

describe("whether the stanza exists, from pgbackrest info", () => {
  const info = (code: number, message: string) => JSON.stringify([{ name: "pgswarm", status: { code, message } }]);

  it("exists when its status is ok or it has no backups yet", () => {
    expect(stanzaExists(info(0, "ok"))).toBe(true);
    expect(stanzaExists(info(2, "no valid backups"))).toBe(true);
  });

  it("is to be created when its path or its data is missing, or the answer is unclear", () => {
    expect(stanzaExists(info(1, "missing stanza path"))).toBe(false);
    expect(stanzaExists(info(3, "missing stanza data"))).toBe(false);
    expect(stanzaExists(info(99, "other"))).toBe(false);
    expect(stanzaExists("[]")).toBe(false);
    expect(stanzaExists("not json")).toBe(false);
  });
});
