// The frame around every page: a sidebar on desktop, a top bar with a menu on phones.
import { type ReactNode, useState } from "react";
import { type Route, navigate, routePath } from "../router";
import type { User } from "../types";
import { Logo } from "./LoginPage";

interface NavItem { label: string; route: Route; icon: string; adminOnly?: boolean }

const NAV: NavItem[] = [
  { label: "Dashboard", route: { page: "dashboard" }, icon: "M3 13h8V3H3zm0 8h8v-6H3zm10 0h8V11h-8zm0-18v6h8V3z" },
  { label: "Widgets", route: { page: "widgets" }, icon: "M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2z" },
  { label: "Analytics", route: { page: "analytics" }, icon: "M5 9.2h3V19H5zM10.6 5h2.8v14h-2.8zm5.6 8H19v6h-2.8z" },
  { label: "Mail", route: { page: "mail" }, icon: "M20 4H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2zm0 4-8 5-8-5V6l8 5 8-5z", adminOnly: true },
  { label: "Labels", route: { page: "labels" }, icon: "M21.4 11.6 12.4 2.6A2 2 0 0 0 11 2H4a2 2 0 0 0-2 2v7c0 .55.22 1.05.59 1.42l9 9a2 2 0 0 0 2.82 0l7-7a2 2 0 0 0 0-2.82zM5.5 7A1.5 1.5 0 1 1 7 5.5 1.5 1.5 0 0 1 5.5 7z", adminOnly: true },
  { label: "Audit", route: { page: "audit" }, icon: "M13 3a9 9 0 0 0-9 9H1l3.9 3.9.1.1L9 12H6a7 7 0 1 1 2.05 4.95l-1.42 1.42A9 9 0 1 0 13 3zm-1 5v5l4.25 2.52.77-1.28-3.52-2.09V8z", adminOnly: true },
  { label: "Privacy", route: { page: "privacy" }, icon: "M12 1 3 5v6c0 5.55 3.84 10.74 9 12 5.16-1.26 9-6.45 9-12V5zm0 10.99h7c-.53 4.12-3.28 7.79-7 8.94V12H5V6.3l7-3.11z", adminOnly: true },
  { label: "Users", route: { page: "users" }, icon: "M16 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm-8 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm0 2c-2.33 0-7 1.17-7 3.5V19h14v-2.5C15 14.17 10.33 13 8 13zm8 0c-.29 0-.62.02-.97.05 1.16.84 1.97 1.97 1.97 3.45V19h6v-2.5c0-2.33-4.67-3.5-7-3.5z", adminOnly: true },
];

function section(route: Route): string {
  if (route.page === "widget" || route.page === "knowledge") return "widgets";
  return route.page;
}

export function Layout({ user, route, onLogout, failedMail = 0, children }: {
  user: User;
  route: Route;
  onLogout: () => void;
  /** Emails that could not be sent: a warning badge on Mail. */
  failedMail?: number;
  children: ReactNode;
}) {
  const [menu, setMenu] = useState(false);
  const items = NAV.filter((n) => !n.adminOnly || user.role === "admin");
  const nav = (
    <nav aria-label="Main" className="flex flex-col gap-1">
      {items.map((n) => {
        const current = section(route) === n.route.page;
        return (
          <a key={n.label} href={routePath(n.route)} aria-current={current ? "page" : undefined}
            onClick={(ev) => {
              if (ev.metaKey || ev.ctrlKey || ev.shiftKey) return;
              ev.preventDefault();
              setMenu(false);
              navigate(n.route);
            }}
            className={`flex items-center gap-3 rounded px-3 py-2 text-sm font-medium ${current ? "bg-primary-50 text-primary-700" : "text-secondary-700 hover:bg-secondary-100"}`}>
            <svg viewBox="0 0 24 24" className="h-5 w-5" aria-hidden="true"><path fill="currentColor" d={n.icon} /></svg>
            {n.label}
            {n.route.page === "mail" && failedMail > 0 && (
              <span data-testid="mail-failed-badge" title={`${failedMail} email${failedMail === 1 ? "" : "s"} could not be sent`}
                className="badge ml-auto bg-error-700 text-white">
                {failedMail}<span className="sr-only"> failed</span>
              </span>
            )}
          </a>
        );
      })}
      <a href="/agent/" className="flex items-center gap-3 rounded px-3 py-2 text-sm font-medium text-secondary-700 hover:bg-secondary-100">
        <svg viewBox="0 0 24 24" className="h-5 w-5" aria-hidden="true"><path fill="currentColor" d="M19 19H5V5h7V3H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14c1.1 0 2-.9 2-2v-7h-2v7zM14 3v2h3.59l-9.83 9.83 1.41 1.41L19 6.41V10h2V3h-7z" /></svg>
        Agent inbox
      </a>
    </nav>
  );
  const account = (
    <div className="border-t border-secondary-200 pt-3">
      <p className="truncate px-3 text-sm font-medium text-secondary-900">{user.display_name}</p>
      <p className="truncate px-3 text-xs text-secondary-600">{user.email} · {user.role}</p>
      {/* The profile lives in the inbox; the sign-in is shared, so it opens signed in. */}
      <a href="/agent/profile" className="btn-ghost mt-2 w-full justify-start">Your profile</a>
      <button type="button" className="btn-ghost w-full justify-start" onClick={onLogout}>Sign out</button>
    </div>
  );
  return (
    <div className="flex min-h-full flex-col lg:flex-row">
      <header className="flex items-center justify-between border-b border-secondary-200 bg-white px-4 py-3 lg:hidden">
        <span className="flex items-center gap-2 font-semibold"><Logo /> Parley admin</span>
        <button type="button" className="btn-secondary" aria-expanded={menu} aria-controls="mobile-nav"
          onClick={() => setMenu(!menu)}>Menu</button>
      </header>
      {menu && (
        <div id="mobile-nav" className="space-y-3 border-b border-secondary-200 bg-white p-3 lg:hidden">
          {nav}
          {account}
        </div>
      )}
      <aside className="hidden w-nav shrink-0 flex-col justify-between border-r border-secondary-200 bg-white p-3 lg:flex">
        <div>
          <div className="mb-6 flex items-center gap-2 px-3 pt-2 font-semibold"><Logo /> Parley</div>
          {nav}
        </div>
        {account}
      </aside>
      <main className="min-w-0 flex-1 px-4 py-6 md:px-8 lg:py-8">
        {children}
      </main>
    </div>
  );
}
