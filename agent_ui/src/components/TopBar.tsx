import { useState } from "react";
import { askNotificationPermission, notificationPermission, unlockAudio } from "../notify";
import { navigate } from "../router";
import type { Me } from "../types";
import { PresenceSwitch } from "./PresenceSwitch";
import { UserAvatar } from "./UserAvatar";

function BellIcon({ off }: { off: boolean }) {
  return (
    <svg aria-hidden width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor"
      strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
      <path d="M13.7 21a2 2 0 0 1-3.4 0" />
      {off && <path d="M3 3l18 18" />}
    </svg>
  );
}

interface Props {
  me: Me | null;
  displayName: string;
  page: "inbox" | "history" | "settings" | "watch" | "canned" | "profile" | "visitors";
  avatarUrl?: string | null;
  waiting: number;
  soundOn: boolean;
  onSound: (on: boolean) => void;
  onPresence: (status: "online" | "away") => void;
  onHelp: () => void;
  onLogout: () => void;
}

export function TopBar({ me, displayName, avatarUrl, page, waiting, soundOn, onSound, onPresence, onHelp,
  onLogout }: Props) {
  const [permission, setPermission] = useState(notificationPermission());
  // On a phone the sections take a second row, each a 44 px touch target.
  const tab = (active: boolean) => `flex min-h-[44px] min-w-0 flex-1 items-center justify-center rounded px-1 py-1 text-sm font-medium md:min-h-0 md:flex-none md:px-3 ${active
    ? "bg-primary-50 text-primary-700" : "text-secondary-700 hover:bg-secondary-100"}`;
  return (
    <header className="flex shrink-0 flex-wrap items-center gap-2 border-b border-secondary-200 bg-white px-3 py-1 md:h-12 md:flex-nowrap md:gap-4 md:py-0">
      <span className="flex items-center gap-2 font-semibold">
        <span aria-hidden className="flex h-6 w-6 items-center justify-center rounded-circle bg-primary text-xs font-bold text-white">P</span>
        <span className="hidden md:inline">Parley</span>
      </span>
      <nav aria-label="Sections" className="order-last flex w-full gap-1 md:order-none md:w-auto">
        <a href="/agent/" className={tab(page === "inbox" || page === "watch")}
          aria-current={page === "inbox" ? "page" : undefined}
          onClick={(e) => { e.preventDefault(); navigate({ page: "inbox", chatId: null }); }}>
          Inbox{waiting > 0 && <span className="ml-1 rounded-full bg-error px-1 text-xs text-white">{waiting}</span>}
        </a>
        <a href="/agent/visitors" className={tab(page === "visitors")}
          aria-current={page === "visitors" ? "page" : undefined}
          onClick={(e) => { e.preventDefault(); navigate({ page: "visitors" }); }}>
          Visitors
        </a>
        <a href="/agent/history" className={tab(page === "history")}
          aria-current={page === "history" ? "page" : undefined}
          onClick={(e) => { e.preventDefault(); navigate({ page: "history", chatId: null }); }}>
          History
        </a>
        <a href="/agent/canned" className={tab(page === "canned")}
          aria-current={page === "canned" ? "page" : undefined}
          onClick={(e) => { e.preventDefault(); navigate({ page: "canned" }); }}>
          Replies
        </a>
        <a href="/agent/profile" className={tab(page === "profile" || page === "settings")}
          aria-current={page === "profile" || page === "settings" ? "page" : undefined}
          onClick={(e) => { e.preventDefault(); navigate({ page: "profile" }); }}>
          Profile
        </a>
      </nav>
      <div className="ml-auto flex items-center gap-1 md:gap-2">
        <PresenceSwitch status={me?.status ?? "online"} onChange={onPresence} />
        <button type="button" className="btn-ghost px-2" aria-pressed={soundOn}
          title={soundOn ? "Sound on for new chats" : "Sound off"}
          onClick={() => { unlockAudio(); onSound(!soundOn); }}>
          <BellIcon off={!soundOn} />
          <span className="sr-only">Sound for new chats</span>
        </button>
        {permission === "default" && (
          <button type="button" className="btn-ghost hidden px-2 text-xs md:inline-flex"
            onClick={() => void askNotificationPermission().then(setPermission)}>
            Enable notifications
          </button>
        )}
        <button type="button" className="btn-ghost hidden px-2 md:inline-flex" onClick={onHelp} title="Keyboard shortcuts (?)">
          <span aria-hidden>?</span><span className="sr-only">Keyboard shortcuts</span>
        </button>
        <span className="hidden items-center gap-2 text-sm text-secondary-700 lg:inline-flex">
          <UserAvatar name={displayName} url={avatarUrl} size={28} />
          <span data-testid="me">{displayName}</span>
        </span>
        <button type="button" className="btn-secondary px-2 py-1" onClick={onLogout}>Sign out</button>
      </div>
    </header>
  );
}
