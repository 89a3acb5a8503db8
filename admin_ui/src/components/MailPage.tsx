// The outbox, for admins: the emails that could not be sent (with the SMTP server's last
// answer) and those waiting to go, each with a Retry button that sends it again now.
import { useCallback, useEffect, useState } from "react";
import * as api from "../api";
import { ago } from "../format";
import type { OutboxCounts, OutboxEmail } from "../types";
import { EmptyState, ErrorNote, PageHeader, Spinner, useToast } from "./ui";

interface Outbox { counts: OutboxCounts; failed: OutboxEmail[]; pending: OutboxEmail[] }

export function MailPage({ onChange }: { onChange: () => void }) {
  const [data, setData] = useState<Outbox | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const toast = useToast();

  const load = useCallback(async () => {
    try {
      const [failed, pending] = await Promise.all([api.outbox("failed"), api.outbox("pending")]);
      setData({ counts: pending.counts, failed: failed.rows, pending: pending.rows });
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => void load(), [load]);

  if (error) return <ErrorNote error={error} retry={() => void load()} />;
  if (!data) return <Spinner />;

  const retry = async (email: OutboxEmail) => {
    setBusy(email.id);
    try {
      await api.retryEmail(email.id);
      toast(`The email to ${email.recipient ?? "its recipients"} will be sent again now.`);
      await load();
      onChange();
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), "error");
    } finally {
      setBusy(null);
    }
  };

  const { counts } = data;
  return (
    <div className="max-w-6xl space-y-8">
      <PageHeader title="Mail"
        subtitle={`${counts.failed} failed · ${counts.pending} waiting · ${counts.sent} sent`}
        actions={<button type="button" className="btn-secondary" onClick={() => void load()}>Refresh</button>} />
      <section aria-labelledby="mail-failed">
        <h2 id="mail-failed" className="mb-3">Could not be sent</h2>
        {data.failed.length === 0
          ? <EmptyState title="No failed emails">Emails the SMTP server refused, or that failed every attempt, show here.</EmptyState>
          : <EmailTable rows={data.failed} busy={busy} onRetry={(e) => void retry(e)} testid="failed-email" />}
      </section>
      <section aria-labelledby="mail-pending">
        <h2 id="mail-pending" className="mb-3">Waiting to be sent</h2>
        {data.pending.length === 0
          ? <EmptyState title="Nothing waiting">Every email has gone out.</EmptyState>
          : <EmailTable rows={data.pending} busy={busy} onRetry={(e) => void retry(e)} testid="pending-email" />}
      </section>
    </div>
  );
}

function EmailTable({ rows, busy, onRetry, testid }: {
  rows: OutboxEmail[];
  busy: number | null;
  onRetry: (email: OutboxEmail) => void;
  testid: string;
}) {
  return (
    <div className="card overflow-x-auto">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">To</th><th scope="col">Attempts</th>
            <th scope="col">{testid === "failed-email" ? "Last tried" : "Due"}</th>
            <th scope="col">Last error</th><th scope="col"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.id} data-testid={testid}>
              <td>
                <span className="block font-medium">{e.recipient ?? "—"}</span>
                <span className="block text-xs text-secondary-600">#{e.id} · {e.kind}</span>
              </td>
              <td>{e.attempts}{e.leased && <span className="ml-2 badge bg-primary-50 text-primary-700">sending</span>}</td>
              <td title={e.due_at}>{e.status === "pending" ? due(e.due_at) : ago(e.due_at)}</td>
              <td className={`max-w-md break-words text-sm ${e.last_error ? "text-error-700" : "text-secondary-600"}`}>
                {e.last_error ?? "—"}
              </td>
              <td className="text-right">
                <button type="button" className="btn-secondary btn-sm" disabled={busy === e.id || e.leased}
                  aria-label={`Retry the email to ${e.recipient ?? e.kind}`} onClick={() => onRetry(e)}>
                  Retry
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "now", or "in 5 min" for an email waiting out its back-off. */
function due(iso: string, now = Date.now()): string {
  const s = (Date.parse(iso) - now) / 1000;
  if (s <= 60) return "now";
  if (s < 3600) return `in ${Math.round(s / 60)} min`;
  return `in ${(s / 3600).toFixed(1).replace(/\.0$/, "")} h`;
}
