// The team: create admins and agents, change roles, reset passwords, delete (never the last
// admin), and choose the widgets each agent answers.
import { type FormEvent, useCallback, useEffect, useState } from "react";
import * as api from "../api";
import { ago } from "../format";
import type { Role, User, Widget } from "../types";
import { type NewUserForm, generatePassword, passwordProblem, usernameFrom, validateUser } from "../userForm";
import { ConfirmDialog, Dialog, ErrorNote, Field, PageHeader, Spinner, useToast } from "./ui";

export function UsersTable({ me }: { me: User }) {
  const [users, setUsers] = useState<User[] | null>(null);
  const [widgets, setWidgets] = useState<Widget[]>([]);
  const [membership, setMembership] = useState<Record<number, Set<string>>>({});
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);
  const [assigning, setAssigning] = useState<User | null>(null);
  const toast = useToast();

  const load = useCallback(async () => {
    try {
      const [list, ws] = await Promise.all([api.listUsers(), api.listWidgets()]);
      const agents = await Promise.all(ws.map((w) => api.widgetAgents(w.site_key)));
      const map: Record<number, Set<string>> = {};
      ws.forEach((w, i) => (agents[i] ?? []).forEach((a) => (map[a.id] ??= new Set()).add(w.site_key)));
      setUsers(list);
      setWidgets(ws);
      setMembership(map);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => void load(), [load]);

  if (error) return <ErrorNote error={error} retry={() => void load()} />;
  if (!users) return <Spinner />;
  const admins = users.filter((u) => u.role === "admin").length;

  const changeRole = async (u: User, role: Role) => {
    try {
      const updated = await api.setRole(u.id, role);
      setUsers((list) => (list ?? []).map((x) => (x.id === u.id ? updated : x)));
      toast(`${u.display_name} is now ${role === "admin" ? "an admin" : "an agent"}. Their sessions were signed out.`);
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), "error");
    }
  };

  return (
    <div className="max-w-6xl">
      <PageHeader title="Users" subtitle={`${users.length} user${users.length === 1 ? "" : "s"} · ${admins} admin${admins === 1 ? "" : "s"}`}
        actions={<button type="button" className="btn-primary" onClick={() => setCreating(true)}>Add user</button>} />
      <div className="card overflow-x-auto">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th><th scope="col">Role</th><th scope="col">Widgets</th>
              <th scope="col">Last sign-in</th><th scope="col"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => {
              const lastAdmin = u.role === "admin" && admins <= 1;
              const mine = membership[u.id] ?? new Set<string>();
              return (
                <tr key={u.id} data-testid="user-row">
                  <td>
                    <span className="block font-medium">{u.display_name}{u.id === me.id && <span className="ml-2 badge bg-secondary-100 text-secondary-700">you</span>}</span>
                    <span className="block text-xs text-secondary-600">{u.email} · @{u.username}</span>
                  </td>
                  <td>
                    <select className="field w-32" aria-label={`Role of ${u.display_name}`} value={u.role}
                      disabled={lastAdmin} title={lastAdmin ? "The last admin stays an admin." : undefined}
                      onChange={(e) => void changeRole(u, e.target.value as Role)}>
                      <option value="agent">Agent</option>
                      <option value="admin">Admin</option>
                    </select>
                  </td>
                  <td>
                    <div className="flex flex-wrap items-center gap-1">
                      {widgets.filter((w) => mine.has(w.site_key)).map((w) => (
                        <span key={w.site_key} className="badge bg-primary-50 text-primary-700">{w.business_name}</span>
                      ))}
                      {mine.size === 0 && <span className="text-xs text-secondary-600">{u.role === "admin" ? "all (admin)" : "none"}</span>}
                      <button type="button" className="btn-ghost btn-sm" onClick={() => setAssigning(u)}
                        aria-label={`Choose widgets for ${u.display_name}`} disabled={widgets.length === 0}>Edit</button>
                    </div>
                  </td>
                  <td className="text-sm text-secondary-600">{ago(u.last_login_at)}</td>
                  <td className="text-right">
                    <div className="flex justify-end gap-1">
                      <button type="button" className="btn-ghost btn-sm" onClick={() => setResetting(u)}>Reset password</button>
                      <button type="button" className="btn-ghost btn-sm text-error-700" disabled={lastAdmin || u.id === me.id}
                        title={lastAdmin ? "The last admin cannot be deleted." : u.id === me.id ? "You cannot delete yourself here." : undefined}
                        onClick={() => setDeleting(u)} aria-label={`Delete ${u.display_name}`}>Delete</button>
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {creating && <CreateUserDialog widgets={widgets} onClose={() => setCreating(false)} onCreated={(u) => {
        toast(`${u.display_name} can now sign in.`);
        void load();
      }} />}
      {resetting && <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)}
        onDone={() => toast(`${resetting.display_name}'s password was changed; their sessions were signed out.`)} />}
      {deleting && (
        <ConfirmDialog title={`Delete ${deleting.display_name}?`} confirm="Delete user"
          body={<>
            <p>{deleting.display_name} ({deleting.email}) can no longer sign in; their open sessions end now.</p>
            <p>Conversations they handled stay in the history, without their name.</p>
          </>}
          onConfirm={async () => {
            await api.deleteUser(deleting.id);
            toast(`${deleting.display_name} was deleted.`);
            void load();
          }} onClose={() => setDeleting(null)} />
      )}
      {assigning && <AssignWidgetsDialog user={assigning} widgets={widgets} current={membership[assigning.id] ?? new Set()}
        onClose={() => setAssigning(null)} onSaved={() => {
          toast(`${assigning.display_name}'s widgets were updated.`);
          void load();
        }} />}
    </div>
  );
}

