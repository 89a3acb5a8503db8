import { type FormEvent, useState } from "react";
import * as api from "../api";
import type { User } from "../types";

interface Props {
  notice: string | null;
  onSignedIn: (token: string, user: User) => void;
}

export function LoginPage({ notice, onSignedIn }: Props) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { token, user } = await api.agentLogin(email.trim(), password);
      onSignedIn(token, user);
    } catch (err) {
      setError(err instanceof api.ApiError
        ? (err.status === 401 || err.status === 403
          ? "That email and password don't match an agent account." : err.message)
        : "Something went wrong. Try again.");
      setBusy(false);
    }
  }

  return (
    <main className="flex min-h-full items-center justify-center p-4">
      <form onSubmit={submit} className="w-full max-w-chat rounded-lg bg-white p-8 shadow-2"
        aria-labelledby="login-title">
        <div className="mb-6 flex items-center gap-2">
          <span aria-hidden className="flex h-8 w-8 items-center justify-center rounded-circle bg-primary text-sm font-bold text-white">P</span>
          <h1 id="login-title" className="text-xl font-semibold">Parley inbox</h1>
        </div>
        {notice && (
          <p role="status" className="mb-4 rounded border border-warning bg-warning-50 px-3 py-2 text-sm text-warning-700">
            {notice}
          </p>
        )}
        <label className="mb-4 block">
          <span className="mb-1 block text-sm font-medium text-secondary-700">Email</span>
          <input className="field" type="email" name="email" autoComplete="username" required
            autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label className="mb-6 block">
          <span className="mb-1 block text-sm font-medium text-secondary-700">Password</span>
          <input className="field" type="password" name="password" autoComplete="current-password"
            required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && <p role="alert" className="mb-4 text-sm text-error-700">{error}</p>}
        <button type="submit" className="btn-primary w-full py-3 text-base" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
