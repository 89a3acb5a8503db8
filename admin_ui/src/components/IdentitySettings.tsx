// The widget's identity verification (docs/identity.md): the secret the site's server signs
// visitors' identities with (made, shown once, rotated) and whether unsigned claims, or
// anonymous visitors, are refused.
import { useState } from "react";
import * as api from "../api";
import type { Widget } from "../types";
import { Toggle } from "./ui";

export function IdentitySettings({ widget, enforce, require, disabled, onEnforce, onRequire, onChanged }: {
  widget: Widget | null;
  enforce: boolean;
  require: boolean;
  disabled: boolean;
  onEnforce: (v: boolean) => void;
  onRequire: (v: boolean) => void;
  onChanged: () => void;
}) {
  const [secret, setSecret] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (job: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await job();
      onChanged();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const make = (rotate: boolean) => run(async () => setSecret((await api.identitySecret(widget?.site_key ?? "", rotate)).secret));
  const rotating = widget?.identity_previous_until ?? null;
  return (
    <div className="space-y-4">
      <section aria-labelledby="identity-secret-h" className="space-y-2">
        <h2 id="identity-secret-h">Identity secret</h2>
        <p className="text-sm text-secondary-600">
          Your site's server signs who the visitor is with this secret (a short-lived token), and the
          widget passes it with <code>Parley.identify({"{ token }"})</code>. Agents then see the visitor as
          verified. See docs/identity.md for code in Python, Node and PHP.
        </p>
        {!widget ? <p className="text-sm text-secondary-600">Create the widget first.</p> : <>
          <p className="text-sm" data-testid="identity-secret-state">
            {widget.identity_secret_set ? "A secret is set." : "No secret yet."}
            {rotating && ` The previous secret is also accepted until ${new Date(rotating).toLocaleString()}.`}
          </p>
          {secret && (
            <div role="status" className="rounded border border-warning-200 bg-warning-50 p-3 text-sm">
              <p className="font-medium">Copy this secret now: it is not shown again.</p>
              <pre className="code mt-2 select-all" data-testid="identity-secret">{secret}</pre>
            </div>
          )}
          {error && <p role="alert" className="text-sm font-medium text-error-700">{error}</p>}
          {!disabled && (
            <div className="flex flex-wrap gap-2">
              {widget.identity_secret_set ? <>
                <button type="button" className="btn-secondary" disabled={busy} onClick={() => void make(true)}>
                  Rotate secret
                </button>
                {rotating && (
                  <button type="button" className="btn-ghost" disabled={busy}
                    onClick={() => void run(() => api.finishRotation(widget.site_key))}>
                    Finish rotation (stop accepting the previous secret)
                  </button>
                )}
              </> : (
                <button type="button" className="btn-primary" disabled={busy} onClick={() => void make(false)}>
                  Generate secret
                </button>
              )}
            </div>
          )}
          {widget.identity_secret_set && (
            <p className="hint">Rotating keeps the previous secret valid for 24 hours, so you can deploy the new one first.</p>
          )}
        </>}
      </section>
      <Toggle checked={enforce} disabled={disabled} onChange={onEnforce} label="Only trust signed identities"
        description="A name or email given without a signed token is refused; the visitor chats as a guest." />
      <Toggle checked={require} disabled={disabled} onChange={onRequire} label="Only signed-in visitors may chat"
        description="Visitors without a signed token see a message asking them to sign in instead of the chat." />
    </div>
  );
}
