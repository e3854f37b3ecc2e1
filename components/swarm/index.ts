export * from "./nodeLabels";
export * from "./networks";
export * from "./credentials";
export { claimLabel, claimLabelKey, mergeOwnedLabels } from "./labelMerge";
export { dockerConnection, DEFAULT_DOCKER_HOST } from "./dockerHost";
export { renderPgpass } from "./pgpass";
export * from "./specs";
