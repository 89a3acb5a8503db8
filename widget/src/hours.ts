// Business hours, as the server checks them (chatserver/services/widgets.py is_open): weekly
// spans of "HH:MM" in the widget's IANA time zone; no hours at all means always open.

import type { BusinessHours, Day } from "./types";

const DAYS: Record<string, Day> = {
  Mon: "mon", Tue: "tue", Wed: "wed", Thu: "thu", Fri: "fri", Sat: "sat", Sun: "sun",
};

export function isOpen(hours: BusinessHours, timeZone: string, now: Date = new Date()): boolean {
  if (!hours || Object.keys(hours).length === 0) return true;
  let parts: Intl.DateTimeFormatPart[];
  const options: Intl.DateTimeFormatOptions = {
    weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  };
  try {
    parts = new Intl.DateTimeFormat("en-US", { ...options, timeZone: timeZone || "UTC" }).formatToParts(now);
  } catch {
    parts = new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" }).formatToParts(now);
  }
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? "";
  const day = DAYS[part("weekday")];
  const hhmm = `${part("hour").padStart(2, "0")}:${part("minute").padStart(2, "0")}`;
  const spans = (day && hours[day]) || [];
  return spans.some(([start, end]) => start <= hhmm && hhmm < end);
}
