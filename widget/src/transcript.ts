// The conversation as the visitor sees it: server messages in seq order, own messages still
// pending (no seq until acked), and AI replies still streaming. Every entry is keyed by its
// client_msg_id — unique per session on the server too — so a message that arrives twice
// (replay after a reconnect, an ack and its echo, history reloaded after `reset`) is one entry.
//
// A transcript is a value (`Log`); `Transcript` edits a working copy of one and hands back the
// result (`log`), never changing the `Log` it started from nor an `Item` it returned before:
// the conversation's reducer stays pure with it.

import type { Attached, ChatMessage, SenderType, Source } from "./types";

export type ItemState =
  | "pending" // written here, not acknowledged yet
  | "failed" // refused by the server for good
  | "sent" // stored (has a seq)
  | "seen" // the other side has read it
  | "streaming"; // an AI reply still arriving

export interface Item {
  key: string;
  seq: number | null;
  sender: SenderType;
  name: string | null;
  text: string;
  at: string;
  state: ItemState;
  error?: string;
  /** AI messages: the knowledge-base entries the answer draws on. */
  sources?: readonly Source[];
  /** AI messages: the message offers a person. */
  offer?: boolean;
  /** The message's files. */
  files?: readonly Attached[];
  /** Own message whose uploads did not finish (a reload): the files must be chosen again. */
  again?: boolean;
  /** Insertion order, for entries without a seq. */
  order: number;
  /** System messages: what happened (docs/protocol.md), shown as the text `sys.<code>` of
   * the visitor's language, filled from params; `text` is for older codes and servers. */
  code?: string;
  params?: Record<string, unknown>;
}

export interface Change {
  item: Item;
  /** The key of the entry that now follows it (null: last), to place or move it. */
  before: string | null;
  added: boolean;
  /** The entry is gone (an AI reply that will never finish). */
  removed?: boolean;
}

/** The pieces of an AI reply still streaming, by index. */
type Stream = ReadonlyMap<number, string>;

export interface Log {
  /** Seq order, then entries without a seq in the order written. */
  readonly items: readonly Item[];
  readonly streams: ReadonlyMap<string, Stream>;
  /** Highest seq up to which nothing is missing: what a reconnect resumes after. */
  readonly watermark: number;
  /** Seqs held above the watermark (there is a hole below them). */
  readonly held: readonly number[];
  /** Highest seq the other side has read. */
  readonly seenByOther: number;
  readonly counter: number;
}

export const EMPTY_LOG: Log = {
  items: [], streams: new Map(), watermark: 0, held: [], seenByOther: 0, counter: 0,
};

/** Seqs are held above a hole: fetch after the watermark, before this (the highest held). */
export function gapBefore(log: Log): number | null {
  return holeBelow(log.watermark, log.held);
}

function holeBelow(watermark: number, held: Iterable<number>): number | null {
  let highest = 0;
  for (const s of held) if (s > highest) highest = s;
  return highest > watermark + 1 ? highest : null;
}

export class Transcript {
  private items: Item[];
  private byKey: Map<string, Item>;
  private streams: Map<string, Stream>;
  private counter: number;
  private watermark: number;
  private seqs: Set<number>;
  seenByOther: number;
  /** Items copied by this editor (changed in place from then on); the rest are shared. */
  private owned = new Set<Item>();

  constructor(private readonly onChange: (change: Change) => void = () => {}, log: Log = EMPTY_LOG) {
    this.items = [...log.items];
    this.byKey = new Map(log.items.map((i) => [i.key, i]));
    this.streams = new Map(log.streams);
    this.counter = log.counter;
    this.watermark = log.watermark;
    this.seqs = new Set(log.held);
    this.seenByOther = log.seenByOther;
  }

  /** The transcript as it is now, as a value later edits leave alone. */
  get log(): Log {
    this.owned.clear();
    return {
      items: [...this.items], streams: new Map(this.streams), watermark: this.watermark,
      held: [...this.seqs], seenByOther: this.seenByOther, counter: this.counter,
    };
  }

