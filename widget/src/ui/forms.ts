// The panel's forms: the pre-chat form (the widget's configured fields), the email follow-up
// and the end-of-chat rating. Errors are shown by each field, tied to it with
// aria-describedby, and the first invalid field gets the focus.

import type { Identity, PrechatField } from "../types";
import { h, replace } from "./dom";
import { linkify } from "./linkify";
import { t } from "./strings";

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TEL_RE = /^\+?[0-9 ()./-]{3,32}$/;
export const STAR_ICON = "M12 17.27 18.18 21l-1.64-7.03L22 9.24l-7.19-.61L12 2 9.19 8.63 2 9.24l5.46 4.73L5.82 21z";

/** The first problem with a pre-chat answer, or "" (the server checks the same). */
export function checkField(field: PrechatField, raw: string): string {
  const value = raw.trim();
  if (!value) return field.required ? t(field.type === "select" ? "form.choose" : "form.required") : "";
  const limit = field.type === "textarea" ? 2000 : 200;
  if (value.length > limit) return t("form.tooLong", { n: limit });
  if (field.type === "email" && !EMAIL_RE.test(value)) return t("form.email");
  if (field.type === "tel" && !TEL_RE.test(value)) return t("form.tel");
  if (field.type === "select" && !(field.options ?? []).includes(value)) return t("form.option");
  return "";
}

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

export class FieldSet {
  private controls = new Map<string, { control: Control; error: HTMLElement }>();

  constructor(private readonly prefix: string) {}

  add(name: string, label: string, control: Control, required: boolean): HTMLElement {
    const id = `${this.prefix}-${name}`;
    const error = h("p", { class: "pw-err", id: `${id}-err`, hidden: true });
    control.id = id;
    control.name = name;
    if (required) control.setAttribute("aria-required", "true");
    this.controls.set(name, { control, error });
    return h("div", { class: "pw-field" },
      h("label", { for: id }, label, required ? h("span", { "aria-hidden": "true" }, " *") : null),
      control, error);
  }

  values(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, { control }] of this.controls) out[name] = control.value.trim();
    return out;
  }

  /** Show these errors (field name -> message), clear the others; focus the first. */
  show(errors: Record<string, string>, focus = true): boolean {
    let first: Control | null = null;
    for (const [name, { control, error }] of this.controls) {
      const message = errors[name] ?? "";
      error.textContent = message;
      error.hidden = !message;
      if (message) {
        control.setAttribute("aria-invalid", "true");
        control.setAttribute("aria-describedby", error.id);
        first ??= control;
      } else {
        control.removeAttribute("aria-invalid");
        control.removeAttribute("aria-describedby");
      }
    }
    if (first && focus) first.focus();
    return first === null;
  }

  focus(): void {
    this.controls.values().next().value?.control.focus();
  }
}

export function control(field: PrechatField, identity: Identity): Control {
  const preset = field.name === "name" ? identity.name : field.name === "email" ? identity.email : undefined;
  if (field.type === "textarea") {
    const el = h("textarea", { rows: "3", maxlength: "2000" });
    el.value = preset ?? "";
    return el;
  }
  if (field.type === "select") {
    const el = h("select", null, h("option", { value: "" }, t("form.select")),
      ...(field.options ?? []).map((o) => h("option", { value: o }, o)));
    return el;
  }
  const auto: Record<string, string> = { name: "name", email: "email", phone: "tel", tel: "tel" };
  const el = h("input", {
    type: field.type, maxlength: "200",
    autocomplete: auto[field.name] ?? (field.type === "email" ? "email" : field.type === "tel" ? "tel" : "off"),
  });
  el.value = preset ?? "";
  return el;
}

