/**
 * postgresql.conf for every data member (one file: roles change at run time,
 * the file does not), rendered from the table of managed settings: pgswarm's
 * fixed settings, its defaults the stack does not override, the stack's
 * database.settings, and last the member agent's run-time file.
 */
import type { StackConfig } from "../../config";
import { RUNTIME_CONF } from "../../contract";
import { MANAGED_SETTINGS, settingRefusal, type SettingValue } from "../settings";
import { confLines, confValue, HEADER } from "./confFormat";

export {
  ARCHIVE_COMMAND_OFF,
  ARCHIVE_COMMAND_ON,
  RESTORE_COMMAND_ON,
  syncStandbyCount,
  synchronousStandbyNames,
} from "../settings";

/** The file's last line: what the agent sets at run time (who to follow, the synchronous quorum) wins over everything above. */
export const RUNTIME_INCLUDE = `include_if_exists = ${confValue(RUNTIME_CONF)}`;

function rendered(config: StackConfig, kind: "fixed" | "default"): Record<string, SettingValue> {
  const overridden = config.database.settings;
  return Object.fromEntries(
    MANAGED_SETTINGS.filter((setting) => setting.kind === kind && setting.value && !(setting.name in overridden)).map((setting) => [
      setting.name,
      setting.value!(config),
    ]),
  );
}

export function renderPostgresqlConf(config: StackConfig): string {
  const { settings } = config.database;
  // The validator refuses these first; a renderer never writes a setting that would bypass pgswarm's.
  for (const [name, value] of Object.entries(settings)) {
    const refusal = settingRefusal(name, value, config);
    if (refusal) throw new Error(`database.settings.${name}: ${refusal}`);
  }
  const sections = [
    HEADER,
    "",
    "# Managed by pgswarm: database.settings may not change these.",
    confLines(rendered(config, "fixed")),
    "",
    "# pgswarm's defaults: database.settings may override these.",
    confLines(rendered(config, "default")),
  ];
  if (Object.keys(settings).length > 0) {
    sections.push("", "# From database.settings", confLines(settings));
  }
  sections.push("", "# Set at run time by the member agent (primary_conninfo, synchronous_standby_names, cluster_name...).", RUNTIME_INCLUDE);
  return `${sections.join("\n")}\n`;
}