function CreateUserDialog({ widgets, onClose, onCreated }: {
  widgets: Widget[];
  onClose: () => void;
  onCreated: (u: User) => void;
}) {
  const [form, setForm] = useState<NewUserForm>({ username: "", email: "", display_name: "", role: "agent", password: "" });
  const [usernameEdited, setUsernameEdited] = useState(false);
  const [assign, setAssign] = useState<Set<string>>(new Set(widgets.length === 1 ? [widgets[0]?.site_key ?? ""] : []));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [showPassword, setShowPassword] = useState(false);
  const set = (patch: Partial<NewUserForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !(k in patch))));
  };
  const submit = async (ev?: FormEvent) => {
    ev?.preventDefault();
    const problems = validateUser(form);
    setErrors(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    setError(null);
    try {
      const user = await api.createUser({ username: form.username.trim(), email: form.email.trim(),
        password: form.password, role: form.role, ...(form.display_name.trim() ? { display_name: form.display_name.trim() } : {}) });
      for (const key of assign) await api.setWidgetAgent(key, user.id, true);
      onCreated(user);
      onClose();
    } catch (err) {
      if (err instanceof api.ApiError) {
        setErrors(err.fields);
        setError(err.message);
      } else setError(String(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title="Add a user" onClose={onClose} footer={<>
      <button type="button" className="btn-secondary" onClick={onClose}>Cancel</button>
      <button type="button" className="btn-primary" disabled={busy} onClick={() => void submit()}>{busy ? "Adding…" : "Add user"}</button>
    </>}>
      <form className="space-y-4" onSubmit={(ev) => void submit(ev)} noValidate>
        {error && <p role="alert" className="rounded bg-error-50 px-3 py-2 text-sm text-error-700">{error}</p>}
        <Field label="Email" error={errors.email}>
          {(p) => <input {...p} className="field" type="email" autoComplete="off" value={form.email}
            onChange={(e) => set({ email: e.target.value, ...(usernameEdited ? {} : { username: usernameFrom(e.target.value) }) })} />}
        </Field>
        <Field label="Name" hint="What visitors and colleagues see." error={errors.display_name}>
          {(p) => <input {...p} className="field" value={form.display_name} maxLength={100} onChange={(e) => set({ display_name: e.target.value })} />}
        </Field>
        <Field label="Username" error={errors.username}>
          {(p) => <input {...p} className="field font-mono" value={form.username} maxLength={64}
            onChange={(e) => {
              setUsernameEdited(true);
              set({ username: e.target.value });
            }} />}
        </Field>
        <fieldset>
          <legend className="label">Role</legend>
          <div className="space-y-1 text-sm">
            <label className="flex items-start gap-2"><input type="radio" name="role" className="mt-1" checked={form.role === "agent"} onChange={() => set({ role: "agent" })} />
              <span><strong>Agent</strong> — answers chats of the widgets they are given.</span></label>
            <label className="flex items-start gap-2"><input type="radio" name="role" className="mt-1" checked={form.role === "admin"} onChange={() => set({ role: "admin" })} />
              <span><strong>Admin</strong> — everything: widgets, users, analytics, any chat.</span></label>
          </div>
          {errors.role && <p className="error-text">{errors.role}</p>}
        </fieldset>
        <Field label="Password" hint="Share it with them safely; they can change it after signing in." error={errors.password}>
          {(p) => (
            <div className="flex gap-2">
              <input {...p} className="field font-mono" type={showPassword ? "text" : "password"} autoComplete="new-password"
                value={form.password} onChange={(e) => set({ password: e.target.value })} />
              <button type="button" className="btn-secondary" onClick={() => {
                setShowPassword(true);
                set({ password: generatePassword() });
              }}>Generate</button>
            </div>
          )}
        </Field>
        {form.role === "agent" && widgets.length > 0 && (
          <fieldset>
            <legend className="label">Answers chats of</legend>
            <div className="space-y-1 text-sm">
              {widgets.map((w) => (
                <label key={w.site_key} className="flex items-center gap-2">
                  <input type="checkbox" checked={assign.has(w.site_key)} onChange={(e) => {
                    const next = new Set(assign);
                    if (e.target.checked) next.add(w.site_key);
                    else next.delete(w.site_key);
                    setAssign(next);
                  }} /> {w.business_name}
                </label>
              ))}
            </div>
          </fieldset>
        )}
      </form>
    </Dialog>
  );
}

function ResetPasswordDialog({ user, onClose, onDone }: { user: User; onClose: () => void; onDone: () => void }) {
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev?: FormEvent) => {
    ev?.preventDefault();
    const problem = passwordProblem(password, user.username, user.email);
    if (problem) {
      setError(`Password ${problem}.`);
      return;
    }
    setBusy(true);
    try {
      await api.resetPassword(user.id, password);
      onDone();
      onClose();
    } catch (err) {
      setError(err instanceof api.ApiError ? (err.fields.password ? `Password ${err.fields.password}.` : err.message) : String(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title={`New password for ${user.display_name}`} onClose={onClose} footer={<>
      <button type="button" className="btn-secondary" onClick={onClose}>Cancel</button>
      <button type="button" className="btn-primary" disabled={busy} onClick={() => void submit()}>{busy ? "Saving…" : "Set password"}</button>
    </>}>
      <form className="space-y-3" onSubmit={(ev) => void submit(ev)} noValidate>
        <p className="text-sm text-secondary-700">They are signed out everywhere and sign in again with this password.</p>
        <Field label="New password" error={error ?? undefined}>
          {(p) => (
            <div className="flex gap-2">
              <input {...p} className="field font-mono" type="text" autoComplete="new-password" value={password}
                onChange={(e) => {
                  setPassword(e.target.value);
                  setError(null);
                }} />
              <button type="button" className="btn-secondary" onClick={() => setPassword(generatePassword())}>Generate</button>
            </div>
          )}
        </Field>
      </form>
    </Dialog>
  );
}

function AssignWidgetsDialog({ user, widgets, current, onClose, onSaved }: {
  user: User;
  widgets: Widget[];
  current: Set<string>;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [chosen, setChosen] = useState(new Set(current));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      for (const w of widgets) {
        const want = chosen.has(w.site_key);
        if (want !== current.has(w.site_key)) await api.setWidgetAgent(w.site_key, user.id, want);
      }
      onSaved();
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Widgets ${user.display_name} answers`} onClose={onClose} footer={<>
      <button type="button" className="btn-secondary" onClick={onClose}>Cancel</button>
      <button type="button" className="btn-primary" disabled={busy} onClick={() => void save()}>{busy ? "Saving…" : "Save"}</button>
    </>}>
      {user.role === "admin" && <p className="mb-3 text-sm text-secondary-600">Admins can take any chat; being an agent of a widget also routes its queue to them.</p>}
      <div className="space-y-2">
        {widgets.map((w) => (
          <label key={w.site_key} className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={chosen.has(w.site_key)} onChange={(e) => {
              const next = new Set(chosen);
              if (e.target.checked) next.add(w.site_key);
              else next.delete(w.site_key);
              setChosen(next);
            }} />
            <span className="inline-block h-3 w-3 rounded-full" style={{ background: w.primary_color }} aria-hidden="true" />
            {w.business_name}
          </label>
        ))}
      </div>
      {error && <p role="alert" className="error-text mt-3">{error}</p>}
    </Dialog>
  );
}
