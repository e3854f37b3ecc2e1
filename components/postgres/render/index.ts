export * from "./postgresqlConf";
export * from "./pgHba";
export * from "./repmgrConf";
export * from "./haproxyCfg";
export { confValue } from "./confFormat";
export * from "./clusterSpec";
