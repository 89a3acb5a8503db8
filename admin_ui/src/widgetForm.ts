// The widget builder's form: the settings it edits, the checks the server makes (so a mistake
// is shown at once, under its field, with the server's wording), what a save sends, and the
// config the live preview renders. Field keys are the server's (`prechat_fields[0].name`,
// `business_hours.mon`, `ai_settings.temperature`), so a 422's `fields` land in the same place.

import type { AISettings, BusinessHours, Day, EmailLanguage, PrechatField, Widget, WidgetSettings } from "./types";

export const DAYS: Day[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
export const DAY_NAMES: Record<Day, string> = {
  mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday",
  sat: "Saturday", sun: "Sunday",
};
/** The widget's languages (widget/src/i18n; the emails exist in the first four, else English). */
export const EMAIL_LANGUAGES: { id: EmailLanguage; label: string }[] = [
  { id: "en", label: "English" }, { id: "es", label: "Español" }, { id: "fr", label: "Français" },
  { id: "de", label: "Deutsch" }, { id: "pt", label: "Português" }, { id: "it", label: "Italiano" },
  { id: "nl", label: "Nederlands" }, { id: "ar", label: "العربية" },
];
/** An override's longest text (chatserver/services/widget_texts.py). */
export const MAX_OVERRIDE = 500;
export const MAX_PRECHAT_FIELDS = 10;
export const MAX_ORIGINS = 50;
const COLOR_RE = /^#[0-9a-fA-F]{6}$/;
const FIELD_NAME_RE = /^[a-z][a-z0-9_]{0,31}$/;
const HHMM_RE = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export const DEFAULTS: WidgetSettings = {
  business_name: "My business",
  widget_title: "Chat with us",
  welcome_message: "Hi! How can we help you today?",
  primary_color: "#007bff",
  secondary_color: "#6c757d",
  position: "bottom-right",
  enable_prechat_form: false,
  prechat_fields: [],
  allowed_origins: [],
  business_hours: null,
  timezone: "UTC",
  language: "en",
  ai_enabled: true,
  visitor_uploads: true,
  ai_settings: {},
  enforce_identity: false,
  require_identity: false,
  retention_days: null,
  visitor_tracking: false,
  hide_when_offline: false,
  text_overrides: {},
};
export const RETENTION_MAX_DAYS = 36500;

/** Weekdays 9 to 5: what "Set business hours" starts from. */
export const OFFICE_HOURS: BusinessHours = {
  mon: [["09:00", "17:00"]], tue: [["09:00", "17:00"]], wed: [["09:00", "17:00"]],
  thu: [["09:00", "17:00"]], fri: [["09:00", "17:00"]], sat: [], sun: [],
};

export function settingsOf(w: Widget): WidgetSettings {
  const out = {} as Record<string, unknown>;
  for (const key of Object.keys(DEFAULTS) as (keyof WidgetSettings)[]) {
    out[key] = structuredClone(w[key] ?? DEFAULTS[key]);
  }
  return out as unknown as WidgetSettings;
}

/** A new widget's settings: the defaults, named after the admin's business and time zone. */
export function newSettings(timezone: string): WidgetSettings {
  return { ...structuredClone(DEFAULTS), business_name: "", timezone };
}

/** `scheme://host[:port]`, lower-cased, default port dropped; null when not an origin. As the
 * server normalises (chatserver/services/widgets.py). */
export function normalizeOrigin(value: string): string | null {
  const text = value.trim();
  if (!/^https?:\/\/[^/?#]/i.test(text)) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash || url.username
    || url.password || !url.hostname) return null;
  // The URL parser accepts a trailing "/" only; anything after the host makes it a page.
  if (/^https?:\/\/[^/]+\/.+/i.test(text)) return null;
  return url.origin;
}

function checkText(errors: Record<string, string>, key: string, value: string, max: number,
  required = false): void {
  const v = value.trim();
  if (required && !v) errors[key] = "is required";
  else if (v.length > max) errors[key] = `must be at most ${max} characters`;
}

function checkNumber(errors: Record<string, string>, key: string, value: unknown, min: number,
  max: number, integer: boolean): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "number" || Number.isNaN(value)) errors[key] = "must be a number";
  else if (integer && !Number.isInteger(value)) errors[key] = "must be a whole number";
  else if (value < min || value > max) errors[key] = `must be between ${min} and ${max}`;
}

