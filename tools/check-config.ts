/** `npm run check-config -- <stack>`: every mistake in Pulumi.<stack>.yaml, offline. */
import { loadFromFile, stackFilePath } from "../components/config";
import { PROJECT_DIR } from "./lib/mockRun";
import { runCli, stackArgument } from "./lib/cli";

runCli(async () => {
  const stack = stackArgument(process.argv.slice(2), "npm run check-config -- <stack>");
  const file = stackFilePath(PROJECT_DIR, stack);
  const config = loadFromFile(file);
  const services = Object.keys(config.services);
  process.stdout.write(
    `ok: Pulumi.${stack}.yaml: ${config.topology}, ${config.database.nodes} DB node(s), ` +
      `${services.length} service(s)${services.length ? ` (${services.join(", ")})` : ""}\n`,
  );
  return 0;
});
