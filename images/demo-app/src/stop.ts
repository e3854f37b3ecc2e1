import type * as http from "http";

export interface GracefulStop {
  /** Stops the server without failing a request it has received, then calls `done` once (see graceful). */
  stop(done: () => void, deadlineMs: number): void;
  /** Whether a stop has begun: a server not listening yet must not start to. */
  readonly stopping: boolean;
}

/**
 * Call right after creating `server`. Its `stop`:
 * - closes the listener at once: new connections are refused, and clients or a load balancer go to
 *   another instance (a refused connection carried no request, so retrying it elsewhere is safe);
 * - answers every request in flight, and any that still arrives on an open connection, with
 *   `Connection: close`. Node would answer `keep-alive` and hold the connection for its keep-alive
 *   timeout, inviting the client's next request onto an instance that is about to close it;
 * - closes idle keep-alive connections now, and each one that turns idle later as it does;
 * - calls `done` when the last connection has ended, or after `deadlineMs` whatever is left.
 */
export function graceful(server: http.Server): GracefulStop {
  const inFlight = new Set<http.ServerResponse>();
  let stopping = false;
  const closeAfter = (response: http.ServerResponse) => {
    if (!response.headersSent) response.setHeader("connection", "close");
    response.once("finish", () => server.closeIdleConnections());
  };
  // Before the app's own listener, which may answer synchronously.
  server.prependListener("request", (_request: http.IncomingMessage, response: http.ServerResponse) => {
    inFlight.add(response);
    response.once("close", () => inFlight.delete(response));
    if (stopping) closeAfter(response);
  });

  return {
    get stopping() {
      return stopping;
    },
    stop(done, deadlineMs) {
      if (stopping) return;
      stopping = true;
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        clearTimeout(deadline);
        done();
      };
      const deadline = setTimeout(finish, deadlineMs);
      for (const response of inFlight) closeAfter(response);
      if (!server.listening) return finish();
      server.close(finish);
      server.closeIdleConnections();
    },
  };
}
