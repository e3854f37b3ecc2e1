/** `npm run check-config -- <stack>`: every mistake in Pulumi.<stack>.yaml, offline. */
import * as path from "path";
import { loadFromFile, stackFilePath } from "../components/config";
import { PROJECT_DIR } from "./lib/mockRun";
import { runCli, stackArgument } from "./lib/cli";

runCli(async () => {
  const stack = stackArgument(process.argv.slice(2), "npm run check-config -- <stack | path/to/Pulumi.<stack>.yaml>");
  const file = stack.endsWith(".yaml") ? stack : stackFilePath(PROJECT_DIR, stack);
  const config = loadFromFile(file);
  const services = Object.keys(config.services);
  process.stdout.write(
    `ok: ${path.basename(file)}: ${config.topology}, ${config.database.nodes} DB node(s), ` +
      `${services.length} service(s)${services.length ? ` (${services.join(", ")})` : ""}\n`,
  );
  return 0;
});
