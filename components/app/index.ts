export * from "./dbEnv";
export * from "./appService";
