// @vitest-environment jsdom
// The widget builder's validation: mistakes shown under their field before a round trip, and
// the server's 422 field errors put under the field they name, on the tab that shows it.
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api";
import { WidgetBuilder } from "../src/components/WidgetBuilder";
import { ToastProvider } from "../src/components/ui";
import { parseRoute } from "../src/router";
import type { User, Widget } from "../src/types";
import { DEFAULTS } from "../src/widgetForm";

vi.mock("../src/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../src/api")>();
  return { ...real, getWidget: vi.fn(), updateWidget: vi.fn(), createWidget: vi.fn() };
});

const admin: User = { id: 1, username: "root", email: "root@example.com", role: "admin", display_name: "Root",
  max_chats: null, created_at: "", last_login_at: null, avatar_url: null };
const widget: Widget = { ...structuredClone(DEFAULTS), business_name: "Acme", id: 7, site_key: "KEY12345",
  owner_id: 1, created_at: "", updated_at: "", identity_secret_set: false, identity_previous_until: null };

function Builder() {
  const route = parseRoute(location.pathname);
  if (route.page !== "widget") throw new Error(location.pathname);
  return <ToastProvider><WidgetBuilder siteKey={route.key} tab={route.tab} user={admin} /></ToastProvider>;
}

beforeEach(() => {
  vi.mocked(api.getWidget).mockResolvedValue(structuredClone(widget));
});
afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

describe("WidgetBuilder", () => {
  it("shows a mistake under its field and does not send it", async () => {
    history.replaceState(null, "", "/admin/widgets/KEY12345");
    const { rerender } = render(<Builder />);
    const color = await screen.findByLabelText("Primary colour");
    fireEvent.change(color, { target: { value: "blue" } });
    expect(await screen.findByText("must be a colour like #007bff")).toBeTruthy();
    expect(color.getAttribute("aria-invalid")).toBe("true");
    fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByText("Some settings need fixing before saving.")).toBeTruthy();
    expect(api.updateWidget).not.toHaveBeenCalled();
    rerender(<Builder />);
  });

  it("puts the server's field errors under their field, on their tab", async () => {
    history.replaceState(null, "", "/admin/widgets/KEY12345/ai");
    vi.mocked(api.updateWidget).mockRejectedValue(new api.ApiError(422, "validation_failed", "invalid",
      { allowed_origins: "at most 50 origins" }));
    const { rerender } = render(<Builder />);
    const prompt = await screen.findByLabelText("Instructions");
    fireEvent.change(prompt, { target: { value: "Be brief." } });
    fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(api.updateWidget).toHaveBeenCalledWith("KEY12345",
      { ai_settings: { system_prompt: "Be brief." } }));
    expect(await screen.findByText("The server refused some settings: see the marked fields.")).toBeTruthy();
    expect(location.pathname).toBe("/admin/widgets/KEY12345/install");
    rerender(<Builder />);
    expect(await screen.findByText("at most 50 origins")).toBeTruthy();
    expect(screen.getByRole("tab", { name: /Install/ }).querySelector("[aria-label='has errors']")).toBeTruthy();
  });

  it("overrides a text per language on the Texts tab, and saves only that", async () => {
    history.replaceState(null, "", "/admin/widgets/KEY12345/texts");
    vi.mocked(api.updateWidget).mockResolvedValue({ ...structuredClone(widget),
      text_overrides: { fr: { "panel.placeholder": "Votre question…" } } });
    render(<Builder />);
    fireEvent.change(await screen.findByLabelText("Find a text"), { target: { value: "placeholder" } });
    fireEvent.change(screen.getByLabelText("Language"), { target: { value: "fr" } });
    expect(screen.getByText("Écrivez un message…")).toBeTruthy(); // the French default
    fireEvent.change(screen.getByLabelText("panel.placeholder"), { target: { value: "Votre question…" } });
    fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(api.updateWidget).toHaveBeenCalledWith("KEY12345",
      { text_overrides: { fr: { "panel.placeholder": "Votre question…" } } }));
  }, 20_000);
});
