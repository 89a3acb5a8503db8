// localStorage and sessionStorage that never throw: storage may be blocked (privacy modes,
// sandboxed frames) or full, and then a value lives as long as the page.

type Area = "localStorage" | "sessionStorage";

export function getItem(key: string, area: Area = "localStorage"): string | null {
  try {
    return globalThis[area].getItem(key);
  } catch {
    return null;
  }
}

/** Store a value; null removes it. */
export function setItem(key: string, value: string | null, area: Area = "localStorage"): void {
  try {
    if (value === null) globalThis[area].removeItem(key);
    else globalThis[area].setItem(key, value);
  } catch {
    // blocked or full: keep going without persistence
  }
}

/** A JSON value, or null when absent or unreadable. */
export function getJson<T>(key: string, area: Area = "localStorage"): T | null {
  try {
    return JSON.parse(getItem(key, area) ?? "null") as T | null;
  } catch {
    return null;
  }
}
