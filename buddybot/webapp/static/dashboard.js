// BuddyBot Mini App: the professional's dashboard (docs/webapp.md, "The professional's
// dashboard"). The caseload, each client with contacts and mood per week in two small
// charts; a client's circle through time with a slider, before/after and actions; the
// report and the export into the chat. Every word comes from the API's answer (texts and
// data); none is written here. The circle is drawn by drawing.js, as on the client's page.
"use strict";

(function () {
  const D = window.BuddyBot.drawing;
  const { svg, html, clamp, fmt } = D;
  const api = (path, body) => window.BuddyBot.api(path, body);
  const $ = (id) => document.getElementById(id);

  // The small charts, in viewBox units (about CSS pixels where they are shown): two side
  // by side on a phone, so narrower there.
  const WIDE_CHART = { width: 232, height: 78, left: 20, right: 6, top: 8, bottom: 18 };
  const NARROW_CHART = { width: 150, height: 74, left: 16, right: 4, top: 8, bottom: 18 };
  const NARROW = window.matchMedia("(max-width: 559px)");
  let CHART = NARROW.matches ? NARROW_CHART : WIDE_CHART;
  const MIDDLE_CHARACTERS = 8;

  const state = {
    texts: {},
    language: "nl",
    weeks: [],
    weekLabels: [],
    clients: [],
    view: "loading",
    client: null, // the open client's answer, with its id
    frame: 0,
    busy: false,
    version: 0,
    scroll: 0,
    backButton: false,
    shape: null, // the open client's rings and sectors, as drawn (D.shapeFor)
    obstacles: [], // what the contacts keep clear of (the rings' names)
  };

  // ---- small helpers -------------------------------------------------------------------

  // A text from the API by its name, its {placeholders} filled in.
  const t = (name, values) => window.BuddyBot.fill(state.texts[name], values);

  function number(value) {
    try {
      return new Intl.NumberFormat(state.language, { maximumFractionDigits: 1 }).format(value);
    } catch (error) {
      return String(value);
    }
  }

  function list(names) {
    try {
      return new Intl.ListFormat(state.language, { style: "long", type: "conjunction" }).format(names);
    } catch (error) {
      return names.join(", ");
    }
  }

  // A name inside a visible sentence, isolated (FSI … PDI): a right-to-left name keeps
  // its own direction without turning the sentence around.
  const isolated = (name) => "\u2068" + name + "\u2069";

  function isNumber(value) {
    return typeof value === "number" && Number.isFinite(value);
  }

  function redrawn() {
    state.version += 1;
    document.body.dataset.version = String(state.version);
  }

  function setView(view) {
    state.view = view;
    document.body.dataset.view = view;
  }

  function button(action, text, parent, extra) {
    return html("button", Object.assign({ type: "button", "data-action": action }, extra || {}), parent, text);
  }

  // ---- the status line and whole-page stops ---------------------------------------------

  function say(text, isError) {
    const status = $("status");
    status.textContent = text || "";
    status.classList.toggle("error", Boolean(isError));
  }

  function messageOf(answer) {
    return answer && answer.data && typeof answer.data.message === "string" ? answer.data.message : "";
  }

  // An answer that is not a success, in words: the server's message, else "no connection".
  function sayFailure(answer) {
    say(messageOf(answer) || t("offline") || "⚠️", true);
  }

  function stop(message, canRetry) {
    for (const id of ["top", "caseload", "client", "loading"]) $(id).hidden = true;
    $("app").setAttribute("aria-busy", "false");
    $("stop").hidden = false;
    $("stop-message").textContent = message || "⚠️";
    const retry = $("retry");
    retry.hidden = !canRetry;
    retry.textContent = t("retry") || "↻";
    setView("caseload");
    document.body.dataset.ready = "1";
    redrawn();
  }

  async function call(path, body) {
    state.busy = true;
    $("app").setAttribute("aria-busy", "true");
    try {
      return await api(path, body);
    } finally {
      state.busy = false;
      $("app").setAttribute("aria-busy", "false");
    }
  }

  // ---- loading the caseload ---------------------------------------------------------------

  async function load() {
    const answer = await call("/api/dashboard", {});
    const data = answer.data;
    if (answer.status !== 200 || !data || !Array.isArray(data.clients)) {
      if (data && data.texts && typeof data.texts === "object") state.texts = data.texts;
      stop(messageOf(answer) || t("offline"), !(answer.status === 401 || answer.status === 403));
      return;
    }
    state.texts = data.texts || {};
    if (typeof data.language === "string" && data.language) {
      state.language = data.language;
      document.documentElement.lang = data.language;
    }
    state.weeks = Array.isArray(data.weeks) ? data.weeks : [];
    state.weekLabels = Array.isArray(data.week_labels) ? data.week_labels : state.weeks;
    state.clients = data.clients;
    $("loading").hidden = true;
    $("stop").hidden = true;
    $("top").hidden = false;
    $("export").textContent = t("export");
    $("report").textContent = t("report");
    $("back").textContent = t("back");
    drawCaseload();
    showCaseload(false);
    document.body.dataset.ready = "1";
  }

  // ---- the caseload -------------------------------------------------------------------------

  function showCaseload(restore) {
    document.title = t("title");
    $("title").textContent = t("title");
    $("help").textContent = state.clients.length ? t("help", { weeks: state.weeks.length }) : "";
    $("help").hidden = !state.clients.length;
    $("back").hidden = true;
    $("export").hidden = false;
    $("report").hidden = true;
    $("client").hidden = true;
    $("caseload").hidden = false;
    telegramBack(false);
    setView("caseload");
    if (restore) {
      window.scrollTo(0, state.scroll);
      const id = state.client ? state.client.id : undefined;
      const row = id === undefined ? null : document.querySelector(`.client-row[data-client-id="${id}"] [data-action="open"]`);
      if (row) row.focus({ preventScroll: true });
      else $("title").focus({ preventScroll: true });
    }
    redrawn();
  }

  function drawCaseload() {
    $("column-client").textContent = t("column_client");
    $("column-contacts").textContent = t("contacts_chart");
    $("column-mood").textContent = t("mood_chart");
    const clients = $("clients");
    clients.replaceChildren();
    for (const client of state.clients) drawClientRow(clients, client);
    $("none").textContent = t("none");
    $("none").hidden = state.clients.length > 0;
    $("columns").hidden = state.clients.length === 0;
  }

  function drawClientRow(parent, client) {
    const flags = Array.isArray(client.flags) ? client.flags : [];
    const attention = Boolean(client.attention) || flags.length > 0;
    const row = html(
      "li",
      {
        class: "client-row" + (attention ? " attention" : "") + (client.can_open ? " can-open" : ""),
        "data-client-id": client.id,
      },
      parent
    );
    const who = html("div", { class: "who" }, row);
    const head = html("div", { class: "who-head" }, who);
    html("h2", { class: "name", dir: "auto" }, head, client.name || "");
    if (client.status) html("span", { class: "state" }, head, client.status);
    for (const line of Array.isArray(client.lines) ? client.lines : []) {
      html("p", { class: "line" }, who, line);
    }
    if (attention) {
      const box = html("div", { class: "flags" }, who);
      html("p", { class: "flag-title" }, box, t("attention"));
      if (flags.length) {
        const items = html("ul", {}, box);
        for (const flag of flags) html("li", {}, items, flag);
      }
    }
    const contacts = Array.isArray(client.contacts) ? client.contacts : [];
    const mood = Array.isArray(client.mood) ? client.mood : [];
    chart(row, "contacts", t("contacts_chart"), (root) => drawBars(root, contacts), contacts, (v) => number(v), "contacts_alt");
    chart(row, "mood", t("mood_chart"), (root) => drawMood(root, mood), mood, (v) => number(v), "mood_alt");
    const cell = html("div", { class: "open-cell" }, row);
    if (client.can_open) {
      const open = button("open", t("open"), cell, {
        class: "primary",
        "aria-label": t("open_label", { name: client.name || "" }),
      });
      open.addEventListener("click", () => openClient(client.id));
    }
  }

  // ---- the small charts -------------------------------------------------------------------

  function chart(parent, kind, title, draw, values, show, altKey) {
    const figure = html("figure", { class: `chart chart-${kind}` }, parent);
    html("figcaption", { "aria-hidden": "true" }, figure, title);
    const words = state.weeks.map((week, index) =>
      isNumber(values[index]) ? show(values[index]) : t("no_answer")
    );
    const alt = t(altKey, { weeks: state.weeks.length, values: words.join(t("separator") || ", ") });
    const root = svg(
      "svg",
      {
        xmlns: D.SVG,
        viewBox: `0 0 ${CHART.width} ${CHART.height}`,
        role: "img",
        "aria-label": alt,
        "data-chart": kind,
      },
      figure
    );
    svg("title", {}, root).textContent = alt;
    draw(root);
    if (!values.some(isNumber)) {
      // No answer in any of these weeks: say so in the chart's middle.
      const middle = svg("text", { class: "nothing", x: fmt((CHART.left + CHART.width - CHART.right) / 2), y: fmt((CHART.top + CHART.height - CHART.bottom) / 2 + 4), "text-anchor": "middle" }, root);
      middle.textContent = t("no_answer");
    }
    // The first and the last week under the chart.
    const labels = state.weekLabels;
    if (labels.length) {
      const y = CHART.height - 4;
      svg("text", { class: "axis", x: CHART.left, y: y, "text-anchor": "start" }, root).textContent = labels[0];
      if (labels.length > 1) {
        svg("text", { class: "axis", x: CHART.width - CHART.right, y: y, "text-anchor": "end" }, root).textContent =
          labels[labels.length - 1];
      }
    }
  }

  function slots(count) {
    const width = CHART.width - CHART.left - CHART.right;
    const step = width / Math.max(1, count);
    return { step: step, x: (index) => CHART.left + step * (index + 0.5) };
  }

  // Each week's hover text ("Week van 7 sep: 2"), over its whole column.
  function weekTips(root, values, show) {
    const { step, x } = slots(state.weeks.length);
    state.weeks.forEach((week, index) => {
      const value = isNumber(values[index]) ? show(values[index]) : t("no_answer");
      const tip = svg(
        "rect",
        { class: "tip", x: fmt(x(index) - step / 2), y: CHART.top, width: fmt(step), height: CHART.height - CHART.top - CHART.bottom },
        root
      );
      svg("title", {}, tip).textContent = t("week_value", { week: state.weekLabels[index] || week, value: value });
    });
  }

  function drawBars(root, values) {
    const base = CHART.height - CHART.bottom;
    const high = Math.max(4, ...values.filter(isNumber));
    const plot = base - CHART.top;
    svg("line", { class: "grid", x1: CHART.left, x2: CHART.width - CHART.right, y1: CHART.top, y2: CHART.top }, root);
    svg("text", { class: "axis", x: CHART.left - 4, y: CHART.top + 3, "text-anchor": "end" }, root).textContent = number(high);
    svg("text", { class: "axis", x: CHART.left - 4, y: base + 3, "text-anchor": "end" }, root).textContent = number(0);
    const { step, x } = slots(state.weeks.length);
    const width = Math.min(14, step * 0.62);
    state.weeks.forEach((week, index) => {
      const value = values[index];
      if (!isNumber(value)) return; // no answer that week: a gap, not a zero
      const height = Math.max(1.5, (plot * Math.max(0, value)) / high);
      svg(
        "rect",
        { class: value > 0 ? "bar" : "bar zero", x: fmt(x(index) - width / 2), y: fmt(base - height), width: fmt(width), height: fmt(height), rx: 1.5 },
        root
      );
    });
    svg("line", { class: "baseline", x1: CHART.left, x2: CHART.width - CHART.right, y1: base, y2: base }, root);
    weekTips(root, values, number);
  }

  function drawMood(root, values) {
    const base = CHART.height - CHART.bottom;
    const plot = base - CHART.top;
    const y = (value) => base - (plot * (clamp(value, 1, 5) - 1)) / 4;
    for (const level of [1, 3, 5]) {
      svg("line", { class: level === 1 ? "baseline" : "grid", x1: CHART.left, x2: CHART.width - CHART.right, y1: fmt(y(level)), y2: fmt(y(level)) }, root);
    }
    for (const level of [1, 5]) {
      svg("text", { class: "axis", x: CHART.left - 4, y: fmt(y(level) + 3), "text-anchor": "end" }, root).textContent = number(level);
    }
    const { x } = slots(state.weeks.length);
    // The line breaks where a week has no answer; a lone week is a dot.
    let run = [];
    const runs = [];
    state.weeks.forEach((week, index) => {
      const value = values[index];
      if (isNumber(value)) run.push([x(index), y(value)]);
      else if (run.length) {
        runs.push(run);
        run = [];
      }
    });
    if (run.length) runs.push(run);
    for (const points of runs) {
      if (points.length > 1) {
        svg("polyline", { class: "mood-line", points: points.map(([px, py]) => `${fmt(px)},${fmt(py)}`).join(" ") }, root);
      }
      for (const [px, py] of points) svg("circle", { class: "mood-dot", cx: fmt(px), cy: fmt(py), r: 2.8 }, root);
    }
    weekTips(root, values, number);
  }

  // ---- one client through time -------------------------------------------------------------

  async function openClient(id) {
    if (state.busy) return;
    say(t("working"));
    const answer = await call("/api/dashboard/client", { client: id });
    const data = answer.data;
    if (answer.status !== 200 || !data || !Array.isArray(data.frames)) {
      sayFailure(answer);
      return;
    }
    if (data.texts && typeof data.texts === "object") state.texts = Object.assign({}, state.texts, data.texts);
    state.scroll = window.scrollY;
    state.client = Object.assign({ id: id }, data);
    state.frame = Math.max(0, data.frames.length - 1);
    say("");
    showClient();
  }

  function showClient() {
    const client = state.client;
    const title = t("client_title", { name: client.name || "" });
    document.title = title;
    $("title").textContent = title;
    $("help").textContent = t("client_help");
    $("help").hidden = false;
    $("back").hidden = false;
    $("export").hidden = true;
    $("report").hidden = false;
    $("caseload").hidden = true;
    $("client").hidden = false;
    telegramBack(true);
    setView("client");
    drawTimeControls();
    drawLegend();
    drawFacts();
    drawCircle();
    drawCompareButton();
    window.scrollTo(0, 0);
    $("title").focus({ preventScroll: true });
  }

  function drawTimeControls() {
    const frames = state.client.frames;
    const slider = $("slider");
    $("slider-title").textContent = t("slider");
    slider.max = String(Math.max(0, frames.length - 1));
    slider.value = String(state.frame);
    slider.disabled = frames.length < 2;
    $("prev").textContent = t("previous");
    $("next").textContent = t("next");
    $("first-label").textContent = frames.length > 1 ? frames[0].label : "";
    $("last-label").textContent = frames.length > 1 ? frames[frames.length - 1].label : "";
    $("changes-title").textContent = t("changes");
  }

  function drawLegend() {
    $("legend-title").textContent = t("legend");
    const items = $("legend-list");
    items.replaceChildren();
    for (const kind of ["new", "moved", "removed"]) {
      const item = html("li", { "data-legend": kind }, items);
      const mark = svg("svg", { class: "legend-swatch", viewBox: "-24 -14 48 28", "aria-hidden": "true", focusable: "false" }, item);
      if (kind === "new") {
        svg("circle", { class: "halo-new", r: 13 }, mark);
        svg("circle", { class: "swatch-marker", r: 8 }, mark);
      } else if (kind === "moved") {
        svg("circle", { class: "swatch-marker ghost-marker", cx: -14, r: 7 }, mark);
        svg("path", { class: "move-arrow", d: "M-6 0 L5 0", "marker-end": "url(#legend-arrow)" }, mark);
        const defs = svg("defs", {}, mark);
        arrowMarker(defs, "legend-arrow");
        svg("circle", { class: "halo-moved", cx: 14, r: 9.5 }, mark);
        svg("circle", { class: "swatch-marker", cx: 14, r: 7 }, mark);
      } else {
        svg("circle", { class: "swatch-marker removed-marker", r: 8 }, mark);
      }
      const words = html("span", { class: "legend-words" }, item);
      html("strong", {}, words, t(kind));
      html("span", {}, words, t(`${kind}_help`));
    }
  }

  function arrowMarker(defs, id) {
    const marker = svg(
      "marker",
      { id: id, viewBox: "0 0 10 10", refX: 8, refY: 5, markerWidth: 5, markerHeight: 5, orient: "auto-start-reverse", markerUnits: "strokeWidth" },
      defs
    );
    svg("path", { class: "arrow-head", d: "M0 0 L10 5 L0 10 Z" }, marker);
  }

  function drawFacts() {
    const client = state.client;
    const measures = client.measures && typeof client.measures === "object" ? client.measures : null;
    const rows = measures && Array.isArray(measures.rows) ? measures.rows : [];
    $("measures-title").textContent = t("measures");
    $("measure-head").textContent = t("column_measure");
    $("before-head").textContent = measures && measures.before ? measures.before : "";
    $("after-head").textContent = measures && measures.after ? measures.after : "";
    const body = $("measure-rows");
    body.replaceChildren();
    for (const row of rows) {
      const line = html("tr", {}, body);
      const cells = Array.isArray(row) ? row : [];
      html("th", { scope: "row" }, line, String(cells[0] === undefined ? "" : cells[0]));
      html("td", {}, line, String(cells[1] === undefined ? "" : cells[1]));
      html("td", {}, line, String(cells[2] === undefined ? "" : cells[2]));
    }
    $("measures").hidden = rows.length === 0;
    $("no-measures").textContent = t("no_measures");
    $("no-measures").hidden = rows.length > 0;
    const actions = Array.isArray(client.actions) ? client.actions : [];
    $("actions-title").textContent = t("actions");
    const items = $("actions-list");
    items.replaceChildren();
    for (const action of actions) html("li", {}, items, action);
    items.hidden = actions.length === 0;
    $("no-actions").textContent = t("no_actions");
    $("no-actions").hidden = actions.length > 0;
  }

  // ---- the circle at one frame ------------------------------------------------------------

  function words() {
    const client = state.client;
    return {
      circle: (n) => ((client.circles || []).find((c) => c.circle === n) || { name: String(n) }).name,
      domain: (d) => ((client.domains || []).find((x) => x.domain === d) || { name: d }).name,
      kind: (k) => (client.kinds || []).find((x) => x.kind === k) || { kind: k, name: k, icon: "•" },
    };
  }

  function drawCircle() {
    const client = state.client;
    const root = $("circle");
    const px = D.scaleOf(root);
    // The rings' and sectors' sizes for every frame at once, so they stay put under the slider.
    const shape = D.shapeFor((client.frames || []).map(frameItems), client.domains || []);
    const drawn = D.drawBackground(root, {
      domains: client.domains || [],
      circles: client.circles || [],
      middle: D.shortLabel(client.name || "", MIDDLE_CHARACTERS),
      middleSize: 11,
      px: px,
      shape: shape,
    });
    state.shape = drawn.shape;
    state.obstacles = drawn.obstacles;
    arrowMarker(drawn.defs, "move-arrow-head");
    svg("g", { id: "ghosts" }, root);
    svg("g", { id: "arrows", "aria-hidden": "true" }, root);
    svg("g", { id: "contacts" }, root);
    svg("g", { id: "labels", "aria-hidden": "true" }, root);
    drawFrame();
  }

  // Everything that takes a place on a frame: the contacts, where moved ones were, and the
  // removed ones where they were; so nothing lies on top of anything else.
  function frameItems(frame) {
    const current = Array.isArray(frame.contacts) ? frame.contacts : [];
    const byId = new Map(current.map((c) => [c.id, c]));
    const items = current.map((c) => Object.assign({}, c, { role: "now" }));
    for (const before of Array.isArray(frame.moved) ? frame.moved : []) {
      const now = byId.get(before.id);
      if (now) items.push(Object.assign({}, now, { circle: before.circle, domain: before.domain, role: "ghost" }));
    }
    for (const gone of Array.isArray(frame.removed) ? frame.removed : []) {
      items.push(Object.assign({}, gone, { role: "removed" }));
    }
    return items;
  }

  function drawFrame() {
    const client = state.client;
    const frames = client.frames;
    const frame = frames[state.frame] || { label: "", contacts: [], new: [], moved: [], removed: [] };
    const name = words();
    const current = Array.isArray(frame.contacts) ? frame.contacts : [];
    const fresh = new Set(Array.isArray(frame.new) ? frame.new : []);
    const moved = new Map((Array.isArray(frame.moved) ? frame.moved : []).map((m) => [m.id, m]));
    const removed = Array.isArray(frame.removed) ? frame.removed : [];
    const byId = new Map(current.map((c) => [c.id, c]));
    const items = frameItems(frame);

    const root = $("circle");
    const px = D.scaleOf(root);
    // A little smaller than on the client's page: nothing here is dragged or tapped.
    const radius = clamp(16 / px, 9, 13.5);
    const labelSize = clamp(13 / px, 6.5, 12.5);
    const placed = D.placeContacts(items, client.domains || [], radius, {
      shape: state.shape,
      labelSize: labelSize,
      obstacles: state.obstacles,
      smallest: clamp(9 / px, 7, 10),
      gap: 7, // room for the highlights' rings
    });
    const ghosts = $("ghosts");
    const arrows = $("arrows");
    const layer = $("contacts");
    ghosts.replaceChildren();
    arrows.replaceChildren();
    layer.replaceChildren();
    const labels = $("labels");
    labels.replaceChildren();
    const where = new Map();
    const place = (c) => t("place", { circle: name.circle(c.circle), domain: name.domain(c.domain) });
    const describe = (c) =>
      t("contact", { name: c.label, kind: name.kind(c.kind).name, circle: name.circle(c.circle), domain: name.domain(c.domain) });

    for (const spot of placed) {
      const c = spot.item;
      const icon = name.kind(c.kind).icon;
      if (c.role === "ghost") {
        where.set(`ghost-${c.id}`, spot);
        D.drawContact(ghosts, spot, { icon: icon, labelSize: labelSize, attributes: { class: "contact ghost", "data-ghost-id": c.id, "aria-hidden": "true" } });
      } else if (c.role === "removed") {
        D.drawContact(ghosts, spot, {
          icon: icon,
          labelSize: labelSize,
          attributes: { class: "contact removed", "data-contact-id": c.id, "data-highlight": "removed", role: "img", "aria-label": t("contact_removed", { contact: describe(c) }) },
        });
      } else {
        where.set(`now-${c.id}`, spot);
        const highlight = fresh.has(c.id) ? "new" : moved.has(c.id) ? "moved" : null;
        let label = describe(c);
        if (highlight === "new") label = t("contact_new", { contact: label });
        if (highlight === "moved") label = t("contact_moved", { contact: label, place: place(moved.get(c.id)) });
        const item = D.drawContact(layer, spot, {
          icon: icon,
          labelSize: labelSize,
          attributes: {
            class: "contact" + (highlight ? ` ${highlight}` : ""),
            "data-contact-id": c.id,
            "data-highlight": highlight,
            role: "img",
            "aria-label": label,
          },
        });
        if (highlight) {
          item.insertBefore(svg("circle", { class: `halo-${highlight}`, r: fmt(spot.size + (highlight === "new" ? 6 : 4.5)) }), item.firstChild);
        }
        // The names over all markers, so a crowded cell still shows every name.
        const text = item.querySelector(".label");
        if (text) {
          svg("g", { class: "contact", transform: item.getAttribute("transform") }, labels).appendChild(text);
        }
      }
    }
    // From where a moved contact was to where it is now: a gentle curve with an arrow head.
    for (const id of moved.keys()) {
      const from = where.get(`ghost-${id}`);
      const to = where.get(`now-${id}`);
      if (!from || !to) continue;
      const dx = to.x - from.x;
      const dy = to.y - from.y;
      const length = Math.hypot(dx, dy);
      const gapFrom = from.size + 3;
      const gapTo = to.size + 7;
      if (length <= gapFrom + gapTo + 2) continue;
      const [ux, uy] = [dx / length, dy / length];
      const start = [from.x + ux * gapFrom, from.y + uy * gapFrom];
      const end = [to.x - ux * gapTo, to.y - uy * gapTo];
      const bend = Math.min(24, length * 0.15);
      const control = [(start[0] + end[0]) / 2 - uy * bend, (start[1] + end[1]) / 2 + ux * bend];
      svg(
        "path",
        {
          class: "move-arrow",
          "data-arrow-for": id,
          d: `M${fmt(start[0])} ${fmt(start[1])} Q${fmt(control[0])} ${fmt(control[1])} ${fmt(end[0])} ${fmt(end[1])}`,
          "marker-end": "url(#move-arrow-head)",
        },
        arrows
      );
    }

    root.setAttribute("aria-label", t("circle_alt", { name: client.name || "", day: frame.label || "" }));
    const slider = $("slider");
    slider.value = String(state.frame);
    slider.setAttribute("aria-valuetext", frame.label || "");
    $("frame-label").textContent = frame.label || "";
    $("frame-number").textContent = frames.length > 1 ? t("frame_number", { number: state.frame + 1, total: frames.length }) : "";
    setEnabled($("prev"), state.frame > 0);
    setEnabled($("next"), state.frame < frames.length - 1);
    drawChanges(frame, current, moved, removed, fresh, byId, place);
    redrawn();
  }

  function setEnabled(element, enabled) {
    if (!enabled && document.activeElement === element) $("slider").focus({ preventScroll: true });
    element.disabled = !enabled;
  }

  function drawChanges(frame, current, moved, removed, fresh, byId, place) {
    const items = $("changes-list");
    items.replaceChildren();
    const added = current.filter((c) => fresh.has(c.id)).map((c) => isolated(c.label));
    const shifted = [];
    for (const [id, before] of moved) {
      const now = byId.get(id);
      if (now) shifted.push(t("moved_from", { name: isolated(now.label), place: place(before) }));
    }
    const gone = removed.map((c) => isolated(c.label));
    if (added.length) html("li", { class: "change-new" }, items, t("changes_new", { names: list(added) }));
    if (shifted.length) html("li", { class: "change-moved" }, items, t("changes_moved", { names: list(shifted) }));
    if (gone.length) html("li", { class: "change-removed" }, items, t("changes_removed", { names: list(gone) }));
    // One line where there is nothing to tell: nobody there yet, else nothing changed.
    if (!current.length) html("li", { class: "change-none" }, items, t("empty_circle"));
    else if (!items.children.length) html("li", { class: "change-none" }, items, t("no_changes"));
  }

  function goTo(index) {
    if (!state.client) return;
    const last = state.client.frames.length - 1;
    const next = clamp(index, 0, Math.max(0, last));
    if (next === state.frame) return;
    state.frame = next;
    drawFrame();
    drawCompareButton();
  }

  // Before and after at any two dates: the day on the slider against today.
  function drawCompareButton() {
    const client = state.client;
    const frame = client.frames[state.frame];
    const measured = client.measures && client.measures.day;
    const button = $("compare-day");
    const today = state.frame === client.frames.length - 1;
    button.hidden = !frame || today || frame.day === measured;
    if (frame) button.textContent = t("compare_day", { day: frame.label });
  }

  async function compareDay() {
    const client = state.client;
    const frame = client && client.frames[state.frame];
    if (!frame || state.busy) return;
    say(t("working"));
    const answer = await call("/api/dashboard/measures", { client: client.id, day: frame.day });
    const measures = answer.data && answer.data.measures;
    if (answer.status !== 200 || !measures || !Array.isArray(measures.rows)) {
      sayFailure(answer);
      return;
    }
    client.measures = measures;
    drawFacts();
    drawCompareButton();
    say(t("compared", { day: frame.label }));
    $("measures-title").focus({ preventScroll: false });
  }

  // ---- back, report and export ---------------------------------------------------------------

  function back() {
    if (state.view !== "client") return;
    say("");
    showCaseload(true);
  }

  function telegramBack(show) {
    const app = window.Telegram && window.Telegram.WebApp;
    const backButton = app && app.BackButton;
    if (!backButton) return;
    try {
      if (!state.backButton && typeof backButton.onClick === "function") {
        backButton.onClick(back);
        state.backButton = true;
      }
      if (show && typeof backButton.show === "function") backButton.show();
      if (!show && typeof backButton.hide === "function") backButton.hide();
    } catch (error) {
      // An older Telegram without a back button: the page's own button is there.
    }
  }

  // The button stays enabled, and focused, while the bot works (a disabled button would
  // drop the keyboard's focus to the page's start): aria-disabled and the busy check.
  async function send(element, path, body) {
    if (state.busy || element.getAttribute("aria-disabled") === "true") return;
    element.setAttribute("aria-disabled", "true");
    say(t("working"));
    try {
      const answer = await call(path, body);
      if (answer.status === 200 && answer.data && typeof answer.data.said === "string") {
        say(answer.data.said);
      } else {
        sayFailure(answer);
      }
    } finally {
      element.removeAttribute("aria-disabled");
    }
  }

  // ---- start ------------------------------------------------------------------------------

  function start() {
    setView("caseload");
    $("back").addEventListener("click", back);
    $("export").addEventListener("click", () => send($("export"), "/api/dashboard/export", {}));
    $("report").addEventListener("click", () => {
      if (state.client) send($("report"), "/api/dashboard/report", { client: state.client.id });
    });
    $("slider").addEventListener("input", () => goTo(Number($("slider").value)));
    $("compare-day").addEventListener("click", compareDay);
    $("prev").addEventListener("click", () => goTo(state.frame - 1));
    $("next").addEventListener("click", () => goTo(state.frame + 1));
    $("retry").addEventListener("click", () => {
      $("stop").hidden = true;
      $("loading").hidden = false;
      load();
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && state.view === "client" && !event.defaultPrevented) back();
    });
    NARROW.addEventListener("change", () => {
      CHART = NARROW.matches ? NARROW_CHART : WIDE_CHART;
      if (document.body.dataset.ready === "1" && state.clients.length) {
        drawCaseload();
        redrawn();
      }
    });
    let width = 0;
    window.addEventListener("resize", () => {
      if (state.view !== "client" || !state.client) return;
      const now = $("circle").getBoundingClientRect().width;
      if (Math.abs(now - width) > 1) {
        width = now;
        drawCircle();
      }
    });
    load();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
