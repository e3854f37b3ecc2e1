/**
 * Which stacks a change touches, so a pull request previews (and a merge
 * deploys) only those: a stack file touches its stack; the program, its
 * dependencies or the policy pack touch every stack; docs and tests none.
 */
const EVERY_STACK = [/^index\.ts$/, /^Pulumi\.yaml$/, /^package(-lock)?\.json$/, /^tsconfig\.json$/, /^components\//, /^policy\//];

export function changedStacks(changedFiles: string[], stacks: string[]): string[] {
  const touched = new Set<string>();
  for (const file of changedFiles) {
    if (EVERY_STACK.some((pattern) => pattern.test(file))) return [...stacks];
    const stackFile = /^Pulumi\.([^/]+)\.yaml$/.exec(file);
    if (stackFile && stacks.includes(stackFile[1])) touched.add(stackFile[1]);
  }
  return stacks.filter((stack) => touched.has(stack));
}