  get lastSeq(): number {
    return this.watermark;
  }

  /** Seqs are held above a hole: fetch after `lastSeq`, before this (the highest held). */
  get gapBefore(): number | null {
    return holeBelow(this.watermark, this.seqs);
  }

  list(): readonly Item[] {
    return this.items;
  }

  get(key: string): Item | undefined {
    return this.byKey.get(key);
  }

  /** An own message, shown at once, pending until acked. */
  addPending(key: string, text: string, at: string, files?: readonly Attached[]): Item {
    const existing = this.byKey.get(key);
    if (existing) return existing;
    const item: Item = {
      key, seq: null, sender: "visitor", name: null, text, at, state: "pending",
      order: this.counter++,
    };
    if (files?.length) item.files = files;
    this.insert(item);
    return item;
  }

  ack(key: string, seq: number): Item | undefined {
    const item = this.own(key);
    if (!item) return undefined;
    if (item.seq === null) item.seq = seq;
    if (item.state === "pending" || item.state === "failed") {
      item.state = seq <= this.seenByOther ? "seen" : "sent";
      delete item.error;
    }
    this.noteSeq(seq);
    this.place(item, false);
    return item;
  }

  fail(key: string, error: string, again = false): Item | undefined {
    if (this.byKey.get(key)?.seq !== null) return undefined;
    const item = this.own(key) as Item;
    item.state = "failed";
    item.error = error;
    if (again) item.again = true;
    this.place(item, false);
    return item;
  }

  /** Own files uploaded: their summaries (with ids) replace the drafts. */
  attach(key: string, files: readonly Attached[]): Item | undefined {
    if (this.byKey.get(key)?.seq !== null) return undefined;
    const item = this.own(key) as Item;
    item.files = files;
    this.place(item, false);
    return item;
  }

  retry(key: string): Item | undefined {
    const found = this.byKey.get(key);
    if (found?.state !== "failed" || found.again) return undefined;
    const item = this.own(key) as Item;
    item.state = "pending";
    delete item.error;
    this.place(item, false);
    return item;
  }

  /** A stored message (live, replayed or from history). True when it is new as a stored
   * message: not seen before, or replacing what was pending or streaming under its id. */
  message(m: ChatMessage): boolean {
    this.noteSeq(m.seq);
    const known = this.byKey.get(m.client_msg_id);
    let item: Item;
    const added = !known;
    if (known) {
      if (known.state === "sent" || known.state === "seen") return false;
      item = this.own(m.client_msg_id) as Item;
      item.seq = m.seq;
      item.text = m.text;
      item.at = m.created_at;
      item.name = m.sender_name;
    } else {
      if (this.items.some((i) => i.seq === m.seq)) return false; // same row, other key
      // The AI writes one reply at a time: a final reply stored under another id than the
      // one it streamed under replaces what was streamed.
      if (m.sender_type === "ai") this.dropStreaming();
      item = {
        key: m.client_msg_id, seq: m.seq, sender: m.sender_type, name: m.sender_name,
        text: m.text, at: m.created_at, state: "sent", order: this.counter++,
      };
    }
    if (m.sources?.length) item.sources = m.sources;
    else delete item.sources;
    if (m.offer === "person") item.offer = true;
    else delete item.offer;
    const { code, params } = m as { code?: string | null; params?: Record<string, unknown> | null };
    if (m.sender_type === "system" && code) {
      item.code = code;
      item.params = params ?? {};
    }
    const files = (m as { files?: Attached[] }).files;
    if (files?.length) item.files = files;
    else delete item.files;
    delete item.again;
    this.streams.delete(m.client_msg_id);
    item.state = m.sender_type === "visitor" && m.seq <= this.seenByOther ? "seen" : "sent";
    delete item.error;
    if (added) this.insert(item);
    else this.place(item, false);
    return true;
  }

