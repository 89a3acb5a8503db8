// Wires the pure inbox state to the socket and the REST API: frames in, actions out, history
// loads, announcements, the outbox's resends and persistence. Components get `inbox` from
// here and never touch the socket or fetch.

import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import * as api from "./api";
import { beep, desktopNotify } from "./notify";
import { InboxSocket, agentSocketUrl } from "./socket";
import { type State, arrivals, initialState, previewOf, reduce, resumeMap } from "./state/inbox";
import {
  type OutboxFile, isReady, makeEntry, messageFrame, restoreOutbox, toResend,
} from "./state/outbox";
import { outboxFiles } from "./state/uploads";
import { Uploader } from "./uploader";
import { type Notes, useNotes } from "./useNotes";
import { type Labels, useLabels } from "./useLabels";
import { contextFrame } from "./visitorContext";
import { type Toast, useToasts } from "./useToasts";
import { type AiWatch, useAiWatch } from "./useAiWatch";
import { removeCanned, upsertCanned } from "./state/canned";
import * as storage from "./storage";
import { visitorLabel } from "./format";
import type { CannedResponse, ClientFrame, Presence, ServerFrame, User } from "./types";

export type { Toast };

/** How many of a waiting session's newest messages are read to preview it. */
const PREVIEW_LOOKBACK = 10;
/** Retryable send errors are tried again after this long. */
const RETRY_SEND_MS = 3000;
/** Typing "on" is repeated at most this often, and turned off after this much quiet. */
const TYPING_IDLE_MS = 4000;

export interface Inbox {
  state: State;
  /** Labels: every label and each conversation's (kept live by `labels` frames). */
  labels: Labels;
  canned: CannedResponse[];
  /** The conversations the AI is handling, and the one being watched. */
  ai: AiWatch;
  /** Take a conversation over from the AI (answered like `accept`). */
  takeOver(sessionId: string): void;
  /** A canned response saved or deleted from this tab (the socket's frames do the same). */
  cannedSaved(c: CannedResponse): void;
  cannedDeleted(id: number): void;
  toasts: Toast[];
  soundOn: boolean;
  accept(sessionId: string): void;
  acceptOldest(): void;
  /** Send text and the files staged in the composer (their upload keys); the message goes
   * once every file is uploaded. */
  send(sessionId: string, text: string, uploadKeys?: string[]): void;
  /** Start uploading files into a chat's composer. */
  attach(sessionId: string, files: File[]): void;
  /** Cancel an upload (or remove a staged or failed file). */
  cancelUpload(key: string): void;
  retry(clientMsgId: string): void;
  discard(clientMsgId: string): void;
  typing(sessionId: string, on: boolean): void;
  markRead(sessionId: string, seq: number): void;
  /** Hand the chat over; `note` goes with it as a private note for the receiving agent. */
  transfer(sessionId: string, agentId: number, note?: string): void;
  close(sessionId: string, note: string): void;
  handBack(sessionId: string): void;
  setPresence(status: Exclude<Presence, "offline">): void;
  select(sessionId: string | null): void;
  dismiss(sessionId: string): void;
  toast(text: string, tone?: Toast["tone"]): void;
  dropToast(id: number): void;
  setSoundOn(on: boolean): void;
  refreshTeam(): void;
  /** The team's private notes (state/notes.ts, useNotes.ts). */
  notes: Notes;
}

