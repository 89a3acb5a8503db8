// Analytics over a date range, for every widget or one: figures, charts, agents, CSV export.
// The range and widget live in the URL, so a view can be bookmarked or shared.
import { useCallback, useEffect, useMemo, useState } from "react";
import * as api from "../api";
import { busiest, localToday, presets, rangeProblem } from "../analyticsData";
import { browserZone, bytes, count, duration, longDate, percent } from "../format";
import type { AnalyticsReport, Widget } from "../types";
import {
  BusiestHours, ConversationsChart, OutcomeChart, RatingsChart, ReasonsChart, ResponseTimesChart,
} from "./AnalyticsCharts";
import { ErrorNote, PageHeader, Spinner, useToast } from "./ui";

function readQuery(today: string) {
  const q = new URLSearchParams(location.search);
  const fallback = presets(today).find((p) => p.id === "30d");
  return {
    from: q.get("from") ?? fallback?.from ?? today,
    to: q.get("to") ?? today,
    siteKey: q.get("site_key") || null,
  };
}

export function AnalyticsPage() {
  const tz = browserZone();
  const today = localToday(tz);
  const [range, setRange] = useState(() => readQuery(today));
  const [draft, setDraft] = useState(range);
  const [widgets, setWidgets] = useState<Widget[]>([]);
  const [report, setReport] = useState<AnalyticsReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [exporting, setExporting] = useState(false);
  const toast = useToast();
  const period = useMemo(() => ({ ...range, tz }), [range, tz]);

  useEffect(() => {
    api.listWidgets().then(setWidgets, () => setWidgets([]));
  }, []);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setReport(await api.analytics(period));
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [period]);
  useEffect(() => {
    void load();
    const q = new URLSearchParams({ from: period.from, to: period.to });
    if (period.siteKey) q.set("site_key", period.siteKey);
    history.replaceState(null, "", `${location.pathname}?${q}`);
  }, [load, period]);

  const problem = rangeProblem(draft.from, draft.to);
  const apply = (next: typeof range) => {
    setDraft(next);
    if (!rangeProblem(next.from, next.to)) setRange(next);
  };
  const exportCsv = async () => {
    setExporting(true);
    try {
      const { name, blob } = await api.analyticsCsv(period);
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), "error");
    } finally {
      setExporting(false);
    }
  };
  const activePreset = presets(today).find((p) => p.from === range.from && p.to === range.to)?.id;
  const t = report?.totals;

  return (
    <div className="max-w-7xl">
      <PageHeader title="Analytics"
        subtitle={<>{longDate(range.from)} – {longDate(range.to)} · {tz}{report?.period.site_key ? ` · ${widgets.find((w) => w.site_key === report.period.site_key)?.business_name ?? ""}` : " · all widgets"}</>}
        actions={<button type="button" className="btn-secondary" onClick={() => void exportCsv()} disabled={exporting || !report}>
          {exporting ? "Exporting…" : "Export CSV"}</button>} />

      <section aria-label="Period and widget" className="card mb-6 flex flex-wrap items-end gap-3 px-4 py-3">
        <div role="group" aria-label="Quick ranges" className="flex flex-wrap gap-1">
          {presets(today).map((p) => (
            <button key={p.id} type="button" aria-pressed={activePreset === p.id}
              className={`btn-sm btn ${activePreset === p.id ? "bg-secondary-800 text-white" : "border border-secondary-300 bg-white text-secondary-700 hover:bg-secondary-50"}`}
              onClick={() => apply({ ...draft, from: p.from, to: p.to })}>{p.label}</button>
          ))}
        </div>
        <label className="text-sm">
          <span className="label">From</span>
          <input type="date" className="field" aria-label="From" value={draft.from} max={today} aria-invalid={!!problem}
            onChange={(e) => apply({ ...draft, from: e.target.value })} />
        </label>
        <label className="text-sm">
          <span className="label">To</span>
          <input type="date" className="field" aria-label="To" value={draft.to} max={today} aria-invalid={!!problem}
            onChange={(e) => apply({ ...draft, to: e.target.value })} />
        </label>
        <label className="text-sm">
          <span className="label">Widget</span>
          <select className="field" aria-label="Widget" value={draft.siteKey ?? ""} onChange={(e) => apply({ ...draft, siteKey: e.target.value || null })}>
            <option value="">All widgets</option>
            {widgets.map((w) => <option key={w.site_key} value={w.site_key}>{w.business_name}</option>)}
          </select>
        </label>
        {loading && <Spinner label="Updating" />}
        {problem && <p role="alert" className="error-text w-full">{problem}</p>}
      </section>

      <ErrorNote error={error} retry={() => void load()} />
      {!report && !error && <Spinner />}
      {report && t && (
        <>
          <section aria-label="Totals" className="mb-6 grid grid-cols-2 gap-4 md:grid-cols-3 lg:grid-cols-6">
            <Figure label="Conversations" value={count(t.conversations)} testid="total-conversations" />
            <Figure label="AI resolved" value={count(t.ai_resolved)} note={percent(t.ai_resolved, t.conversations)} />
            <Figure label="Escalated" value={count(t.escalated)} note={percent(t.escalated, t.conversations)} />
            <Figure label="Median wait" value={duration(t.median_wait_s)} note="for an agent" />
            <Figure label="First response" value={duration(t.median_first_response_s)} note="median, after accepting" />
            <Figure label="Rating" value={t.rating_avg === null ? "—" : `${t.rating_avg.toFixed(1)} / 5`} note={`${count(t.rated)} rated`} />
          </section>
          <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
            <ConversationsChart report={report} />
            <OutcomeChart report={report} />
            <ReasonsChart report={report} />
            <ResponseTimesChart report={report} />
            <RatingsChart report={report} />
            <BusiestHours report={report}
              summary={busiest(report.busiest_hours) ? `Busiest: ${busiest(report.busiest_hours)} (${tz}).` : "No conversations in this period."} />
            <AgentsTable report={report} />
          </div>
          <section aria-label="Files stored" className="card mt-6 px-4 py-3" data-testid="storage">
            <p className="text-xs font-medium text-secondary-600">Files stored now</p>
            <p className="mt-1 text-2xl font-semibold tabular-nums">{bytes(report.storage.bytes)}</p>
            <p className="text-xs text-secondary-600">
              {count(report.storage.files)} {report.storage.files === 1 ? "file" : "files"}
              {report.storage.widgets.length > 1 && ` · ${report.storage.widgets
                .map((w) => `${w.business_name}: ${bytes(w.bytes)}`).join(" · ")}`}
            </p>
          </section>
          <p className="mt-6 text-xs text-secondary-600">
            A conversation counts on the day it started. AI resolved: closed without a person. Abandoned: the visitor
            left, or nobody came. Wait: from escalation to an agent accepting. First response: from accepting to the agent's first reply.
          </p>
        </>
      )}
    </div>
  );
}

