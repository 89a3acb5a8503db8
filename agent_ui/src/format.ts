// Words and times as the inbox shows them.

import type { SystemCode } from "@parley/protocol";

export const ESCALATION_REASONS: Record<string, string> = {
  explicit_request: "Asked for a person",
  frustration: "Visitor frustrated",
  repeated_failure: "AI kept failing",
  no_knowledge_match: "AI had no answer",
  model_request: "AI handed over",
  ai_error: "AI error",
  budget_exhausted: "AI budget used up",
  email_reply: "Replied by email",
};

export function reasonLabel(code: string | null | undefined): string {
  if (!code) return "Waiting";
  return ESCALATION_REASONS[code] ?? code.replace(/_/g, " ");
}

/** "42s", "3m 05s", "1h 12m": a wait that ticks. */
export function waitTime(sinceIso: string | null | undefined, now: number): string {
  if (!sinceIso) return "";
  const s = Math.max(0, Math.floor((now - Date.parse(sinceIso)) / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function clock(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** The visitor's local time now, in their zone; null when the zone is unknown or invalid. */
export function localTime(timeZone: string | null | undefined, now: number): string | null {
  if (!timeZone) return null;
  try {
    const time = new Date(now).toLocaleTimeString(undefined, { hour: "2-digit",
      minute: "2-digit", timeZone });
    return `${time} (${timeZone})`;
  } catch {
    return null;
  }
}

export function visitorLabel(s: { visitor_name: string | null; visitor_email: string | null;
  session_id: string }): string {
  return s.visitor_name || s.visitor_email || `Visitor ${s.session_id.slice(0, 4)}`;
}

export function initials(name: string): string {
  const parts = name.trim().split(/[\s@._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts[1]?.[0] ?? "")).toUpperCase();
}

/** Only http(s) links are shown as links. */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

/** "512 B", "12 KB", "3.4 MB": a file's size. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const KINDS: Record<string, string> = {
  "application/pdf": "PDF", "text/plain": "Text", "text/csv": "CSV", "application/zip": "ZIP",
  "image/jpeg": "JPEG image", "image/png": "PNG image", "image/gif": "GIF image",
  "image/webp": "WebP image",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel spreadsheet",
};

/** A file's type in words: "PDF", "PNG image", else the subtype ("DOCX"…). */
export function fileKind(type: string): string {
  if (KINDS[type]) return KINDS[type]!;
  const sub = type.split("/")[1]?.split(/[.+;-]/).pop() ?? "";
  return sub && sub !== "octet" && sub !== "stream" ? sub.toUpperCase() : "File";
}

/** System messages in English, from their code and params (docs/protocol.md, "System
 * messages"); the stored text for a code this inbox does not know, or a message without one. */
export const SYSTEM_TEXTS: Record<SystemCode, string> = {
  joined: "{agent} joined the conversation.",
  taken_over: "{agent} joined the conversation.",
  reopened: "{agent} reopened the conversation.",
  visitor_reopened: "The visitor reopened the conversation.",
  transfer: "{from} transferred the conversation to {to}.",
  hand_back: "The assistant is back in the conversation.",
  closed: "The conversation was closed.",
  abandoned: "The visitor left; the conversation was closed.",
  email: "Email address saved: the team will reply by email.",
  escalated: "The conversation was handed to a person.",
  email_reopened: "The visitor replied by email; the conversation was reopened.",
  email_escalated: "The conversation was handed to a person.",
};

export function systemText(m: { text: string; code?: string | null;
  params?: Record<string, string> | null }): string {
  const template = m.code && Object.hasOwn(SYSTEM_TEXTS, m.code)
    ? SYSTEM_TEXTS[m.code as SystemCode] : undefined;
  if (!template) return m.text;
  let missing = false;
  const out = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = m.params?.[name];
    if (typeof value !== "string") missing = true;
    return value ?? "";
  });
  return missing ? m.text : out;
}
