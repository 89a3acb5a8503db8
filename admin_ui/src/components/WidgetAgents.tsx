// Who answers this widget's chats: its agents (admins may take any chat).
import { useCallback, useEffect, useState } from "react";
import * as api from "../api";
import type { User } from "../types";
import { ErrorNote, Spinner, useToast } from "./ui";

export function WidgetAgents({ siteKey }: { siteKey: string }) {
  const [users, setUsers] = useState<User[] | null>(null);
  const [members, setMembers] = useState<Set<number>>(new Set());
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const toast = useToast();
  const load = useCallback(async () => {
    try {
      const [all, agents] = await Promise.all([api.listUsers(), api.widgetAgents(siteKey)]);
      setUsers(all);
      setMembers(new Set(agents.map((a) => a.id)));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [siteKey]);
  useEffect(() => void load(), [load]);

  const toggle = async (user: User, member: boolean) => {
    setBusy(user.id);
    try {
      const agents = await api.setWidgetAgent(siteKey, user.id, member);
      setMembers(new Set(agents.map((a) => a.id)));
      toast(member ? `${user.display_name} now answers this widget.` : `${user.display_name} no longer answers this widget.`);
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), "error");
    } finally {
      setBusy(null);
    }
  };

  if (error) return <ErrorNote error={error} retry={() => void load()} />;
  if (!users) return <Spinner />;
  return (
    <div className="space-y-3">
      <p className="text-sm text-secondary-700">
        Agents of this widget see its queue and chats in their inbox. Admins can take any chat.
      </p>
      <ul className="divide-y divide-secondary-100 rounded border border-secondary-200">
        {users.map((u) => (
          <li key={u.id} className="flex items-center justify-between gap-3 px-4 py-3">
            <label className="flex items-center gap-3 text-sm">
              <input type="checkbox" checked={members.has(u.id)} disabled={busy === u.id}
                onChange={(e) => void toggle(u, e.target.checked)} aria-label={`${u.display_name} answers this widget`} />
              <span>
                <span className="block font-medium">{u.display_name}</span>
                <span className="block text-xs text-secondary-600">{u.email}</span>
              </span>
            </label>
            <span className="badge bg-secondary-100 text-secondary-700">{u.role}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
