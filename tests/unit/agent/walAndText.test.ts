import { decodeAnswer, encodeQuery } from "../../../images/postgres/agent/resolve";
import { atLeast, formatLsn, hasDiverged, parseHistory, parseLsn, timelineOfWalFile } from "../../../images/postgres/agent/lsn";
import { databaseStatements, roleStatements } from "../../../images/postgres/agent/roles";
import { primaryConninfo, renderRuntimeConf } from "../../../images/postgres/agent/runtimeConf";
import { scramVerifier } from "../../../images/postgres/agent/scram";
import { gather } from "../../../images/postgres/agent/gather";

describe("WAL positions and timelines", () => {
  it("parse and print LSNs as PostgreSQL writes them", () => {
    expect(parseLsn("0/3000060")).toBe(0x3000060n);
    expect(parseLsn("16/B374D848")).toBe((0x16n << 32n) + 0xb374d848n);
    expect(formatLsn(parseLsn("16/B374D848")!)).toBe("16/B374D848");
    expect(parseLsn("nonsense")).toBeUndefined();
  });

  it("read history files and WAL file names", () => {
    expect(parseHistory("1\t0/3000090\tno recovery target specified\n\n2\t0/5000028\tbefore 2026\n")).toEqual([
      { parent: 1, switchpoint: 0x3000090n },
      { parent: 2, switchpoint: 0x5000028n },
    ]);
    expect(timelineOfWalFile("000000030000000000000005")).toBe(3);
  });

  it("a newer timeline holds more than any position on an older one", () => {
    expect(atLeast({ timeline: 2, lsn: 1n }, { timeline: 1, lsn: 9n })).toBe(true);
    expect(atLeast({ timeline: 1, lsn: 9n }, { timeline: 2, lsn: 1n })).toBe(false);
  });

  it("a member must be rewound when its WAL went past where the leader's timeline branched off", () => {
    const history = [{ parent: 1, switchpoint: 0x5000000n }];
    expect(hasDiverged({ timeline: 1, lsn: 0x4ffffffn }, 2, history)).toBe(false);
    expect(hasDiverged({ timeline: 1, lsn: 0x5000001n }, 2, history)).toBe(true);
    expect(hasDiverged({ timeline: 2, lsn: 0x9000000n }, 2, history)).toBe(false);
    expect(hasDiverged({ timeline: 3, lsn: 1n }, 2, history)).toBe(true);
    expect(hasDiverged({ timeline: 7, lsn: 1n }, 9, [{ parent: 8, switchpoint: 5n }])).toBe(true);
  });
});

