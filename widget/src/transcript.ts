// The conversation as the visitor sees it: server messages in seq order, own messages still
// pending (no seq until acked), and AI replies still streaming. Every entry is keyed by its
// client_msg_id — unique per session on the server too — so a message that arrives twice
// (replay after a reconnect, an ack and its echo, history reloaded after `reset`) is one entry.

import type { ChatMessage, SenderType } from "./types";

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
  /** Insertion order, for entries without a seq. */
  order: number;
}

export interface Change {
  item: Item;
  /** The key of the entry that now follows it (null: last), to place or move it. */
  before: string | null;
  added: boolean;
  /** The entry is gone (an AI reply that will never finish). */
  removed?: boolean;
}

interface Stream {
  parts: Map<number, string>;
}

export class Transcript {
  private items: Item[] = [];
  private byKey = new Map<string, Item>();
  private streams = new Map<string, Stream>();
  private counter = 0;
  /** Highest seq up to which nothing is missing: what a reconnect resumes after. */
  private watermark = 0;
  private seqs = new Set<number>();
  seenByOther = 0;

  constructor(private readonly onChange: (change: Change) => void = () => {}) {}

  get lastSeq(): number {
    return this.watermark;
  }

  /** Seqs are held above a hole: fetch after `lastSeq`, before this (the highest held). */
  get gapBefore(): number | null {
    let highest = 0;
    for (const s of this.seqs) if (s > highest) highest = s;
    return highest > this.watermark + 1 ? highest : null;
  }

  list(): readonly Item[] {
    return this.items;
  }

  get(key: string): Item | undefined {
    return this.byKey.get(key);
  }

  /** An own message, shown at once, pending until acked. */
  addPending(key: string, text: string, at: string): Item {
    const existing = this.byKey.get(key);
    if (existing) return existing;
    const item: Item = {
      key, seq: null, sender: "visitor", name: null, text, at, state: "pending",
      order: this.counter++,
    };
    this.insert(item);
    return item;
  }

  ack(key: string, seq: number): Item | undefined {
    const item = this.byKey.get(key);
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

  fail(key: string, error: string): Item | undefined {
    const item = this.byKey.get(key);
    if (!item || item.seq !== null) return undefined;
    item.state = "failed";
    item.error = error;
    this.place(item, false);
    return item;
  }

  retry(key: string): Item | undefined {
    const item = this.byKey.get(key);
    if (!item || item.state !== "failed") return undefined;
    item.state = "pending";
    delete item.error;
    this.place(item, false);
    return item;
  }

  /** A stored message (live, replayed or from history). True when it is new as a stored
   * message: not seen before, or replacing what was pending or streaming under its id. */
  message(m: ChatMessage): boolean {
    this.noteSeq(m.seq);
    let item = this.byKey.get(m.client_msg_id);
    const added = !item;
    if (item) {
      if (item.state === "sent" || item.state === "seen") return false;
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
    const existing = this.byKey.get(replyId);
    if (existing && existing.state !== "streaming") return undefined; // already final
    let stream = this.streams.get(replyId);
    if (!stream) {
      stream = { parts: new Map() };
      this.streams.set(replyId, stream);
    }
    if (stream.parts.has(index)) return existing;
    stream.parts.set(index, text);
    // The run of consecutive pieces from the first one we have (a reply may have started
    // before this page connected).
    let i = Math.min(...stream.parts.keys());
    let joined = "";
    for (let part = stream.parts.get(i); part !== undefined; part = stream.parts.get(++i)) {
      joined += part;
    }
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
    for (const item of this.items) {
      if (item.sender === "visitor" && item.state === "sent" && item.seq !== null && item.seq <= seq) {
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

  private noteSeq(seq: number): void {
    this.seqs.add(seq);
    while (this.seqs.has(this.watermark + 1)) this.seqs.delete(++this.watermark);
    for (const s of this.seqs) if (s <= this.watermark) this.seqs.delete(s);
  }

  private insert(item: Item): void {
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
