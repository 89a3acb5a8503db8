// The audit log's entries as an admin reads them (the Audit page).
import type { AuditEntry } from "./types";

/** The actions an admin can filter by: a family ("widget": all of them) or one action. */
export const AUDIT_ACTIONS: { value: string; label: string }[] = [
  { value: "widget", label: "Widgets: any change" },
  { value: "widget.create", label: "Widget created" },
  { value: "widget.update", label: "Widget changed" },
  { value: "widget.delete", label: "Widget deleted" },
  { value: "widget.agent_", label: "Widget agents added or removed" },
  { value: "widget.retention_update", label: "Retention changed" },
  { value: "user", label: "Users: any change" },
  { value: "user.create", label: "User created" },
  { value: "user.role_change", label: "Role changed" },
  { value: "user.password_reset", label: "Password reset" },
  { value: "user.delete", label: "User deleted" },
  { value: "knowledge", label: "Knowledge base" },
  { value: "trigger", label: "Proactive triggers" },
  { value: "canned", label: "Canned responses" },
  { value: "label", label: "Labels" },
  { value: "outbox", label: "Mail retried" },
  { value: "visitor", label: "Visitors exported or erased" },
  { value: "visitor.export", label: "Visitor exported" },
  { value: "visitor.erase", label: "Visitor erased" },
  { value: "retention", label: "Erased by retention" },
];

/** "Ada" for a user, "chatctl (root)" for the CLI, "Parley" for the server itself. */
export function actorName(entry: AuditEntry): string {
  const { actor } = entry;
  if (actor.type === "chatctl") return `chatctl (${actor.name})`;
  if (actor.type === "system") return "Parley";
  return actor.name;
}

/** "widget abc123", "user 4", "outbox". */
export function targetText(entry: AuditEntry): string {
  return entry.target_id ? `${entry.target_type} ${entry.target_id}` : entry.target_type;
}

function value(v: unknown): string {
  if (Array.isArray(v)) return v.map(String).join(", ");
  if (v === null || v === undefined) return "—";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** "fields: primary_color, widget_title · name: Shop" — changed fields first. */
export function detailsText(details: Record<string, unknown>): string {
  const keys = Object.keys(details).sort((a, b) => (a === "fields" ? -1 : b === "fields" ? 1 : 0));
  return keys.map((k) => `${k}: ${value(details[k])}`).join(" · ");
}