describe("pgswarm-runtime.conf", () => {
  it("points a standby at its leader by name and address, with its slot and no password", () => {
    const text = renderRuntimeConf({ member: "pgnode2", follow: "pgnode1", followAddress: "10.0.0.7", synchronousStandbyNames: "", connectTimeoutSeconds: 2 });
    expect(text).toContain("cluster_name = 'pgnode2'");
    expect(text).toContain("primary_slot_name = 'pgnode2'");
    expect(text).toMatch(/^primary_conninfo = 'host=pgnode1 hostaddr=10\.0\.0\.7 port=5432 user=repmgr application_name=pgnode2 connect_timeout=2 /m);
    expect(text).not.toMatch(/password/i);
  });

  it("on a primary: follows no one and names the standbys commits wait for", () => {
    const text = renderRuntimeConf({ member: "pgnode1", synchronousStandbyNames: "ANY 1 (pgnode2, pgnode3)", connectTimeoutSeconds: 2 });
    expect(text).toContain("primary_conninfo = ''");
    expect(text).toContain("synchronous_standby_names = 'ANY 1 (pgnode2, pgnode3)'");
    expect(text).toContain("synchronous_commit = 'on'");
  });

  it("a standby catching up with a leader it hears retries streaming every 100 ms; otherwise the stack's interval applies", () => {
    const settings = { member: "pgnode2", follow: "pgnode1", synchronousStandbyNames: "", connectTimeoutSeconds: 2 };
    expect(renderRuntimeConf({ ...settings, catchingUp: true })).toMatch(/^wal_retrieve_retry_interval = '100ms'$/m);
    expect(renderRuntimeConf({ ...settings, catchingUp: false })).not.toContain("wal_retrieve_retry_interval");
    // A primary follows no one: nothing to retry.
    expect(renderRuntimeConf({ ...settings, follow: undefined, catchingUp: true })).not.toContain("wal_retrieve_retry_interval");
  });

  it("conninfo without an address still names the host", () => {
    expect(primaryConninfo("pgnode3", "pgnode1", 1)).toMatch(/^host=pgnode3 port=5432 /);
  });
});

describe("roles", () => {
  it("carry a SCRAM verifier, never the password", () => {
    const verifier = scramVerifier("s3cret", Buffer.alloc(16, 1));
    expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    const statements = roleStatements({ name: "app", credential: "app", options: ["LOGIN"], memberOf: [] }, verifier, false);
    expect(statements).toEqual([`CREATE ROLE "app" WITH LOGIN PASSWORD '${verifier}'`]);
    expect(statements.join(" ")).not.toContain("s3cret");
  });

  it("are what a server checks RFC 7677's SCRAM-SHA-256 exchange against", () => {
    // RFC 7677 §3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations.
    const verifier = scramVerifier("pencil", Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64"));
    const [, keys] = verifier.split("$").slice(1);
    const [storedKey, serverKey] = keys.split(":").map((key) => Buffer.from(key, "base64"));
    const nonce = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    const authMessage = `n=user,r=rOprNGfwEbeRWgbNEkqO,r=${nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=${nonce}`;
    const { createHash, createHmac } = require("crypto");
    // The server's signature in the RFC's exchange comes from ServerKey …
    expect(createHmac("sha256", serverKey).update(authMessage).digest("base64")).toBe("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    // … and the client's proof in it verifies against StoredKey.
    const proof = Buffer.from("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "base64");
    const signature: Buffer = createHmac("sha256", storedKey).update(authMessage).digest();
    const clientKey = Buffer.from(proof.map((byte, index) => byte ^ signature[index]));
    expect(createHash("sha256").update(clientKey).digest().equals(storedKey)).toBe(true);
  });

  it("are altered when they exist, with memberships granted, and names quoted", () => {
    expect(roleStatements({ name: 'we"ird', credential: "x", options: ["LOGIN"], memberOf: ["pg_monitor"] }, "V", true)).toEqual([
      `ALTER ROLE "we""ird" WITH LOGIN PASSWORD 'V'`,
      `GRANT "pg_monitor" TO "we""ird"`,
    ]);
    expect(databaseStatements("app", "app", false)[0]).toBe('CREATE DATABASE "app" OWNER "app"');
  });
});

describe("DNS queries to Docker's resolver", () => {
  it("ask for A records and read the addresses from an answer", () => {
    const query = encodeQuery(0x1234, "pgnode1");
    expect(query.subarray(12).toString("latin1")).toBe("\u0007pgnode1\u0000\u0000\u0001\u0000\u0001");
    const answer = Buffer.concat([
      Buffer.from([0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0]),
      query.subarray(12),
      Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 2, 0x58, 0, 4, 10, 0, 0, 7]),
      Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 2, 0x58, 0, 4, 10, 0, 0, 8]),
    ]);
    expect(decodeAnswer(answer, 0x1234)).toEqual(["10.0.0.7", "10.0.0.8"]);
    expect(decodeAnswer(answer, 0x9999)).toEqual([]);
    const nxdomain = Buffer.from(answer);
    nxdomain[3] = 0x83;
    expect(decodeAnswer(nxdomain, 0x1234)).toEqual([]);
  });
});

describe("gathering peers' answers", () => {
  const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
  it("is done as soon as enough said yes, without waiting for a slow peer", async () => {
    const started = Date.now();
    const answers = await gather([after(10, true), after(5000, true)], (yes) => yes, 1);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(answers).toEqual([true, undefined]);
  });

  it("waits for every answer when not enough say yes", async () => {
    expect(await gather([after(10, false), after(30, true)], (yes) => yes, 2)).toEqual([false, true]);
  });
});
