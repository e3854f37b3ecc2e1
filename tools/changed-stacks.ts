/**
 * `npx tsx tools/changed-stacks.ts <base-ref> <stack>...`: the stacks that the
 * commits since <base-ref> touch, as a JSON list (the workflows' matrix).
 */
import { execFileSync } from "child_process";
import { changedStacks } from "./lib/changedStacks";

const [base, ...stacks] = process.argv.slice(2);
if (!base || stacks.length === 0) {
  process.stderr.write("usage: npx tsx tools/changed-stacks.ts <base-ref> <stack>...\n");
  process.exit(2);
}
let files: string[];
try {
  files = execFileSync("git", ["diff", "--name-only", `${base}...HEAD`], { encoding: "utf8" }).split("\n").filter(Boolean);
} catch {
  // No common history with the base (a first push, a force-push): treat every stack as touched.
  files = ["index.ts"];
}
process.stdout.write(`${JSON.stringify(changedStacks(files, stacks))}\n`);
