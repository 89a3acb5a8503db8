import { type ReactNode, useEffect, useState } from "react";
import * as api from "../api";
import { dateTime, localTime, reasonLabel, safeUrl, visitorLabel } from "../format";
import { describeBrowser } from "../useragent";
import type { SessionDetails, Session } from "../types";
import { useSocketGeneration, useVisitorContext } from "../visitorContext";
import { useNow } from "./common";
import { IdentityMark } from "./IdentityMark";
import { ContextRows, ContextSections } from "./VisitorContextRows";

interface Props {
  token: string;
  session: Session;
  onOpenPrevious?: (sessionId: string) => void;
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="py-1">
      <dt className="text-xs font-medium uppercase tracking-wide text-secondary-600">{label}</dt>
      <dd className="break-words text-sm text-secondary-900">{children}</dd>
    </div>
  );
}

/** Who the visitor is: what they told, where they are, what they use, their local time and
 * their earlier conversations. */
export function VisitorDetails({ token, session, onOpenPrevious }: Props) {
  const now = useNow(10_000);
  const [details, setDetails] = useState<SessionDetails | null>(null);
  const connected = useSocketGeneration(); // loaded again after a reconnect
  useEffect(() => {
    let live = true;
    api.sessionDetails(token, session.session_id).then((d) => live && setDetails(d))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [token, session.session_id, connected]);

  const info = session.visitor_info ?? {};
  const page = safeUrl(info.page_url);
  // The widget's context (live over the socket, else as loaded), from the first interaction on.
  const context = useVisitorContext(session.session_id,
    details?.session.session_id === session.session_id ? details.session.visitor_context : null);
  const local = localTime(context?.timezone ?? info.timezone, now);
  const prechat = Object.entries(info.prechat ?? {}).filter(([k]) => k !== "name" && k !== "email");
  return (
    <aside aria-label="Visitor details" className="h-full overflow-y-auto bg-white p-4" data-testid="visitor-details">
      <h2 className="mb-2 flex flex-wrap items-center gap-2 text-lg font-semibold">
        <span>{visitorLabel(session)}</span> <IdentityMark session={session} />
      </h2>
      <dl>
        <Row label="Email">{session.visitor_email ?? <span className="text-secondary-500">Not given</span>}</Row>
        {session.offline_email && session.offline_email !== session.visitor_email && (
          <Row label="Reply to">{session.offline_email}</Row>
        )}
        {session.offline_note && <Row label="Their note">{session.offline_note}</Row>}
        {session.visitor_verified && session.visitor_user_id && <Row label="User id">{session.visitor_user_id}</Row>}
        {Object.entries(info.identity_attributes ?? {}).map(([k, v]) => (
          <Row key={`attr-${k}`} label={k.replace(/_/g, " ")}>{String(v)}</Row>
        ))}
        {prechat.map(([k, v]) => <Row key={k} label={k.replace(/_/g, " ")}>{v}</Row>)}
        <Row label="Widget">{session.widget_name ?? details?.session.widget_name ?? session.site_key}</Row>
        {session.escalation_reason && <Row label="Why a person">{reasonLabel(session.escalation_reason)}</Row>}
        <Row label="Page">
          {page ? <a href={page} target="_blank" rel="noopener noreferrer" className="text-primary-700 underline">{page}</a>
            : <span className="text-secondary-500">Unknown</span>}
        </Row>
        <Row label="Browser">{describeBrowser(info.user_agent)}</Row>
        <Row label="Local time"><span data-testid="visitor-local-time">{local ?? <span className="text-secondary-500">Unknown</span>}</span></Row>
        {context && <ContextRows context={context} Row={Row} />}
        <Row label="Started">{dateTime(session.created_at)}</Row>
        {session.closed_at && <Row label="Ended">{dateTime(session.closed_at)}</Row>}
        {details?.session.close_note && <Row label="Close note">{details.session.close_note}</Row>}
        {session.rating !== null && session.rating !== undefined && <Row label="Rating">{"★".repeat(session.rating)}{"☆".repeat(5 - session.rating)}</Row>}
        {(session.rating_comment ?? details?.session.rating_comment) && (
          <Row label="Rating comment"><span data-testid="rating-comment" className="whitespace-pre-wrap">
            {session.rating_comment ?? details?.session.rating_comment}</span></Row>
        )}
      </dl>
      {context && <ContextSections context={context} now={now} />}
      {details && details.previous_sessions.length > 0 && (
        <section className="mt-4">
          <h3 className="mb-1 text-xs font-medium uppercase tracking-wide text-secondary-600">Earlier conversations</h3>
          <ul className="flex flex-col gap-1">
            {details.previous_sessions.map((p) => (
              <li key={p.session_id}>
                <button type="button" className="w-full rounded px-2 py-1 text-left text-sm hover:bg-secondary-50"
                  onClick={() => onOpenPrevious?.(p.session_id)}>
                  <span className="block text-xs text-secondary-600">{dateTime(p.created_at)} · {p.status}</span>
                  <span className="line-clamp-1">{p.last_message ?? "No messages"}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </aside>
  );
}
