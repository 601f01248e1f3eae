import type { MockSettings, Served } from "../api";

/** Requests the Mock panel's log keeps (the newest). */
export const MOCK_LOG_LIMIT = 500;

/** One request the mock served, as the log lists it. */
export interface MockEntry {
  /** Its number since the app started (the list's key). */
  n: number;
  /** When it was served (local time, `HH:MM:SS`). */
  at: string;
  served: Served;
}

/** The log with `entry` first, the oldest dropped past `limit`. */
export function logServed(log: MockEntry[], entry: MockEntry, limit = MOCK_LOG_LIMIT): MockEntry[] {
  return [entry, ...log.slice(0, Math.max(0, limit - 1))];
}

/** How the panel's form asks for the mock's values. */
export type MockValues = "example" | "seeded" | "dynamic";

/** The Mock panel's form, as typed. */
export interface MockForm {
  validate: boolean;
  stateful: boolean;
  cors: boolean;
  values: MockValues;
  seed: string;
  latency: string;
}

/** What the form shows first: requests checked, the spec's examples, no delay. */
export const MOCK_FORM: MockForm = { validate: true, stateful: false, cors: false, values: "example", seed: "1", latency: "" };

/** The longest delay the form takes, ms. */
const MAX_LATENCY = 60_000;

/** The engine's settings for the form, or what is wrong with it. */
export function mockSettings(f: MockForm): MockSettings | string {
  const seed = Number(f.seed.trim());
  if (f.values === "seeded" && (!f.seed.trim() || !Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff)) {
    return "the seed must be a whole number from 0 to 4294967295";
  }
  const latency = f.latency.trim() ? Number(f.latency.trim()) : 0;
  if (!Number.isInteger(latency) || latency < 0 || latency > MAX_LATENCY) return `the latency must be a whole number of ms from 0 to ${MAX_LATENCY}`;
  return {
    validate: f.validate,
    stateful: f.stateful,
    cors: f.cors,
    dynamic: f.values === "dynamic",
    seed: f.values === "seeded" ? seed : null,
    latency_ms: latency > 0 ? latency : null,
  };
}
