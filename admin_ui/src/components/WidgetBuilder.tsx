// Create or edit a widget: every setting, grouped in tabs, with the live preview beside the
// form showing the unsaved settings in the real widget. Save sends only what changed; the
// server's field errors land under their fields (and mark their tab).
import { useCallback, useEffect, useMemo, useState } from "react";
import * as api from "../api";
import { browserZone, zones } from "../format";
import { navigate } from "../router";
import type { EmailLanguage, TriggerInput, User, Widget, WidgetSettings } from "../types";
import {
  EMAIL_LANGUAGES, changes, newSettings, payload, previewConfig, settingsOf, tabOf, validate,
} from "../widgetForm";
import { AISettingsForm } from "./AISettingsForm";
import { BusinessHoursEditor } from "./BusinessHoursEditor";
import { EmbedSnippet } from "./EmbedSnippet";
import { IdentitySettings } from "./IdentitySettings";
import { OriginsEditor } from "./OriginsEditor";
import { PrechatFieldsEditor } from "./PrechatFieldsEditor";
import { ErrorNote, Field, PageHeader, Spinner, Tabs, Toggle, useToast } from "./ui";
import { WidgetAgents } from "./WidgetAgents";
import { RetentionSettings } from "./RetentionSettings";
import { WidgetPreview } from "./WidgetPreview";
import { WidgetTexts } from "./WidgetTexts";
import { WidgetTriggers } from "./WidgetTriggers";
import { DeleteWidgetDialog, canManage } from "./WidgetsPage";

type Tab = "appearance" | "messages" | "texts" | "prechat" | "triggers" | "hours" | "ai" | "identity" | "privacy" | "install"
  | "agents";
const TABS: { id: Tab; label: string }[] = [
  { id: "appearance", label: "Appearance" },
  { id: "messages", label: "Messages" },
  { id: "texts", label: "Texts" },
  { id: "prechat", label: "Pre-chat form" },
  { id: "triggers", label: "Triggers" },
  { id: "hours", label: "Hours" },
  { id: "ai", label: "AI" },
  { id: "identity", label: "Identity" },
  { id: "privacy", label: "Privacy" },
  { id: "install", label: "Install" },
  { id: "agents", label: "Agents" },
];
const SWATCHES = ["#007bff", "#6f42c1", "#e83e8c", "#dc3545", "#fd7e14", "#28a745", "#20c997", "#17a2b8", "#343a40"];

