// Debian ships no @types for node or pg, so the image build compiles against
// these loose declarations; the repository's `tsc --noEmit` checks the real types.
declare module "http" {
  export type IncomingMessage = any;
  export type ServerResponse = any;
  export type Server = any;
  export function createServer(handler: (request: any, response: any) => void): any;
  export function get(options: any, callback: (response: any) => void): any;
}
declare module "fs" {
  export function readFileSync(path: string, encoding: string): string;
}
declare module "pg" {
  export const Pool: any;
}
declare const process: any;
declare const console: any;
declare const Buffer: any;
type Buffer = any;
declare function setTimeout(callback: (...args: any[]) => void, ms: number): any;
declare function clearTimeout(handle: any): void;
declare class URL {
  constructor(url: string);
  hostname: string;
  port: string;
  pathname: string;
  username: string;
}
