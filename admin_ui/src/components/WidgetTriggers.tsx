// Proactive messages (docs/widget.md "Proactive triggers"): the widget's triggers, each a short
// message shown by the launcher when its conditions hold, with how often each was shown,
// opened and answered. Saved at once through their own endpoints (not the builder's Save).
import { useCallback, useEffect, useState } from "react";
import * as api from "../api";
import type { Trigger, TriggerInput } from "../types";
import { ConfirmDialog, Dialog, EmptyState, ErrorNote, Field, Spinner, Toggle, useToast } from "./ui";

const BLANK: TriggerInput = {
  name: "", message: "", kind: "auto", open_widget: false, enabled: true, url_match: null,
  url_pattern: null, delay_s: null, scroll_pct: null, returning_visitor: false,
};

/** The conditions in a few words, for the list. */
export function describeTrigger(t: TriggerInput): string {
  const parts: string[] = [];
  if (t.kind === "js") parts.push(`Parley.trigger("${t.name}")`);
  if (t.url_match && t.url_pattern) parts.push(t.url_match === "glob" ? `URL matches ${t.url_pattern}` : `URL contains ${t.url_pattern}`);
  if (t.delay_s) parts.push(`after ${t.delay_s} s`);
  if (t.scroll_pct) parts.push(`scrolled ${t.scroll_pct}%`);
  if (t.returning_visitor) parts.push("returning visitors");
  return parts.length ? parts.join(" · ") : "Every page";
}

export function WidgetTriggers({ siteKey, editable, tracking, onPreview }: {
  siteKey: string;
  editable: boolean;
  /** The widget's visitor_tracking (saved): returning-visitor triggers need it. */
  tracking: boolean;
  /** Show a trigger's bubble in the live preview (null: none). */
  onPreview: (trigger: TriggerInput | null) => void;
}) {
  const [triggers, setTriggers] = useState<Trigger[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Trigger | "new" | null>(null);
  const [deleting, setDeleting] = useState<Trigger | null>(null);
  const toast = useToast();
  const load = useCallback(async () => {
    try {
      setTriggers(await api.listTriggers(siteKey));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [siteKey]);
  useEffect(() => void load(), [load]);

  const setEnabled = async (t: Trigger, enabled: boolean) => {
    try {
      const changed = await api.updateTrigger(siteKey, t.id, { enabled });
      setTriggers((all) => all?.map((x) => (x.id === t.id ? changed : x)) ?? null);
      toast(enabled ? `${t.name} is on.` : `${t.name} is off.`);
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), "error");
    }
  };

  if (error) return <ErrorNote error={error} retry={() => void load()} />;
  if (!triggers) return <Spinner />;
  return (
    <div className="space-y-4">
      <p className="text-sm text-secondary-700">
        Greet visitors with a short message by the launcher when they are on a page, have stayed a while or
        scrolled far enough, or when your page calls <code>Parley.trigger(name)</code>. Each shows at most once per
        page view, and never again in a browser where the visitor dismissed one. Nothing is stored unless the
        visitor answers.
      </p>
      {triggers.length === 0 ? (
        <EmptyState title="No triggers yet">Add one to greet visitors before they ask.</EmptyState>
      ) : (
        <ul className="divide-y divide-secondary-100 rounded border border-secondary-200" aria-label="Triggers">
          {triggers.map((t) => (
            <li key={t.id} className="space-y-2 px-4 py-3" data-trigger={t.name}>
              <div className="flex flex-wrap items-start justify-between gap-3">
                <div className="min-w-0">
                  <span className="block font-medium">{t.name}</span>
                  <span className="block text-xs text-secondary-600">{describeTrigger(t)}{t.open_widget ? " · opens the chat" : ""}</span>
                </div>
                <div className="flex items-center gap-2">
                  <Toggle checked={t.enabled} disabled={!editable} label={`${t.name} on`} onChange={(v) => void setEnabled(t, v)} />
                  <button type="button" className="btn-ghost btn-sm" onClick={() => onPreview(t)}>Preview</button>
                  {editable && <button type="button" className="btn-secondary btn-sm" aria-label={`Edit ${t.name}`} onClick={() => setEditing(t)}>Edit</button>}
                  {editable && <button type="button" className="btn-ghost btn-sm text-error-700" aria-label={`Delete ${t.name}`} onClick={() => setDeleting(t)}>Delete</button>}
                </div>
              </div>
              <p className="whitespace-pre-wrap text-sm text-secondary-800">{t.message}</p>
              <p className="text-xs text-secondary-600" data-testid="trigger-counts">
                Shown {t.counts.shown} · opened {t.counts.opened} · answered {t.counts.answered}
                <span className="ml-2">(last 30 days: {t.counts_30d.shown} · {t.counts_30d.opened} · {t.counts_30d.answered})</span>
              </p>
            </li>
          ))}
        </ul>
      )}
      {editable && <button type="button" className="btn-primary" onClick={() => setEditing("new")}>Add trigger</button>}
      {editing && (
        <TriggerDialog siteKey={siteKey} trigger={editing === "new" ? null : editing} tracking={tracking}
          onPreview={onPreview} onClose={() => setEditing(null)}
          onSaved={(t) => {
            setTriggers((all) => (editing === "new" ? [...(all ?? []), t] : all?.map((x) => (x.id === t.id ? t : x)) ?? null));
            toast(editing === "new" ? `${t.name} added.` : `${t.name} saved.`);
            setEditing(null);
          }} />
      )}
      {deleting && (
        <ConfirmDialog title={`Delete ${deleting.name}?`} confirm="Delete trigger"
          body={<p>The trigger and its counts are deleted. Conversations it started stay.</p>}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await api.deleteTrigger(siteKey, deleting.id);
            setTriggers((all) => all?.filter((x) => x.id !== deleting.id) ?? null);
            toast(`${deleting.name} deleted.`);
          }} />
      )}
    </div>
  );
}

