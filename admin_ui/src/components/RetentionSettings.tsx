// A widget's retention (docs/privacy.md): keep conversations for good, or erase those that ended
// more than N days ago (a scheduled task on the server does it).
import { Field, Toggle } from "./ui";

const DEFAULT_DAYS = 365;

export function RetentionSettings({ days, error, disabled, onChange }: {
  days: number | null;
  error?: string | undefined;
  disabled?: boolean;
  onChange: (days: number | null) => void;
}) {
  return (
    <section aria-labelledby="retention-h" className="space-y-4">
      <h2 id="retention-h">Retention</h2>
      <Toggle checked={days !== null} disabled={disabled} label="Erase old conversations"
        description="Conversations that ended (closed or abandoned) longer ago than this are erased: messages, files, emails and the visitor's details. The analytics keep counting them."
        onChange={(on) => onChange(on ? DEFAULT_DAYS : null)} />
      {days !== null && (
        <Field label="Keep conversations for (days)" error={error}
          hint="From 1 to 36500 days after a conversation ended. Erasure cannot be undone.">
          {(p) => <input {...p} type="number" min={1} max={36500} step={1} className="field max-w-40"
            value={Number.isNaN(days) ? "" : days} disabled={disabled}
            onChange={(e) => onChange(e.target.value === "" ? Number.NaN : Number(e.target.value))} />}
        </Field>
      )}
      {days === null && <p className="text-sm text-secondary-600">Conversations are kept until deleted by hand.</p>}
    </section>
  );
}
