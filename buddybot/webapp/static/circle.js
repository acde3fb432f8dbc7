// BuddyBot Mini App: the client's own circle (after Inclusieweb), changed by dragging or by
// tap-tap. Three rings (1 = very close, in the middle) × ten sectors (life domains), drawn
// as the chat's picture draws them (buddybot/pictures/circle.py). Every word comes from the
// API's answer (texts, circles, domains, kinds); none is written here.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  // Geometry, in viewBox units (about CSS pixels on a 360 px phone).
  const HALF = 196; // the viewBox runs from -HALF to HALF both ways
  // The middle's edge, then the outer edge of rings 1, 2, 3: the innermost ring is the
  // widest, as its sectors are the shortest.
  const RADII = [20, 88, 128, 164];
  const DOMAIN_TOP = 169; // baseline of a domain's name in the upper half
  const DOMAIN_BOTTOM = 179; // … in the lower half (the text hangs towards the middle)
  const DRAG_THRESHOLD = 8; // CSS px a pointer moves before a press becomes a drag
  const TOUCH = 44; // CSS px: the smallest touch target
  const LABEL_CHARACTERS = 11;
  // Okabe & Ito colours per kind, as on the chat's picture (KIND_STYLE).
  const KIND_COLOUR = {
    person: "#0072B2",
    group: "#E69F00",
    animal: "#009E73",
    place: "#CC79A7",
  };

  const state = {
    texts: {},
    circles: [],
    domains: [],
    kinds: [],
    contacts: [],
    max: 100,
    mode: { name: "idle" },
    busy: false,
    version: 0,
    drag: null,
    suppressClickUntil: 0,
  };

  const $ = (id) => document.getElementById(id);
  const api = (path, body) => window.BuddyBot.api(path, body);

  // ---- small helpers -------------------------------------------------------------------

  function t(name, values) {
    const template = state.texts[name];
    if (typeof template !== "string") return "";
    return template.replace(/\{(\w+)\}/g, (whole, key) =>
      values && Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole
    );
  }

  function svg(tag, attributes, parent) {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      node.setAttribute(key, String(value));
    }
    if (parent) parent.appendChild(node);
    return node;
  }

  function html(tag, attributes, parent, text) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value === true) node.setAttribute(key, "");
      else if (value !== false && value !== null && value !== undefined) {
        node.setAttribute(key, String(value));
      }
    }
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  function clamp(value, low, high) {
    return Math.min(high, Math.max(low, value));
  }

  const sectorAngle = () => (2 * Math.PI) / Math.max(1, state.domains.length);

  // A point at an angle (clockwise from the top) and a radius.
  function point(angle, radius) {
    return [radius * Math.sin(angle), -radius * Math.cos(angle)];
  }

  const fmt = (n) => n.toFixed(2);

  function arcPath(a0, a1, inner, outer) {
    const [x0, y0] = point(a0, outer);
    const [x1, y1] = point(a1, outer);
    const [x2, y2] = point(a1, inner);
    const [x3, y3] = point(a0, inner);
    return (
      `M${fmt(x0)} ${fmt(y0)} A${outer} ${outer} 0 0 1 ${fmt(x1)} ${fmt(y1)} ` +
      `L${fmt(x2)} ${fmt(y2)} A${inner} ${inner} 0 0 0 ${fmt(x3)} ${fmt(y3)} Z`
    );
  }

  function circleName(number) {
    const found = state.circles.find((c) => c.circle === number);
    return found ? found.name : String(number);
  }

  function domainName(domain) {
    const found = state.domains.find((d) => d.domain === domain);
    return found ? found.name : domain;
  }

  function kindOf(kind) {
    return state.kinds.find((k) => k.kind === kind) || { kind: kind, name: kind, icon: "•" };
  }

  function contactById(id) {
    return state.contacts.find((c) => c.id === id) || null;
  }

  function shortLabel(label) {
    const letters = Array.from(label);
    if (letters.length <= LABEL_CHARACTERS) return label;
    return letters.slice(0, LABEL_CHARACTERS - 1).join("").trimEnd() + "…";
  }

  function contactLabel(contact) {
    return t("contact", {
      name: contact.label,
      kind: kindOf(contact.kind).name,
      circle: circleName(contact.circle),
      domain: domainName(contact.domain),
    });
  }

  // CSS pixels per viewBox unit, as the circle is shown now.
  function scale() {
    const width = $("circle").getBoundingClientRect().width;
    return width > 0 ? width / (2 * HALF) : 1;
  }

  // ---- status line and whole-page stops -------------------------------------------------

  function say(text, isError) {
    const status = $("status");
    status.textContent = text || "";
    status.classList.toggle("error", Boolean(isError));
  }

  function stop(message, canRetry) {
    $("top").hidden = true;
    $("layout").hidden = true;
    $("loading").hidden = true;
    $("app").setAttribute("aria-busy", "false");
    $("stop").hidden = false;
    $("stop-message").textContent = message || "⚠️";
    const retry = $("retry");
    retry.hidden = !canRetry;
    retry.textContent = state.texts.retry || "↻";
    document.body.dataset.ready = "1";
  }

  // An answer that is not a success: 401/403 stop the page; the rest is said and nothing
  // typed is lost. Answers true when the caller may show the message itself (422).
  function messageOf(answer) {
    return answer.data && typeof answer.data.message === "string" ? answer.data.message : "";
  }

  function failed(answer) {
    const message = messageOf(answer);
    if (answer.status === 401 || answer.status === 403) {
      stop(message, false);
      return false;
    }
    if (answer.status === 422) return true;
    if (answer.status === 409) {
      say(message || t("offline"), true);
      setMode({ name: "idle" });
      reload();
      return false;
    }
    say(answer.status === 0 || !message ? t("offline") : message, true);
    return false;
  }

  // ---- loading ----------------------------------------------------------------------------

  async function load() {
    const answer = await api("/api/circle", {});
    const data = answer.data;
    if (answer.status !== 200 || !data || !Array.isArray(data.contacts)) {
      const message = data && typeof data.message === "string" ? data.message : "";
      if (answer.status === 401 || answer.status === 403) {
        stop(message, false);
      } else {
        stop(message || t("offline") || "⚠️", true);
      }
      return;
    }
    state.texts = data.texts || {};
    state.circles = data.circles || [];
    state.domains = data.domains || [];
    state.kinds = data.kinds || [];
    state.contacts = data.contacts;
    state.max = data.max_contacts || 100;
    if (typeof data.language === "string" && data.language) {
      document.documentElement.lang = data.language;
    }
    document.title = t("title");
    $("title").textContent = t("title");
    $("help").textContent = t("help");
    $("add").textContent = t("add");
    $("empty").textContent = t("empty");
    $("legend-title").textContent = t("legend");
    $("loading").hidden = true;
    $("stop").hidden = true;
    $("top").hidden = false;
    $("layout").hidden = false;
    $("app").setAttribute("aria-busy", "false");
    drawLegend();
    drawAll();
    document.body.dataset.ready = "1";
  }

  // After a 409 (changed on another screen): the state as the server has it now.
  async function reload() {
    const answer = await api("/api/circle", {});
    if (answer.status === 200 && answer.data && Array.isArray(answer.data.contacts)) {
      state.contacts = answer.data.contacts;
      drawContacts();
    }
  }

  // ---- drawing ----------------------------------------------------------------------------

  function drawAll() {
    const root = $("circle");
    root.setAttribute("viewBox", `${-HALF} ${-HALF} ${2 * HALF} ${2 * HALF}`);
    root.replaceChildren();
    const px = scale();
    const defs = svg("defs", {}, root);
    const background = svg("g", { class: "background", "aria-hidden": "true" }, root);
    const sector = sectorAngle();
    const outer = RADII[RADII.length - 1];
    state.domains.forEach((domain, index) => {
      const a0 = index * sector;
      const a1 = a0 + sector;
      svg("path", { d: arcPath(a0, a1, RADII[0], outer), class: index % 2 ? "sector-b" : "sector-a" }, background);
      const middle = a0 + sector / 2;
      const fontSize = fmt(clamp(13 / px, 7, 12.5));
      if (Math.abs(Math.sin(middle)) > 0.99) {
        // At the sides: level, beside the circle.
        const side = Math.sin(middle) > 0 ? 1 : -1;
        const level = svg(
          "text",
          {
            class: "domain-name",
            x: fmt(side * (outer + 5)),
            y: "0",
            "font-size": fontSize,
            "text-anchor": side > 0 ? "start" : "end",
            "dominant-baseline": "central",
          },
          background
        );
        level.textContent = domain.name;
        return;
      }
      // Elsewhere along the circle, upright on both halves.
      const lower = Math.cos(middle) < 0;
      const radius = lower ? DOMAIN_BOTTOM : DOMAIN_TOP;
      const [sx, sy] = point(lower ? a1 : a0, radius);
      const [ex, ey] = point(lower ? a0 : a1, radius);
      svg(
        "path",
        {
          id: `domain-arc-${index}`,
          d: `M${fmt(sx)} ${fmt(sy)} A${radius} ${radius} 0 0 ${lower ? 0 : 1} ${fmt(ex)} ${fmt(ey)}`,
        },
        defs
      );
      const text = svg(
        "text",
        { class: "domain-name", "font-size": fontSize },
        background
      );
      const along = svg(
        "textPath",
        { href: `#domain-arc-${index}`, startOffset: "50%", "text-anchor": "middle" },
        text
      );
      along.textContent = domain.name;
    });
    state.domains.forEach((domain, index) => {
      const [x0, y0] = point(index * sector, RADII[0]);
      const [x1, y1] = point(index * sector, outer);
      svg("line", { x1: fmt(x0), y1: fmt(y0), x2: fmt(x1), y2: fmt(y1), class: "spoke" }, background);
    });
    RADII.forEach((radius) => svg("circle", { r: radius, class: "ring-line" }, background));
    svg("circle", { r: RADII[0] - 1, class: "middle" }, background);
    const you = svg(
      "text",
      { class: "you", "font-size": fmt(clamp(13 / px, 7, 12)), "dominant-baseline": "central" },
      background
    );
    you.textContent = t("you");
    // Each circle's name on its outer line at the top, between two sectors, as on the picture.
    const circleFont = clamp(12 / px, 6.5, 12);
    state.circles.forEach((circle) => {
      const radius = RADII[circle.circle];
      if (radius === undefined) return;
      const name = svg(
        "text",
        {
          class: "circle-name",
          y: fmt(-radius),
          "font-size": fmt(circleFont),
          "dominant-baseline": "central",
        },
        background
      );
      name.textContent = circle.name;
    });
    svg("g", { id: "contacts" }, root);
    const cells = svg("g", { id: "cells" }, root);
    state.circles.forEach((circle) => {
      state.domains.forEach((domain, index) => {
        const inner = RADII[circle.circle - 1];
        const outerEdge = RADII[circle.circle];
        if (inner === undefined || outerEdge === undefined) return;
        const cell = svg(
          "path",
          {
            d: arcPath(index * sector, (index + 1) * sector, inner, outerEdge),
            class: "cell",
            role: "button",
            tabindex: "0",
            "data-circle": circle.circle,
            "data-domain": domain.domain,
            "aria-label": t("cell", { circle: circle.name, domain: domain.name }),
          },
          cells
        );
        cell.addEventListener("click", onCellClick);
        cell.addEventListener("keydown", onCellKey);
      });
    });
    drawContacts();
  }

  // Where the contacts of one cell go: one row when they fit along the middle of the ring,
  // else zig-zag between an inner and an outer row (as the chat's picture does), kept off
  // the sector's edges.
  function cellPositions(count, circle, domainIndex, radius) {
    const inner = RADII[circle - 1];
    const outer = RADII[circle];
    const sector = sectorAngle();
    const a0 = domainIndex * sector;
    const middle = circle === 1 ? (inner + outer) / 2 + 6 : (inner + outer) / 2;
    const oneRow = count * (2 * radius + 6) <= middle * sector - 2 * radius;
    let rows = [middle];
    if (count > 1 && !oneRow) {
      const low = Math.min(middle, inner + radius + 2);
      const high = Math.max(middle, outer - radius - 2);
      // Two rows when the ring is wide enough; else one, its members a little up and down.
      rows = high - low >= 2 * radius ? [high, low] : [middle];
    }
    const wobble = rows.length === 1 && count > 1 && !oneRow ? Math.min(radius * 0.6, (outer - inner) / 2 - radius) : 0;
    const places = [];
    for (let j = 0; j < count; j += 1) {
      const row = j % rows.length;
      const inRow = Math.floor(j / rows.length);
      const inThisRow = Math.floor((count - 1 - row) / rows.length) + 1;
      const r = rows[row] + (wobble > 0 ? (j % 2 ? -wobble : wobble) : 0);
      const edge = Math.min(sector / 6, (radius * 0.3) / r);
      const angle = a0 + edge + ((sector - 2 * edge) * (inRow + 0.5)) / inThisRow;
      places.push(point(angle, r));
    }
    return places;
  }

  function drawContacts() {
    const layer = $("contacts");
    if (!layer) return;
    const focused = document.activeElement;
    const focusedId = focused && focused.dataset ? focused.dataset.contactId : undefined;
    layer.replaceChildren();
    const px = scale();
    const radius = clamp(18 / px, 10, 15);
    const hit = TOUCH / 2 / px + 0.5;
    const labelSize = clamp(13 / px, 6.5, 12.5);
    const order = state.domains.map((d) => d.domain);
    const cells = new Map();
    const sorted = [...state.contacts].sort(
      (a, b) =>
        a.circle - b.circle ||
        order.indexOf(a.domain) - order.indexOf(b.domain) ||
        a.label.localeCompare(b.label) ||
        a.id - b.id
    );
    for (const contact of sorted) {
      const key = `${contact.circle}|${contact.domain}`;
      if (!cells.has(key)) cells.set(key, []);
      cells.get(key).push(contact);
    }
    const mode = state.mode;
    for (const [key, members] of cells) {
      const [circle, domain] = key.split("|");
      const size = clamp(radius * (members.length > 2 ? 0.85 : 1), 10, radius);
      const places = cellPositions(members.length, Number(circle), order.indexOf(domain), size);
      members.forEach((contact, index) => {
        const [x, y] = places[index];
        const kind = kindOf(contact.kind);
        const selected = mode.id === contact.id && mode.name !== "add";
        const item = svg(
          "g",
          {
            class: "contact" + (selected ? " selected" : ""),
            role: "button",
            tabindex: "0",
            "data-contact-id": contact.id,
            "data-x": fmt(x),
            "data-y": fmt(y),
            "aria-label": contactLabel(contact),
            "aria-pressed": selected ? "true" : "false",
            transform: `translate(${fmt(x)} ${fmt(y)})`,
          },
          layer
        );
        svg("circle", { r: fmt(Math.max(hit, size + 2)), class: "hit" }, item);
        svg(
          "circle",
          { r: fmt(size), class: "marker", stroke: KIND_COLOUR[contact.kind] || "#555555" },
          item
        );
        const icon = svg(
          "text",
          { class: "icon", "font-size": fmt(size * 1.05), "dominant-baseline": "central" },
          item
        );
        icon.textContent = kind.icon;
        const above = Number(circle) === RADII.length - 1 && y > RADII[RADII.length - 1] * 0.55;
        const label = svg(
          "text",
          {
            class: "label",
            y: fmt(above ? -size - labelSize * 0.35 : size + labelSize * 0.95),
            "font-size": fmt(labelSize),
          },
          item
        );
        label.textContent = shortLabel(contact.label);
        item.addEventListener("pointerdown", onPointerDown);
        item.addEventListener("click", onContactClick);
        item.addEventListener("keydown", onContactKey);
      });
    }
    // The chosen one on top of its neighbours, so its name can be read.
    const chosen = layer.querySelector(".contact.selected");
    if (chosen) layer.appendChild(chosen);
    $("circle").classList.toggle("choosing", isChoosing());
    $("empty").hidden = state.contacts.length > 0;
    if (focusedId !== undefined) {
      const again = layer.querySelector(`[data-contact-id="${CSS.escape(focusedId)}"]`);
      if (again) again.focus({ preventScroll: true });
    }
    state.version += 1;
    document.body.dataset.version = String(state.version);
  }

  function drawLegend() {
    const list = $("legend-list");
    list.replaceChildren();
    for (const kind of state.kinds) {
      const item = html("li", {}, list);
      const mark = html("span", { class: `legend-mark kind-${kind.kind}`, "aria-hidden": "true" }, item, kind.icon);
      mark.dataset.kind = kind.kind;
      html("span", {}, item, kind.name);
    }
    $("legend").hidden = state.kinds.length === 0;
  }

  // ---- modes and the panel ---------------------------------------------------------------

  function isChoosing() {
    return state.mode.name === "selected" || state.mode.name === "add";
  }

  function setMode(mode) {
    state.mode = mode;
    drawContacts();
    drawPanel();
  }

  function button(action, text, parent, extra) {
    return html("button", Object.assign({ type: "button", "data-action": action }, extra || {}), parent, text);
  }

  function drawPanel() {
    const panel = $("panel");
    const mode = state.mode;
    panel.replaceChildren();
    panel.hidden = mode.name === "idle";
    $("add").hidden = mode.name !== "idle";
    const contact = mode.id !== undefined ? contactById(mode.id) : null;
    if (mode.name === "selected" && contact) {
      panel.dataset.mode = "selected";
      html("p", { class: "panel-title", id: "panel-title" }, panel, t("tap_where", { name: contact.label }));
      const row = html("div", { class: "buttons" }, panel);
      button("rename", t("rename"), row).addEventListener("click", () => setMode({ name: "rename", id: contact.id }));
      button("remove", t("remove"), row).addEventListener("click", () => setMode({ name: "remove", id: contact.id }));
      button("cancel", t("cancel"), row).addEventListener("click", cancel);
    } else if (mode.name === "rename" && contact) {
      panel.dataset.mode = "rename";
      const form = html("form", { novalidate: true, autocomplete: "off" }, panel);
      html("label", { for: "rename-input", class: "panel-title" }, form, t("rename_label", { name: contact.label }));
      const input = html("input", {
        id: "rename-input",
        type: "text",
        maxlength: "200",
        enterkeyhint: "done",
        "aria-describedby": "rename-error",
      }, form);
      input.value = mode.typed !== undefined ? mode.typed : contact.label;
      const error = html("p", { id: "rename-error", class: "field-error", role: "alert" }, form, mode.error || "");
      error.hidden = !mode.error;
      if (mode.error) input.setAttribute("aria-invalid", "true");
      const row = html("div", { class: "buttons" }, form);
      button("save", t("save"), row, { type: "submit", class: "primary" });
      button("cancel", t("cancel"), row).addEventListener("click", cancel);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        rename(contact, input.value);
      });
      input.focus();
      if (!mode.error) input.select();
    } else if (mode.name === "remove" && contact) {
      panel.dataset.mode = "remove";
      html("p", { class: "panel-title", id: "remove-question" }, panel, t("remove_ask", { name: contact.label }));
      const row = html("div", { class: "buttons" }, panel);
      const yes = button("yes", t("yes"), row, { class: "danger" });
      yes.addEventListener("click", () => remove(contact));
      button("no", t("no"), row).addEventListener("click", () => setMode({ name: "selected", id: contact.id }));
      yes.focus();
    } else if (mode.name === "add") {
      panel.dataset.mode = "add";
      drawAddForm(panel, mode);
    } else {
      panel.hidden = true;
      $("add").hidden = false;
      delete panel.dataset.mode;
    }
  }

  function drawAddForm(panel, mode) {
    const form = html("form", { novalidate: true, autocomplete: "off" }, panel);
    html("h2", { class: "panel-title" }, form, t("add_title"));
    html("label", { for: "add-name" }, form, t("add_name"));
    const input = html("input", {
      id: "add-name",
      type: "text",
      maxlength: "200",
      enterkeyhint: "next",
      "aria-describedby": "add-error",
    }, form);
    input.value = mode.typed || "";
    input.addEventListener("input", () => {
      mode.typed = input.value;
    });
    const kinds = html("div", { class: "kinds", role: "group", "aria-labelledby": "add-kind-title" }, form);
    html("p", { id: "add-kind-title", class: "field-title" }, kinds, t("add_kind"));
    const kindRow = html("div", { class: "kind-buttons" }, kinds);
    for (const kind of state.kinds) {
      const pressed = mode.kind === kind.kind;
      const choice = button("kind", "", kindRow, {
        "data-kind": kind.kind,
        "aria-pressed": pressed ? "true" : "false",
        class: "kind" + (pressed ? " pressed" : ""),
      });
      html("span", { class: "kind-icon", "aria-hidden": "true" }, choice, kind.icon);
      html("span", {}, choice, kind.name);
      choice.addEventListener("click", () => {
        mode.kind = kind.kind;
        for (const other of kindRow.querySelectorAll("button")) {
          const on = other.dataset.kind === kind.kind;
          other.setAttribute("aria-pressed", on ? "true" : "false");
          other.classList.toggle("pressed", on);
        }
      });
    }
    html("p", { class: "field-title where" }, form, t("add_where"));
    html("p", { class: "or-choose" }, form, t("add_or_choose"));
    const selects = html("div", { class: "selects" }, form);
    const circleLabel = html("label", {}, selects);
    html("span", {}, circleLabel, t("add_circle"));
    const circleSelect = html("select", { id: "add-circle", "data-field": "circle" }, circleLabel);
    html("option", { value: "" }, circleSelect, "—");
    for (const circle of state.circles) html("option", { value: circle.circle }, circleSelect, circle.name);
    const domainLabel = html("label", {}, selects);
    html("span", {}, domainLabel, t("add_domain"));
    const domainSelect = html("select", { id: "add-domain", "data-field": "domain" }, domainLabel);
    html("option", { value: "" }, domainSelect, "—");
    for (const domain of state.domains) html("option", { value: domain.domain }, domainSelect, domain.name);
    circleSelect.value = mode.circle !== undefined ? String(mode.circle) : "";
    domainSelect.value = mode.domain || "";
    circleSelect.addEventListener("change", () => {
      mode.circle = circleSelect.value ? Number(circleSelect.value) : undefined;
    });
    domainSelect.addEventListener("change", () => {
      mode.domain = domainSelect.value || undefined;
    });
    const error = html("p", { id: "add-error", class: "field-error", role: "alert" }, form, mode.error || "");
    error.hidden = !mode.error;
    if (mode.error) input.setAttribute("aria-invalid", "true");
    const row = html("div", { class: "buttons" }, form);
    button("save", t("add_save"), row, { type: "submit", class: "primary" });
    button("cancel", t("cancel"), row).addEventListener("click", cancel);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!input.value.trim()) {
        showAddError(t("need_name"), input);
        return;
      }
      if (!mode.circle || !mode.domain) {
        showAddError(t("need_place"), circleSelect);
        return;
      }
      add(mode.circle, mode.domain);
    });
    if (mode.focus !== false) input.focus();
  }

  function showAddError(message, focus) {
    const error = $("add-error");
    if (!error) return;
    error.textContent = message;
    error.hidden = !message;
    state.mode.error = message;
    if (focus) focus.focus();
  }

  function cancel() {
    const id = state.mode.id;
    setMode({ name: "idle" });
    say("");
    focusContact(id);
  }

  function focusContact(id) {
    const element = id === undefined ? null : document.querySelector(`[data-contact-id="${id}"]`);
    if (element) element.focus({ preventScroll: true });
    else $("add").focus({ preventScroll: true });
  }

  // ---- taps and keys ----------------------------------------------------------------------

  function tapContact(id) {
    if (state.busy) return;
    const contact = contactById(id);
    if (!contact) return;
    if (state.mode.name === "selected" && state.mode.id === id) {
      cancel();
      return;
    }
    setMode({ name: "selected", id: id });
    say(t("chosen", { name: contact.label }));
  }

  function onContactClick(event) {
    if (Date.now() < state.suppressClickUntil) return;
    tapContact(Number(event.currentTarget.dataset.contactId));
  }

  function onContactKey(event) {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      tapContact(Number(event.currentTarget.dataset.contactId));
    } else if (event.key === "Escape" && state.mode.name !== "idle") {
      cancel();
    }
  }

  function tapCell(circle, domain) {
    if (state.busy) return;
    const mode = state.mode;
    if (mode.name === "selected") {
      const contact = contactById(mode.id);
      if (!contact) return;
      if (contact.circle === circle && contact.domain === domain) {
        cancel();
        return;
      }
      move(contact, circle, domain);
    } else if (mode.name === "add") {
      mode.circle = circle;
      mode.domain = domain;
      const circleSelect = $("add-circle");
      const domainSelect = $("add-domain");
      if (circleSelect) circleSelect.value = String(circle);
      if (domainSelect) domainSelect.value = domain;
      add(circle, domain);
    } else {
      say(t("help"));
    }
  }

  function onCellClick(event) {
    if (Date.now() < state.suppressClickUntil) return;
    const cell = event.currentTarget;
    tapCell(Number(cell.dataset.circle), cell.dataset.domain);
  }

  function onCellKey(event) {
    const cell = event.currentTarget;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      tapCell(Number(cell.dataset.circle), cell.dataset.domain);
    } else if (event.key === "Escape" && state.mode.name !== "idle") {
      cancel();
    }
  }

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && state.mode.name !== "idle" && !event.defaultPrevented) {
      cancel();
    }
  });

  // ---- dragging ---------------------------------------------------------------------------

  function svgPoint(clientX, clientY) {
    const root = $("circle");
    const matrix = root.getScreenCTM();
    if (!matrix) return [0, 0];
    const p = new DOMPoint(clientX, clientY).matrixTransform(matrix.inverse());
    return [p.x, p.y];
  }

  // The ring × sector under a point (the middle counts as ring 1), or null outside.
  function cellAt(x, y) {
    const distance = Math.hypot(x, y);
    const outer = RADII[RADII.length - 1];
    if (distance > outer + 4 || state.domains.length === 0) return null;
    let angle = Math.atan2(x, -y);
    if (angle < 0) angle += 2 * Math.PI;
    const index = Math.min(state.domains.length - 1, Math.floor(angle / sectorAngle()));
    let circle = 1;
    while (circle < RADII.length - 1 && distance > RADII[circle]) circle += 1;
    return { circle: circle, domain: state.domains[index].domain };
  }

  function markTarget(cell) {
    for (const old of document.querySelectorAll(".cell.target")) old.classList.remove("target");
    if (!cell) return;
    const element = document.querySelector(
      `.cell[data-circle="${cell.circle}"][data-domain="${CSS.escape(cell.domain)}"]`
    );
    if (element) element.classList.add("target");
  }

  function onPointerDown(event) {
    if (state.busy || isChoosing() || state.drag) return;
    if (event.pointerType === "mouse" && event.button !== 0) return;
    const item = event.currentTarget;
    state.drag = {
      id: Number(item.dataset.contactId),
      item: item,
      pointer: event.pointerId,
      startX: event.clientX,
      startY: event.clientY,
      moving: false,
    };
    window.addEventListener("pointermove", onPointerMove);
    window.addEventListener("pointerup", onPointerUp);
    window.addEventListener("pointercancel", onPointerCancel);
  }

  function onPointerMove(event) {
    const drag = state.drag;
    if (!drag || event.pointerId !== drag.pointer) return;
    if (!drag.moving) {
      if (Math.hypot(event.clientX - drag.startX, event.clientY - drag.startY) < DRAG_THRESHOLD) {
        return;
      }
      drag.moving = true;
      try {
        $("circle").setPointerCapture(drag.pointer);
      } catch (error) {
        // The pointer is gone already; the window's listeners still see it end.
      }
      // On top of the others while it moves.
      drag.item.parentNode.appendChild(drag.item);
      drag.item.classList.add("dragging");
      $("circle").classList.add("dragging");
    }
    event.preventDefault();
    const [x, y] = svgPoint(event.clientX, event.clientY);
    drag.item.setAttribute("transform", `translate(${fmt(x)} ${fmt(y)})`);
    markTarget(cellAt(x, y));
  }

  function endDrag() {
    window.removeEventListener("pointermove", onPointerMove);
    window.removeEventListener("pointerup", onPointerUp);
    window.removeEventListener("pointercancel", onPointerCancel);
    markTarget(null);
    $("circle").classList.remove("dragging");
    const drag = state.drag;
    state.drag = null;
    return drag;
  }

  function onPointerUp(event) {
    const drag = state.drag;
    if (!drag || event.pointerId !== drag.pointer) return;
    endDrag();
    if (!drag.moving) return; // a tap: the click that follows selects it
    state.suppressClickUntil = Date.now() + 400;
    const contact = contactById(drag.id);
    const [x, y] = svgPoint(event.clientX, event.clientY);
    const cell = cellAt(x, y);
    if (!contact || !cell || (cell.circle === contact.circle && cell.domain === contact.domain)) {
      drawContacts(); // back where it was
      return;
    }
    drag.item.classList.remove("dragging");
    drag.item.classList.add("busy");
    move(contact, cell.circle, cell.domain);
  }

  function onPointerCancel(event) {
    const drag = state.drag;
    if (!drag || event.pointerId !== drag.pointer) return;
    endDrag();
    if (drag.moving) drawContacts();
  }

  // ---- changes ----------------------------------------------------------------------------

  async function change(path, body) {
    state.busy = true;
    $("app").setAttribute("aria-busy", "true");
    try {
      return await api(path, body);
    } finally {
      state.busy = false;
      $("app").setAttribute("aria-busy", "false");
    }
  }

  function succeeded(answer) {
    return answer.status === 200 && answer.data && Array.isArray(answer.data.contacts);
  }

  async function move(contact, circle, domain) {
    const answer = await change("/api/circle/move", { contact: contact.id, circle: circle, domain: domain });
    if (succeeded(answer)) {
      state.contacts = answer.data.contacts;
      setMode({ name: "idle" });
      say(answer.data.said || "");
      focusContact(contact.id);
      return;
    }
    if (failed(answer)) say(messageOf(answer) || t("offline"), true);
    drawContacts(); // back where it was
  }

  async function rename(contact, typed) {
    const answer = await change("/api/circle/rename", { contact: contact.id, label: typed });
    if (succeeded(answer)) {
      state.contacts = answer.data.contacts;
      setMode({ name: "idle" });
      say(answer.data.said || "");
      focusContact(contact.id);
      return;
    }
    if (failed(answer)) {
      setMode({ name: "rename", id: contact.id, typed: typed, error: messageOf(answer) });
    }
  }

  async function remove(contact) {
    const answer = await change("/api/circle/remove", { contact: contact.id });
    if (succeeded(answer)) {
      state.contacts = answer.data.contacts;
      setMode({ name: "idle" });
      say(answer.data.said || "");
      $("add").focus({ preventScroll: true });
      return;
    }
    if (failed(answer)) say(messageOf(answer) || t("offline"), true);
  }

  async function add(circle, domain) {
    const mode = state.mode;
    const input = $("add-name");
    const typed = input ? input.value : mode.typed || "";
    mode.typed = typed;
    if (!typed.trim()) {
      showAddError(t("need_name"), input);
      return;
    }
    if (!mode.kind) mode.kind = state.kinds.length ? state.kinds[0].kind : "person";
    const before = new Set(state.contacts.map((c) => c.id));
    const answer = await change("/api/circle/add", {
      label: typed,
      kind: mode.kind,
      circle: circle,
      domain: domain,
    });
    if (succeeded(answer)) {
      state.contacts = answer.data.contacts;
      setMode({ name: "idle" });
      say(answer.data.said || "");
      const fresh = state.contacts.find((c) => !before.has(c.id));
      focusContact(fresh ? fresh.id : undefined);
      return;
    }
    if (failed(answer)) {
      showAddError(messageOf(answer), $("add-name"));
    }
  }

  // ---- start ------------------------------------------------------------------------------

  function start() {
    $("add").addEventListener("click", () => {
      if (state.busy) return;
      say("");
      setMode({ name: "add", kind: state.kinds.length ? state.kinds[0].kind : undefined });
    });
    $("retry").addEventListener("click", () => {
      $("stop").hidden = true;
      $("loading").hidden = false;
      load();
    });
    // A press on a contact must not scroll the page (touch-action on SVG shapes is not
    // honoured everywhere): while one is down, the finger's moves are the drag's.
    $("circle").addEventListener(
      "touchmove",
      (event) => {
        if (state.drag && event.cancelable) event.preventDefault();
      },
      { passive: false }
    );
    let width = 0;
    window.addEventListener("resize", () => {
      const now = $("circle").getBoundingClientRect().width;
      if (state.domains.length && Math.abs(now - width) > 1) {
        width = now;
        drawAll();
      }
    });
    load().then(() => {
      width = $("circle").getBoundingClientRect().width;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
