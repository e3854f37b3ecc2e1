/**
 * Rotating the applications' passwords without a failed request: each login
 * (the application's role, the read side's) has two login roles, slot 0 (the
 * configured name) and slot 1 (the name followed by `_b`, which becomes the
 * configured role at login, so what it creates belongs to the same owner).
 * `database.credentialsRotation` counts steps, one per `pulumi up`, and every
 * step changes one thing only:
 *
 *   step 1: slot 1 gets a new password; applications still log in through slot 0
 *   step 2: applications switch to slot 1 (its password is in force since step 1)
 *   step 3: slot 0 gets a new password; applications still use slot 1
 *   step 4: applications switch back to slot 0 — and so on.
 *
 * A password never changes under a running application, and an application never
 * starts with a password the database does not know yet. Pure.
 */

import { readUserOf } from "./schema";

export type LoginSlot = 0 | 1;
export const LOGIN_SLOTS: readonly LoginSlot[] = [0, 1];

/** The second slot's role: `<role>_b`. */
export const SLOT_ROLE_SUFFIX = "_b";

/** How many times a slot's password has been replaced at rotation step `rotation`. */
export function slotGeneration(slot: LoginSlot, rotation: number): number {
  return Math.floor((rotation + (slot === 0 ? 1 : 3)) / 4);
}

/** The slot applications log in through at rotation step `rotation`. */
export function activeSlot(rotation: number): LoginSlot {
  return (Math.floor(rotation / 2) % 2) as LoginSlot;
}

/** The login role of a slot: the configured role, or `<role>_b`. */
export const slotRole = (role: string, slot: LoginSlot): string => (slot === 0 ? role : `${role}${SLOT_ROLE_SUFFIX}`);

/** The credential (secret file name part) of a slot: `app`, `app-b`. */
export const slotCredential = (credential: string, slot: LoginSlot): string => (slot === 0 ? credential : `${credential}-b`);

/** What step `rotation` does, for plan output. */
export function rotationStep(rotation: number): string {
  if (rotation === 0) return "no rotation yet: applications log in through slot 0";
  const slot = activeSlot(rotation);
  if (rotation % 2 === 1) {
    return `step ${rotation}: slot ${1 - slot} gets a new password; applications stay on slot ${slot} (next step switches them)`;
  }
  return `step ${rotation}: applications switch to slot ${slot}, whose password is in force since step ${rotation - 1}`;
}

/** The logins applications use: the application's role and the read side's. */
export type Login = "app" | "reader";
export const LOGINS: readonly Login[] = ["app", "reader"];

export interface LoginRole {
  login: Login;
  slot: LoginSlot;
  /** The PostgreSQL role. */
  role: string;
  /** Its password's credential name (secretFile(credential)). */
  credential: string;
}

/** The configured role of each login (slot 0's). */
export const loginBaseRoles = (database: { user: string; readUser?: string }): Record<Login, string> => ({
  app: database.user,
  reader: readUserOf(database),
});

export function loginRole(database: { user: string; readUser?: string }, login: Login, slot: LoginSlot): LoginRole {
  return { login, slot, role: slotRole(loginBaseRoles(database)[login], slot), credential: slotCredential(login, slot) };
}

/** Every login role, both slots. */
export const loginRoles = (database: { user: string; readUser?: string }): LoginRole[] =>
  LOGINS.flatMap((login) => LOGIN_SLOTS.map((slot) => loginRole(database, login, slot)));

/** The login role applications use now. */
export const activeLogin = (database: { user: string; readUser?: string; credentialsRotation: number }, login: Login): LoginRole =>
  loginRole(database, login, activeSlot(database.credentialsRotation));
