import type { Presence } from "../types";

/** Online / away: away agents are not offered transfers or auto-assigned chats. */
export function PresenceSwitch({ status, onChange }: { status: Presence;
  onChange: (status: "online" | "away") => void }) {
  const online = status === "online";
  return (
    <button type="button" role="switch" aria-checked={online}
      aria-label={`Availability: ${online ? "online" : "away"}`}
      title={online ? "You are online: click to go away" : "You are away: click to go online"}
      onClick={() => onChange(online ? "away" : "online")}
      className="flex min-h-[44px] items-center gap-2 rounded-full border border-secondary-200 px-3 py-1 text-sm hover:bg-secondary-50 md:min-h-0">
      <span aria-hidden className={`h-2 w-2 rounded-circle ${online ? "bg-success" : "bg-warning"}`} />
      {online ? "Online" : "Away"}
    </button>
  );
}
