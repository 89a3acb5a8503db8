// @vitest-environment jsdom
// The upload chunk's checks before a round trip, and files in the transcript as text only.
import { describe, expect, it } from "vitest";
import { Transcript } from "../src/transcript";
import type { Attached } from "../src/types";
import { fileSize, kind } from "../src/ui/files";
import { MessageList } from "../src/ui/messages";
import { precheck, uploadError } from "../src/upload";

const LIMITS = { max_bytes: 1000, max_files: 3, types: ["image/png", "application/pdf"] };
const file = (bytes: number, name: string, type: string): File => new File([new Uint8Array(bytes)], name, { type });

describe("precheck", () => {
  it("refuses an empty file, one over the limit and a type the server does not take", () => {
    expect(precheck(file(0, "a.png", "image/png"), LIMITS)).toBe(uploadError("file_empty"));
    expect(precheck(file(1001, "a.png", "image/png"), LIMITS)).toBe("This file is too large: the limit is 1000 bytes.");
    expect(precheck(file(10, "a.svg", "image/svg+xml"), LIMITS)).toBe(uploadError("file_type_not_allowed"));
  });

  it("lets the server decide what the browser cannot name, and passes what fits", () => {
    expect(precheck(file(10, "notes", ""), LIMITS)).toBeNull();
    expect(precheck(file(1000, "a.PDF", "application/pdf"), LIMITS)).toBeNull();
  });
});

describe("file labels", () => {
  it("says sizes and kinds in plain words", () => {
    expect([fileSize(820), fileSize(12 * 1024), fileSize(3.4 * 1024 * 1024), fileSize(25 * 1024 * 1024)])
      .toEqual(["820 bytes", "12 KB", "3.4 MB", "25 MB"]);
    expect([kind("application/pdf"), kind("image/png"), kind("text/csv"), kind("application/x-thing+xml")])
      .toEqual(["PDF", "PNG", "CSV", "X"]);
  });
});

describe("files in the transcript", () => {
  it("shows a hostile file name as text, a thumbnail for images and a chip for the rest", () => {
    const urls: string[] = [];
    const list = new MessageList({ ai: "Assistant", business: "Acme" }, () => {}, () => {}, {
      url: (id, thumb) => {
        urls.push(`${id}:${thumb}`);
        return new Promise(() => {});
      },
      view: () => {},
    });
    const files: Attached[] = [
      { id: "i1", name: '<img src=x onerror="alert(1)">.png', type: "image/png", size: 10, width: 400, height: 300, thumb: true },
      { id: "f1", name: "<b>bold</b>.pdf", type: "application/pdf", size: 2048, thumb: false },
    ];
    const t = new Transcript((change) => list.apply(change));
    t.message({ session_id: "s", id: 1, seq: 1, sender_type: "agent", sender_name: "Alex", text: "", created_at: "2026-12-06T10:00:00Z",
                client_msg_id: "m1", files } as never);
    const el = list.el;
    expect(el.querySelectorAll("b").length).toBe(0);
    const imgs = [...el.querySelectorAll("img")];
    expect(imgs.map((i) => [i.getAttribute("alt"), i.getAttribute("src"), i.width, i.height]))
      .toEqual([['<img src=x onerror="alert(1)">.png', null, 200, 150]]);
    expect(el.querySelector(".pw-thumb")?.getAttribute("aria-label")).toBe('Open image <img src=x onerror="alert(1)">.png');
    expect(el.querySelector("button.pw-file .pw-file-name")?.textContent).toBe("<b>bold</b>.pdf");
    expect(el.querySelector("button.pw-file")?.getAttribute("aria-label")).toBe("Download <b>bold</b>.pdf, PDF · 2 KB");
    expect(urls).toEqual(["i1:true"]); // only the thumbnail, fetched at once; the file on demand
    expect((el.querySelector(".pw-bubble") as HTMLElement).hidden).toBe(true); // no caption, no bubble
  });

  it("offers to choose the files again for an own message a reload cut off", () => {
    const again: string[] = [];
    const list = new MessageList({ ai: "Assistant", business: "Acme" }, () => {}, () => {},
      { url: () => new Promise(() => {}), view: () => {} }, (key) => again.push(key));
    const t = new Transcript((change) => list.apply(change));
    t.addPending("k1", "see", "2026-12-06T10:00:00Z", [{ key: "u1", name: "a.png", type: "image/png", size: 5 }]);
    t.fail("k1", "The upload didn't finish.", true);
    const button = [...list.el.querySelectorAll("button")].find((b) => b.textContent === "Choose again");
    expect(list.el.textContent).toContain("The upload didn't finish.");
    expect(list.el.textContent).not.toContain("Retry");
    button?.click();
    expect(again).toEqual(["k1"]);
  });
});
