import { describe, expect, it } from "vitest";
import {
  addDays, busiest, heatmap, localToday, outcomeMix, presets, rangeProblem, reasons, series,
  timeScale,
} from "../src/analyticsData";
import { bytes, duration, percent, shortDate } from "../src/format";
import type { AnalyticsReport, DayFigures } from "../src/types";

function day(date: string, n: number, wait: number | null = null): DayFigures {
  return { date, conversations: n, ai_resolved: n, agent_resolved: 0, abandoned: 0, open: 0, escalated: 0,
    median_wait_s: wait, median_first_response_s: null };
}

const report: AnalyticsReport = {
  period: { from: "2025-03-03", to: "2025-03-04", tz: "UTC", site_key: null },
  totals: { conversations: 10, ai_resolved: 6, agent_resolved: 3, abandoned: 1, open: 0, escalated: 4,
    median_wait_s: 60, median_first_response_s: 10, rated: 2, rating_avg: 4.5 },
  days: [day("2025-03-03", 4), day("2025-03-04", 6)],
  escalation_reasons: [{ reason: "explicit_request", count: 1 }, { reason: "frustration", count: 3 },
    { reason: "ai_error", count: 0 }, { reason: "something_new", count: 2 }],
  ratings: [1, 2, 3, 4, 5].map((rating) => ({ rating, count: rating > 3 ? 1 : 0 })),
  busiest_hours: Array.from({ length: 7 }, (_, d) => Array.from({ length: 24 }, (_, h) => (d === 1 && h === 14 ? 8 : d === 0 && h === 9 ? 2 : 0))),
  agents: [],
  storage: { bytes: 0, files: 0, widgets: [] },
};

describe("date ranges", () => {
  it("offers ranges ending today, months included", () => {
    const p = Object.fromEntries(presets("2025-03-15").map((x) => [x.id, [x.from, x.to]]));
    expect(p.today).toEqual(["2025-03-15", "2025-03-15"]);
    expect(p["7d"]).toEqual(["2025-03-09", "2025-03-15"]);
    expect(p["30d"]).toEqual(["2025-02-14", "2025-03-15"]);
    expect(p.month).toEqual(["2025-03-01", "2025-03-15"]);
    expect(p["last-month"]).toEqual(["2025-02-01", "2025-02-28"]);
  });

  it("says what is wrong with a custom range, as the server would", () => {
    expect(rangeProblem("2025-03-05", "2025-03-04")).toBe("The start is after the end.");
    expect(rangeProblem("2024-01-01", "2025-03-04")).toBe("A period is at most 366 days.");
    expect(rangeProblem("", "2025-03-04")).toBe("Pick both dates.");
    expect(rangeProblem("2025-03-04", "2025-03-04")).toBeNull();
  });

  it("knows today in a time zone and adds days across months", () => {
    expect(localToday("Asia/Tokyo", new Date("2025-01-01T23:30:00Z"))).toBe("2025-01-02");
    expect(localToday("UTC", new Date("2025-01-01T23:30:00Z"))).toBe("2025-01-01");
    expect(addDays("2025-02-27", 2)).toBe("2025-03-01");
  });
});

describe("shaping the report", () => {
  it("gives the outcome mix as shares of all conversations, leaving out empty ones", () => {
    expect(outcomeMix(report).map((o) => [o.key, o.value, o.share])).toEqual([
      ["ai_resolved", 6, 0.6], ["agent_resolved", 3, 0.3], ["abandoned", 1, 0.1]]);
  });

  it("orders escalation reasons by count, labelled, zeros left out", () => {
    expect(reasons(report).map((r) => [r.label, r.count])).toEqual([
      ["Frustrated", 3], ["something new", 2], ["Asked for a person", 1]]);
  });

  it("keeps days for short periods and groups long ones by week", () => {
    expect(series(report.days)).toHaveLength(2);
    const days = Array.from({ length: 120 }, (_, i) => day(addDays("2025-01-01", i), 1, i % 2 ? 60 : 120));
    const weeks = series(days);
    expect(weeks.length).toBe(18); // 5 days, 16 weeks, 3 days
    expect(weeks[0]?.label).toBe("2025-01-01"); // a Wednesday: the first week is short
    expect(weeks[0]?.conversations).toBe(5);
    expect(weeks[1]?.label).toBe("2025-01-06"); // Monday
    expect(weeks[1]?.conversations).toBe(7);
    expect(weeks[1]?.median_wait_s).toBe(60);
    expect(weeks.reduce((a, w) => a + w.conversations, 0)).toBe(120);
  });

  it("shades the busiest hours against the busiest cell and names it", () => {
    const grid = heatmap(report.busiest_hours);
    expect(grid.max).toBe(8);
    expect(grid.rows[1]?.cells[14]).toEqual({ hour: 14, n: 8, level: 4 });
    expect(grid.rows[0]?.cells[9]?.level).toBe(1);
    expect(grid.rows[2]?.cells[0]?.level).toBe(0);
    expect(busiest(report.busiest_hours)).toBe("Tue 14:00–15:00");
    expect(busiest([[0]])).toBeNull();
  });
});

describe("formatting", () => {
  it("reads durations, shares and dates", () => {
    expect(duration(null)).toBe("—");
    expect(duration(42.4)).toBe("42 s");
    expect(duration(210)).toBe("3.5 min");
    expect(duration(7200)).toBe("2 h");
    expect(percent(1, 3)).toBe("33%");
    expect(percent(1, 0)).toBe("—");
    expect([bytes(0), bytes(1023), bytes(1536), bytes(10 * 1024 * 1024), bytes(3 * 1024 ** 3)])
      .toEqual(["0 B", "1023 B", "1.5 KB", "10 MB", "3 GB"]);
    expect(shortDate("2025-03-03")).toBe("3 Mar");
  });
});

describe("timeScale", () => {
  it("reads in seconds up to two minutes, minutes up to two hours, then hours", () => {
    expect(timeScale(0)).toMatchObject({ divisor: 1, name: "seconds" });
    expect(timeScale(45)).toMatchObject({ divisor: 1, name: "seconds" });
    expect(timeScale(119)).toMatchObject({ divisor: 1, name: "seconds" });
    expect(timeScale(120)).toMatchObject({ divisor: 60, name: "minutes" });
    expect(timeScale(3 * 3600)).toMatchObject({ divisor: 3600, name: "hours" });
  });
});