  /** A piece of an AI reply being streamed. Pieces are joined in index order; a repeated
   * index is ignored; the final `message` (client_msg_id = reply_id) replaces the lot. */
  delta(replyId: string, index: number, text: string, at: string): Item | undefined {
    const found = this.byKey.get(replyId);
    if (found && found.state !== "streaming") return undefined; // already final
    const stream = this.streams.get(replyId);
    if (stream?.has(index)) return found;
    const parts = new Map(stream).set(index, text);
    this.streams.set(replyId, parts);
    // The run of consecutive pieces from the first one we have (a reply may have started
    // before this page connected).
    let i = Math.min(...parts.keys());
    let joined = "";
    for (let part = parts.get(i); part !== undefined; part = parts.get(++i)) {
      joined += part;
    }
    const existing = this.own(replyId);
    if (existing) {
      existing.text = joined;
      this.place(existing, false);
      return existing;
    }
    const item: Item = {
      key: replyId, seq: null, sender: "ai", name: null, text: joined, at, state: "streaming",
      order: this.counter++,
    };
    this.insert(item);
    return item;
  }

  /** Drop AI replies that will never finish (a person took over, the chat ended). */
  dropStreaming(): Item[] {
    const dropped = this.items.filter((i) => i.state === "streaming");
    for (const item of dropped) this.remove(item.key);
    return dropped;
  }

  /** The other side has read everything up to `seq`. Returns own messages newly seen. */
  seen(seq: number): Item[] {
    if (seq <= this.seenByOther) return [];
    this.seenByOther = seq;
    const changed: Item[] = [];
    for (const shown of [...this.items]) {
      if (shown.sender === "visitor" && shown.state === "sent" && shown.seq !== null && shown.seq <= seq) {
        const item = this.own(shown.key) as Item;
        item.state = "seen";
        changed.push(item);
        this.place(item, false);
      }
    }
    return changed;
  }

  /** The server's history replaces what we know (after `reset`); pending entries stay. */
  load(messages: ChatMessage[], lastSeq: number): ChatMessage[] {
    const fresh = messages.filter((m) => this.message(m));
    if (lastSeq > this.watermark) this.watermark = lastSeq;
    return fresh;
  }

  remove(key: string): void {
    const item = this.byKey.get(key);
    if (!item) return;
    this.byKey.delete(key);
    this.streams.delete(key);
    this.items.splice(this.items.indexOf(item), 1);
    this.onChange({ item, before: null, added: false, removed: true });
  }

  clear(): void {
    this.items = [];
    this.byKey.clear();
    this.streams.clear();
    this.seqs.clear();
    this.watermark = 0;
    this.seenByOther = 0;
  }

  /** The entry under `key`, copied the first time this editor changes it. */
  private own(key: string): Item | undefined {
    const item = this.byKey.get(key);
    if (!item || this.owned.has(item)) return item;
    const copy = { ...item };
    this.owned.add(copy);
    this.byKey.set(key, copy);
    this.items[this.items.indexOf(item)] = copy;
    return copy;
  }

  private noteSeq(seq: number): void {
    this.seqs.add(seq);
    while (this.seqs.has(this.watermark + 1)) this.seqs.delete(++this.watermark);
    for (const s of this.seqs) if (s <= this.watermark) this.seqs.delete(s);
  }

  private insert(item: Item): void {
    this.owned.add(item);
    this.byKey.set(item.key, item);
    this.items.push(item);
    this.place(item, true);
  }

  /** Keep `items` ordered (seq first, then entries without one in the order written) and
   * tell the view where the item now belongs. */
  private place(item: Item, added: boolean): void {
    this.items.sort(compare);
    const next = this.items[this.items.indexOf(item) + 1];
    this.onChange({ item, before: next ? next.key : null, added });
  }
}

function compare(a: Item, b: Item): number {
  if (a.seq !== null && b.seq !== null) return a.seq - b.seq;
  if (a.seq !== null) return -1;
  if (b.seq !== null) return 1;
  return a.order - b.order;
}
