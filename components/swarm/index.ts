export * from "./nodeLabels";
export * from "./networks";
export * from "./credentials";
export { mergeOwnedLabels } from "./labelMerge";
export { dockerConnection, DEFAULT_DOCKER_HOST } from "./dockerHost";
export { renderPgpass } from "./pgpass";
export * from "./specs";