/** Problems with the settings, by the server's field keys (empty when none). */
export function validate(s: WidgetSettings, zones?: Set<string>): Record<string, string> {
  const errors: Record<string, string> = {};
  checkText(errors, "business_name", s.business_name, 100, true);
  checkText(errors, "widget_title", s.widget_title, 100, true);
  checkText(errors, "welcome_message", s.welcome_message, 1000);
  for (const key of ["primary_color", "secondary_color"] as const) {
    if (!COLOR_RE.test(s[key].trim())) errors[key] = "must be a colour like #007bff";
  }
  if (s.prechat_fields.length > MAX_PRECHAT_FIELDS) {
    errors.prechat_fields = `at most ${MAX_PRECHAT_FIELDS} fields`;
  }
  const seen = new Set<string>();
  s.prechat_fields.forEach((f, i) => {
    const key = `prechat_fields[${i}]`;
    const name = f.name.trim();
    if (!name) errors[`${key}.name`] = "is required";
    else if (!FIELD_NAME_RE.test(name)) {
      errors[`${key}.name`] = "lower-case letters, digits and _, starting with a letter";
    } else if (seen.has(name)) errors[`${key}.name`] = "is used twice";
    seen.add(name);
    checkText(errors, `${key}.label`, f.label, 100, true);
    if (f.type === "select") {
      const options = (f.options ?? []).map((o) => o.trim()).filter(Boolean);
      if (!options.length) errors[`${key}.options`] = "a select field needs at least one option";
      else if (options.some((o) => o.length > 100)) {
        errors[`${key}.options`] = "options must be non-empty strings (≤ 100)";
      }
    }
  });
  const bad = s.allowed_origins.find((o) => normalizeOrigin(o) === null);
  if (bad !== undefined) {
    errors.allowed_origins = `'${bad.slice(0, 100)}' is not an origin like https://example.com`;
  } else if (new Set(s.allowed_origins.map(normalizeOrigin)).size > MAX_ORIGINS) {
    errors.allowed_origins = `at most ${MAX_ORIGINS} origins`;
  }
  if (!EMAIL_LANGUAGES.some((l) => l.id === s.language)) {
    errors.language = `must be one of ${EMAIL_LANGUAGES.map((l) => l.id).join(", ")}`;
  }
  if (!s.timezone.trim()) errors.timezone = "is required";
  else if (zones && zones.size && !zones.has(s.timezone)) {
    errors.timezone = "must be an IANA time zone such as Europe/Paris";
  }
  for (const day of DAYS) {
    for (const [start, end] of s.business_hours?.[day] ?? []) {
      if (!HHMM_RE.test(start) || !HHMM_RE.test(end) || start >= end) {
        errors[`business_hours.${day}`] = "each span is [start, end] with start < end";
      }
    }
  }
  const ai = s.ai_settings;
  checkText(errors, "ai_settings.model", ai.model ?? "", 200);
  checkText(errors, "ai_settings.fallback_model", ai.fallback_model ?? "", 200);
  checkText(errors, "ai_settings.system_prompt", ai.system_prompt ?? "", 4000);
  checkText(errors, "ai_settings.language", ai.language ?? "", 35);
  checkNumber(errors, "ai_settings.temperature", ai.temperature, 0, 2, false);
  checkNumber(errors, "ai_settings.max_tokens", ai.max_tokens, 1, 8192, true);
  checkNumber(errors, "ai_settings.daily_token_budget", ai.daily_token_budget, 0, 100_000_000, true);
  checkNumber(errors, "ai_settings.visitor_message_limit", ai.visitor_message_limit, 0, 10_000, true);
  if (s.retention_days !== null) checkNumber(errors, "retention_days", s.retention_days, 1, RETENTION_MAX_DAYS, true);
  for (const [lang, texts] of Object.entries(s.text_overrides ?? {})) {
    for (const [key, text] of Object.entries(texts)) {
      if (text.length > MAX_OVERRIDE) errors[`text_overrides.${lang}.${key}`] = `at most ${MAX_OVERRIDE} characters`;
      else if (/[\r\n]/.test(text)) errors[`text_overrides.${lang}.${key}`] = "must be one line";
    }
  }
  return errors;
}

/** AI settings without the empty ones (the server takes absent as "use the default"). */
export function cleanAI(ai: AISettings): AISettings {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ai)) {
    if (v === undefined || v === null || (typeof v === "string" && v.trim() === "")) continue;
    out[k] = typeof v === "string" ? v.trim() : v;
  }
  return out as AISettings;
}

