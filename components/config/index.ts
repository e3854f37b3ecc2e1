export * from "./schema";
export * from "./units";
export { ConfigError, validateStack, formatProblems, type ValidationOptions } from "./validate";
export { crossKeyProblems, slotsOf, type Problem } from "./rules";
export { loadFromEngine, loadFromFile, readStackFile, stackFilePath, stackOfFile, pgswarmValues, NAMESPACE } from "./load";
export { recoveryTargetTime, repositoryNodeOf, s3RepositoryOf, s3StackPath, S3_KEY_CONFIG, type S3Repository } from "./backups";
export * from "./loginSlots";
