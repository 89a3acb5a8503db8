// The AI first responder of a widget: on or off, and how it answers.
import type { AISettings } from "../types";
import { Field, Toggle } from "./ui";

const PROVIDERS = [
  { id: "", label: "Server default" },
  { id: "offline", label: "Offline (answers from the knowledge base, no model)" },
  { id: "openai", label: "OpenAI-compatible model (the server's provider settings)" },
  { id: "default", label: "Default provider" },
];

function numberOrUndefined(text: string): number | undefined {
  if (text.trim() === "") return undefined;
  const n = Number(text);
  return Number.isNaN(n) ? Number.NaN : n;
}

export function AISettingsForm({ enabled, settings, onEnabled, onChange, errors, disabled, onKnowledge }: {
  enabled: boolean;
  settings: AISettings;
  onEnabled: (v: boolean) => void;
  onChange: (s: AISettings) => void;
  errors: Record<string, string>;
  disabled: boolean;
  onKnowledge: (() => void) | null;
}) {
  const set = <K extends keyof AISettings>(key: K, value: AISettings[K]) => {
    const next = { ...settings };
    if (value === undefined || value === "") delete next[key];
    else next[key] = value;
    onChange(next);
  };
  const num = (key: "temperature" | "max_tokens" | "daily_token_budget" | "visitor_message_limit",
    label: string, hint: string, step: string) => (
    <Field label={label} hint={hint} error={errors[`ai_settings.${key}`]}>
      {(p) => <input {...p} className="field" type="number" step={step} disabled={disabled || !enabled}
        value={settings[key] === undefined || Number.isNaN(settings[key]) ? "" : String(settings[key])}
        onChange={(e) => set(key, numberOrUndefined(e.target.value))} />}
    </Field>
  );
  return (
    <div className="space-y-5">
      <Toggle checked={enabled} onChange={onEnabled} disabled={disabled} label="AI first responder"
        description={enabled ? "The AI answers first, from the knowledge base, and hands over to a person when asked or stuck."
          : "Every conversation goes straight to the queue for a person."} />
      {onKnowledge && (
        <p className="text-sm text-secondary-700">
          The AI answers from this widget's knowledge base.{" "}
          <button type="button" className="text-primary-700 underline" onClick={onKnowledge}>Edit the knowledge base</button>
        </p>
      )}
      <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
        <Field label="Provider" error={errors["ai_settings.provider"]}>
          {(p) => (
            <select {...p} className="field" disabled={disabled || !enabled} value={settings.provider ?? ""}
              onChange={(e) => set("provider", (e.target.value || undefined) as AISettings["provider"])}>
              {PROVIDERS.map((o) => <option key={o.id} value={o.id}>{o.label}</option>)}
            </select>
          )}
        </Field>
        <Field label="Reply language" hint="Empty: the visitor's language." error={errors["ai_settings.language"]}>
          {(p) => <input {...p} className="field" disabled={disabled || !enabled} value={settings.language ?? ""}
            placeholder="e.g. en, fr" maxLength={35} onChange={(e) => set("language", e.target.value)} />}
        </Field>
        <Field label="Model" hint="Empty: the server's model." error={errors["ai_settings.model"]}>
          {(p) => <input {...p} className="field font-mono" disabled={disabled || !enabled} value={settings.model ?? ""}
            maxLength={200} onChange={(e) => set("model", e.target.value)} />}
        </Field>
        <Field label="Fallback model" hint="Tried when the model fails." error={errors["ai_settings.fallback_model"]}>
          {(p) => <input {...p} className="field font-mono" disabled={disabled || !enabled} value={settings.fallback_model ?? ""}
            maxLength={200} onChange={(e) => set("fallback_model", e.target.value)} />}
        </Field>
        {num("temperature", "Temperature", "0 (focused) to 2 (inventive).", "0.1")}
        {num("max_tokens", "Longest reply (tokens)", "1 to 8192.", "1")}
        {num("daily_token_budget", "Daily token budget", "0: no limit. Past it, chats go to a person.", "1")}
        {num("visitor_message_limit", "Messages per visitor", "0: no limit. Past it, the AI hands over.", "1")}
      </div>
      <Field label="Instructions" hint="Added to the AI's system prompt: tone, what to avoid, what to offer."
        error={errors["ai_settings.system_prompt"]}>
        {(p) => <textarea {...p} className="field" rows={5} disabled={disabled || !enabled} maxLength={4000}
          value={settings.system_prompt ?? ""} onChange={(e) => set("system_prompt", e.target.value)} />}
      </Field>
    </div>
  );
}
