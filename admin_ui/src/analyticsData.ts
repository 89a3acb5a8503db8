// Shaping the analytics report for the charts and the date range picker. Pure functions,
// tested in test/analytics.test.ts.

import type { AnalyticsReport, DayFigures } from "./types";

export const REASON_LABELS: Record<string, string> = {
  explicit_request: "Asked for a person",
  frustration: "Frustrated",
  repeated_failure: "AI kept failing",
  no_knowledge_match: "Not in the knowledge base",
  model_request: "AI handed over",
  ai_error: "AI error",
  budget_exhausted: "AI budget used up",
  email_reply: "Replied by email",
  unknown: "Unknown",
};

export const OUTCOMES = [
  { key: "ai_resolved", label: "AI resolved", color: "#6f42c1" },
  { key: "agent_resolved", label: "Agent resolved", color: "#007bff" },
  { key: "abandoned", label: "Abandoned", color: "#ffc107" },
  { key: "open", label: "Still open", color: "#ced4da" },
] as const;

export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** Today's date in a time zone, as YYYY-MM-DD. */
export function localToday(tz: string, now: Date = new Date()): string {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit",
      day: "2-digit" }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

export function addDays(iso: string, n: number): string {
  const [y, m, d] = iso.split("-").map(Number);
  const t = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + n));
  return t.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

export interface RangePreset {
  id: string;
  label: string;
  from: string;
  to: string;
}

/** The ranges offered in one click, ending today (local). */
export function presets(today: string): RangePreset[] {
  const monthStart = `${today.slice(0, 8)}01`;
  const lastMonthEnd = addDays(monthStart, -1);
  const lastMonthStart = `${lastMonthEnd.slice(0, 8)}01`;
  return [
    { id: "today", label: "Today", from: today, to: today },
    { id: "7d", label: "Last 7 days", from: addDays(today, -6), to: today },
    { id: "30d", label: "Last 30 days", from: addDays(today, -29), to: today },
    { id: "90d", label: "Last 90 days", from: addDays(today, -89), to: today },
    { id: "month", label: "This month", from: monthStart, to: today },
    { id: "last-month", label: "Last month", from: lastMonthStart, to: lastMonthEnd },
  ];
}

/** A problem with a custom range, in words (null when fine); the server says the same. */
export function rangeProblem(from: string, to: string, maxDays = 366): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) return "Pick both dates.";
  if (from > to) return "The start is after the end.";
  if (daysBetween(from, to) > maxDays) return `A period is at most ${maxDays} days.`;
  return null;
}

/** The outcome mix over the period, largest share first, with percentages of all conversations. */
export function outcomeMix(report: AnalyticsReport) {
  const total = report.totals.conversations;
  return OUTCOMES.map((o) => {
    const value = report.totals[o.key];
    return { ...o, value, share: total ? value / total : 0 };
  }).filter((o) => o.value > 0);
}

/** Escalation reasons with a count, most frequent first, labelled. */
export function reasons(report: AnalyticsReport) {
  return report.escalation_reasons.filter((r) => r.count > 0)
    .map((r) => ({ ...r, label: REASON_LABELS[r.reason] ?? r.reason.replace(/_/g, " ") }))
    .sort((a, b) => b.count - a.count);
}

/** Days for the charts; long periods grouped by week (Monday first) so bars stay readable. */
export function series(days: DayFigures[], maxBars = 92): (DayFigures & { label: string })[] {
  if (days.length <= maxBars) return days.map((d) => ({ ...d, label: d.date }));
  const weeks: (DayFigures & { label: string })[] = [];
  let current: (DayFigures & { label: string; waits: number[]; firsts: number[] }) | null = null;
  for (const d of days) {
    const weekday = (new Date(`${d.date}T00:00:00Z`).getUTCDay() + 6) % 7;
    if (!current || weekday === 0) {
      if (current) weeks.push(finish(current));
      current = { ...d, label: d.date, waits: [], firsts: [] };
    } else {
      for (const k of ["conversations", "ai_resolved", "agent_resolved", "abandoned", "open", "escalated"] as const) {
        current[k] += d[k];
      }
    }
    if (d.median_wait_s !== null) current.waits.push(d.median_wait_s);
    if (d.median_first_response_s !== null) current.firsts.push(d.median_first_response_s);
  }
  if (current) weeks.push(finish(current));
  return weeks;
}

function finish(w: DayFigures & { label: string; waits: number[]; firsts: number[] }) {
  const { waits, firsts, ...rest } = w;
  // A week's figure is the median of its days' medians: an approximation, said so in the UI.
  return { ...rest, median_wait_s: median(waits), median_first_response_s: median(firsts) };
}

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The weekday x hour grid, with each cell's shade (0-4) against the busiest cell. */
export function heatmap(grid: number[][]): { max: number; rows: { day: string; cells: { hour: number; n: number; level: number }[] }[] } {
  const max = Math.max(0, ...grid.flat());
  return {
    max,
    rows: WEEKDAYS.map((day, i) => ({
      day,
      cells: (grid[i] ?? []).map((n, hour) => ({
        hour, n, level: n === 0 || max === 0 ? 0 : Math.min(4, Math.ceil((n / max) * 4)),
      })),
    })),
  };
}

/** The busiest hour of the week, in words ("Tue 14:00–15:00"), or null without data. */
export function busiest(grid: number[][]): string | null {
  let best = { day: -1, hour: -1, n: 0 };
  grid.forEach((row, day) => row.forEach((n, hour) => {
    if (n > best.n) best = { day, hour, n };
  }));
  if (best.n === 0) return null;
  const pad = (x: number) => String(x).padStart(2, "0");
  return `${WEEKDAYS[best.day]} ${pad(best.hour)}:00–${pad((best.hour + 1) % 24)}:00`;
}

/** Average rating and how many rated, from the distribution. */
export function ratingSummary(ratings: { rating: number; count: number }[]) {
  const rated = ratings.reduce((a, r) => a + r.count, 0);
  const avg = rated ? ratings.reduce((a, r) => a + r.rating * r.count, 0) / rated : null;
  return { rated, avg };
}

/** The unit a chart of durations reads best in, for its largest value (seconds): seconds up to
 * two minutes, minutes up to two hours, hours beyond. */
export function timeScale(maxSeconds: number): { divisor: number; unit: string; name: string } {
  if (maxSeconds < 120) return { divisor: 1, unit: " s", name: "seconds" };
  if (maxSeconds < 7200) return { divisor: 60, unit: " min", name: "minutes" };
  return { divisor: 3600, unit: " h", name: "hours" };
}
