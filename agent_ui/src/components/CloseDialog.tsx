import { useState } from "react";
import { Dialog } from "./common";

interface Props {
  onConfirm: (note: string) => void;
  onHandBack?: () => void;
  onClose: () => void;
}

/** End the conversation, with a note for the team (never shown to the visitor). */
export function CloseDialog({ onConfirm, onHandBack, onClose }: Props) {
  const [note, setNote] = useState("");
  return (
    <Dialog title="Close this conversation" onClose={onClose}>
      <label className="block">
        <span className="mb-1 block text-sm text-secondary-700">Note for the team (optional; the visitor never sees it)</span>
        <textarea className="field min-h-[96px]" maxLength={2000} value={note} data-testid="close-note"
          onChange={(e) => setNote(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) onConfirm(note);
          }} />
      </label>
      <div className="mt-4 flex flex-wrap justify-end gap-2">
        {onHandBack && (
          <button type="button" className="btn-ghost mr-auto" onClick={onHandBack}
            title="Leave the conversation and let the AI assistant answer again">Hand back to AI</button>
        )}
        <button type="button" className="btn-secondary" onClick={onClose}>Cancel</button>
        <button type="button" className="btn-danger" onClick={() => onConfirm(note)}>Close conversation</button>
      </div>
    </Dialog>
  );
}