/** The settings as the server wants them: trimmed, origins normalised, empty AI keys dropped. */
export function payload(s: WidgetSettings): WidgetSettings {
  return {
    ...s,
    business_name: s.business_name.trim(),
    widget_title: s.widget_title.trim(),
    welcome_message: s.welcome_message.trim(),
    primary_color: s.primary_color.trim().toLowerCase(),
    secondary_color: s.secondary_color.trim().toLowerCase(),
    prechat_fields: s.prechat_fields.map(({ options, ...f }) => ({
      ...f, name: f.name.trim(), label: f.label.trim(),
      ...(f.type === "select" ? { options: (options ?? []).map((o) => o.trim()).filter(Boolean) } : {}),
    })),
    allowed_origins: [...new Set(s.allowed_origins.map((o) => normalizeOrigin(o) ?? o.trim()))],
    ai_settings: cleanAI(s.ai_settings),
  };
}

/** The settings that differ from the saved ones: what a save sends (PUT takes a subset). */
export function changes(saved: WidgetSettings, draft: WidgetSettings): Partial<WidgetSettings> {
  const a = payload(saved);
  const b = payload(draft);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(b) as (keyof WidgetSettings)[]) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) out[key] = b[key];
  }
  return out as Partial<WidgetSettings>;
}

/** What the widget's public config would be with these settings: the preview renders it. */
export function previewConfig(s: WidgetSettings, siteKey: string | null, language?: EmailLanguage) {
  const valid = (c: string, fallback: string) => (COLOR_RE.test(c.trim()) ? c.trim().toLowerCase() : fallback);
  return {
    site_key: siteKey ?? "preview",
    business_name: s.business_name.trim() || "Your business",
    widget_title: s.widget_title.trim() || s.business_name.trim() || "Chat with us",
    welcome_message: s.welcome_message.trim(),
    primary_color: valid(s.primary_color, DEFAULTS.primary_color),
    secondary_color: valid(s.secondary_color, DEFAULTS.secondary_color),
    position: s.position,
    enable_prechat_form: s.enable_prechat_form,
    prechat_fields: s.prechat_fields.filter((f) => f.label.trim() && FIELD_NAME_RE.test(f.name.trim()))
      .map((f) => ({ ...f, options: (f.options ?? []).filter((o) => o.trim()) })),
    business_hours: s.business_hours,
    timezone: s.timezone,
    ai_enabled: s.ai_enabled,
    visitor_uploads: s.visitor_uploads,
    require_identity: s.require_identity, // the preview then shows the sign-in message
    hidden_now: false, // the preview always shows the launcher
    hide_when_offline: s.hide_when_offline,
    uploads: { max_bytes: 10 * 1024 * 1024, max_files: 10, types: [] }, // the preview uploads nothing
    mail: false, // the preview sends nothing
    // The Texts tab previews the language it edits; else the widget's default language.
    language: language ?? s.language,
    text_overrides: s.text_overrides,
  };
}

/** The one tag a site pastes. */
export function snippet(origin: string, siteKey: string): string {
  return `<script src="${origin.replace(/\/$/, "")}/widget.js" data-site-key="${siteKey}" async></script>`;
}

/** A field name made from its label ("Order number" -> "order_number"). */
export function fieldName(label: string, taken: string[]): string {
  let base = label.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "_")
    .replace(/^[^a-z]+/, "").replace(/_+$/, "").slice(0, 28) || "field";
  if (!/^[a-z]/.test(base)) base = `f_${base}`;
  let name = base;
  for (let n = 2; taken.includes(name); n++) name = `${base}_${n}`;
  return name;
}

export function newField(taken: string[]): PrechatField {
  return { name: fieldName("Field", taken), label: "", type: "text", required: false };
}

/** Errors whose key is the field's or under it (`prechat_fields` matches `prechat_fields[0].name`). */
export function errorsUnder(errors: Record<string, string>, prefix: string): string[] {
  return Object.entries(errors).filter(([k]) => k === prefix || k.startsWith(`${prefix}.`)
    || k.startsWith(`${prefix}[`)).map(([, v]) => v);
}

/** Which builder tab shows a field, so a server error on a hidden tab can be pointed at. */
export function tabOf(key: string): string {
  if (/^(business_name|widget_title|welcome_message|language)/.test(key)) return "messages";
  if (/^(primary_color|secondary_color|position)/.test(key)) return "appearance";
  if (/^(enable_prechat_form|prechat_fields|visitor_uploads|visitor_tracking)/.test(key)) return "prechat";
  if (/^(business_hours|timezone)/.test(key)) return "hours";
  if (/^allowed_origins/.test(key)) return "install";
  if (/^ai_/.test(key)) return "ai";
  if (/^(enforce|require)_identity/.test(key)) return "identity";
  if (/^retention_days/.test(key)) return "privacy";
  if (/^text_overrides/.test(key)) return "texts";
  return "messages";
}
