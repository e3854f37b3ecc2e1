/** Stack values for config tests, and the problems a validation reports. */
import { ConfigError, validateStack, type ValidationOptions } from "../../../components/config";

export interface Reported {
  path: string;
  message: string;
}

/** A valid read-split stack in the shape of a stack file's pgswarm: values. */
export function readSplit(): any {
  return {
    topology: "read-split",
    nodes: {
      "db-a": { backups: true },
      "db-b": { backups: true },
      "db-c": { backups: true },
      "app-1": { labels: { role: "app" } },
    },
    database: { nodes: 3, placement: { pgnode1: "db-a", pgnode2: "db-b", pgnode3: "db-c" } },
    services: { web: { image: "app:1", database: "split", publish: [{ port: 80, target: 8080 }] } },
  };
}

/** A valid standalone stack. */
export function standalone(): any {
  return {
    topology: "standalone",
    nodes: { self: { backups: true } },
    database: { placement: { pgnode1: "self" } },
    services: { web: { image: "app:1" } },
  };
}

export function problemsOf(raw: unknown, options?: ValidationOptions): Reported[] {
  try {
    validateStack(raw, "test", options);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError, but the stack was accepted");
}

/** The problems a loader (a stack file, the engine's config) reports; none when it accepts the stack. */
export function loadProblems(load: () => unknown): Reported[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

export const paths = (raw: unknown, options?: ValidationOptions) => problemsOf(raw, options).map((problem) => problem.path).sort();

/** The one problem reported at `path` (fails when there is none or several). */
export function problemAt(raw: unknown, path: string, options?: ValidationOptions): string {
  const found = problemsOf(raw, options).filter((problem) => problem.path === path);
  if (found.length !== 1) throw new Error(`expected one problem at ${path}, got ${JSON.stringify(problemsOf(raw, options))}`);
  return found[0].message;
}

/** Applies `edit` to a fresh copy of `make()` and returns it. */
export function edited<T>(make: () => T, edit: (raw: any) => void): T {
  const raw = make();
  edit(raw);
  return raw;
}
