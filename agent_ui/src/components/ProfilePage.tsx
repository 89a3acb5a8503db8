// The signed-in user's profile: the name and picture visitors see, the password, and the
// notification choices. The same page for agents and admins (the admin links here: one
// sign-in serves both).
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from "react";
import * as api from "../api";
import type { User } from "../types";
import { NotificationSettings } from "./NotificationSettings";
import { UserAvatar } from "./UserAvatar";

// What the server accepts (it checks the content again; this only saves a useless upload).
const AVATAR_TYPES = "image/png,image/jpeg,image/gif,image/webp";
const AVATAR_MAX_BYTES = 5 * 1024 * 1024;

type Status = { kind: "idle" } | { kind: "busy" } | { kind: "done"; text: string }
  | { kind: "error"; text: string };

function why(err: unknown, fallback: string): string {
  if (err instanceof api.ApiError) {
    switch (err.code) {
      case "wrong_password":
        return "Your current password is wrong.";
      case "file_type_not_allowed":
        return "That file is not a picture. Use a PNG, JPEG, GIF or WebP image.";
      case "file_too_large":
        return "That picture is too big (5 MB at most).";
      case "image_too_large":
        return "That picture has too many pixels.";
      case "image_unreadable":
        return "That picture could not be read.";
      default:
        return err.message || fallback;
    }
  }
  return fallback;
}

function StatusLine({ status, testId }: { status: Status; testId: string }) {
  return (
    <p role="status" aria-live="polite" data-testid={testId}
      className={`text-sm ${status.kind === "error" ? "text-error-700" : "text-secondary-600"}`}>
      {status.kind === "busy" ? "Saving…" : status.kind === "done" || status.kind === "error" ? status.text : ""}
    </p>
  );
}

function Card({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="mt-6 rounded-lg border border-secondary-200 bg-white p-4 md:p-6">
      <h2 id={id} className="text-lg font-semibold">{title}</h2>
      {children}
    </section>
  );
}

interface Props {
  token: string;
  user: User;
  /** The user as the server answered a change (the top bar shows the new name and picture). */
  onUser: (user: User) => void;
  /** Change the password; the app swaps in the new token (this tab stays signed in). */
  onPasswordChange: (current: string, next: string) => Promise<void>;
  /** Said once at the top (after the password change replaced the token). */
  notice: string | null;
  /** Opened as /agent/settings: show the notification choices. */
  focusNotifications: boolean;
}

