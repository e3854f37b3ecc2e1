export * from "./localImages";
