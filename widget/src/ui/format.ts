// Times and waits, in the visitor's language.

import { t } from "./strings";

const time = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const dayTime = new Intl.DateTimeFormat(undefined, {
  month: "short", day: "numeric", hour: "numeric", minute: "2-digit",
});
const full = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short" });

export function parseTime(iso: string): Date {
  const d = new Date(iso);
  return isNaN(d.getTime()) ? new Date() : d;
}

/** "10:42" today, "Mar 3, 10:42" another day. */
export function shortTime(iso: string, now: Date = new Date()): string {
  const d = parseTime(iso);
  return d.toDateString() === now.toDateString() ? time.format(d) : dayTime.format(d);
}

export function longTime(iso: string): string {
  return full.format(parseTime(iso));
}

/** "less than a minute", "about 4 minutes", "about 2 hours". */
export function waitText(seconds: number): string {
  if (seconds < 60) return t("wait.short");
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t("wait.minutes", { n: minutes });
  const hours = Math.round(minutes / 60);
  return t("wait.hours", { n: hours });
}
