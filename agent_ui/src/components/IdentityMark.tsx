import type { Session } from "../types";
import { Badge } from "./common";

type Who = Pick<Session, "visitor_name" | "visitor_email" | "visitor_verified" | "visitor_user_id">;

/** Whether the visitor's name and email were signed by the site's server (docs/identity.md):
 * "Verified", or "Unverified" for what the visitor or the page only claimed; nothing for an
 * anonymous visitor. */
export function IdentityMark({ session, compact = false }: { session: Who; compact?: boolean }) {
  if (session.visitor_verified) {
    const id = session.visitor_user_id ? ` (user ${session.visitor_user_id})` : "";
    if (compact) {
      return (
        <span data-testid="identity-verified" role="img" aria-label="Verified" title={`Identity signed by the site${id}`}
          className="shrink-0 font-semibold text-success-700">✓</span>
      );
    }
    return (
      <span data-testid="identity-verified">
        <Badge tone="success" title={`Identity signed by the site${id}`}>
          <span aria-hidden="true">✓ </span>Verified
        </Badge>
      </span>
    );
  }
  if (!session.visitor_name && !session.visitor_email) return null;
  return (
    <span data-testid="identity-unverified">
      <Badge title="Name and email as given, not confirmed by the site">Unverified</Badge>
    </span>
  );
}
