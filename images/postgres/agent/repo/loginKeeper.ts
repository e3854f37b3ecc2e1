/**
 * The login keeper: every few seconds the repository reads the applications'
 * login secrets (both rotation slots, loginSlots.ts) and has the primary set the
 * verifiers that differ. Kept volumes, restores and rotations thus get the
 * passwords of the secrets mounted now, and a rotation restarts no member.
 */
import type { BackupSpec } from "../../../../components/contract";
import { readSecret } from "../files";
import { loginVerifier } from "../logins";
import { log } from "../log";
import type { Peers } from "../peers";
import { sleep } from "../process";

export const LOGIN_KEEP_INTERVAL_MS = 2000;

export interface LoginKeeperStatus {
  /** Every login role holds the password of its mounted secret (as of checkedAt). */
  inForce: boolean;
  checkedAt?: string;
  primary?: string;
  /** Login roles not created yet (the primary creates them at its start). */
  missing?: string[];
  problem?: string;
}

type Answer = { ok: boolean; reason?: string; changed?: string[]; missing?: string[] };

export class LoginKeeper {
  private last: LoginKeeperStatus = { inForce: false, problem: "not checked yet" };

  constructor(
    private readonly spec: Pick<BackupSpec, "members" | "logins">,
    private readonly peers: Peers,
  ) {}

  status(): LoginKeeperStatus {
    return this.last;
  }

  async run(): Promise<void> {
    for (;;) {
      await this.keep().catch((error: Error) => this.record({ inForce: false, problem: error.message }));
      await sleep(LOGIN_KEEP_INTERVAL_MS);
    }
  }

  /** One pass: the member that is the primary sets what differs; the others decline. */
  async keep(): Promise<void> {
    const logins = this.spec.logins.map(({ role, credential }) => ({ role, verifier: loginVerifier(role, readSecret(credential)) }));
    const refusals: string[] = [];
    for (const member of this.spec.members) {
      const answer = await this.peers.post<Answer>(member, "/v1/logins", { logins }, 5000);
      if (!answer?.ok) {
        refusals.push(`${member}: ${answer?.reason ?? this.peers.lastError.get(member) ?? "no answer"}`);
        continue;
      }
      if (answer.changed?.length) log(`login passwords set on ${member}: ${answer.changed.join(", ")}`);
      const missing = answer.missing ?? [];
      return this.record({ inForce: missing.length === 0, primary: member, ...(missing.length > 0 ? { missing } : {}) });
    }
    this.record({ inForce: false, problem: `no primary took the login passwords (${refusals.join("; ")})` });
  }

  private record(status: LoginKeeperStatus): void {
    if (status.problem && status.problem !== this.last.problem) log(`login keeper: ${status.problem}`);
    this.last = { ...status, checkedAt: new Date().toISOString() };
  }
}
