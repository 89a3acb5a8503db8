import { type FormEvent, useState } from "react";
import * as api from "../api";
import type { User } from "../types";
import { Field } from "./ui";

export function LoginPage({ notice, onSignedIn }: {
  notice: string | null;
  onSignedIn: (token: string, user: User) => void;
}) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const { token, user } = await api.login(email.trim(), password);
      onSignedIn(token, user);
    } catch (err) {
      if (err instanceof api.ApiError) {
        setFields(err.fields);
        setError(err.status === 401 ? "That email and password do not match." : err.message);
      } else setError(String(err));
      setBusy(false);
    }
  };

  return (
    <main className="flex min-h-full items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center gap-2">
          <Logo />
          <span className="text-xl font-semibold">Parley admin</span>
        </div>
        <form onSubmit={(ev) => void submit(ev)} className="card space-y-4 px-6 py-6" noValidate>
          <h1 className="text-xl">Sign in</h1>
          {notice && <p role="status" className="rounded bg-primary-50 px-3 py-2 text-sm text-primary-700">{notice}</p>}
          {error && <p role="alert" className="rounded bg-error-50 px-3 py-2 text-sm text-error-700">{error}</p>}
          <Field label="Email" error={fields.email}>
            {(p) => <input {...p} className="field" type="email" autoComplete="username" required
              value={email} onChange={(e) => setEmail(e.target.value)} />}
          </Field>
          <Field label="Password" error={fields.password}>
            {(p) => <input {...p} className="field" type="password" autoComplete="current-password" required
              value={password} onChange={(e) => setPassword(e.target.value)} />}
          </Field>
          <button type="submit" className="btn-primary w-full" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </form>
        <p className="mt-4 text-center text-xs text-secondary-600">
          Agents answer chats in the <a className="text-primary-700 underline" href="/agent/">inbox</a>.
        </p>
      </div>
    </main>
  );
}

export function Logo() {
  return (
    <svg viewBox="0 0 24 24" className="h-8 w-8 text-primary" aria-hidden="true">
      <path fill="currentColor" d="M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2z" />
    </svg>
  );
}
