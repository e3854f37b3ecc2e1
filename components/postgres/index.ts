export * from "./topology";
export * from "./pgnode";
export * from "./router";
export * from "./cluster";
export * as render from "./render";
