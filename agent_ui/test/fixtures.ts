import type { Message, Session } from "../src/types";

let n = 0;

export function session(over: Partial<Session> = {}): Session {
  n += 1;
  return {
    session_id: `s-${String(n).padStart(3, "0")}`, site_key: "KEY_A", visitor_name: `Visitor ${n}`,
    visitor_email: null, status: "waiting", ai_mode: false,
    escalated_at: `2026-11-26T10:00:${String(n % 60).padStart(2, "0")}.000Z`, last_seq: 0,
    created_at: "2026-11-26T09:59:00.000Z", visitor_info: {}, assigned_agent_id: null,
    escalation_reason: "explicit_request", accepted_at: null, first_agent_reply_at: null,
    closed_at: null, agent: null,
    last_activity_at: "2026-11-26T10:00:00.000Z", offline_email: null, offline_note: null,
    rating: null, resolution: null, last_message: null, widget_name: "Acme", ...over,
  };
}

export function msg(sessionId: string, seq: number, over: Partial<Message> = {}): Message {
  return { session_id: sessionId, id: 1000 + seq, seq, sender_type: "visitor", sender_name: null,
    text: `message ${seq}`, created_at: `2026-11-26T10:01:${String(seq % 60).padStart(2, "0")}.000Z`,
    client_msg_id: `c-${sessionId}-${seq}`, ...over };
}

export const ME = { id: 7, display_name: "Alice", role: "agent" as const, status: "online" as const };
