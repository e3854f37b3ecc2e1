/**
 * Which side of the database a request goes to, and what a client is told when
 * that side refuses it. Pure: the clock and the request's cookie are passed in.
 *
 * GeoMapFish's rule: GET, HEAD and OPTIONS read, everything else writes;
 * dbChooser's master patterns win, then its slave patterns. On top of it, a
 * read-your-writes window: after a client writes, its reads go to the write
 * side for a while, so it sees its own write before the replicas replay it.
 * The client is known by a cookie set on its write's response, so the window
 * holds across the app's replicas.
 */

export type Route = "write" | "read";

export interface RouteRules {
  forceWrite: RegExp[];
  forceRead: RegExp[];
  readYourWritesMs: number;
  /** Read-only maintenance: requests that would write are refused, reads go on. */
  readOnly: boolean;
}

/** Set on a successful write's response: when the client last wrote (epoch milliseconds). */
export const WROTE_COOKIE = "pgswarm-wrote";

const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in a Go-style duration ("2s", "500ms", "1m30s"), or undefined when it does not parse. */
export function parseDurationMs(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) total += Number(amount) * UNIT_MS[unit];
  return total;
}

/** GeoMapFish's rule: GET, HEAD and OPTIONS read; everything else writes; overrides first. */
export function routeFor(method: string, path: string, rules: Pick<RouteRules, "forceWrite" | "forceRead">): Route {
  const request = `${method} ${path}`;
  if (rules.forceWrite.some((pattern) => pattern.test(request))) return "write";
  if (rules.forceRead.some((pattern) => pattern.test(request))) return "read";
  return ["GET", "HEAD", "OPTIONS"].includes(method) ? "read" : "write";
}

/** A cookie's value from a Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const index = part.indexOf("=");
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

/**
 * Whether a client that wrote at `wroteAt` (the cookie's value) is still within
 * the window. A time ahead of the clock by more than the window (another
 * replica's skew is far less) is not believed.
 */
export function withinWindow(wroteAt: string | undefined, nowMs: number, windowMs: number): boolean {
  if (windowMs <= 0 || wroteAt === undefined || !/^\d+$/.test(wroteAt)) return false;
  const age = nowMs - Number(wroteAt);
  return age < windowMs && age > -windowMs;
}

export interface Decision {
  route: Route;
  /** The request would write (the rule sends it to the write side): refused in maintenance, and sets the cookie. */
  writes: boolean;
  /** A read sent to the write side because the client wrote moments ago. */
  readYourWrites: boolean;
  /** Refused: it would write during read-only maintenance (answered with MAINTENANCE). */
  maintenance: boolean;
}

export function decide(request: { method: string; path: string; cookie?: string; nowMs: number }, rules: RouteRules): Decision {
  const ruled = routeFor(request.method, request.path, rules);
  if (ruled === "write") return { route: "write", writes: true, readYourWrites: false, maintenance: rules.readOnly };
  const recent = withinWindow(cookieValue(request.cookie, WROTE_COOKIE), request.nowMs, rules.readYourWritesMs);
  return { route: recent ? "write" : "read", writes: false, readYourWrites: recent, maintenance: false };
}

/** The Set-Cookie value for a successful write's response, or undefined when the window is off. */
export function wroteCookie(nowMs: number, windowMs: number): string | undefined {
  if (windowMs <= 0) return undefined;
  return `${WROTE_COOKIE}=${nowMs}; Path=/; Max-Age=${Math.ceil(windowMs / 1000)}; HttpOnly; SameSite=Lax`;
}

/** PostgreSQL's read_only_sql_transaction: a write in a read-only session (the read role, or a standby). */
export function isReadOnlyError(error: { code?: string; message?: string }): boolean {
  return error.code === "25006" || /read-only transaction/.test(error.message ?? "");
}

export const MAINTENANCE = { status: 503, body: { error: "read-only maintenance" } } as const;

/**
 * What a client gets when the database refused its request: a write that was
 * routed to the read side (a dbChooser slave pattern on a request that
 * writes) is the application's mistake, 409 with why; anything else is the
 * database being unavailable for now, 503.
 */
export function failureResponse(error: { code?: string; message?: string }, route: Route, readHost: string): { status: number; body: { error: string } } {
  if (route === "read" && isReadOnlyError(error)) {
    return {
      status: 409,
      body: {
        error:
          `this request was routed to the read side (${readHost}, read-only) and tried to write: ${error.message ?? "read-only transaction"}; ` +
          "route it to the write side (dbChooser.master)",
      },
    };
  }
  return { status: 503, body: { error: error.message ?? String(error) } };
}