export function ProfilePage({ token, user, onUser, onPasswordChange, notice, focusNotifications }: Props) {
  const [name, setName] = useState(user.display_name);
  const [nameStatus, setNameStatus] = useState<Status>({ kind: "idle" });
  const [avatarStatus, setAvatarStatus] = useState<Status>({ kind: "idle" });
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [pwStatus, setPwStatus] = useState<Status>({ kind: "idle" });
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (focusNotifications) document.getElementById("notifications")?.scrollIntoView();
  }, [focusNotifications]);

  async function saveName(ev: FormEvent) {
    ev.preventDefault();
    const wanted = name.trim();
    if (!wanted) {
      setNameStatus({ kind: "error", text: "Your name cannot be empty." });
      return;
    }
    setNameStatus({ kind: "busy" });
    try {
      const saved = await api.saveDisplayName(token, wanted);
      onUser(saved);
      setName(saved.display_name);
      setNameStatus({ kind: "done", text: "Saved. Visitors see this name from now on." });
    } catch (err) {
      setNameStatus({ kind: "error", text: why(err, "Your name was not saved.") });
    }
  }

  async function pickAvatar(file: File | undefined) {
    if (fileInput.current) fileInput.current.value = "";
    if (!file) return;
    if (file.size > AVATAR_MAX_BYTES) {
      setAvatarStatus({ kind: "error", text: "That picture is too big (5 MB at most)." });
      return;
    }
    setAvatarStatus({ kind: "busy" });
    try {
      onUser(await api.uploadAvatar(token, file));
      setAvatarStatus({ kind: "done", text: "Picture saved." });
    } catch (err) {
      setAvatarStatus({ kind: "error", text: why(err, "The picture was not saved.") });
    }
  }

  async function dropAvatar() {
    setAvatarStatus({ kind: "busy" });
    try {
      onUser(await api.removeAvatar(token));
      setAvatarStatus({ kind: "done", text: "Picture removed." });
    } catch (err) {
      setAvatarStatus({ kind: "error", text: why(err, "The picture was not removed.") });
    }
  }

  async function changePassword(ev: FormEvent) {
    ev.preventDefault();
    if (next !== again) {
      setPwStatus({ kind: "error", text: "The new passwords do not match." });
      return;
    }
    setPwStatus({ kind: "busy" });
    try {
      await onPasswordChange(current, next);
      // Unmounted by then: the app shows the page again with the new token and a notice.
    } catch (err) {
      setPwStatus({ kind: "error", text: why(err, "Your password was not changed.") });
    }
  }

  return (
    <main className="min-h-0 flex-1 overflow-y-auto bg-secondary-50 p-4 md:p-8">
      <div className="mx-auto max-w-2xl">
        <h1 className="text-xl font-semibold text-secondary-900">Your profile</h1>
        {notice && (
          <p role="status" data-testid="profile-notice"
            className="mt-4 rounded border border-success bg-success-50 px-3 py-2 text-sm text-success-700">{notice}</p>
        )}

        <Card id="profile-you" title="How visitors see you">
          <div className="mt-4 flex flex-wrap items-center gap-4">
            <UserAvatar name={user.display_name} url={user.avatar_url} size={96} />
            <div className="flex flex-wrap gap-2">
              <label className="btn-secondary cursor-pointer focus-within:outline focus-within:outline-2 focus-within:outline-offset-2 focus-within:outline-primary">
                {user.avatar_url ? "Change picture" : "Add a picture"}
                <input ref={fileInput} type="file" accept={AVATAR_TYPES} className="sr-only"
                  data-testid="avatar-input" onChange={(e) => void pickAvatar(e.target.files?.[0])} />
              </label>
              {user.avatar_url && (
                <button type="button" className="btn-ghost" onClick={() => void dropAvatar()}>Remove picture</button>
              )}
            </div>
          </div>
          <StatusLine status={avatarStatus} testId="avatar-status" />
          <form className="mt-4" onSubmit={(e) => void saveName(e)}>
            <label className="block">
              <span className="mb-1 block text-sm font-medium text-secondary-700">Display name</span>
              <input className="field" name="display_name" maxLength={100} autoComplete="name"
                value={name} onChange={(e) => setName(e.target.value)} />
            </label>
            <p className="mt-1 text-sm text-secondary-600">
              Visitors see this name, as you write it, beside your messages.
            </p>
            <div className="mt-3 flex flex-wrap items-center gap-3">
              <button type="submit" className="btn-primary" disabled={nameStatus.kind === "busy"
                || name.trim() === user.display_name}>Save name</button>
              <StatusLine status={nameStatus} testId="name-status" />
            </div>
          </form>
        </Card>

        <Card id="profile-password" title="Password">
          <p className="mt-1 text-sm text-secondary-600">
            Changing it signs you out everywhere else; you stay signed in here.
          </p>
          <form className="mt-4 space-y-3" onSubmit={(e) => void changePassword(e)}>
            {/* The account's email, for password managers. */}
            <input type="email" name="username" autoComplete="username" value={user.email} readOnly hidden />
            <label className="block">
              <span className="mb-1 block text-sm font-medium text-secondary-700">Current password</span>
              <input className="field" type="password" name="current_password" autoComplete="current-password"
                required value={current} onChange={(e) => setCurrent(e.target.value)} />
            </label>
            <label className="block">
              <span className="mb-1 block text-sm font-medium text-secondary-700">New password</span>
              <input className="field" type="password" name="new_password" autoComplete="new-password"
                required minLength={8} value={next} onChange={(e) => setNext(e.target.value)} />
            </label>
            <label className="block">
              <span className="mb-1 block text-sm font-medium text-secondary-700">New password, again</span>
              <input className="field" type="password" name="new_password_again" autoComplete="new-password"
                required value={again} onChange={(e) => setAgain(e.target.value)} />
            </label>
            <div className="flex flex-wrap items-center gap-3">
              <button type="submit" className="btn-primary" disabled={pwStatus.kind === "busy"}>Change password</button>
              <StatusLine status={pwStatus} testId="password-status" />
            </div>
          </form>
        </Card>

        <NotificationSettings token={token} />
      </div>
    </main>
  );
}
