import { Dialog } from "./common";

export const SHORTCUTS: [string, string][] = [
  ["a", "Accept the chat that has waited longest"],
  ["j / k", "Next / previous chat"],
  ["Alt + ↓ / ↑", "Next / previous chat, also while typing"],
  ["r", "Reply: put the cursor in the message box"],
  ["Esc", "Leave the message box (or close a dialog)"],
  ["Enter", "Send the message"],
  ["Shift + Enter", "New line in the message"],
  ["/", "Canned responses, at the start of a word in the message box"],
  ["i / h", "Inbox / history"],
  ["?", "This help"],
];

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
        {SHORTCUTS.map(([keys, what]) => (
          <div key={keys} className="contents">
            <dt><kbd className="kbd">{keys}</kbd></dt>
            <dd className="text-secondary-700">{what}</dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
