// The analytics charts (recharts): conversations per day by outcome, the outcome mix, escalation
// reasons, median wait and first response, ratings, and the busiest hours.
import {
  Bar, BarChart, CartesianGrid, Cell, Legend, Line, LineChart, Pie, PieChart, ResponsiveContainer,
  Tooltip, XAxis, YAxis,
} from "recharts";
import { OUTCOMES, heatmap, outcomeMix, reasons, series, timeScale } from "../analyticsData";
import { count, duration, percent, shortDate } from "../format";
import type { AnalyticsReport } from "../types";

const AXIS = { fontSize: 12, fill: "#495057" };
const GRID = "#e9ecef";

function ChartCard({ title, summary, children, className = "" }: {
  title: string;
  summary: string;
  children: React.ReactNode;
  className?: string;
}) {
  return (
    <figure className={`card px-5 py-4 ${className}`}>
      <figcaption>
        <h2 className="text-base">{title}</h2>
        <p className="text-sm text-secondary-600">{summary}</p>
      </figcaption>
      <div className="mt-3">{children}</div>
    </figure>
  );
}

export function ConversationsChart({ report }: { report: AnalyticsReport }) {
  const data = series(report.days);
  const weekly = data.length < report.days.length;
  return (
    <ChartCard title="Conversations" className="lg:col-span-2"
      summary={`${count(report.totals.conversations)} started ${weekly ? "(per week)" : "(per day)"}, by what became of them.`}>
      <div className="h-64" data-testid="chart-conversations">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid vertical={false} stroke={GRID} />
            <XAxis dataKey="label" tickFormatter={shortDate} tick={AXIS} tickLine={false} axisLine={false} minTickGap={16} />
            <YAxis allowDecimals={false} tick={AXIS} tickLine={false} axisLine={false} />
            <Tooltip labelFormatter={(l) => (weekly ? `Week of ${shortDate(String(l))}` : shortDate(String(l)))} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {OUTCOMES.map((o) => (
              <Bar key={o.key} dataKey={o.key} name={o.label} stackId="outcome" fill={o.color} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </ChartCard>
  );
}

export function OutcomeChart({ report }: { report: AnalyticsReport }) {
  const mix = outcomeMix(report);
  const total = report.totals.conversations;
  return (
    <ChartCard title="Outcomes"
      summary={total ? `${percent(report.totals.ai_resolved, total)} resolved by the AI alone, ${percent(report.totals.escalated, total)} escalated.` : "No conversations in this period."}>
      <div className="flex items-center gap-4">
        <div className="h-40 w-40 shrink-0">
          <ResponsiveContainer width="100%" height="100%">
            <PieChart>
              <Pie data={mix.length ? mix : [{ key: "none", label: "None", value: 1, color: GRID }]} dataKey="value" nameKey="label"
                innerRadius="60%" outerRadius="100%" paddingAngle={mix.length > 1 ? 2 : 0} isAnimationActive={false}>
                {(mix.length ? mix : [{ key: "none", color: GRID }]).map((m) => <Cell key={m.key} fill={m.color} />)}
              </Pie>
              {mix.length > 0 && <Tooltip />}
            </PieChart>
          </ResponsiveContainer>
        </div>
        <ul className="space-y-1 text-sm" data-testid="outcome-legend">
          {OUTCOMES.map((o) => (
            <li key={o.key} className="flex items-center gap-2">
              <span className="inline-block h-3 w-3 rounded-sm" style={{ background: o.color }} aria-hidden="true" />
              <span className="w-32">{o.label}</span>
              <span className="tabular-nums font-medium">{count(report.totals[o.key])}</span>
              <span className="tabular-nums text-secondary-600">{percent(report.totals[o.key], total)}</span>
            </li>
          ))}
        </ul>
      </div>
    </ChartCard>
  );
}

export function ReasonsChart({ report }: { report: AnalyticsReport }) {
  const data = reasons(report);
  return (
    <ChartCard title="Why conversations were escalated"
      summary={data.length ? `${count(report.totals.escalated)} escalated; the most common reason: ${data[0]?.label.toLowerCase()}.` : "Nothing was escalated in this period."}>
      {data.length === 0 ? <p className="py-8 text-center text-sm text-secondary-600">No escalations.</p> : (
        <div style={{ height: Math.max(120, data.length * 36) }}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} layout="vertical" margin={{ top: 0, right: 24, bottom: 0, left: 8 }}>
              <XAxis type="number" allowDecimals={false} tick={AXIS} tickLine={false} axisLine={false} />
              <YAxis type="category" dataKey="label" width={170} tick={AXIS} tickLine={false} axisLine={false} />
              <Tooltip />
              <Bar dataKey="count" name="Conversations" fill="#007bff" radius={[0, 4, 4, 0]} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
    </ChartCard>
  );
}

export function ResponseTimesChart({ report }: { report: AnalyticsReport }) {
  // Every day of the period is on the axis; a day without a figure is a gap in its line (a
  // day alone between gaps is a dot), and the axis is in seconds or minutes as the figures fit.
  const days = series(report.days);
  const scale = timeScale(Math.max(0, ...days.flatMap((d) => [d.median_wait_s ?? 0, d.median_first_response_s ?? 0])));
  const data = days.map((d) => ({ ...d,
    wait: d.median_wait_s === null ? null : d.median_wait_s / scale.divisor,
    first: d.median_first_response_s === null ? null : d.median_first_response_s / scale.divisor }));
  const weekly = data.length < report.days.length;
  return (
    <ChartCard title="Wait and first response"
      summary={`Median wait for an agent ${duration(report.totals.median_wait_s)}; median first reply after accepting ${duration(report.totals.median_first_response_s)}.${weekly ? " Weeks show the median of their days." : ""}`}>
      <div className="h-56" data-testid="chart-response-times" data-unit={scale.name} data-points={data.length}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid vertical={false} stroke={GRID} />
            <XAxis dataKey="label" tickFormatter={shortDate} tick={AXIS} tickLine={false} axisLine={false} minTickGap={16} />
            <YAxis tick={AXIS} tickLine={false} axisLine={false} unit={scale.unit} allowDecimals={scale.divisor === 1 ? false : true}
              width={56} label={{ value: scale.name, angle: -90, position: "insideLeft", style: { ...AXIS, textAnchor: "middle" } }} />
            <Tooltip labelFormatter={(l) => shortDate(String(l))}
              formatter={(v) => (typeof v === "number" ? duration(v * scale.divisor) : "—")} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Line type="linear" dataKey="wait" name="Median wait" stroke="#fd7e14" strokeWidth={2} dot={{ r: 3 }} connectNulls={false} isAnimationActive={false} />
            <Line type="linear" dataKey="first" name="Median first response" stroke="#007bff" strokeWidth={2} dot={{ r: 3 }} connectNulls={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
    </ChartCard>
  );
}

export function RatingsChart({ report }: { report: AnalyticsReport }) {
  const { rated, rating_avg: avg } = report.totals;
  return (
    <ChartCard title="Ratings"
      summary={rated ? `${avg?.toFixed(2)} / 5 average from ${count(rated)} rated conversation${rated === 1 ? "" : "s"}.` : "No conversation was rated in this period."}>
      <div className="h-40">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={report.ratings.map((r) => ({ ...r, label: `${r.rating} ★` }))} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid vertical={false} stroke={GRID} />
            <XAxis dataKey="label" tick={AXIS} tickLine={false} axisLine={false} />
            <YAxis allowDecimals={false} tick={AXIS} tickLine={false} axisLine={false} />
            <Tooltip />
            <Bar dataKey="count" name="Conversations" isAnimationActive={false}>
              {report.ratings.map((r) => <Cell key={r.rating} fill={r.rating >= 4 ? "#28a745" : r.rating === 3 ? "#ffc107" : "#dc3545"} />)}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
    </ChartCard>
  );
}

export function BusiestHours({ report, summary }: { report: AnalyticsReport; summary: string }) {
  const grid = heatmap(report.busiest_hours);
  return (
    <ChartCard title="Busiest hours" summary={summary} className="lg:col-span-2">
      <div className="overflow-x-auto">
        <table className="border-separate text-xs" style={{ borderSpacing: 2 }} data-testid="busiest-hours">
          <thead>
            <tr>
              <th scope="col"><span className="sr-only">Day</span></th>
              {Array.from({ length: 24 }, (_, h) => (
                <th key={h} scope="col" className="w-6 font-normal text-secondary-600">{h % 3 === 0 ? String(h).padStart(2, "0") : ""}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {grid.rows.map((row) => (
              <tr key={row.day}>
                <th scope="row" className="pr-2 text-left font-medium text-secondary-700">{row.day}</th>
                {row.cells.map((c) => (
                  <td key={c.hour} className={`heat-${c.level} h-6 w-6 rounded-sm`}
                    title={`${row.day} ${String(c.hour).padStart(2, "0")}:00 · ${c.n} conversation${c.n === 1 ? "" : "s"}`}>
                    <span className="sr-only">{c.n}</span>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </ChartCard>
  );
}