export function WidgetBuilder({ siteKey, tab, user }: { siteKey: string | null; tab: string; user: User }) {
  const [widget, setWidget] = useState<Widget | null>(null);
  const [saved, setSaved] = useState<WidgetSettings | null>(siteKey ? null : newSettings(browserZone()));
  const [draft, setDraft] = useState<WidgetSettings | null>(saved);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [showAll, setShowAll] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [previewTrigger, setPreviewTrigger] = useState<TriggerInput | null>(null);
  const [textsLang, setTextsLang] = useState<EmailLanguage | null>(null);
  const toast = useToast();
  const zoneList = useMemo(zones, []);
  const zoneSet = useMemo(() => new Set(zoneList), [zoneList]);

  const load = useCallback(async () => {
    if (!siteKey) return;
    try {
      const w = await api.getWidget(siteKey);
      setWidget(w);
      setSaved(settingsOf(w));
      setDraft(settingsOf(w));
      setLoadError(null);
    } catch (err) {
      setLoadError(err);
    }
  }, [siteKey]);
  useEffect(() => void load(), [load]);

  const editable = !widget || canManage(user, widget);
  const isNew = siteKey === null;
  const current: Tab = TABS.some((t) => t.id === tab) ? (tab as Tab) : "appearance";
  const diff = saved && draft ? changes(saved, draft) : {};
  const dirty = isNew || Object.keys(diff).length > 0;
  useEffect(() => {
    if (current !== "triggers") setPreviewTrigger(null);
  }, [current]);

  useEffect(() => {
    if (!dirty || isNew) return;
    const warn = (ev: BeforeUnloadEvent) => ev.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty, isNew]);

  const clientErrors = useMemo(() => (draft ? validate(draft, zoneSet) : {}), [draft, zoneSet]);
  const errors = useMemo(() => {
    const shown: Record<string, string> = {};
    for (const [k, v] of Object.entries(clientErrors)) {
      const top = k.split(/[.[]/)[0] ?? k;
      if (showAll || touched.has(top)) shown[k] = v;
    }
    return { ...shown, ...serverErrors };
  }, [clientErrors, serverErrors, showAll, touched]);
  const tabMarks = useMemo(() => {
    const marks: Partial<Record<Tab, boolean>> = {};
    for (const k of Object.keys(errors)) marks[tabOf(k) as Tab] = true;
    return marks;
  }, [errors]);

  if (loadError) return <ErrorNote error={loadError} retry={() => void load()} />;
  if (!draft || !saved) return <Spinner />;

  const set = <K extends keyof WidgetSettings>(key: K, value: WidgetSettings[K]) => {
    setDraft({ ...draft, [key]: value });
    setTouched((t) => new Set(t).add(key));
    setServerErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !k.startsWith(key))));
    setSaveError(null);
  };
  const goTab = (t: Tab) => navigate({ page: "widget", key: siteKey, tab: t }, true);

  const save = async () => {
    setShowAll(true);
    setSaveError(null);
    const problems = validate(draft, zoneSet);
    if (Object.keys(problems).length) {
      const first = Object.keys(problems)[0] as string;
      setSaveError("Some settings need fixing before saving.");
      if (tabOf(first) !== current) goTab(tabOf(first) as Tab);
      return;
    }
    setSaving(true);
    try {
      if (isNew) {
        const created = await api.createWidget(payload(draft));
        toast("Widget created. Allow your site and paste the tag to go live.");
        navigate({ page: "widget", key: created.site_key, tab: "install" }, true);
        return;
      }
      const w = await api.updateWidget(widget?.site_key ?? "", diff);
      setWidget(w);
      setSaved(settingsOf(w));
      setDraft(settingsOf(w));
      setServerErrors({});
      setTouched(new Set());
      setShowAll(false);
      toast("Changes saved. Visitors see them within a minute.");
    } catch (err) {
      if (err instanceof api.ApiError && Object.keys(err.fields).length) {
        setServerErrors(err.fields);
        const first = Object.keys(err.fields)[0] as string;
        setSaveError("The server refused some settings: see the marked fields.");
        if (tabOf(first) !== current) goTab(tabOf(first) as Tab);
      } else {
        setSaveError(err instanceof Error ? err.message : String(err));
      }
    } finally {
      setSaving(false);
    }
  };

  const tabs = TABS.filter((t) => (t.id !== "agents" || (user.role === "admin" && !isNew)) && (t.id !== "triggers" || !isNew));
  const title = isNew ? "New widget" : widget?.business_name ?? "Widget";
  return (
    <div className="max-w-7xl">
      <PageHeader title={title}
        subtitle={isNew ? "Set it up, watch the preview, then create it." : <span className="font-mono text-xs">{siteKey}</span>}
        actions={<>
          <button type="button" className="btn-ghost" onClick={() => navigate({ page: "widgets" })}>Back to widgets</button>
          {!isNew && <button type="button" className="btn-secondary" onClick={() => navigate({ page: "knowledge", key: siteKey ?? "" })}>Knowledge base</button>}
          {!isNew && editable && <button type="button" className="btn-secondary text-error-700" onClick={() => setDeleting(true)}>Delete</button>}
        </>} />
      {!editable && (
        <p className="mb-4 rounded bg-secondary-100 px-4 py-3 text-sm text-secondary-700">
          You work on this widget; only its owner or an admin can change it.
        </p>
      )}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_420px]">
        <div className="min-w-0">
          <div className="card">
            <Tabs label="Widget settings" tabs={tabs} current={current} onChange={goTab} marks={tabMarks} />
            <div role="tabpanel" id={`panel-${current}`} aria-labelledby={`tab-${current}`} className="space-y-5 px-5 py-5">
              {current === "appearance" && <>
                <div className="grid grid-cols-1 gap-5 md:grid-cols-2">
                  <ColorField label="Primary colour" hint="The launcher, the header and the visitor's messages."
                    value={draft.primary_color} error={errors.primary_color} disabled={!editable}
                    onChange={(v) => set("primary_color", v)} />
                  <ColorField label="Secondary colour" hint="Muted text and details."
                    value={draft.secondary_color} error={errors.secondary_color} disabled={!editable}
                    onChange={(v) => set("secondary_color", v)} />
                </div>
                <div className="flex flex-wrap gap-2" aria-label="Suggested colours" role="group">
                  {SWATCHES.map((c) => (
                    <button key={c} type="button" disabled={!editable} title={c} aria-label={`Use ${c} as primary colour`}
                      className={`h-8 w-8 rounded-full border-2 ${draft.primary_color === c ? "border-secondary-900" : "border-white"} shadow-1`}
                      style={{ background: c }} onClick={() => set("primary_color", c)} />
                  ))}
                </div>
                <fieldset>
                  <legend className="label">Position</legend>
                  <div className="flex gap-3">
                    {(["bottom-right", "bottom-left"] as const).map((p) => (
                      <label key={p} className={`flex cursor-pointer items-center gap-2 rounded border px-3 py-2 text-sm ${draft.position === p ? "border-primary bg-primary-50" : "border-secondary-300"}`}>
                        <input type="radio" name="position" value={p} checked={draft.position === p} disabled={!editable}
                          onChange={() => set("position", p)} />
                        {p === "bottom-right" ? "Bottom right" : "Bottom left"}
                      </label>
                    ))}
                  </div>
                </fieldset>
              </>}
              {current === "messages" && <>
                <Field label="Business name" hint="Shown on the agents' side and when a person answers." error={errors.business_name}>
                  {(p) => <input {...p} className="field" value={draft.business_name} maxLength={100} disabled={!editable}
                    onChange={(e) => set("business_name", e.target.value)} />}
                </Field>
                <Field label="Title" hint="The chat window's heading." error={errors.widget_title}>
                  {(p) => <input {...p} className="field" value={draft.widget_title} maxLength={100} disabled={!editable}
                    onChange={(e) => set("widget_title", e.target.value)} />}
                </Field>
                <Field label="Welcome message" hint={`The first message a visitor sees. ${draft.welcome_message.length}/1000`} error={errors.welcome_message}>
                  {(p) => <textarea {...p} className="field" rows={4} value={draft.welcome_message} maxLength={1000} disabled={!editable}
                    onChange={(e) => set("welcome_message", e.target.value)} />}
                </Field>
                <Field label="Language" hint="Visitors see the widget in their browser's language when it has it, else in this one. Emails to visitors are in this language (English, Spanish, French, German; else English)." error={errors.language}>
                  {(p) => (
                    <select {...p} className="field" value={draft.language} disabled={!editable}
                      onChange={(e) => set("language", e.target.value as EmailLanguage)}>
                      {EMAIL_LANGUAGES.map((l) => <option key={l.id} value={l.id}>{l.label}</option>)}
                    </select>
                  )}
                </Field>
              </>}
              {current === "texts" && (
                <WidgetTexts overrides={draft.text_overrides ?? {}} lang={textsLang ?? draft.language}
                  onLang={setTextsLang} onChange={(o) => set("text_overrides", o)} errors={errors}
                  disabled={!editable} />
              )}
              {current === "prechat" && <>
                <Toggle checked={draft.enable_prechat_form} disabled={!editable}
                  onChange={(v) => set("enable_prechat_form", v)} label="Ask before the chat starts"
                  description="Visitors fill in these fields first; agents see the answers." />
                <PrechatFieldsEditor fields={draft.prechat_fields} errors={errors} disabled={!editable}
                  onChange={(f) => set("prechat_fields", f)} />
                <Toggle checked={draft.visitor_uploads} disabled={!editable}
                  onChange={(v) => set("visitor_uploads", v)} label="Visitors may send files"
                  description="Screenshots, photos and documents, checked and stored safely. Agents can always send files." />
                <Toggle checked={draft.visitor_tracking} disabled={!editable}
                  onChange={(v) => set("visitor_tracking", v)} label="Track visitors before they chat"
                  description="Agents see who is on the site now (page, time on site, country) and can invite them to chat; the pages viewed before a chat join it. Stores a random id in the visitor's browser before any interaction: say so in your privacy notice (docs/privacy.md)." />
              </>}
              {current === "hours" && <>
                <Toggle checked={draft.hide_when_offline} disabled={!editable}
                  onChange={(v) => set("hide_when_offline", v)} label="Hide the chat when nobody can answer"
                  description="Outside business hours, while no agent is online, the chat button is not shown (a visitor with a conversation going on still sees it)." />
                <Field label="Time zone" hint="Business hours are in this zone." error={errors.timezone}>
                  {(p) => <>
                    <input {...p} className="field" list="zones" value={draft.timezone} disabled={!editable}
                      onChange={(e) => set("timezone", e.target.value)} />
                    <datalist id="zones">{zoneList.map((z) => <option key={z} value={z} />)}</datalist>
                  </>}
                </Field>
                <BusinessHoursEditor hours={draft.business_hours} errors={errors} disabled={!editable}
                  onChange={(h) => set("business_hours", h)} />
                <p className="text-sm text-secondary-600">
                  Outside business hours the widget says you are away and offers to reply by email; the AI still answers.
                </p>
              </>}
              {current === "ai" && (
                <AISettingsForm enabled={draft.ai_enabled} settings={draft.ai_settings} errors={errors}
                  disabled={!editable} onEnabled={(v) => set("ai_enabled", v)}
                  onChange={(s) => set("ai_settings", s)}
                  onKnowledge={isNew ? null : () => navigate({ page: "knowledge", key: siteKey ?? "" })} />
              )}
              {current === "identity" && (
                <IdentitySettings widget={widget} enforce={draft.enforce_identity} require={draft.require_identity}
                  disabled={!editable} onEnforce={(v) => set("enforce_identity", v)}
                  onRequire={(v) => set("require_identity", v)}
                  onChanged={() => void api.getWidget(siteKey ?? "").then(setWidget, () => {})} />
              )}
              {current === "privacy" && (
                <RetentionSettings days={draft.retention_days} error={errors.retention_days} disabled={!editable}
                  onChange={(v) => set("retention_days", v)} />
              )}
              {current === "install" && <>
                <section aria-labelledby="origins-h" className="space-y-2">
                  <h2 id="origins-h">Sites allowed to use the widget</h2>
                  <OriginsEditor origins={draft.allowed_origins} error={errors.allowed_origins} disabled={!editable}
                    onChange={(o) => set("allowed_origins", o)} />
                </section>
                <section aria-labelledby="snippet-h" className="space-y-2">
                  <h2 id="snippet-h">Embed code</h2>
                  {isNew ? <p className="text-sm text-secondary-600">Create the widget to get its tag.</p>
                    : <EmbedSnippet siteKey={siteKey ?? ""} />}
                </section>
              </>}
              {current === "agents" && siteKey && <WidgetAgents siteKey={siteKey} />}
              {current === "triggers" && siteKey && (
                <WidgetTriggers siteKey={siteKey} editable={editable} tracking={saved.visitor_tracking}
                  onPreview={setPreviewTrigger} />
              )}
            </div>
          </div>
          {editable && current !== "agents" && current !== "triggers" && (
            <div className="sticky bottom-0 z-10 mt-4 flex flex-wrap items-center justify-end gap-3 rounded-lg border border-secondary-200 bg-white px-4 py-3 shadow-2">
              {saveError ? <p role="alert" className="mr-auto text-sm font-medium text-error-700">{saveError}</p>
                : <p className="mr-auto text-sm text-secondary-600" role="status">
                  {isNew ? "Not created yet." : dirty ? "You have unsaved changes." : "All changes saved."}
                </p>}
              {!isNew && dirty && (
                <button type="button" className="btn-ghost" onClick={() => {
                  setDraft(structuredClone(saved));
                  setServerErrors({});
                  setTouched(new Set());
                  setShowAll(false);
                  setSaveError(null);
                }}>Discard</button>
              )}
              <button type="button" className="btn-primary" disabled={saving || !dirty} onClick={() => void save()}>
                {saving ? "Saving…" : isNew ? "Create widget" : "Save changes"}
              </button>
            </div>
          )}
        </div>
        <div className="lg:sticky lg:top-6 lg:self-start">
          <WidgetPreview config={previewConfig(draft, siteKey, current === "texts" ? textsLang ?? draft.language : undefined)}
            saved={!isNew && !dirty} trigger={previewTrigger} />
        </div>
      </div>
      {deleting && widget && (
        <DeleteWidgetDialog widget={widget} conversations={null} onClose={() => setDeleting(false)}
          onDeleted={() => {
            toast(`${widget.business_name} was deleted.`);
            navigate({ page: "widgets" }, true);
          }} />
      )}
    </div>
  );
}

function ColorField({ label, hint, value, error, onChange, disabled }: {
  label: string;
  hint: string;
  value: string;
  error?: string | undefined;
  onChange: (v: string) => void;
  disabled: boolean;
}) {
  const valid = /^#[0-9a-fA-F]{6}$/.test(value);
  return (
    <Field label={label} hint={hint} error={error}>
      {(p) => (
        <div className="flex items-center gap-2">
          <input type="color" aria-label={`${label} picker`} value={valid ? value.toLowerCase() : "#000000"}
            disabled={disabled} onChange={(e) => onChange(e.target.value)}
            className="h-10 w-14 cursor-pointer rounded border border-secondary-300 bg-white p-1" />
          <input {...p} className="field font-mono" value={value} maxLength={7} disabled={disabled}
            onChange={(e) => onChange(e.target.value)} />
        </div>
      )}
    </Field>
  );
}