function Figure({ label, value, note, testid }: { label: string; value: string; note?: string; testid?: string }) {
  return (
    <div className="card px-4 py-3" data-testid={testid}>
      <p className="text-xs font-medium text-secondary-600">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums">{value}</p>
      {note && <p className="text-xs text-secondary-600">{note}</p>}
    </div>
  );
}

function AgentsTable({ report }: { report: AnalyticsReport }) {
  return (
    <section aria-labelledby="agents-h" className="card lg:col-span-2">
      <h2 id="agents-h" className="px-5 pt-4 text-base">Agents</h2>
      {report.agents.length === 0 ? (
        <p className="px-5 pb-4 pt-1 text-sm text-secondary-600">No agent took a conversation in this period.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="table mt-2">
            <thead>
              <tr><th scope="col">Agent</th><th scope="col">Conversations</th><th scope="col">Median first response</th><th scope="col">Rating</th></tr>
            </thead>
            <tbody>
              {report.agents.map((a) => (
                <tr key={a.id}>
                  <td className="font-medium">{a.display_name}</td>
                  <td className="tabular-nums">{count(a.conversations)}</td>
                  <td className="tabular-nums">{duration(a.median_first_response_s)}</td>
                  <td className="tabular-nums">{a.rating_avg === null ? "—" : `${a.rating_avg.toFixed(1)} / 5`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