export function useInbox(token: string, user: User,
  onSignedOut: (notice: string) => void): Inbox {
  const [state, dispatch] = useReducer(reduce, user.id,
    (id: number) => initialState(restoreOutbox(storage.loadOutbox(id))));
  const stateRef = useRef(state);
  stateRef.current = state;
  const [canned, setCanned] = useState<CannedResponse[]>([]);
  const labels = useLabels(token);
  const labelFrame = labels.onFrame;
  const { toasts, toast, dropToast } = useToasts();
  const [soundOn, setSoundOnState] = useState(storage.loadPref("sound", "on") === "on");
  const socketRef = useRef<InboxSocket | null>(null);
  const pendingAccept = useRef<string | null>(null);
  const pendingTransfer = useRef<{ sessionId: string; to: string } | null>(null);
  const pendingClose = useRef<string | null>(null);
  const wantStatus = useRef<"online" | "away">(
    storage.loadPref("status", "online") === "away" ? "away" : "online");
  const seenSent = useRef<Record<string, number>>({});
  const typingState = useRef<Record<string, { on: boolean; at: number; timer: number | null }>>({});
  const historyLoading = useRef<Set<string>>(new Set());
  const previewed = useRef<Record<string, number>>({});
  const readyOnce = useRef(false);
  /** Outbox entries sent on this socket (resent on the next `ready`). */
  const sentOnce = useRef<Set<string>>(new Set());
  const uploader = useMemo(() => new Uploader(token, dispatch), [token]);
  useEffect(() => () => uploader.stop(), [uploader]);
  const soundRef = useRef(soundOn);
  soundRef.current = soundOn;
  const signedOut = useRef(onSignedOut);
  signedOut.current = onSignedOut;

  const send = useCallback((frame: ClientFrame) => socketRef.current?.send(frame)
    ?? false, []);
  const notesWiring = useNotes(token, user, send, useCallback(() => soundRef.current, []));
  const notesRef = useRef(notesWiring);
  notesRef.current = notesWiring;
  const ai = useAiWatch(token, send, user.id);
  const aiFrame = useRef(ai.onFrame);
  aiFrame.current = ai.onFrame;

  const refreshTeam = useCallback(() => {
    api.team(token).then((agents) => dispatch({ type: "team", agents })).catch(() => undefined);
  }, [token]);

  /** After (re)connecting: resend what was never acknowledged, for the chats still ours. */
  const resendOutbox = useCallback((open: Set<string>) => {
    for (const entry of toResend(stateRef.current.outbox, (sid) => open.has(sid))) {
      if (send(messageFrame(entry))) sentOnce.current.add(entry.clientMsgId);
    }
  }, [send]);

  const onFrame = useCallback((frame: ServerFrame) => {
    const before = stateRef.current;
    dispatch({ type: "frame", frame });
    notesRef.current.onFrame(frame);
    aiFrame.current(frame);
    labelFrame(frame);
    contextFrame(frame);
    switch (frame.type) {
      case "canned_saved":
        setCanned((list) => upsertCanned(list, frame.canned));
        break;
      case "canned_deleted":
        setCanned((list) => removeCanned(list, frame.id));
        break;
      case "ready": {
        if (wantStatus.current !== frame.agent.status && frame.agent.status !== "offline") {
          send({ type: "presence", status: wantStatus.current });
        }
        const mine = new Set(frame.sessions.map((x) => x.session_id));
        resendOutbox(mine);
        // What was written in chats that stopped being ours cannot be sent any more: say so.
        for (const e of before.outbox) {
          if (e.failed === null && !mine.has(e.sessionId)) {
            dispatch({ type: "send_failed", clientMsgId: e.clientMsgId,
              reason: "this conversation is no longer yours" });
          }
        }
        if (readyOnce.current) refreshTeam();
        readyOnce.current = true;
        break;
      }
      case "queue_update": {
        const next: Record<string, (typeof frame.waiting)[number]> = {};
        for (const s of frame.waiting) next[s.session_id] = s;
        const prevOfWidget = Object.fromEntries(Object.entries(before.queue)
          .filter(([, s]) => s.site_key === frame.widget));
        const fresh = arrivals(prevOfWidget, next);
        if (fresh.length > 0) {
          if (soundRef.current) beep();
          const first = fresh[0]!;
          desktopNotify(fresh.length > 1 ? `${fresh.length} new chats waiting` : "New chat waiting",
            `${visitorLabel(first)}: ${first.last_message ?? ""}`.slice(0, 180), "parley-queue");
        }
        break;
      }
      case "accepted":
        if (pendingAccept.current === frame.session.session_id) {
          pendingAccept.current = null;
          dispatch({ type: "select", sessionId: frame.session.session_id });
        }
        break;
      case "assigned":
        // A transfer to us, an auto-assignment, or an accept from another tab of ours.
        if (pendingAccept.current !== frame.session.session_id
          && !before.chats[frame.session.session_id]) {
          toast(`${visitorLabel(frame.session)} is now yours`, "info");
          if (soundRef.current) beep();
          desktopNotify("A chat is now yours", visitorLabel(frame.session), "parley-assigned");
        }
        break;
      case "transferred": {
        const t = pendingTransfer.current;
        pendingTransfer.current = null;
        toast(t ? `Transferred to ${t.to}` : "Transferred", "success");
        break;
      }
      case "session_closed":
        if (pendingClose.current === frame.session_id) pendingClose.current = null;
        if (frame.by === "visitor" && before.chats[frame.session_id]?.ended === null) {
          toast(`${visitorLabel(before.chats[frame.session_id]!.session)} ended the chat`);
        }
        break;
      case "presence":
        if (!(frame.agent_id in before.team)) refreshTeam();
        break;
      case "error": {
        if (frame.client_msg_id) {
          if (frame.retryable) {
            window.setTimeout(() => {
              const entry = stateRef.current.outbox.find((e) => e.clientMsgId === frame.client_msg_id);
              if (entry && entry.failed === null) send(messageFrame(entry));
            }, RETRY_SEND_MS);
          } else {
            dispatch({ type: "send_failed", clientMsgId: frame.client_msg_id,
              reason: frame.message });
          }
          break;
        }
        if (frame.code === "conflict" && pendingAccept.current) {
          const sid = pendingAccept.current;
          pendingAccept.current = null;
          const by = frame.fields?.taken_by;
          dispatch({ type: "taken", sessionId: sid, by: by || "another agent" });
          toast(by ? `Taken by ${by}` : frame.message, "error");
          break;
        }
        // `seen` and `typing` racing a transfer or close get not_assigned: nothing to tell.
        if (frame.code === "not_assigned" && !pendingTransfer.current && !pendingClose.current) break;
        pendingClose.current = null;
        if (["at_capacity", "session_not_found"].includes(frame.code)) pendingAccept.current = null;
        if (["agent_offline", "agent_not_found", "same_agent"].includes(frame.code)) {
          pendingTransfer.current = null;
          refreshTeam();
        }
        toast(frame.message, "error");
        break;
      }
      default:
        break;
    }
  }, [send, resendOutbox, refreshTeam, toast, labelFrame]);

  // The socket, for as long as this inbox is mounted.
  useEffect(() => {
    const socket = new InboxSocket({
      url: agentSocketUrl(window.location, user.id),
      token,
      lastSeq: () => resumeMap(stateRef.current),
      lastNoteId: () => notesRef.current.lastNoteId(),
      onFrame,
      onState: (s) => {
        if (s === "connecting" || s === "reconnecting") dispatch({ type: "connection", connection: s });
      },
      onAuthLost: (reason) => {
        signedOut.current(reason === "token expired"
          ? "Your session expired. Sign in again to keep answering chats."
          : reason === "forbidden" ? "This account cannot use the inbox here. Sign in again."
            : "You were signed out (from another tab, or your password or role changed). "
              + "Sign in again.");
      },
    });
    socketRef.current = socket;
    socket.start();
    const online = () => socket.nudge();
    window.addEventListener("online", online);
    return () => {
      window.removeEventListener("online", online);
      socket.stop();
      socketRef.current = null;
    };
  }, [token, user.id, onFrame]);

  // REST reads: the team (for transfers) and the canned responses.
  useEffect(() => {
    api.setUnauthorizedHandler(() => signedOut.current(
      "Your session ended. Sign in again to keep answering chats."));
    refreshTeam();
    api.cannedResponses(token).then(setCanned).catch(() => undefined);
    return () => api.setUnauthorizedHandler(null);
  }, [token, refreshTeam]);

  // Load the history of chats that need it (new, reset, or with a gap).
  useEffect(() => {
    for (const chat of Object.values(state.chats)) {
      const sid = chat.session.session_id;
      if ((chat.historyLoaded && !chat.needsHistory) || historyLoading.current.has(sid)) continue;
      historyLoading.current.add(sid);
      notesRef.current.notes.load(sid);
      api.messagesAfter(token, chat.session, 0)
        .then((messages) => dispatch({ type: "history", sessionId: sid, messages, complete: true }))
        .catch(() => undefined) // tried again on the next change (e.g. after a reconnect)
        .finally(() => {
          window.setTimeout(() => historyLoading.current.delete(sid), 0);
        });
    }
  }, [state.chats, token]);

  // Preview waiting sessions by the visitor's last words (a few messages over REST each).
  useEffect(() => {
    for (const s of Object.values(state.queue)) {
      if (s.last_visitor_message) continue;  // the server said the visitor's question
      if (previewed.current[s.session_id] === s.last_seq) continue;
      previewed.current[s.session_id] = s.last_seq;
      api.messagesAfter(token, s, Math.max(0, s.last_seq - PREVIEW_LOOKBACK), PREVIEW_LOOKBACK)
        .then((messages) => {
          const text = previewOf(messages);
          if (text) dispatch({ type: "preview", sessionId: s.session_id, text });
        }).catch(() => undefined);
    }
  }, [state.queue, token]);

  /** A new message into the outbox; the effect below sends it once every file is uploaded. */
  const queue = useCallback((sessionId: string, text: string, files: OutboxFile[]) => {
    if (!text.trim() && files.length === 0) return;
    dispatch({ type: "send", entry: makeEntry(sessionId, text, crypto.randomUUID(), new Date(), files) });
    const t = typingState.current[sessionId];
    if (t?.on) {
      t.on = false;
      if (t.timer !== null) window.clearTimeout(t.timer);
    }
  }, []);

  // Send what is ready and not sent yet: a new message, or one whose last upload finished.
  useEffect(() => {
    for (const e of state.outbox) {
      if (e.failed !== null || !isReady(e) || sentOnce.current.has(e.clientMsgId)) continue;
      if (send(messageFrame(e))) sentOnce.current.add(e.clientMsgId);
    }
  }, [state.outbox, send]);

  // Keep unsent messages across reloads.
  useEffect(() => {
    storage.saveOutbox(user.id, state.outbox);
  }, [state.outbox, user.id]);

  const inbox = useMemo<Inbox>(() => ({
    state,
    labels,
    canned,
    ai,
    takeOver(sessionId) {
      pendingAccept.current = sessionId;
      if (!send({ type: "take_over", session_id: sessionId })) {
        pendingAccept.current = null;
        toast("Not connected: try again in a moment.", "error");
      }
    },
    cannedSaved(c) {
      setCanned((list) => upsertCanned(list, c));
    },
    cannedDeleted(id) {
      setCanned((list) => removeCanned(list, id));
    },
    toasts,
    soundOn,
    accept(sessionId) {
      pendingAccept.current = sessionId;
      if (!send({ type: "accept", session_id: sessionId })) {
        pendingAccept.current = null;
        toast("Not connected: try again in a moment.", "error");
      }
    },
    acceptOldest() {
      const s = stateRef.current;
      const waiting = Object.values(s.queue).filter((q) => !(q.session_id in s.taken));
      waiting.sort((a, b) => ((a.escalated_at ?? "") < (b.escalated_at ?? "") ? -1 : 1));
      if (waiting[0]) this.accept(waiting[0].session_id);
      else toast("Nobody is waiting.");
    },
    send(sessionId, text, uploadKeys = []) {
      queue(sessionId, text, outboxFiles(stateRef.current.uploads, uploadKeys));
    },
    retry(clientMsgId) {
      const entry = stateRef.current.outbox.find((e) => e.clientMsgId === clientMsgId);
      if (!entry) return;
      // A refused message is sent again as a new one (its old id is spent), with the files
      // whose upload finished.
      dispatch({ type: "discard", clientMsgId });
      queue(entry.sessionId, entry.text, (entry.files ?? []).filter((f) => f.done !== null));
    },
    attach(sessionId, files) {
      const chat = stateRef.current.chats[sessionId];
      if (chat && files.length) uploader.attach(chat.session, files);
    },
    cancelUpload(key) {
      uploader.cancel(key);
    },
    discard(clientMsgId) {
      dispatch({ type: "discard", clientMsgId });
    },
    typing(sessionId, on) {
      const t = typingState.current[sessionId] ??= { on: false, at: 0, timer: null };
      const now = Date.now();
      if (t.timer !== null) window.clearTimeout(t.timer);
      t.timer = null;
      if (on) {
        if (!t.on || now - t.at > TYPING_IDLE_MS) {
          send({ type: "typing", session_id: sessionId, on: true });
          t.at = now;
        }
        t.on = true;
        t.timer = window.setTimeout(() => this.typing(sessionId, false), TYPING_IDLE_MS);
      } else if (t.on) {
        t.on = false;
        send({ type: "typing", session_id: sessionId, on: false });
      }
    },
    markRead(sessionId, seq) {
      dispatch({ type: "read", sessionId, seq });
      const chat = stateRef.current.chats[sessionId];
      if (chat?.ended === null && seq > (seenSent.current[sessionId] ?? 0)
        && send({ type: "seen", session_id: sessionId, seq })) {
        seenSent.current[sessionId] = seq;
      }
    },
    transfer(sessionId, agentId, note) {
      const to = stateRef.current.team[agentId]?.display_name ?? "another agent";
      pendingTransfer.current = { sessionId, to };
      if (!send({ type: "transfer", session_id: sessionId, to_agent_id: agentId,
        ...(note?.trim() ? { note: note.trim() } : {}) })) {
        toast("Not connected: try again in a moment.", "error");
      }
    },
    close(sessionId, note) {
      const frame: ClientFrame = { type: "close", session_id: sessionId,
        ...(note.trim() ? { note: note.trim() } : {}) };
      pendingClose.current = sessionId;
      if (!send(frame)) toast("Not connected: try again in a moment.", "error");
    },
    handBack(sessionId) {
      if (!send({ type: "hand_back", session_id: sessionId })) {
        toast("Not connected: try again in a moment.", "error");
      }
    },
    setPresence(status) {
      wantStatus.current = status;
      storage.savePref("status", status);
      send({ type: "presence", status });
    },
    select(sessionId) {
      dispatch({ type: "select", sessionId });
    },
    dismiss(sessionId) {
      dispatch({ type: "dismiss", sessionId });
    },
    toast,
    dropToast,
    setSoundOn(on) {
      storage.savePref("sound", on ? "on" : "off");
      setSoundOnState(on);
    },
    refreshTeam,
    notes: notesWiring.notes,
  }), [state, labels, canned, ai, toasts, soundOn, send, toast, dropToast, refreshTeam, uploader,
    queue, notesWiring.notes]);
  return inbox;
}
