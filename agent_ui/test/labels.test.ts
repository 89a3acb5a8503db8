import { describe, expect, it } from "vitest";
import { cleanFilters, filtersFromSearch } from "../src/historyFilters";
import {
  type LabelsAction, type LabelsState, initialLabels, labelsOf, matchesFilter, reduceLabels,
} from "../src/state/labels";
import type { Label, ServerFrame } from "../src/types";
import { ME, session } from "./fixtures";

const VIP: Label = { id: 1, name: "VIP", color: "purple", background: "#f3e8ff", text: "#6b21a8" };
const BUG: Label = { id: 2, name: "Bug", color: "red", background: "#fee2e2", text: "#991b1b" };
const run = (state: LabelsState, ...actions: LabelsAction[]): LabelsState => actions.reduce(reduceLabels, state);
const frame = (f: ServerFrame | { type: string; [k: string]: unknown }): LabelsAction =>
  ({ type: "frame", frame: f as ServerFrame });

describe("labels", () => {
  it("learns conversations' labels from ready, queue_update and labels frames", () => {
    const a = session({ site_key: "A", labels: [VIP] });
    const b = session({ site_key: "B" });
    let state = run(initialLabels(), frame({ type: "ready", role: "agent", agent: ME, sessions: [], waiting: [a, b] }));
    expect(labelsOf(state, a)).toEqual([VIP]);
    expect(labelsOf(state, b)).toEqual([]);
    state = run(state, frame({ type: "labels", session_id: b.session_id, labels: [BUG, VIP] }));
    expect(labelsOf(state, b).map((l) => l.name)).toEqual(["Bug", "VIP"]);
    // A view without labels (an `accepted` frame) keeps what was known.
    state = run(state, frame({ type: "accepted", session: { ...b, labels: undefined } }));
    expect(labelsOf(state, b)).toHaveLength(2);
    state = run(state, frame({ type: "queue_update", widget: "A", waiting: [{ ...a, labels: [] }] }));
    expect(labelsOf(state, a)).toEqual([]);
  });

  it("filters the inbox's lists by widget and label", () => {
    const a = session({ site_key: "A", labels: [VIP] });
    const b = session({ site_key: "B", labels: [BUG] });
    const state = run(initialLabels(), { type: "catalog", labels: [BUG, VIP] });
    const shown = (label: number | null, widget: string | null) =>
      [a, b].filter((s) => matchesFilter(state, s, { label, widget })).map((s) => s.site_key);
    expect(shown(null, null)).toEqual(["A", "B"]);
    expect(shown(1, null)).toEqual(["A"]);
    expect(shown(null, "B")).toEqual(["B"]);
    expect(shown(1, "B")).toEqual([]);
  });

  it("reads the history's filters from the URL and leaves empty ones out", () => {
    expect(filtersFromSearch("?label=3,4&label=5&status=closed&q=&rating=1,2&has_attachments=true&x=1"))
      .toEqual({ label: ["3", "4", "5"], status: "closed", rating: ["1", "2"], has_attachments: "true" });
    expect(cleanFilters({ q: " ", label: [], widget: "w", status: undefined })).toEqual({ widget: "w" });
  });
});
