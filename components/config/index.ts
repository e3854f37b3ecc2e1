export * from "./schema";
export * from "./units";
export { ConfigError, validateStack, formatProblems } from "./validate";
export { crossKeyProblems, slotsOf, MANAGED_SETTINGS, type Problem } from "./rules";
export { loadFromEngine, loadFromFile, readStackFile, stackFilePath, pgswarmValues, NAMESPACE } from "./load";
