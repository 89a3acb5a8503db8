import { useCallback, useEffect, useRef, useState } from "react";
import * as api from "../api";
import { navigate, useRoute } from "../router";
import * as storage from "../storage";
import type { User } from "../types";
import { Inbox } from "./Inbox";
import { LoginPage } from "./LoginPage";

type Auth =
  | { state: "checking"; token: string }
  | { state: "signed_in"; token: string; user: User }
  | { state: "signed_out"; notice: string | null };

function initialAuth(): Auth {
  const token = storage.loadToken();
  if (!token) return { state: "signed_out", notice: storage.takeNotice() };
  const exp = storage.tokenClaims(token)?.exp;
  if (exp !== undefined && exp * 1000 < Date.now()) {
    storage.saveToken(null);
    return { state: "signed_out", notice: "Your session expired. Sign in again." };
  }
  return { state: "checking", token };
}

export function App() {
  const route = useRoute();
  const [auth, setAuth] = useState<Auth>(initialAuth);

  const signOut = useCallback((notice: string | null) => {
    storage.saveToken(null);
    setAuth({ state: "signed_out", notice });
    navigate({ page: "login" }, true);
  }, []);

  // A password change revokes every token, this tab's too (its socket is closed at once, often
  // before the answer arrives): while one is under way, losing the sign-in waits for its new
  // token, which this tab then uses; it signs out only if the change failed.
  const swapping = useRef<Promise<string | null> | null>(null);
  const [profileNotice, setProfileNotice] = useState<string | null>(null);
  const authLost = useCallback((lostToken: string, notice: string) => {
    // An inbox still running on a token already replaced (by the change below) lost only that.
    if (storage.loadToken() !== lostToken) return;
    const swap = swapping.current;
    if (swap) void swap.then((fresh) => fresh === null && signOut(notice));
    else signOut(notice);
  }, [signOut]);
  const changePassword = useCallback(async (token: string, current: string, next: string) => {
    const change = api.changePassword(token, current, next);
    swapping.current = change.then((r) => r.token, () => null);
    try {
      const { token: fresh, user } = await change;
      storage.saveToken(fresh);
      setProfileNotice("Your password was changed. You were signed out on your other devices.");
      setAuth({ state: "signed_in", token: fresh, user });
    } finally {
      swapping.current = null;
    }
  }, []);

  // Check a stored token once: the server may have revoked it since.
  useEffect(() => {
    if (auth.state !== "checking") return;
    let live = true;
    api.me(auth.token).then((user) => {
      if (!live) return;
      if (user.role !== "agent" && user.role !== "admin") {
        signOut("This account cannot use the inbox.");
        return;
      }
      setAuth({ state: "signed_in", token: auth.token, user });
      if (route.page === "login") navigate({ page: "inbox", chatId: null }, true);
    }).catch((err: unknown) => {
      if (!live) return;
      if (err instanceof api.ApiError && err.status === 401) {
        signOut("Your session ended (it expired or was signed out). Sign in again.");
      } else {
        // The server is unreachable: try the inbox anyway; it reconnects by itself.
        window.setTimeout(() => live && setAuth({ ...auth }), 3000);
      }
    });
    return () => {
      live = false;
    };
  }, [auth, route.page, signOut]);

  // Another tab signed in or out.
  useEffect(() => {
    const onStorage = (ev: StorageEvent) => {
      if (ev.key !== storage.tokenKey) return;
      if (!ev.newValue) signOut("You signed out in another tab.");
      else setAuth({ state: "checking", token: ev.newValue });
    };
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, [signOut]);

  useEffect(() => {
    if (auth.state === "signed_out" && route.page !== "login") navigate({ page: "login" }, true);
  }, [auth.state, route.page]);

  if (auth.state === "signed_out") {
    return (
      <LoginPage
        notice={auth.notice}
        onSignedIn={(token, user) => {
          storage.saveToken(token);
          setAuth({ state: "signed_in", token, user });
          navigate({ page: "inbox", chatId: null }, true);
        }}
      />
    );
  }
  if (auth.state === "checking") {
    return (
      <div className="flex h-full items-center justify-center text-secondary-600" role="status">
        Loading your inbox…
      </div>
    );
  }
  return (
    <Inbox
      key={auth.token}
      token={auth.token}
      user={auth.user}
      route={route.page === "login" ? { page: "inbox", chatId: null } : route}
      onSignedOut={(notice) => authLost(auth.token, notice)}
      onUser={(user) => setAuth((a) => a.state === "signed_in" ? { ...a, user } : a)}
      onPasswordChange={(current, next) => changePassword(auth.token, current, next)}
      profileNotice={profileNotice}
      onLogout={async () => {
        try {
          await api.logout(auth.token);
        } catch {
          // signed out locally all the same; the token expires by itself
        }
        storage.clearAgent(auth.user.id);
        signOut("You signed out.");
      }}
    />
  );
}
