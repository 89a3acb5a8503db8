// The variables a canned response may hold, filled in when an agent inserts it:
// {{visitor.name}}, {{visitor.first_name}}, {{visitor.email}}, {{agent.name}},
// {{agent.first_name}}, each with an optional fallback for when the value is unknown:
// {{visitor.name|there}}. Without one, a name falls back to "there" (Hi {{visitor.name}} ->
// "Hi there") and anything else to nothing. An unknown variable is left as typed, so a typo
// shows before it is sent.

export interface CannedContext {
  visitorName: string | null | undefined;
  visitorEmail: string | null | undefined;
  agentName: string | null | undefined;
}

export const CANNED_VARIABLES: { name: string; help: string }[] = [
  { name: "visitor.name", help: "the visitor's name (\"there\" when unknown)" },
  { name: "visitor.first_name", help: "the first word of the visitor's name" },
  { name: "visitor.email", help: "the visitor's email address" },
  { name: "agent.name", help: "your name" },
  { name: "agent.first_name", help: "the first word of your name" },
];

const NAME_FALLBACK = "there";
const VARIABLE = /\{\{\s*([a-z_]+\.[a-z_]+)\s*(?:\|([^}]*))?\}\}/g;

function firstWord(s: string): string {
  return s.trim().split(/\s+/)[0] ?? "";
}

function valueOf(name: string, ctx: CannedContext): string | null | undefined {
  const visitor = ctx.visitorName?.trim() ?? "";
  const agent = ctx.agentName?.trim() ?? "";
  switch (name) {
    case "visitor.name": return visitor;
    case "visitor.first_name": return firstWord(visitor);
    case "visitor.email": return ctx.visitorEmail?.trim() ?? "";
    case "agent.name": return agent;
    case "agent.first_name": return firstWord(agent);
    default: return undefined;
  }
}

/** The response's text with its variables filled in for this conversation. */
export function fillCanned(text: string, ctx: CannedContext): string {
  return text.replace(VARIABLE, (whole, name: string, fallback: string | undefined) => {
    const value = valueOf(name, ctx);
    if (value === undefined) return whole;
    if (value) return value;
    if (fallback !== undefined) return fallback.trim();
    return name.endsWith("name") ? NAME_FALLBACK : "";
  });
}
