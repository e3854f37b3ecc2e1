/**
 * `npx tsx tools/testbed-check.ts running|prerequisites`: whether the e2e
 * testbed answers (exit 0) or not (exit 1, silent); whether this machine can
 * bring it up (exit 0) or, in one line, what it lacks (exit 1).
 */
import * as fs from "fs";
import * as path from "path";
import { requireTestbed } from "../tests/harness/testbed";
import { TESTBED_TOOLS, testbedPrerequisites } from "./lib/firstRun";

const onPath = (tool: string) =>
  (process.env.PATH ?? "").split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, tool), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

async function main(): Promise<number> {
  switch (process.argv[2]) {
    case "running":
      return requireTestbed().then(
        () => 0,
        () => 1,
      );
    case "prerequisites": {
      const line = testbedPrerequisites({
        platform: process.platform,
        uid: process.getuid?.() ?? -1,
        missingTools: TESTBED_TOOLS.filter((tool) => !onPath(tool)),
      });
      if (line) process.stderr.write(`${line}\n`);
      return line ? 1 : 0;
    }
    default:
      process.stderr.write("usage: npx tsx tools/testbed-check.ts running|prerequisites\n");
      return 2;
  }
}

main().then((code) => (process.exitCode = code));
