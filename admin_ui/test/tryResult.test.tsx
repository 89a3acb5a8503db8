// @vitest-environment jsdom
// "Try it" says in words what was found and whether the AI would answer: no raw scores, and
// nothing marked as answered with when it declines.
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { TryResult } from "../src/components/KnowledgeEditor";
import type { TryAnswer } from "../src/types";

const passage = { text: "…", score: 0.912, coverage: 0, similarity: 0.912 };

afterEach(cleanup);

describe("TryResult", () => {
  it("shows an answer, the entry it came from and how close the others are", () => {
    const result: TryAnswer = {
      decision: "answer", search: "meaning", confident: true, no_match: false,
      explanation: "Found “How long does shipping take?” — a close match: the assistant would answer with it.",
      answer: "Orders ship within two business days.",
      passages: [
        { ...passage, entry_id: 1, title: "How long does shipping take?", match: "close", used: true },
        { ...passage, entry_id: 2, title: "Warranty", match: "weak", used: false, score: 0.8 },
      ],
    };
    render(<TryResult result={result} />);
    expect(screen.getByText("Would answer")).toBeTruthy();
    expect(screen.getByTestId("try-explanation").textContent).toBe(result.explanation);
    expect(screen.getByTestId("try-reply").textContent).toContain(result.answer);
    const rows = screen.getAllByTestId("try-passage").map((li) => li.textContent);
    expect(rows).toEqual(["How long does shipping take?close match · answered with", "Warrantyweak match"]);
    expect(screen.getByTestId("try-result").textContent).not.toMatch(/0\.9|0\.8|%/);
  });

  it("shows a decline as a decline, with nothing answered with", () => {
    const result: TryAnswer = {
      decision: "decline", search: "keywords", confident: false, no_match: true,
      explanation: "The closest entry, “Warranty”, is not close enough: the assistant would say it doesn't know and offer a person.",
      answer: "I'm not sure about that. Would you like me to connect you with a person?",
      passages: [{ ...passage, entry_id: 2, title: "Warranty", match: "partial", used: false, similarity: null }],
    };
    render(<TryResult result={result} />);
    expect(screen.getByText("Would decline and offer a person")).toBeTruthy();
    expect(screen.getByTestId("try-explanation").textContent).toBe(result.explanation);
    expect(screen.getByTestId("try-result").textContent).not.toMatch(/answered with|used/);
    expect(screen.getByText(/Entries found \(by keywords\)/)).toBeTruthy();
  });
});
