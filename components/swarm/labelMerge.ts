/**
 * The labels a node ends up with when pgswarm changes the ones a stack owns:
 * labels it set before and no longer wants are removed, the wanted ones set,
 * and every label it never owned is left exactly as it was.
 *
 * Two stacks on one swarm may both want the same label of their own (role=app
 * on the nodes their apps share). Each stack records the label keys it claims
 * on a node in its claim label (`pgswarm.claims.<stack>`), so that destroying
 * one stack never removes a label another stack still claims.
 */
export const CLAIM_PREFIX = "pgswarm.claims.";
export const claimLabelKey = (stack: string) => `${CLAIM_PREFIX}${stack}`;

/** The label keys a stack claims on a node, as its claim label lists them. */
export function claimLabel(stack: string, keys: string[]): Record<string, string> {
  return keys.length > 0 ? { [claimLabelKey(stack)]: [...keys].sort().join(",") } : {};
}

function claimedElsewhere(current: Record<string, string>, ownClaims: Set<string>): Set<string> {
  const claimed = new Set<string>();
  for (const [key, value] of Object.entries(current)) {
    if (!key.startsWith(CLAIM_PREFIX) || ownClaims.has(key)) continue;
    for (const label of value.split(",")) if (label) claimed.add(label);
  }
  return claimed;
}

export function mergeOwnedLabels(
  current: Record<string, string>,
  previouslyOwned: Record<string, string>,
  desired: Record<string, string>,
): Record<string, string> {
  const ownClaims = new Set([...Object.keys(previouslyOwned), ...Object.keys(desired)].filter((key) => key.startsWith(CLAIM_PREFIX)));
  const othersClaim = claimedElsewhere(current, ownClaims);
  const merged: Record<string, string> = { ...current };
  for (const key of Object.keys(previouslyOwned)) {
    if (key in desired || othersClaim.has(key)) continue;
    if (merged[key] === previouslyOwned[key]) delete merged[key];
  }
  return { ...merged, ...desired };
}
