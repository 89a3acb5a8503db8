// The admin: signs in, then shows the page the URL names, inside the layout. What a user sees
// follows their role: admins everything; agents the dashboard, analytics and the widgets they
// own or work on (their own widgets editable), never the users.
import { Suspense, lazy, useCallback, useEffect, useState } from "react";
import * as api from "../api";
import { type Route, navigate, useRoute } from "../router";
import { loadToken, saveToken, tokenKey } from "../storage";
import type { User } from "../types";
import { Dashboard } from "./Dashboard";
import { Layout } from "./Layout";
import { LoginPage } from "./LoginPage";
import { Spinner, ToastProvider } from "./ui";
import { WidgetsPage } from "./WidgetsPage";

// How often the nav's Mail badge asks for the outbox's counts.
const MAIL_REFRESH_MS = 60_000;

const WidgetBuilder = lazy(() => import("./WidgetBuilder").then((m) => ({ default: m.WidgetBuilder })));
const KnowledgeEditor = lazy(() => import("./KnowledgeEditor").then((m) => ({ default: m.KnowledgeEditor })));
const UsersTable = lazy(() => import("./UsersTable").then((m) => ({ default: m.UsersTable })));
const MailPage = lazy(() => import("./MailPage").then((m) => ({ default: m.MailPage })));
const LabelsPage = lazy(() => import("./LabelsPage").then((m) => ({ default: m.LabelsPage })));
const PrivacyPage = lazy(() => import("./PrivacyPage").then((m) => ({ default: m.PrivacyPage })));
const AuditPage = lazy(() => import("./AuditPage").then((m) => ({ default: m.AuditPage })));
const AnalyticsPage = lazy(() => import("./AnalyticsPage").then((m) => ({ default: m.AnalyticsPage })));

export function App() {
  const route = useRoute();
  const [user, setUser] = useState<User | null>(null);
  const [checking, setChecking] = useState(() => loadToken() !== null);
  const [notice, setNotice] = useState<string | null>(null);
  const [failedMail, setFailedMail] = useState(0);

  // The Mail badge: on every page change, and every minute, for admins.
  const admin = user?.role === "admin";
  const refreshMail = useCallback(() => {
    if (admin) api.outboxCounts().then((c) => setFailedMail(c.failed), () => undefined);
  }, [admin]);
  useEffect(() => {
    refreshMail();
    const timer = window.setInterval(refreshMail, MAIL_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [refreshMail, route]);

  const signOut = useCallback((why: string | null) => {
    saveToken(null);
    api.setToken(null);
    setUser(null);
    setNotice(why);
    navigate({ page: "login" }, true);
  }, []);

  useEffect(() => {
    api.setUnauthorizedHandler(() => signOut("Your session has ended. Please sign in again."));
    const token = loadToken();
    if (!token) {
      if (route.page !== "login") navigate({ page: "login" }, true);
      return;
    }
    api.setToken(token);
    api.me().then(setUser, () => signOut(null)).finally(() => setChecking(false));
    // Once, at start.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    if (!checking && !user && route.page !== "login") navigate({ page: "login" }, true);
  }, [checking, user, route.page]);

  // One sign-in with the inbox (/agent): follow it signing in or out in another tab.
  useEffect(() => {
    const onStorage = (ev: StorageEvent) => {
      if (ev.key !== tokenKey) return;
      if (!ev.newValue) {
        signOut("You signed out in another tab.");
        return;
      }
      api.setToken(ev.newValue);
      api.me().then((who) => {
        setUser(who);
        setNotice(null);
        if (route.page === "login") navigate({ page: "dashboard" }, true);
      }, () => signOut(null));
    };
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, [signOut, route.page]);

  const onSignedIn = (token: string, who: User) => {
    saveToken(token);
    api.setToken(token);
    setUser(who);
    setNotice(null);
    navigate({ page: "dashboard" }, true);
  };

  const logout = async () => {
    try {
      await api.logout();
    } catch {
      // the token is forgotten here whatever the server said
    }
    signOut("You are signed out.");
  };

  if (checking) {
    return <div className="flex h-full items-center justify-center"><Spinner /></div>;
  }
  if (!user || route.page === "login") {
    return <ToastProvider><LoginPage notice={notice} onSignedIn={onSignedIn} /></ToastProvider>;
  }
  return (
    <ToastProvider>
      <Layout user={user} route={route} onLogout={() => void logout()} failedMail={failedMail}>
        <Suspense fallback={<Spinner />}>
          <Page route={route} user={user} onMailChange={refreshMail} />
        </Suspense>
      </Layout>
    </ToastProvider>
  );
}

function Page({ route, user, onMailChange }: { route: Route; user: User; onMailChange: () => void }) {
  switch (route.page) {
    case "mail":
      return user.role === "admin" ? <MailPage onChange={onMailChange} /> : <NotAllowed />;
    case "widgets":
      return <WidgetsPage user={user} />;
    case "widget":
      return <WidgetBuilder key={route.key ?? "new"} siteKey={route.key} tab={route.tab} user={user} />;
    case "knowledge":
      return <KnowledgeEditor key={route.key} siteKey={route.key} user={user} />;
    case "users":
      return user.role === "admin" ? <UsersTable me={user} /> : <NotAllowed />;
    case "labels":
      return user.role === "admin" ? <LabelsPage /> : <NotAllowed />;
    case "audit":
      return user.role === "admin" ? <AuditPage /> : <NotAllowed />;
    case "privacy":
      return user.role === "admin" ? <PrivacyPage /> : <NotAllowed />;
    case "analytics":
      return <AnalyticsPage />;
    default:
      return <Dashboard user={user} />;
  }
}

function NotAllowed() {
  return (
    <div className="card px-6 py-10 text-center">
      <h1>Admins only</h1>
      <p className="mt-2 text-sm text-secondary-600">Ask an admin if you need this page.</p>
    </div>
  );
}
