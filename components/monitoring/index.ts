export * from "./postgresExporter";
export * from "./monitoring";
