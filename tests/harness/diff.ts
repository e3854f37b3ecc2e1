/**
 * The diff `pulumi up` gets from a provider for one resource, from the inputs
 * applied last time and the inputs of this run: nothing changed, an update in
 * place, or a replacement, with the paths that changed and those that forced
 * the replacement. It follows the Terraform SDK's rules that pulumi-docker's
 * bridge reports (see providerSchema.ts). Pure.
 */
import { RESOURCE_SCHEMAS, type Kind, type PropertySchema } from "./providerSchema";

/** A value the engine does not know yet: the resource it comes from is being replaced. */
export const UNKNOWN: unique symbol = Symbol("unknown");

export interface DiffResult {
  /** Paths whose value changed (sets and blocks that appeared or vanished are named as a whole). */
  changed: string[];
  /** The changed paths that force a replacement; empty for an update in place. */
  replaceReasons: string[];
  /** The provider asks to delete the old object before creating its replacement. */
  deleteBeforeReplace: boolean;
}

export const NO_CHANGES: DiffResult = { changed: [], replaceReasons: [], deleteBeforeReplace: false };
export const hasChanges = (diff: DiffResult) => diff.changed.length > 0;
export const isReplacement = (diff: DiffResult) => diff.replaceReasons.length > 0;

type Value = unknown;
type Acc = { changed: string[]; replace: string[] };

/** Inputs the engine adds that are no property of the resource. */
const RESERVED = new Set(["__provider", "__defaults"]);

/** A plain object, from any realm (jest's sandbox, structuredClone). */
const isObject = (value: Value): value is Record<string, Value> => Object.prototype.toString.call(value) === "[object Object]";
const isAbsent = (value: Value) => value === undefined || value === null;

function inferKind(value: Value): Kind {
  if (Array.isArray(value)) return value.some(isObject) ? "blockList" : "list";
  return isObject(value) ? "block" : "scalar";
}

const kindOf = (schema: PropertySchema | undefined, old: Value, next: Value): Kind => schema?.kind ?? inferKind(isAbsent(next) ? old : next);

/** A value in a form where equal means equal to Terraform: no empty collections, sorted keys, sets sorted. */
function canonical(schema: PropertySchema | undefined, value: Value, kind = kindOf(schema, value, value)): Value {
  if (isAbsent(value)) return undefined;
  switch (kind) {
    case "scalar":
      return value;
    case "map": {
      const entries = Object.entries(value as object)
        .filter(([, inner]) => !isAbsent(inner))
        .sort(([a], [b]) => a.localeCompare(b));
      return entries.length > 0 ? Object.fromEntries(entries) : undefined;
    }
    case "block": {
      const fields = schema?.fields ?? {};
      const entries = Object.keys(value as object)
        .filter((key) => !RESERVED.has(key))
        .sort()
        .map((key) => [key, canonical(fields[key], (value as Record<string, Value>)[key])] as const)
        .filter(([, inner]) => inner !== undefined);
      return Object.fromEntries(entries);
    }
    case "list":
    case "set":
    case "blockList":
    case "blockSet": {
      const element: PropertySchema | undefined = kind === "blockList" || kind === "blockSet" ? { kind: "block", fields: schema?.fields } : undefined;
      const items = (value as Value[]).map((item) => canonical(element, item, element ? "block" : inferKind(item)));
      if (items.length === 0) return undefined;
      return kind === "set" || kind === "blockSet" ? sortedByJson(items) : items;
    }
  }
}

const json = (value: Value) => JSON.stringify(value) ?? "undefined";
const sortedByJson = (items: Value[]) => [...items].sort((a, b) => json(a).localeCompare(json(b)));
const same = (a: Value, b: Value) => json(a) === json(b);

/**
 * Whether a value holds something that forces replacement when it appears or
 * vanishes: a ForceNew property with a value, or a block or set element holding one.
 */
function holdsForceNewValue(schema: PropertySchema | undefined, value: Value): boolean {
  if (isAbsent(value) || (Array.isArray(value) && value.length === 0)) return false;
  if (schema?.forceNew) return true;
  const kind = schema?.kind ?? inferKind(value);
  if (kind === "block") return Object.entries(value as object).some(([key, inner]) => holdsForceNewValue(schema?.fields?.[key], inner));
  if (kind === "blockList" || kind === "blockSet") return (value as Value[]).some((item) => holdsForceNewValue({ kind: "block", fields: schema?.fields }, item));
  return false;
}

