import { useState } from "react";
import type { TeamMember } from "../types";
import { Avatar, Dialog } from "./common";

interface Props {
  targets: TeamMember[];
  /** The agent picked, and the private note for them (may be empty). */
  onPick: (agentId: number, note: string) => void;
  onClose: () => void;
}

/** Hand the chat to another online agent of its widget. */
export function TransferDialog({ targets, onPick, onClose }: Props) {
  const [note, setNote] = useState("");
  return (
    <Dialog title="Transfer to…" onClose={onClose}>
      {targets.length > 0 && (
        <div className="mb-3">
          <label htmlFor="transfer-note" className="mb-1 block text-sm font-medium">Private note for them (optional)</label>
          <textarea id="transfer-note" className="field min-h-[60px] resize-y bg-warning-50" rows={2} maxLength={4000}
            data-testid="transfer-note" value={note} onChange={(e) => setNote(e.target.value)}
            placeholder="What they should know — only your team sees this" />
        </div>
      )}
      {targets.length === 0 ? (
        <p className="text-sm text-secondary-700">No other agent of this widget is online right now.</p>
      ) : (
        <ul className="flex flex-col gap-1" data-testid="transfer-targets">
          {targets.map((a) => {
            const full = a.active_chats >= a.max_chats;
            return (
              <li key={a.id}>
                <button type="button" disabled={full} onClick={() => onPick(a.id, note.trim())}
                  className="flex w-full items-center gap-3 rounded px-3 py-2 text-left hover:bg-secondary-50 disabled:opacity-50">
                  <Avatar name={a.display_name} tone="primary" />
                  <span className="flex-1">
                    <span className="block font-medium">{a.display_name}</span>
                    <span className="block text-xs text-secondary-600">
                      {a.active_chats}/{a.max_chats} chats{full ? " · at their limit" : ""}{a.role === "admin" ? " · admin" : ""}
                    </span>
                  </span>
                  <span aria-hidden className="h-2 w-2 rounded-circle bg-success" />
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </Dialog>
  );
}