function TriggerDialog({ siteKey, trigger, tracking, onClose, onSaved, onPreview }: {
  siteKey: string;
  trigger: Trigger | null;
  tracking: boolean;
  onClose: () => void;
  onSaved: (t: Trigger) => void;
  onPreview: (t: TriggerInput | null) => void;
}) {
  const [form, setForm] = useState<TriggerInput>(() => {
    if (!trigger) return BLANK;
    const { id: _id, counts: _c, counts_30d: _r, created_at: _a, updated_at: _u, ...input } = trigger;
    return input;
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof TriggerInput>(key: K, value: TriggerInput[K]) => {
    const next = { ...form, [key]: value };
    setForm(next);
    setErrors(({ [key]: _gone, ...rest }) => rest);
    if (next.message.trim()) onPreview(next);
  };
  const seconds = (raw: string): number | null => (raw.trim() === "" ? null : Number(raw));

  const save = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const body = { ...form, url_pattern: form.url_match ? form.url_pattern : null };
      onSaved(trigger ? await api.updateTrigger(siteKey, trigger.id, body) : await api.createTrigger(siteKey, body));
    } catch (err) {
      if (err instanceof api.ApiError) {
        setErrors(err.fields);
        setProblem(err.code === "trigger_name_taken" ? "Another trigger of this widget has that name." : err.message);
      } else {
        setProblem(err instanceof Error ? err.message : String(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={trigger ? `Edit ${trigger.name}` : "New trigger"} onClose={onClose} wide footer={<>
      <button type="button" className="btn-secondary" onClick={onClose}>Cancel</button>
      <button type="button" className="btn-primary" disabled={busy} onClick={() => void save()}>{busy ? "Saving…" : "Save trigger"}</button>
    </>}>
      <div className="space-y-4">
        <Field label="Name" hint="Letters, digits, '.', '_' or '-'; what Parley.trigger(name) calls." error={errors.name}>
          {(p) => <input {...p} className="field font-mono" value={form.name} maxLength={64}
            onChange={(e) => set("name", e.target.value)} />}
        </Field>
        <Field label="Message" hint={`Shown in a bubble by the launcher. ${form.message.length}/500`} error={errors.message}>
          {(p) => <textarea {...p} className="field" rows={3} value={form.message} maxLength={500}
            onChange={(e) => set("message", e.target.value)} />}
        </Field>
        <Field label="Fires" error={errors.kind}>
          {(p) => (
            <select {...p} className="field" value={form.kind} onChange={(e) => set("kind", e.target.value as TriggerInput["kind"])}>
              <option value="auto">When the conditions below hold</option>
              <option value="js">When the page calls Parley.trigger(name), and the conditions hold</option>
            </select>
          )}
        </Field>
        <div className="grid grid-cols-1 gap-4 md:grid-cols-[12rem_minmax(0,1fr)]">
          <Field label="Page URL" error={errors.url_match}>
            {(p) => (
              <select {...p} className="field" value={form.url_match ?? ""}
                onChange={(e) => set("url_match", (e.target.value || null) as TriggerInput["url_match"])}>
                <option value="">Any page</option>
                <option value="contains">Contains</option>
                <option value="glob">Matches (* for anything)</option>
              </select>
            )}
          </Field>
          <Field label="URL pattern" hint="A pattern starting with / is the path, e.g. /pricing*" error={errors.url_pattern}>
            {(p) => <input {...p} className="field font-mono" value={form.url_pattern ?? ""} maxLength={500}
              disabled={!form.url_match} onChange={(e) => set("url_pattern", e.target.value || null)} />}
          </Field>
        </div>
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
          <Field label="Seconds on the page" hint="Empty: at once (once the page is idle)." error={errors.delay_s}>
            {(p) => <input {...p} className="field" type="number" min={0} max={3600} value={form.delay_s ?? ""}
              onChange={(e) => set("delay_s", seconds(e.target.value))} />}
          </Field>
          <Field label="Scrolled at least (%)" hint="Empty: no matter." error={errors.scroll_pct}>
            {(p) => <input {...p} className="field" type="number" min={1} max={100} value={form.scroll_pct ?? ""}
              onChange={(e) => set("scroll_pct", seconds(e.target.value))} />}
          </Field>
        </div>
        <Toggle checked={form.returning_visitor} disabled={!tracking && !form.returning_visitor}
          onChange={(v) => set("returning_visitor", v)} label="Returning visitors only"
          description={tracking ? "Visitors back after 30 minutes or more (visitor tracking remembers them)."
            : "Needs visitor tracking (Pre-chat form tab): without it nothing in the browser tells a returning visitor."} />
        {errors.returning_visitor && <p className="error-text" role="alert">{errors.returning_visitor}</p>}
        <Toggle checked={form.open_widget} onChange={(v) => set("open_widget", v)} label="Open the chat too"
          description="Opens the chat window with the message, not only the bubble." />
        <Toggle checked={form.enabled} onChange={(v) => set("enabled", v)} label="On" />
        {problem && <p role="alert" className="error-text">{problem}</p>}
      </div>
    </Dialog>
  );
}