function diffValue(path: string, schema: PropertySchema | undefined, old: Value, next: Value, acc: Acc): void {
  if (next === UNKNOWN) {
    // The bridge replaces when the property itself, or anything the old value holds, forces replacement.
    acc.changed.push(path);
    if (schema?.forceNew || holdsForceNewValue(schema, old)) acc.replace.push(path);
    return;
  }
  if (isAbsent(next) && schema?.computed) return;
  const kind = kindOf(schema, old, next);
  if (same(canonical(schema, old, kind), canonical(schema, next, kind))) return;
  const change = (replace: boolean) => {
    acc.changed.push(path);
    if (replace) acc.replace.push(path);
  };
  switch (kind) {
    case "scalar":
    case "map":
    case "list":
    case "set":
      // Elements of a collection of scalars inherit its ForceNew.
      return change(!!schema?.forceNew);
    case "block":
      if (isAbsent(old) || isAbsent(next)) return change(!!schema?.forceNew || holdsForceNewValue(schema, isAbsent(old) ? next : old));
      return diffFields(`${path}.`, schema?.fields, old as Record<string, Value>, next as Record<string, Value>, acc);
    case "blockList": {
      const olds = (old as Value[] | undefined) ?? [];
      const news = (next as Value[] | undefined) ?? [];
      const element: PropertySchema = { kind: "block", fields: schema?.fields };
      if (olds.length !== news.length) change(!!schema?.forceNew);
      for (let index = 0; index < Math.max(olds.length, news.length); index++) {
        diffValue(`${path}[${index}]`, element, olds[index], news[index], acc);
      }
      return;
    }
    case "blockSet": {
      // A changed element is removed and added again: replace when either holds a ForceNew value.
      const element: PropertySchema = { kind: "block", fields: schema?.fields };
      const olds = ((old as Value[] | undefined) ?? []).map((item) => ({ item, key: json(canonical(element, item, "block")) }));
      const news = ((next as Value[] | undefined) ?? []).map((item) => ({ item, key: json(canonical(element, item, "block")) }));
      const gone = olds.filter(({ key }) => !news.some((candidate) => candidate.key === key));
      const added = news.filter(({ key }) => !olds.some((candidate) => candidate.key === key));
      const countChanged = olds.length !== news.length;
      return change((countChanged && !!schema?.forceNew) || [...gone, ...added].some(({ item }) => holdsForceNewValue(element, item)));
    }
  }
}

function diffFields(prefix: string, fields: Record<string, PropertySchema> | undefined, olds: Record<string, Value>, news: Record<string, Value>, acc: Acc): void {
  const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((key) => !RESERVED.has(key)).sort();
  for (const key of keys) diffValue(`${prefix}${key}`, fields?.[key], olds[key], news[key], acc);
}

export interface DiffOptions {
  /** The program set `name` itself (no auto-naming). */
  explicitName?: boolean;
}

/** Diffs a resource's inputs as its provider does. Types without a schema update in place on any change. */
export function diffInputs(type: string, olds: Record<string, Value>, news: Record<string, Value>, options: DiffOptions = {}): DiffResult {
  const schema = RESOURCE_SCHEMAS[type];
  const acc: Acc = { changed: [], replace: [] };
  diffFields("", schema?.properties, olds, news, acc);
  const replaceReasons = [...new Set(schema?.noUpdate ? acc.changed : acc.replace)];
  return {
    changed: acc.changed,
    replaceReasons,
    deleteBeforeReplace: replaceReasons.length > 0 && !!schema?.autoNamed && !!options.explicitName,
  };
}

/** Pulumi's property paths: `taskSpec.networksAdvanceds[0].aliases` → ["taskSpec", "networksAdvanceds", 0, "aliases"]; `labels["a.b"]`. */
export function parsePath(path: string): Array<string | number> {
  const segments: Array<string | number> = [];
  const token = /([^.[\]]+)|\[(\d+|\*)\]|\["((?:[^"\\]|\\.)*)"\]|(\.)/gy;
  let expectName = true;
  for (let match = token.exec(path); match; match = token.exec(path)) {
    const [, name, index, quoted, dot] = match;
    if (dot) {
      expectName = true;
      continue;
    }
    if (name !== undefined && !expectName) break;
    if (name !== undefined) segments.push(name);
    else if (index !== undefined) segments.push(index === "*" ? "*" : Number(index));
    else segments.push(quoted.replace(/\\(.)/g, "$1"));
    expectName = false;
    if (token.lastIndex === path.length) return segments;
  }
  throw new Error(`not a property path: "${path}"`);
}

/** The engine's ignoreChanges: the listed paths keep their old values before the diff. */
export function applyIgnoreChanges(olds: Record<string, Value>, news: Record<string, Value>, paths: string[]): Record<string, Value> {
  const result = structuredClone(news);
  for (const path of paths) {
    const segments = parsePath(path);
    let from: any = olds;
    for (const segment of segments) from = from?.[segment];
    let to: any = result;
    for (const segment of segments.slice(0, -1)) {
      to[segment] ??= typeof segment === "number" ? [] : {};
      to = to[segment];
    }
    const last = segments[segments.length - 1];
    if (from === undefined) delete to[last];
    else to[last] = structuredClone(from);
  }
  return result;
}

/**
 * The engine's replaceOnChanges: the changed paths a pattern covers ("*" matches
 * one segment). A change named as a whole set or block also counts when the
 * pattern points inside it.
 */
export function replaceOnChangesMatches(changed: string[], patterns: string[]): string[] {
  const covers = (pattern: Array<string | number>, path: Array<string | number>) =>
    pattern.slice(0, Math.min(pattern.length, path.length)).every((segment, index) => segment === "*" || segment === path[index]);
  return changed.filter((path) => patterns.some((pattern) => covers(parsePath(pattern), parsePath(path))));
}
