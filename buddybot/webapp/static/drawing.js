// BuddyBot Mini App: the circle's drawing in SVG, shared by the pages (after Inclusieweb):
// three rings (1 = very close, in the middle) × ten sectors (the life domains), drawn as the
// chat's picture draws them (buddybot/pictures/circle.py), and the contacts placed in them.
// No words here: the names come in from the page (which has them from the API).
//
//   const D = window.BuddyBot.drawing;
//   D.drawBackground(svgElement, {domains, circles, middle: "Ik", px});
//   for (const place of D.placeContacts(contacts, domains, radius)) D.drawContact(layer, place, {...});
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
  const LABEL_CHARACTERS = 11;
  // Okabe & Ito colours per kind, as on the chat's picture (KIND_STYLE).
  const KIND_COLOUR = {
    person: "#0072B2",
    group: "#E69F00",
    animal: "#009E73",
    place: "#CC79A7",
  };

  // ---- small helpers -------------------------------------------------------------------

  function svg(tag, attributes, parent) {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value !== undefined && value !== null) node.setAttribute(key, String(value));
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

  const fmt = (n) => n.toFixed(2);

  // A point at an angle (clockwise from the top) and a radius.
  function point(angle, radius) {
    return [radius * Math.sin(angle), -radius * Math.cos(angle)];
  }

  function sectorAngle(domains) {
    return (2 * Math.PI) / Math.max(1, domains.length);
  }

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

  function shortLabel(label, characters) {
    const most = characters || LABEL_CHARACTERS;
    const letters = Array.from(String(label));
    if (letters.length <= most) return String(label);
    return letters.slice(0, most - 1).join("").trimEnd() + "…";
  }

  // CSS pixels per viewBox unit, as an SVG of the circle is shown now.
  function scaleOf(root) {
    const width = root.getBoundingClientRect().width;
    return width > 0 ? width / (2 * HALF) : 1;
  }

  // ---- the circle without its contacts ----------------------------------------------------

  // Empties `root` and draws the sectors, the domains' names, the rings with their names and
  // the middle (`middle`: its word, e.g. "Ik" or the client's name). `px`: CSS pixels per
  // viewBox unit (scaleOf). `idPrefix` keeps the text paths' ids apart when a page has two.
  // Answers the `defs` and `background` groups.
  function drawBackground(root, options) {
    const domains = options.domains || [];
    const circles = options.circles || [];
    const px = options.px || 1;
    const prefix = options.idPrefix || "domain-arc";
    root.setAttribute("viewBox", `${-HALF} ${-HALF} ${2 * HALF} ${2 * HALF}`);
    root.replaceChildren();
    const defs = svg("defs", {}, root);
    const background = svg("g", { class: "background", "aria-hidden": "true" }, root);
    const sector = sectorAngle(domains);
    const outer = RADII[RADII.length - 1];
    domains.forEach((domain, index) => {
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
          id: `${prefix}-${index}`,
          d: `M${fmt(sx)} ${fmt(sy)} A${radius} ${radius} 0 0 ${lower ? 0 : 1} ${fmt(ex)} ${fmt(ey)}`,
        },
        defs
      );
      const text = svg("text", { class: "domain-name", "font-size": fontSize }, background);
      const along = svg(
        "textPath",
        { href: `#${prefix}-${index}`, startOffset: "50%", "text-anchor": "middle" },
        text
      );
      along.textContent = domain.name;
    });
    domains.forEach((domain, index) => {
      const [x0, y0] = point(index * sector, RADII[0]);
      const [x1, y1] = point(index * sector, outer);
      svg("line", { x1: fmt(x0), y1: fmt(y0), x2: fmt(x1), y2: fmt(y1), class: "spoke" }, background);
    });
    RADII.forEach((radius) => svg("circle", { r: radius, class: "ring-line" }, background));
    svg("circle", { r: RADII[0] - 1, class: "middle" }, background);
    const you = svg(
      "text",
      {
        class: "you",
        "font-size": fmt(clamp((options.middleSize || 13) / px, 6, 12)),
        "dominant-baseline": "central",
      },
      background
    );
    you.textContent = options.middle || "";
    // Each circle's name on its outer line at the top, between two sectors, as on the picture.
    const circleFont = clamp(12 / px, 6.5, 12);
    circles.forEach((circle) => {
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
    return { defs: defs, background: background };
  }

  // ---- where the contacts go ------------------------------------------------------------------

  // Where the contacts of one cell go: one row when they fit along the middle of the ring,
  // else zig-zag between an inner and an outer row (as the chat's picture does), kept off
  // the sector's edges.
  function cellPositions(count, circle, domainIndex, radius, domainCount) {
    const inner = RADII[circle - 1];
    const outer = RADII[circle];
    const sector = (2 * Math.PI) / Math.max(1, domainCount);
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
      const edge = Math.min(sector / 4, (radius * 0.7) / r);
      const angle = a0 + edge + ((sector - 2 * edge) * (inRow + 0.5)) / inThisRow;
      places.push(point(angle, r));
    }
    return places;
  }

  // Every item ({id, label, circle, domain, …}) with its place: [{item, x, y, size, above}],
  // grouped by cell and sorted within it by name, as the chat's picture does. `radius`: a
  // marker's radius in viewBox units (smaller in a crowded cell). `above`: the name goes
  // above the marker (low in the outer ring, where there is no room below).
  function placeContacts(items, domains, radius) {
    const order = domains.map((d) => d.domain);
    const cells = new Map();
    const sorted = [...items].sort(
      (a, b) =>
        a.circle - b.circle ||
        order.indexOf(a.domain) - order.indexOf(b.domain) ||
        String(a.label).localeCompare(String(b.label)) ||
        a.id - b.id
    );
    for (const item of sorted) {
      if (order.indexOf(item.domain) < 0 || RADII[item.circle] === undefined || item.circle < 1) continue;
      const key = `${item.circle}|${item.domain}`;
      if (!cells.has(key)) cells.set(key, []);
      cells.get(key).push(item);
    }
    const placed = [];
    for (const [key, members] of cells) {
      const [circleText, domain] = key.split("|");
      const circle = Number(circleText);
      const size = clamp(radius * (members.length > 2 ? 0.85 : 1), 10, radius);
      const places = cellPositions(members.length, circle, order.indexOf(domain), size, order.length);
      members.forEach((item, index) => {
        const [x, y] = places[index];
        const above = circle === RADII.length - 1 && y > RADII[RADII.length - 1] * 0.55;
        placed.push({ item: item, x: x, y: y, size: size, above: above });
      });
    }
    return placed;
  }

  // One contact where placeContacts put it: a group (`attributes` on it, at the place) with
  // an optional invisible touch target (`hit`: its radius), the marker in the kind's colour,
  // the kind's `icon` and the (shortened) name in `labelSize`. Answers the group.
  function drawContact(parent, place, options) {
    const size = place.size;
    const labelSize = options.labelSize;
    const item = svg(
      "g",
      Object.assign({}, options.attributes || {}, {
        transform: `translate(${fmt(place.x)} ${fmt(place.y)})`,
      }),
      parent
    );
    if (options.hit) svg("circle", { r: fmt(Math.max(options.hit, size + 2)), class: "hit" }, item);
    svg(
      "circle",
      { r: fmt(size), class: "marker", stroke: KIND_COLOUR[place.item.kind] || "#555555" },
      item
    );
    const icon = svg(
      "text",
      { class: "icon", "font-size": fmt(size * 1.05), "dominant-baseline": "central" },
      item
    );
    icon.textContent = options.icon || "•";
    const label = svg(
      "text",
      {
        class: "label",
        y: fmt(place.above ? -size - labelSize * 0.35 : size + labelSize * 0.95),
        "font-size": fmt(labelSize),
      },
      item
    );
    label.textContent = shortLabel(place.item.label);
    return item;
  }

  // The ring × sector under a point of the viewBox (the middle counts as ring 1), or null
  // outside the circle.
  function cellAt(x, y, domains) {
    const distance = Math.hypot(x, y);
    const outer = RADII[RADII.length - 1];
    if (distance > outer + 4 || domains.length === 0) return null;
    let angle = Math.atan2(x, -y);
    if (angle < 0) angle += 2 * Math.PI;
    const index = Math.min(domains.length - 1, Math.floor(angle / sectorAngle(domains)));
    let circle = 1;
    while (circle < RADII.length - 1 && distance > RADII[circle]) circle += 1;
    return { circle: circle, domain: domains[index].domain };
  }

  window.BuddyBot = window.BuddyBot || {};
  window.BuddyBot.drawing = {
    SVG: SVG,
    HALF: HALF,
    RADII: RADII,
    KIND_COLOUR: KIND_COLOUR,
    svg: svg,
    html: html,
    clamp: clamp,
    fmt: fmt,
    point: point,
    sectorAngle: sectorAngle,
    arcPath: arcPath,
    shortLabel: shortLabel,
    scaleOf: scaleOf,
    drawBackground: drawBackground,
    cellPositions: cellPositions,
    placeContacts: placeContacts,
    drawContact: drawContact,
    cellAt: cellAt,
  };
})();
