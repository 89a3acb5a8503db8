import type { Connection } from "../state/inbox";

export function ConnectionBanner({ connection }: { connection: Connection }) {
  if (connection === "open") return null;
  return (
    <div role="status" data-testid="connection"
      className="flex items-center justify-center gap-2 bg-warning-50 px-3 py-1 text-sm text-warning-700">
      <span aria-hidden className="spin inline-block h-3 w-3 rounded-circle border-2 border-warning-700 border-t-transparent" />
      {connection === "connecting" ? "Connecting…" : "Reconnecting… your messages will be sent when the connection is back."}
    </div>
  );
}
