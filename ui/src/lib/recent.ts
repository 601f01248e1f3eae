/** Recently opened specs, newest first, at most `max`, without duplicates. */
export function remember(list: string[], source: string, max = 8): string[] {
  return [source, ...list.filter((s) => s !== source)].slice(0, max);
}

const KEY = "vouch.recent";

export function loadRecent(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    return Array.isArray(v) ? v.filter((s) => typeof s === "string") : [];
  } catch {
    return [];
  }
}

export function saveRecent(list: string[]) {
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // storage unavailable: recent specs are a convenience
  }
}
