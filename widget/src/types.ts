// The widget's own shapes; the server's (frames and REST) come from @parley/protocol, which
// generates them from docs/protocol.schema.json and checks them against docs/openapi.yaml.

import type {
  BusinessHours as Hours, PublicConfig, VisitorClientFrame, VisitorMessageRequest, VisitorServerFrame,
} from "@parley/protocol";

export type {
  Availability, Day, History, Message as ChatMessage, NewSession, PrechatField, PublicConfig,
  QueueInfo, SenderType, SessionStatus, SessionView, Source, UploadLimits, VisitorHome,
} from "@parley/protocol";
export type BusinessHours = Hours | null;
export type ServerFrame = VisitorServerFrame;
export type ClientFrame = VisitorClientFrame;
/** A message frame; `files`: the upload ids it carries (docs/attach: 0..max_files). */
export type MessageFrame = VisitorMessageRequest & { files?: string[] };

/** A file of a message: the server's summary (`id` set), or one of the visitor's own still
 * uploading (`key` names the upload, no `id` yet). Names are shown as text only. */
export interface Attached {
  id?: string;
  key?: string;
  name: string;
  type: string;
  size: number;
  width?: number | null;
  height?: number | null;
  thumb?: boolean;
}

export interface Identity {
  name?: string;
  email?: string;
  /** The visitor's identity signed by the site's server (docs/identity.md): it wins over
   * name and email, which are then not sent. */
  token?: string;
}

/** Events the host page can listen to with Parley.on(event, fn). */
export type WidgetEvent =
  | "ready"
  | "open"
  | "close"
  | "message"
  | "unread"
  | "session"
  | "escalated"
  | "agent_joined"
  | "ended";

/** What the loader hands the lazily loaded chat UI. */
export interface Host {
  root: HTMLElement;
  config: PublicConfig;
  base: string;
  siteKey: string;
  identity: Identity;
  /** What Parley.setAttributes was given and the chat has not sent yet (no conversation). */
  attrs: unknown[];
  launcher: HTMLButtonElement;
  /** The admin UI's preview: the config may change under the chat, and nothing is sent. */
  preview?: boolean;
  /** The visitor's language (docs/widget.md "Languages"): its code, its pack (texts in the
   * order of the build's keys, scripts/i18n.mjs; empty until loaded) and the admin's overrides. */
  words: { lang: string; pack: (string | 0)[]; over: Record<string, string> };
  /** A text of the visitor's language, for what the loader shows (launcher.*, invite.*). */
  t(key: string, params?: Record<string, unknown>): string;
  setOpen(open: boolean): void;
  setUnread(count: number): void;
  emit(event: WidgetEvent, detail?: unknown): void;
}

export interface ChatApp {
  open(focus?: boolean): void;
  close(): void;
  isOpen(): boolean;
  identify(identity: Identity): void;
  /** Send the attributes waiting in host.attrs, if a conversation exists. */
  attributes(): void;
  /** Draw the panel again from host.config (the preview's config changed). */
  refresh(): void;
}