export function prechatForm(
  fields: PrechatField[], identity: Identity, intro: string,
  submit: (answers: Record<string, string>) => void,
): { el: HTMLFormElement; fields: FieldSet; busy(on: boolean): void } {
  const set = new FieldSet("pw-pre");
  const button = h("button", { type: "submit", class: "pw-btn" }, t("prechat.start"));
  const el = h("form", { class: "pw-form pw-prechat", novalidate: true, "aria-label": t("prechat.label") },
    h("p", { class: "pw-intro", dir: "auto" }, ...linkify(intro)),
    ...fields.map((f) => set.add(f.name, f.label, control(f, identity), f.required)),
    button);
  el.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const values = set.values();
    const errors: Record<string, string> = {};
    for (const f of fields) {
      const problem = checkField(f, values[f.name] ?? "");
      if (problem) errors[f.name] = problem;
    }
    if (!set.show(errors)) return;
    for (const name of Object.keys(values)) if (!values[name]) delete values[name];
    submit(values);
  });
  return {
    el, fields: set,
    busy(on) {
      button.disabled = on;
      button.textContent = t(on ? "prechat.starting" : "prechat.start");
    },
  };
}

export function emailForm(submit: (email: string) => void): { el: HTMLElement; fields: FieldSet } {
  const set = new FieldSet("pw-mail");
  const input = h("input", { type: "email", autocomplete: "email", maxlength: "254", placeholder: "name@example.com" });
  const form = h("form", { class: "pw-form pw-inline", novalidate: true },
    set.add("email", t("email.label"), input, true),
    h("button", { type: "submit", class: "pw-btn" }, t("email.send")));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    submit(input.value);
  });
  const el = h("section", { class: "pw-card", "aria-labelledby": "pw-mail-title" },
    h("p", { class: "pw-card-title", id: "pw-mail-title" }, t("email.title")),
    h("p", null, t("email.text")),
    form);
  return { el, fields: set };
}

/** The end of a conversation: 1-5 stars (`rated` null: not rated yet; 0: no rating asked),
 * and a way to start a new one. */
export function ratingCard(rated: number | null, rate: (n: number, comment?: string) => void, restart: () => void,
                           icon: (d: string) => SVGSVGElement): HTMLElement {
  const el = h("section", { class: "pw-card pw-ended", "aria-labelledby": "pw-end-title" },
    h("p", { class: "pw-card-title", id: "pw-end-title" }, t("rating.ended")));
  const body = h("div");
  const draw = (value: number | null): void => {
    if (value === 0) return; // not to be rated
    if (value) {
      // An optional comment with the rating (up to 500 characters).
      const box = h("textarea", { id: "pw-comment", class: "pw-comment", rows: "2", maxlength: "500" });
      const form = h("form", { class: "pw-form" },
        h("div", { class: "pw-field" }, h("label", { for: "pw-comment" }, t("rating.comment")), box),
        h("button", { type: "submit", class: "pw-btn pw-btn--ghost" }, t("email.send")));
      form.addEventListener("submit", (ev) => {
        ev.preventDefault();
        if (!box.value.trim()) return;
        rate(value, box.value);
        form.replaceWith(h("p", { role: "status" }, t("rating.commented")));
        (el.querySelector(".pw-restart") as HTMLElement | null)?.focus();
      });
      replace(body, h("p", { role: "status" }, t("rating.thanks", { value })), form);
      return;
    }
    const labels = [1, 2, 3, 4, 5].map((n) => t(`rating.${n}`));
    replace(body, h("p", { id: "pw-rate-q" }, t("rating.question")),
      h("div", { class: "pw-stars", role: "group", "aria-labelledby": "pw-rate-q" },
        ...labels.map((label, i) => {
          const b = h("button", { type: "button", class: "pw-star", "aria-label": t("rating.star", { value: i + 1, label }) },
            icon(STAR_ICON));
          b.addEventListener("click", () => {
            rate(i + 1);
            draw(i + 1);
            (el.querySelector(".pw-restart") as HTMLElement | null)?.focus();
          });
          return b;
        })));
  };
  draw(rated);
  el.append(body, h("button", { type: "button", class: "pw-btn pw-btn--ghost pw-restart", onclick: restart },
    t("rating.restart")));
  return el;
}
