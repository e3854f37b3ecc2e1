/**
 * The labels a node ends up with when pgswarm changes the ones it owns:
 * labels it set before and no longer wants are removed, the wanted ones set,
 * and every label it never owned is left exactly as it was.
 */
export function mergeOwnedLabels(
  current: Record<string, string>,
  previouslyOwned: Record<string, string>,
  desired: Record<string, string>,
): Record<string, string> {
  const merged: Record<string, string> = { ...current };
  for (const key of Object.keys(previouslyOwned)) {
    if (!(key in desired) && merged[key] === previouslyOwned[key]) delete merged[key];
  }
  return { ...merged, ...desired };
}
