// BuddyBot Mini App: the client's own circle (after Inclusieweb), changed by dragging or by
// tap-tap. Three rings (1 = very close, in the middle) × ten sectors (life domains), drawn
// as the chat's picture draws them (buddybot/pictures/circle.py). Every word comes from the
// API's answer (texts, circles, domains, kinds); none is written here.
"use strict";

(function () {
  const D = window.BuddyBot.drawing;
  const { svg, html, clamp, fmt } = D;
  const DRAG_THRESHOLD = 8; // CSS px a pointer moves before a press becomes a drag
  const TOUCH = 44; // CSS px: the smallest touch target
  const NAME_MAX = 40; // the longest name the server keeps (flows/invitation.py, clean_name)

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
    shape: null, // the rings and sectors as drawn now (D.shapeFor)
    obstacles: [], // what the contacts keep clear of (the rings' names)
  };

  const $ = (id) => document.getElementById(id);
  const api = (path, body) => window.BuddyBot.api(path, body);

  // ---- small helpers -------------------------------------------------------------------

  // A text from the API by its name, its {placeholders} filled in.
  const t = (name, values) => window.BuddyBot.fill(state.texts[name], values);

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

  // A name inside a visible sentence, isolated (FSI … PDI): a name in Arabic or Hebrew
  // keeps its own direction without turning the sentence around.
  const isolated = (name) => "\u2068" + name + "\u2069";

  function contactLabel(contact) {
    return t("contact", {
      name: contact.label,
      kind: kindOf(contact.kind).name,
      circle: circleName(contact.circle),
      domain: domainName(contact.domain),
    });
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

  // The names' size in CSS px: `roomy` (about 13, readable) for up to 20 contacts, down to
  // `crowded` for 32 or more, where bigger names would cover each other.
  function textSize(crowded, roomy) {
    const share = clamp((32 - state.contacts.length) / 12, 0, 1);
    return Math.round((crowded + (roomy - crowded) * share) * 10) / 10;
  }

  function drawAll() {
    const root = $("circle");
    const px = D.scaleOf(root);
    const drawn = D.drawBackground(root, {
      domains: state.domains,
      circles: state.circles,
      middle: t("you"),
      px: px,
      // At least about 13 CSS px on a 360 px phone: names a person can read.
      middleSize: 13.5,
      middleMost: 15,
      ringSize: textSize(9.5, 13),
      ringMost: 15,
      shape: D.shapeFor([state.contacts], state.domains),
    });
    state.shape = drawn.shape;
    state.drawnFor = textSize(9.5, 13);
    state.obstacles = drawn.obstacles;
    const { radii, angles } = state.shape;
    svg("g", { id: "contacts" }, root);
    const cells = svg("g", { id: "cells" }, root);
    state.circles.forEach((circle) => {
      state.domains.forEach((domain, index) => {
        const inner = radii[circle.circle - 1];
        const outerEdge = radii[circle.circle];
        if (inner === undefined || outerEdge === undefined) return;
        const cell = svg(
          "path",
          {
            d: D.arcPath(angles[index], angles[index + 1], inner, outerEdge),
            class: "cell",
            role: "button",
            tabindex: "-1",
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

  function drawContacts() {
    const layer = $("contacts");
    if (!layer) return;
    // A ring or a sector that fills up (or empties) gets more (or less) room: that first.
    const shape = D.shapeFor([state.contacts], state.domains);
    const resized = state.drawnFor !== textSize(9.5, 13);
    if (state.shape && (resized || shape.radii.join() !== state.shape.radii.join() || shape.angles.join() !== state.shape.angles.join())) {
      drawAll();
      return;
    }
    const focused = document.activeElement;
    const focusedId = focused && focused.dataset ? focused.dataset.contactId : undefined;
    layer.replaceChildren();
    const px = D.scaleOf($("circle"));
    const radius = clamp(18 / px, 10, 15);
    const labelSize = clamp(textSize(11, 13) / px, 6.5, 15);
    const placed = D.placeContacts(state.contacts, state.domains, radius, {
      shape: state.shape || shape,
      labelSize: labelSize,
      obstacles: state.obstacles,
      smallest: clamp(9 / px, 7, 10.5),
    });
    // Every contact's touch target at least TOUCH px across, shared with a close neighbour
    // half way between them.
    D.hitAreas(placed, TOUCH / 2 / px + 0.5);
    const mode = state.mode;
    for (const place of placed) {
      const contact = place.item;
      const selected = mode.id === contact.id && mode.name !== "add";
      const item = D.drawContact(layer, place, {
        icon: kindOf(contact.kind).icon,
        labelSize: labelSize,
        attributes: {
          class: "contact" + (selected ? " selected" : ""),
          role: "button",
          tabindex: "0",
          "data-contact-id": contact.id,
          "data-x": fmt(place.x),
          "data-y": fmt(place.y),
          "aria-label": contactLabel(contact),
          "aria-pressed": selected ? "true" : "false",
        },
      });
      item.addEventListener("pointerdown", onPointerDown);
      item.addEventListener("click", onContactClick);
      item.addEventListener("keydown", onContactKey);
    }
    // The chosen one on top of its neighbours, so its name can be read.
    const chosen = layer.querySelector(".contact.selected");
    if (chosen) layer.appendChild(chosen);
    const choosing = isChoosing();
    $("circle").classList.toggle("choosing", choosing);
    // The 30 places are tab stops (and seen by a screen reader) only while a place is
    // being chosen; else the Tab key goes from one contact to the next, then on.
    const cells = $("cells");
    if (cells) {
      if (choosing) cells.removeAttribute("aria-hidden");
      else cells.setAttribute("aria-hidden", "true");
      for (const cell of cells.children) cell.setAttribute("tabindex", choosing ? "0" : "-1");
    }
    // Nobody yet: the friendly line and the add button, no help about dragging someone.
    $("empty").hidden = state.contacts.length > 0;
    $("help").hidden = state.contacts.length === 0;
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

  // A handler that does nothing while a change is under way (a second tap, a double click).
  function unlessBusy(handler) {
    return (event) => {
      if (!state.busy) handler(event);
    };
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
      html("p", { class: "panel-title", id: "panel-title" }, panel, t("tap_where", { name: isolated(contact.label) }));
      // With the keys: the places come before this panel.
      if (mode.byKey) html("p", { class: "keys-where" }, panel, t("keys_where"));
      const row = html("div", { class: "buttons" }, panel);
      button("rename", t("rename"), row).addEventListener("click", unlessBusy(() => setMode({ name: "rename", id: contact.id })));
      button("remove", t("remove"), row).addEventListener("click", unlessBusy(() => setMode({ name: "remove", id: contact.id })));
      button("cancel", t("cancel"), row).addEventListener("click", cancel);
    } else if (mode.name === "rename" && contact) {
      panel.dataset.mode = "rename";
      const form = html("form", { novalidate: true, autocomplete: "off" }, panel);
      html("label", { for: "rename-input", class: "panel-title" }, form, t("rename_label", { name: isolated(contact.label) }));
      const input = html("input", {
        id: "rename-input",
        type: "text",
        maxlength: String(NAME_MAX),
        dir: "auto",
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
        if (!state.busy) rename(contact, input.value);
      });
      input.focus();
      if (!mode.error) input.select();
    } else if (mode.name === "remove" && contact) {
      panel.dataset.mode = "remove";
      html("p", { class: "panel-title", id: "remove-question" }, panel, t("remove_ask", { name: isolated(contact.label) }));
      const row = html("div", { class: "buttons" }, panel);
      const yes = button("yes", t("yes"), row, { class: "danger" });
      yes.addEventListener("click", unlessBusy(() => remove(contact)));
      button("no", t("no"), row).addEventListener("click", () => {
        if (state.busy) return;
        setMode({ name: "selected", id: contact.id });
        focusContact(contact.id);
      });
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
      maxlength: String(NAME_MAX),
      dir: "auto",
      enterkeyhint: "next",
      "aria-describedby": "add-error",
    }, form);
    input.value = mode.typed || "";
    input.addEventListener("input", () => {
      mode.typed = input.value;
    });
    // Enter after the name: on to what it is (not yet to "choose a place first").
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.isComposing) return;
      event.preventDefault();
      if (!input.value.trim()) {
        showAddError(t("need_name"), input);
        return;
      }
      const kind = kindRow.querySelector('button[aria-pressed="true"]') || kindRow.querySelector("button");
      if (kind) kind.focus();
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
        if (state.busy) return;
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
    // The name is on the circle already: add a second one on purpose, at the same place.
    let anyway = null;
    if (mode.taken) {
      const taken = mode.taken;
      anyway = button("anyway", t("add_anyway"), form, { class: "big" });
      anyway.addEventListener("click", () => {
        if (state.busy) return;
        mode.kind = taken.kind;
        add(taken.circle, taken.domain, true);
      });
      input.addEventListener(
        "input",
        () => {
          // Another name now: the question no longer stands.
          delete mode.taken;
          anyway.remove();
          save.hidden = false;
        },
        { once: true }
      );
    }
    const row = html("div", { class: "buttons" }, form);
    // While the question stands, "add anyway" is the one way on (or another name).
    const save = button("save", t("add_save"), row, { type: "submit", class: "primary" });
    save.hidden = Boolean(anyway);
    button("cancel", t("cancel"), row).addEventListener("click", cancel);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (state.busy) return;
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
    if (anyway && mode.focus === "anyway") anyway.focus();
    else if (mode.focus !== false) input.focus();
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
    if (state.busy) return;
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

  function tapContact(id, byKey) {
    if (state.busy) return;
    const contact = contactById(id);
    if (!contact) return;
    if (state.mode.name === "selected" && state.mode.id === id) {
      cancel();
      return;
    }
    setMode({ name: "selected", id: id, byKey: Boolean(byKey) });
    say(t("chosen", { name: isolated(contact.label) }));
    // Rename and remove at hand: the panel's first button.
    const first = $("panel").querySelector("button");
    if (first) first.focus({ preventScroll: true });
  }

  function onContactClick(event) {
    if (Date.now() < state.suppressClickUntil) return;
    tapContact(Number(event.currentTarget.dataset.contactId));
  }

  function onContactKey(event) {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      tapContact(Number(event.currentTarget.dataset.contactId), true);
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
    if (event.key === "Escape" && state.drag) {
      event.preventDefault();
      cancelDrag();
      return;
    }
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
  const cellAt = (x, y) => D.cellAt(x, y, state.domains, state.shape || undefined);

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

  // Escape while dragging: the contact goes back, and letting go then does nothing.
  function cancelDrag() {
    const drag = endDrag();
    if (!drag) return;
    try {
      $("circle").releasePointerCapture(drag.pointer);
    } catch (error) {
      // Not captured (yet): nothing to release.
    }
    if (!drag.moving) return;
    drawContacts();
    // The press still down must not become a tap when it ends.
    state.suppressClickUntil = Date.now() + 60000;
    const ended = () => {
      state.suppressClickUntil = Date.now() + 400;
      window.removeEventListener("pointerup", ended, true);
      window.removeEventListener("pointercancel", ended, true);
    };
    window.addEventListener("pointerup", ended, true);
    window.addEventListener("pointercancel", ended, true);
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

  // One change at a time: while it is under way every tap, click and key on the circle
  // and the panel is ignored, and after a moment the status line says to wait.
  async function change(path, body) {
    state.busy = true;
    $("app").setAttribute("aria-busy", "true");
    const wait = t("busy");
    const timer = setTimeout(() => say(wait), 250);
    try {
      return await api(path, body);
    } finally {
      clearTimeout(timer);
      if ($("status").textContent === wait) say("");
      state.busy = false;
      $("app").setAttribute("aria-busy", "false");
    }
  }

  function succeeded(answer) {
    return answer.status === 200 && answer.data && Array.isArray(answer.data.contacts);
  }

  async function move(contact, circle, domain) {
    if (state.busy) return;
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
    if (state.busy) return;
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
    if (state.busy) return;
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

  async function add(circle, domain, anyway) {
    if (state.busy) return;
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
    const body = { label: typed, kind: mode.kind, circle: circle, domain: domain };
    if (anyway) body.anyway = true;
    const answer = await change("/api/circle/add", body);
    if (succeeded(answer)) {
      state.contacts = answer.data.contacts;
      setMode({ name: "idle" });
      say(answer.data.said || "");
      const fresh = state.contacts.find((c) => !before.has(c.id));
      focusContact(fresh ? fresh.id : undefined);
      return;
    }
    if (!failed(answer)) return;
    if (answer.data && answer.data.error === "taken" && !anyway) {
      // Already on the circle: say so, keep what was typed, and offer to add it anyway.
      setMode(
        Object.assign(mode, {
          error: messageOf(answer),
          taken: { circle: circle, domain: domain, kind: mode.kind },
          circle: circle,
          domain: domain,
          focus: "anyway",
        })
      );
      mode.focus = undefined;
      return;
    }
    delete mode.taken;
    showAddError(messageOf(answer), $("add-name"));
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
