// What is happening now and today, refreshed every few seconds while the tab is visible.
import { useCallback, useEffect, useRef, useState } from "react";
import * as api from "../api";
import { navigate } from "../router";
import { browserZone, count, duration, percent } from "../format";
import type { LiveFigures, User } from "../types";
import { ErrorNote, PageHeader, Spinner } from "./ui";

// Often enough to feel live, rarely enough to cost nothing (four small queries).
export const POLL_MS = 5000;

export function useLive(tz: string) {
  const [data, setData] = useState<LiveFigures | null>(null);
  const [error, setError] = useState<unknown>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const load = useCallback(async () => {
    clearTimeout(timer.current);
    try {
      setData(await api.live(tz));
      setError(null);
    } catch (err) {
      setError(err);
    }
    if (document.visibilityState === "visible") timer.current = setTimeout(() => void load(), POLL_MS);
  }, [tz]);
  useEffect(() => {
    void load();
    const wake = () => document.visibilityState === "visible" && void load();
    document.addEventListener("visibilitychange", wake);
    return () => {
      clearTimeout(timer.current);
      document.removeEventListener("visibilitychange", wake);
    };
  }, [load]);
  return { data, error, reload: load };
}

export function Dashboard({ user }: { user: User }) {
  const tz = browserZone();
  const { data, error, reload } = useLive(tz);
  if (!data) {
    return error ? <ErrorNote error={error} retry={() => void reload()} /> : <Spinner />;
  }
  const t = data.today;
  const handedOver = t.escalated;
  const online = data.agents.filter((a) => a.status === "online");
  return (
    <div className="max-w-6xl">
      <PageHeader title={`Hello, ${user.display_name}`}
        subtitle={<>Today so far ({tz}) · updated live <span className="ml-1 inline-block h-2 w-2 rounded-full bg-success align-middle" aria-hidden="true" /></>}
        actions={<button type="button" className="btn-secondary" onClick={() => navigate({ page: "analytics" })}>Open analytics</button>} />
      {error ? <div className="mb-4"><ErrorNote error={error} retry={() => void reload()} /></div> : null}
      <section aria-label="Key figures" className="grid grid-cols-1 gap-4 md:grid-cols-2 lg:grid-cols-3">
        <Kpi label="Conversations today" value={count(t.conversations)} testid="kpi-today">
          <HourBars hours={t.hours} />
        </Kpi>
        <Kpi label="Waiting now" value={count(data.now.waiting)} testid="kpi-waiting"
          tone={data.now.waiting > 0 ? "warning" : undefined}>
          <p className="text-sm text-secondary-600">
            {data.now.waiting ? <>Longest wait {duration(data.now.longest_wait_s)}</> : "Nobody is waiting."}
            {" "}· {count(data.now.assigned)} with an agent · {count(data.now.active)} with the AI
          </p>
        </Kpi>
        <Kpi label="Agents online" value={`${online.length}`} testid="kpi-online">
          <p className="text-sm text-secondary-600">of {data.agents.length} in the team</p>
        </Kpi>
        <Kpi label="Resolved by the AI" value={percent(t.ai_resolved, t.conversations)} testid="kpi-ai">
          <ShareBar part={t.ai_resolved} whole={t.conversations} label="resolved by the AI" />
          <p className="mt-2 text-sm text-secondary-600">
            {count(t.ai_resolved)} of {count(t.conversations)} today's conversations
            · {count(handedOver)} escalated to a person
          </p>
        </Kpi>
        <Kpi label="Median first response" value={duration(t.median_first_response_s)} testid="kpi-first">
          <p className="text-sm text-secondary-600">after an agent accepts · median wait {duration(t.median_wait_s)}</p>
        </Kpi>
        <Kpi label="Rating today" value={t.rating_avg === null ? "—" : `${t.rating_avg.toFixed(1)} / 5`} testid="kpi-rating">
          <p className="text-sm text-secondary-600">{t.rated ? `${count(t.rated)} rated` : "No ratings yet today."}</p>
        </Kpi>
      </section>

      <section aria-labelledby="team-h" className="card mt-6">
        <h2 id="team-h" className="border-b border-secondary-200 px-5 py-3">Team</h2>
        {data.agents.length === 0 ? (
          <p className="px-5 py-6 text-sm text-secondary-600">No agents yet.</p>
        ) : (
          <ul className="divide-y divide-secondary-100">
            {data.agents.map((a) => (
              <li key={a.id} className="flex items-center justify-between gap-3 px-5 py-3">
                <span className="flex items-center gap-3">
                  <span className={`h-2 w-2 rounded-full ${a.status === "online" ? "bg-success" : a.status === "away" ? "bg-warning" : "bg-secondary-300"}`} aria-hidden="true" />
                  <span className="text-sm font-medium">{a.display_name}</span>
                  {a.role === "admin" && <span className="badge bg-secondary-100 text-secondary-700">admin</span>}
                </span>
                <span className="text-sm text-secondary-600">
                  {a.status} · {a.active_chats}/{a.max_chats} chats
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function Kpi({ label, value, children, tone, testid }: {
  label: string;
  value: string;
  children?: React.ReactNode;
  tone?: "warning";
  testid: string;
}) {
  return (
    <div className={`card px-5 py-4 ${tone === "warning" ? "border-warning" : ""}`} data-testid={testid}>
      <p className="text-sm font-medium text-secondary-600">{label}</p>
      <p className="kpi-value mt-1">{value}</p>
      {children && <div className="mt-3">{children}</div>}
    </div>
  );
}

/** Today's conversations per hour, as small bars (no chart library on the dashboard). */
function HourBars({ hours }: { hours: number[] }) {
  const max = Math.max(1, ...hours);
  const now = new Date().getHours();
  return (
    <div className="flex h-10 items-end gap-px" role="img"
      aria-label={`Conversations per hour today: ${hours.map((n, h) => `${h}:00 ${n}`).filter((_, h) => hours[h]).join(", ") || "none yet"}`}>
      {hours.map((n, h) => (
        <div key={h} title={`${String(h).padStart(2, "0")}:00 · ${n}`}
          className={`flex-1 rounded-sm ${h > now ? "bg-secondary-100" : n ? "bg-primary" : "bg-secondary-200"}`}
          style={{ height: `${Math.max(8, (n / max) * 100)}%` }} />
      ))}
    </div>
  );
}

/** How much of a whole a part is, as a filled share of a bar (empty at 0, none when there is
 * no whole yet). */
function ShareBar({ part, whole, label }: { part: number; whole: number; label: string }) {
  const share = whole > 0 ? Math.min(1, part / whole) : 0;
  return (
    <div className="flex h-2 overflow-hidden rounded-full bg-secondary-100" role="img" data-testid="share-bar"
      aria-label={whole > 0 ? `${percent(part, whole)} ${label}` : `Nothing ${label} yet`}>
      <div className="bg-ai" data-testid="share-fill" style={{ width: `${share * 100}%` }} />
    </div>
  );
}

