/** The rotation steps of the logins' two slots: each step changes one thing, and never under a running application. */
import { activeLogin, activeSlot, LOGIN_SLOTS, loginRoles, rotationStep, slotGeneration, slotRole, type LoginSlot } from "../../../components/config";

const steps = Array.from({ length: 40 }, (_, index) => index + 1);

describe("credentialsRotation's steps", () => {
  it("starts with both slots at generation 0 and applications on slot 0", () => {
    expect(LOGIN_SLOTS.map((slot) => slotGeneration(slot, 0))).toEqual([0, 0]);
    expect(activeSlot(0)).toBe(0);
  });

  it.each(steps)("step %i changes exactly one thing: one slot's password or the slot in use", (step) => {
    const changed = LOGIN_SLOTS.filter((slot) => slotGeneration(slot, step) !== slotGeneration(slot, step - 1));
    const switched = activeSlot(step) !== activeSlot(step - 1);
    expect(changed.length + (switched ? 1 : 0)).toBe(1);
  });

  it.each(steps)("step %i replaces no password of the slot in use before or after it", (step) => {
    for (const slot of LOGIN_SLOTS) {
      if (slotGeneration(slot, step) === slotGeneration(slot, step - 1)) continue;
      expect(slot).not.toBe(activeSlot(step - 1));
      expect(slot).not.toBe(activeSlot(step));
    }
  });

  it.each(steps)("step %i switches applications only to a slot whose password was in force a step before", (step) => {
    if (activeSlot(step) === activeSlot(step - 1)) return;
    const slot: LoginSlot = activeSlot(step);
    expect(slotGeneration(slot, step)).toBe(slotGeneration(slot, step - 1));
  });

  it("renews each slot's password every four steps: two steps rotate the password applications use", () => {
    expect(steps.slice(0, 8).map((step) => [slotGeneration(0, step), slotGeneration(1, step), activeSlot(step)])).toEqual([
      [0, 1, 0],
      [0, 1, 1],
      [1, 1, 1],
      [1, 1, 0],
      [1, 2, 0],
      [1, 2, 1],
      [2, 2, 1],
      [2, 2, 0],
    ]);
  });

  it("says what each step does", () => {
    expect(rotationStep(0)).toMatch(/no rotation yet/);
    expect(rotationStep(1)).toBe("step 1: slot 1 gets a new password; applications stay on slot 0 (next step switches them)");
    expect(rotationStep(2)).toBe("step 2: applications switch to slot 1, whose password is in force since step 1");
    expect(rotationStep(3)).toBe("step 3: slot 0 gets a new password; applications stay on slot 1 (next step switches them)");
  });

  it("names slot 1's role after slot 0's, and both logins' roles", () => {
    expect(slotRole("shop", 0)).toBe("shop");
    expect(slotRole("shop", 1)).toBe("shop_b");
    expect(loginRoles({ user: "shop" })).toEqual([
      { login: "app", slot: 0, role: "shop", credential: "app" },
      { login: "app", slot: 1, role: "shop_b", credential: "app-b" },
      { login: "reader", slot: 0, role: "shop_ro", credential: "reader" },
      { login: "reader", slot: 1, role: "shop_ro_b", credential: "reader-b" },
    ]);
    expect(activeLogin({ user: "shop", readUser: "viewer", credentialsRotation: 2 }, "reader")).toEqual({ login: "reader", slot: 1, role: "viewer_b", credential: "reader-b" });
  });
});

describe("database.credentialsRotation in a stack file", () => {
  const { edited, problemAt, standalone } = require("./fixtures") as typeof import("./fixtures");
  const { validateStack } = require("../../../components/config") as typeof import("../../../components/config");

  it("is 0 unless set", () => {
    expect(validateStack(standalone(), "test").database.credentialsRotation).toBe(0);
  });

  it.each([
    [-1, "found -1"],
    [1.5, "found 1.5"],
    ["two", 'found the string "two"'],
  ])("refuses %p, naming the key and what it takes", (value, found) => {
    const message = problemAt(edited(standalone, (raw) => (raw.database.credentialsRotation = value)), "database.credentialsRotation");
    expect(message).toMatch(/^expected a whole number from 0 to 1000000, /);
    expect(message).toContain(found);
  });
});
