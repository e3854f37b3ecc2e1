/**
 * database.settings and database.preloadLibraries against what pgswarm manages
 * (the table in postgres/settings.ts, which also renders postgresql.conf) and
 * what PostgreSQL accepts, so a setting that would break replication, be
 * ignored, or stop the server at start-up is refused before any deploy.
 */
import { MANAGED_SETTINGS, managedSetting, settingRefusal } from "../postgres/settings";
import { nearest, NUMERIC_SETTINGS, numericSettingProblem, settingBytes } from "./pgValues";
import { describeValue } from "./primitives";
import type { Problem } from "./rules";
import type { StackConfig } from "./schema";
import { parseSizeBytes } from "./units";

/** Names a misspelling is checked against: pgswarm's own and the numeric settings we know the range of. */
const KNOWN_NAMES = [...MANAGED_SETTINGS.map((setting) => setting.name), ...Object.keys(NUMERIC_SETTINGS)];

export function settingProblems(config: StackConfig): Problem[] {
  const problems: Problem[] = [];
  for (const [name, value] of Object.entries(config.database.settings)) {
    const path = `database.settings.${name}`;
    const message = settingRefusal(name, value, config) ?? numericSettingProblem(name, value);
    if (message) {
      // A fixed setting is refused whatever its value; for the others, the value is the problem.
      const fixed = managedSetting(name)?.kind === "fixed";
      problems.push({ path, message: fixed ? message : `${message}, found ${describeValue(value)}` });
      continue;
    }
    // PostgreSQL refuses to start on a name it does not know; catch the likely slips.
    const guess = KNOWN_NAMES.includes(name) ? undefined : nearest(name, KNOWN_NAMES);
    if (guess) problems.push({ path, message: `not a PostgreSQL setting; did you mean ${guess}?` });
  }
  // shared_buffers is allocated at start-up: beyond the memory limit the member is killed before it serves anything.
  const { memory } = config.database.resources;
  const sharedBuffers = config.database.settings.shared_buffers;
  const buffersBytes = sharedBuffers === undefined ? undefined : settingBytes("shared_buffers", sharedBuffers);
  if (memory && buffersBytes !== undefined && buffersBytes >= parseSizeBytes(memory)!) {
    problems.push({
      path: "database.settings.shared_buffers",
      message: `expected less than database.resources.memory (${memory}), found ${describeValue(sharedBuffers)}: shared memory must fit in the member's memory limit`,
    });
  }
  const seen = new Set<string>();
  config.database.preloadLibraries.forEach((library, index) => {
    const path = `database.preloadLibraries[${index}]`;
    if (library === "repmgr") {
      problems.push({ path, message: "pgswarm preloads repmgr itself where it needs it (replicated, read-split); remove it" });
    } else if (seen.has(library)) {
      problems.push({ path, message: `${library} is already listed` });
    }
    seen.add(library);
  });
  return problems;
}
