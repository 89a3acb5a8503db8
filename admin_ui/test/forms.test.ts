import { describe, expect, it } from "vitest";
import { countEntries, detectFormat } from "../src/knowledgeImport";
import { parseRoute, routePath } from "../src/router";
import { generatePassword, passwordProblem, usernameFrom, validateUser } from "../src/userForm";

describe("the new-user form", () => {
  it("checks what the server checks, under the same field names", () => {
    expect(validateUser({ username: "a", email: "nope", display_name: "", role: "agent", password: "short" })).toEqual({
      username: "may use letters, digits, '.', '_' and '-' (2-64)",
      email: "must be an email address",
      password: "must be at least 8 characters",
    });
    expect(validateUser({ username: "sam", email: "sam@example.com", display_name: "Sam", role: "agent",
      password: "correct-horse-battery" })).toEqual({});
  });

  it("refuses passwords that are simple or the user's own name", () => {
    expect(passwordProblem("aaaaaaaa")).toBe("is too common or too simple");
    expect(passwordProblem("samsmith1", "samsmith1")).toBe("must not be your username or email");
    expect(passwordProblem("x".repeat(40) + "é".repeat(20))).toBe("must be at most 72 bytes");
  });

  it("suggests a username and generates passwords that pass", () => {
    expect(usernameFrom("ada.lovelace+x@example.com")).toBe("ada.lovelacex");
    for (let i = 0; i < 20; i++) expect(passwordProblem(generatePassword())).toBeNull();
  });
});

describe("knowledge-base import", () => {
  it("tells Markdown from CSV by name, else by the first line", () => {
    expect(detectFormat("faq.md", "")).toBe("markdown");
    expect(detectFormat("faq.CSV", "")).toBe("csv");
    expect(detectFormat("faq", "## Shipping?\nYes")).toBe("markdown");
    expect(detectFormat("faq", "question,answer\nA,B")).toBe("csv");
    expect(detectFormat("faq.pdf", "%PDF")).toBeNull();
  });

  it("counts the entries to expect, quoted newlines included", () => {
    expect(countEntries("markdown", "# FAQ\n## One?\nYes\n## Two\nText\n#no")).toBe(3);
    expect(countEntries("csv", 'question,answer\n"Multi\nline?",yes\nB,c\n\n')).toBe(2);
  });
});

describe("routes", () => {
  it("round-trips every page through its URL", () => {
    for (const path of ["/admin/", "/admin/widgets", "/admin/widgets/new", "/admin/widgets/new/ai",
      "/admin/widgets/KEY_1", "/admin/widgets/KEY_1/install", "/admin/widgets/KEY_1/knowledge",
      "/admin/users", "/admin/analytics", "/admin/mail", "/admin/login"]) {
      expect(routePath(parseRoute(path))).toBe(path);
    }
    expect(parseRoute("/admin/nowhere")).toEqual({ page: "dashboard" });
    expect(parseRoute("/admin/widgets/%E0%A4%A")).toEqual({ page: "widget", key: "%E0%A4%A", tab: "appearance" });
  });
});
