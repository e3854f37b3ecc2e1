/** The login keeper's verifiers and what the primary accepts from it. */
import type { ManagedRole } from "../../../components/contract";
import { loginChanges, loginRequestProblem, loginVerifier } from "../../../images/postgres/agent/logins";
import { scramVerifier } from "../../../images/postgres/agent/scram";

const ROLES: ManagedRole[] = [
  { name: "postgres", credential: "superuser", options: ["LOGIN", "SUPERUSER"], memberOf: [] },
  { name: "app", options: ["LOGIN"], memberOf: [] },
  { name: "app_b", options: ["LOGIN"], memberOf: ["app"], settings: { role: "app" } },
];

describe("login verifiers", () => {
  it("are the same for the same role and password (the primary compares them), and differ by role and by password", () => {
    const verifier = loginVerifier("app", "secret-1");
    expect(loginVerifier("app", "secret-1")).toBe(verifier);
    expect(loginVerifier("app_b", "secret-1")).not.toBe(verifier);
    expect(loginVerifier("app", "secret-2")).not.toBe(verifier);
    expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
  });

  it("hold a valid SCRAM-SHA-256 verifier of the password (the same keys as with that salt at random)", () => {
    const verifier = loginVerifier("app", "secret-1");
    const salt = Buffer.from(verifier.split("$")[1].split(":")[1], "base64");
    expect(scramVerifier("secret-1", salt)).toBe(verifier);
  });
});

describe("what the primary accepts from the keeper", () => {
  const valid = { role: "app", verifier: loginVerifier("app", "x") };
  it("accepts the login roles without a credential of their own", () => {
    expect(loginRequestProblem(ROLES, [valid, { role: "app_b", verifier: loginVerifier("app_b", "y") }])).toBeUndefined();
  });
  it.each([
    ["a member's own role", [{ role: "postgres", verifier: valid.verifier }], /"postgres" is not a login role/],
    ["an unknown role", [{ role: "mallory", verifier: valid.verifier }], /"mallory" is not a login role/],
    ["a password instead of a verifier", [{ role: "app", verifier: "plain-password" }], /not a SCRAM-SHA-256 verifier/],
    ["a verifier with a quote", [{ role: "app", verifier: `${valid.verifier}'` }], /not a SCRAM-SHA-256 verifier/],
    ["no list", { role: "app" }, /expected a list/],
    ["an empty list", [], /expected a list/],
  ])("refuses %s", (_, logins, message) => {
    expect(loginRequestProblem(ROLES, logins)).toMatch(message);
  });
});

describe("which logins change", () => {
  it("only those whose stored verifier differs; missing roles apart", () => {
    const wanted = [
      { role: "app", verifier: "v1" },
      { role: "app_b", verifier: "v2" },
      { role: "ro", verifier: "v3" },
    ];
    expect(
      loginChanges(wanted, [
        { rolname: "app", rolpassword: "v1" },
        { rolname: "app_b", rolpassword: null },
      ]),
    ).toEqual({ change: [{ role: "app_b", verifier: "v2" }], missing: ["ro"] });
  });
});
