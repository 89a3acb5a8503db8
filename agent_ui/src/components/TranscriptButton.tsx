import { useState } from "react";
import * as api from "../api";
import type { Session } from "../types";

/** "Email transcript": mails the whole conversation to the visitor's email, for a conversation
 * (open or ended) whose visitor gave one. Says where it went, or why it could not. */
export function TranscriptButton({ token, session }: { token: string; session: Session }) {
  const [state, setState] = useState<"idle" | "sending" | "sent">("idle");
  const [problem, setProblem] = useState<string | null>(null);
  const email = session.offline_email || session.visitor_email;
  if (!email) return null;
  const sendIt = () => {
    setState("sending");
    setProblem(null);
    api.emailTranscript(token, session.session_id).then(() => setState("sent"), (err: unknown) => {
      setState("idle");
      setProblem(err instanceof Error ? err.message : "Could not send the transcript");
    });
  };
  return (
    <>
      <button type="button" className="btn-secondary" disabled={state === "sending"} onClick={sendIt}
        title={`Email the whole conversation to ${email}`}>
        <span className="hidden md:inline">Email transcript</span><span className="md:hidden">Transcript</span>
      </button>
      <span role="status" className="text-xs text-success-700">
        {state === "sent" ? `Transcript sent to ${email}` : ""}
      </span>
      {problem && <span role="alert" className="text-xs text-error-700">{problem}</span>}
    </>
  );
}
