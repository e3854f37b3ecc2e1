/**
 * dockerode connection options from a DOCKER_HOST-style address
 * (unix://, tcp://, ssh://), the same addresses the docker provider takes.
 */
export interface DockerConnection {
  socketPath?: string;
  host?: string;
  port?: number;
  protocol?: "http" | "https" | "ssh";
  username?: string;
}

export const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

export function dockerConnection(address: string): DockerConnection {
  const url = new URL(address || DEFAULT_DOCKER_HOST);
  switch (url.protocol) {
    case "unix:":
      return { socketPath: url.pathname };
    case "tcp:":
    case "http:":
      return { host: url.hostname, port: Number(url.port || 2375), protocol: "http" };
    case "https:":
      return { host: url.hostname, port: Number(url.port || 2376), protocol: "https" };
    case "ssh:":
      return { host: url.hostname, port: Number(url.port || 22), protocol: "ssh", username: url.username || undefined };
    default:
      throw new Error(`unsupported Docker host "${address}": use unix://, tcp://, https:// or ssh://`);
  }
}
