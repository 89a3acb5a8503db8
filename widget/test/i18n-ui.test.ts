// @vitest-environment jsdom
// What the visitor sees in their language: system messages by code, directions of messages.
import { afterEach, describe, expect, it } from "vitest";
import AR from "../src/i18n/ar.json";
import DE from "../src/i18n/de.json";
import EN from "../src/i18n/en.json";
import ES from "../src/i18n/es.json";
import FR from "../src/i18n/fr.json";
import IT from "../src/i18n/it.json";
import NL from "../src/i18n/nl.json";
import PT from "../src/i18n/pt.json";
import { Transcript } from "../src/transcript";
import type { ChatMessage } from "../src/types";
import { MessageList } from "../src/ui/messages";
import { setTexts } from "../src/ui/strings";

const system = (seq: number, text: string, extra: object = {}): ChatMessage => ({
  session_id: "s", id: seq, seq, sender_type: "system", sender_name: null, text,
  created_at: "2026-12-06T10:00:00Z", client_msg_id: `sys-${seq}`, ...extra,
} as ChatMessage);

function shown(messages: ChatMessage[]): string[] {
  const list = new MessageList({ ai: "Assistant", business: "Acme" }, () => {});
  const t = new Transcript((c) => list.apply(c));
  for (const m of messages) t.message(m);
  return [...list.el.querySelectorAll(".pw-note .pw-bubble")].map((b) => b.textContent ?? "");
}

const packs: Record<string, Record<string, string>> = { ar: AR, de: DE, en: EN, es: ES, fr: FR, it: IT, nl: NL, pt: PT };

afterEach(() => setTexts("en", EN));

describe("system messages", () => {
  it("are shown in the visitor's language from their code and params", () => {
    setTexts("fr", FR);
    expect(shown([
      system(1, "Ana joined the conversation.", { code: "joined", params: { agent: "Ana" } }),
      system(2, "Ana transferred the conversation to Bo.", { code: "transfer", params: { from: "Ana", to: "Bo" } }),
      system(3, "The conversation was closed.", { code: "closed", params: {} }),
    ])).toEqual([
      "Ana a rejoint la conversation.",
      "Ana a transféré la conversation à Bo.",
      "La conversation a été fermée.",
    ]);
  });

  it("show their text when they have no code (older servers) or a code this widget does not know", () => {
    setTexts("fr", FR);
    expect(shown([
      system(1, "The conversation was closed."),
      system(2, "Something new happened.", { code: "something_new", params: {} }),
    ])).toEqual(["The conversation was closed.", "Something new happened."]);
  });

  it("have a text for every code the server sends, in every language", () => {
    const codes = ["joined", "reopened", "visitor_reopened", "transfer", "hand_back", "closed", "abandoned",
      "email", "escalated", "email_reopened", "email_escalated", "taken_over", "invited"];
    for (const [lang, texts] of Object.entries(packs)) {
      for (const code of codes) expect(texts[`sys.${code}`], `${lang}: sys.${code}`).toBeTruthy();
    }
  });
});

describe("message bubbles", () => {
  it("take their direction from their own text (dir=auto)", () => {
    const list = new MessageList({ ai: "Assistant", business: "Acme" }, () => {});
    const t = new Transcript((c) => list.apply(c));
    t.addPending("k", "مرحبا hello", "2026-12-06T10:00:00Z");
    expect(list.el.querySelector(".pw-bubble")?.getAttribute("dir")).toBe("auto");
  });
});
