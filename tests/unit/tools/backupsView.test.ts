/** `npm run backups`' lines for the login keeper's last pass. */
import { backupsLines, loginsLine } from "../../../tools/lib/backupsView";

describe("the login keeper's line", () => {
  it("says where the login passwords are in force", () => {
    expect(loginsLine({ inForce: true, primary: "pgnode2", checkedAt: "2026-11-26T12:00:00.000Z" })).toBe(
      "login passwords: in force on pgnode2 (checked 2026-11-26T12:00:00.000Z)",
    );
  });

  it("says why they are not", () => {
    expect(loginsLine({ inForce: false, problem: "no primary took the login passwords (pgnode1: no answer)", checkedAt: "t" })).toBe(
      "login passwords: NOT in force (no primary took the login passwords (pgnode1: no answer), checked t)",
    );
    expect(loginsLine({ inForce: false, primary: "pgnode1", missing: ["app_b"] })).toBe("login passwords: NOT in force (roles not created yet: app_b)");
  });

  it("is part of the repository's status", () => {
    const lines = backupsLines("prod", { stanza: { ok: true }, walArchiving: true, logins: { inForce: true, primary: "pgnode1", checkedAt: "t" } });
    expect(lines).toContain("  login passwords: in force on pgnode1 (checked t)");
  });
});
