// BuddyBot Mini App: the circle's drawing in SVG, shared by the pages (after Inclusieweb):
// three rings (1 = very close, in the middle) × ten sectors (the life domains), drawn as the
// chat's picture draws them (buddybot/pictures/circle.py), and the contacts placed in them.
// No words here: the names come in from the page (which has them from the API).
//
//   const D = window.BuddyBot.drawing;
//   const shape = D.shapeFor([contacts], domains);      // more room where it is crowded
//   const drawn = D.drawBackground(svgElement, {domains, circles, middle: "Ik", px, shape});
//   const placed = D.placeContacts(contacts, domains, markerRadius, {shape, labelSize, obstacles: drawn.obstacles});
//   D.hitAreas(placed, hitRadius);                        // only where contacts are tapped
//   for (const place of placed) D.drawContact(layer, place, {...});
//   D.cellAt(x, y, domains);                              // the ring × sector under a point
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  // Geometry, in viewBox units (about CSS pixels on a 360 px phone).
  const HALF = 196; // the viewBox runs from -HALF to HALF both ways
  // The middle's edge, then the outer edge of rings 1, 2, 3, when no ring is crowded: the
  // innermost ring is the widest, as its sectors are the shortest (ringRadii gives a
  // crowded ring more room).
  const RADII = [18, 92, 130, 164];
  const MIDDLE = RADII[0];
  const OUTER = RADII[RADII.length - 1];
  const MIN_RING = [0, 46, 27, 27]; // the narrowest each ring may become
  const DOMAIN_TOP = 169; // baseline of a domain's name in the upper half
  const DOMAIN_BOTTOM = 179; // … in the lower half (the text hangs towards the middle)
  const LABEL_CHARACTERS = 11;
  // Shorter and shorter names, tried in turn where a full one finds no free place; the full
  // name is in the contact's aria-label and in the page's panel.
  const SHORTER = [LABEL_CHARACTERS, 8, 6];
  const PAD = 1.5; // between a marker and its cell's edges
  // Okabe & Ito colours per kind, as on the chat's picture (KIND_STYLE).
  const KIND_COLOUR = {
    person: "#0072B2",
    group: "#E69F00",
    animal: "#009E73",
    place: "#CC79A7",
  };

  // The circle as the page draws it now (cellAt): the rings' radii and the sectors' edges.
  let drawnShape = null;

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

  // The width of a text in the page's font, `size` units high (a guess without a canvas).
  let measurer;
  function textWidth(text, size, weight) {
    if (measurer === undefined) {
      const canvas = document.createElement("canvas");
      measurer = (canvas.getContext && canvas.getContext("2d")) || null;
      if (measurer) {
        measurer.family = getComputedStyle(document.body).fontFamily || "sans-serif";
      }
    }
    if (!measurer) return Array.from(String(text)).length * size * 0.6;
    measurer.font = `${weight || 600} 100px ${measurer.family}`;
    return (measurer.measureText(String(text)).width * size) / 100;
  }

  // ---- the rings' sizes -----------------------------------------------------------------

  // Ring by ring, the most contacts any one cell holds, over one or more lists of items
  // ({circle, domain}); e.g. every frame of the dashboard's slider, so the rings stay put.
  function crowding(lists, domains) {
    const known = new Set(domains.map((d) => d.domain));
    const most = [0, 0, 0, 0];
    const cells = new Map(); // "circle|domain" → the most it holds
    for (const items of lists) {
      const counts = new Map();
      for (const item of items) {
        if (!known.has(item.domain) || !(item.circle >= 1 && item.circle <= 3)) continue;
        const key = `${item.circle}|${item.domain}`;
        counts.set(key, (counts.get(key) || 0) + 1);
        most[item.circle] = Math.max(most[item.circle], counts.get(key));
        cells.set(key, Math.max(cells.get(key) || 0, counts.get(key)));
      }
    }
    most.cells = cells;
    return most;
  }

  // The sectors' edges (angles, clockwise from the top; one more than there are domains):
  // equal, as on the chat's picture, unless a domain is crowded, which then gets up to
  // about twice the room, taken evenly from the others. A cell holds about 3 (the outer
  // ring 3.6) at the usual width.
  function sectorAngles(lists, domains) {
    const cells = crowding(lists, domains).cells;
    const count = (circle, domain) => cells.get(`${circle}|${domain}`) || 0;
    const crowded = domains.some((d) => count(1, d.domain) > 3 || count(2, d.domain) > 3 || count(3, d.domain) > 4);
    // An empty domain gives up a little room where another is crowded.
    const weights = domains.map((d) =>
      crowded && !count(1, d.domain) && !count(2, d.domain) && !count(3, d.domain)
        ? 0.8
        : clamp(Math.max(count(1, d.domain) / 3, count(2, d.domain) / 2.6, count(3, d.domain) / 3.6), 1, 2.2)
    );
    const total = weights.reduce((a, b) => a + b, 0) || 1;
    const angles = [0];
    let sum = 0;
    for (const weight of weights) {
      sum += weight;
      // In half degrees, so a small change keeps them.
      angles.push(Math.round((sum / total) * 720) * (Math.PI / 360));
    }
    angles[angles.length - 1] = 2 * Math.PI;
    return angles;
  }

  // The circle's shape for these contacts (lists of them: e.g. every frame of the
  // dashboard's slider, so it stays put): {radii, angles}.
  function shapeFor(lists, domains) {
    const angles = sectorAngles(lists, domains);
    const cells = crowding(lists, domains).cells;
    const names = [0];
    for (let circle = 1; circle <= 3; circle += 1) {
      let best = Math.PI;
      let fewest = Infinity;
      domains.forEach((domain, index) => {
        const before = domains[(index + domains.length - 1) % domains.length];
        const count =
          (cells.get(`${circle}|${domain.domain}`) || 0) + (cells.get(`${circle}|${before.domain}`) || 0);
        // In the lower half, where the words stand upright along the ring; the bottom first
        // among equally empty spokes.
        if (Math.cos(angles[index]) > -0.25) return;
        const cost = count + (1 - Math.cos(angles[index] - Math.PI)) / 4;
        if (cost < fewest) {
          fewest = cost;
          best = angles[index];
        }
      });
      names.push(best);
    }
    return { radii: ringRadii(lists, domains), angles: angles, names: names };
  }

  function equalAngles(domains) {
    const sector = sectorAngle(domains);
    return Array.from({ length: domains.length + 1 }, (_, i) => i * sector);
  }

  function shapeOr(shape, domains) {
    const radii = (shape && shape.radii) || RADII;
    const angles = shape && shape.angles && shape.angles.length === domains.length + 1 ? shape.angles : equalAngles(domains);
    const names = shape && shape.names && shape.angles === angles ? shape.names : null;
    return { radii: radii, angles: angles, names: names };
  }

  // The rings' radii ([middle, ring 1, ring 2, ring 3]) for these contacts: each ring's area
  // in proportion to its most crowded cell, never narrower than MIN_RING, and never less
  // than the calm default for the inner ring. In whole units, so a small change keeps them.
  function ringRadii(lists, domains) {
    const most = crowding(lists, domains);
    const weight = [0, 1, 2, 3].map((ring) => (ring ? Math.max(most[ring], 1) + 0.6 : 0));
    if (most[1] <= 2 && most[2] <= 2 && most[3] <= 2) return RADII.slice();
    const total = weight[1] + weight[2] + weight[3];
    const area = OUTER * OUTER - MIDDLE * MIDDLE;
    const radii = [MIDDLE];
    let sum = MIDDLE * MIDDLE;
    for (let ring = 1; ring <= 3; ring += 1) {
      sum += (area * weight[ring]) / total;
      radii.push(Math.sqrt(sum));
    }
    radii[3] = OUTER;
    radii[2] = Math.min(radii[2], OUTER - MIN_RING[3]);
    radii[1] = Math.min(radii[1], radii[2] - MIN_RING[2]);
    radii[1] = Math.max(radii[1], RADII[1] - (most[1] >= most[2] ? 0 : 10), MIDDLE + MIN_RING[1]);
    radii[2] = clamp(radii[2], radii[1] + MIN_RING[2], OUTER - MIN_RING[3]);
    return radii.map((r) => Math.round(r));
  }

  // ---- the circle without its contacts ----------------------------------------------------

  // Empties `root` and draws the sectors, the domains' names, the rings with their names and
  // the middle (`middle`: its word, e.g. "Ik" or the client's name). `px`: CSS pixels per
  // viewBox unit (scaleOf). `shape`: from shapeFor (else the calm default). `idPrefix`
  // keeps the text paths' ids apart when a page has two. Answers the `defs` and
  // `background` groups, and `obstacles`: boxes that placeContacts keeps free (the rings'
  // names).
  function drawBackground(root, options) {
    const domains = options.domains || [];
    const circles = options.circles || [];
    const px = options.px || 1;
    const prefix = options.idPrefix || "domain-arc";
    const shape = shapeOr(options.shape, domains);
    const radii = shape.radii;
    const angles = shape.angles;
    drawnShape = shape;
    root.setAttribute("viewBox", `${-HALF} ${-HALF} ${2 * HALF} ${2 * HALF}`);
    root.replaceChildren();
    const defs = svg("defs", {}, root);
    const background = svg("g", { class: "background", "aria-hidden": "true" }, root);
    const outer = radii[radii.length - 1];
    domains.forEach((domain, index) => {
      const a0 = angles[index];
      const a1 = angles[index + 1];
      svg("path", { d: arcPath(a0, a1, radii[0], outer), class: index % 2 ? "sector-b" : "sector-a" }, background);
      const middle = (a0 + a1) / 2;
      const fontSize = fmt(clamp(13 / px, 7, 12.5));
      const besideRoom = HALF + 8 - outer - 5;
      if (Math.abs(Math.sin(middle)) > 0.99 && textWidth(domain.name, Number(fontSize), 700) <= besideRoom) {
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
      const [x0, y0] = point(angles[index], radii[0]);
      const [x1, y1] = point(angles[index], outer);
      svg("line", { x1: fmt(x0), y1: fmt(y0), x2: fmt(x1), y2: fmt(y1), class: "spoke" }, background);
    });
    radii.forEach((radius) => svg("circle", { r: radius, class: "ring-line" }, background));
    svg("circle", { r: radii[0] - 1, class: "middle" }, background);
    const you = svg(
      "text",
      {
        class: "you",
        // Readable ("Ik", "Me"): about 13 CSS px or more, within the middle's circle.
        "font-size": fmt(clamp((options.middleSize || 13) / px, 6, options.middleMost || 11)),
        "dominant-baseline": "central",
      },
      background
    );
    you.textContent = options.middle || "";
    // Each circle's name inside its ring, along its outer line, on the spoke whose two cells
    // in that ring are the emptiest (at the bottom when all are alike; the top is the
    // domains' names' place, and the family's), upright. The contacts keep clear of them.
    // About 13 CSS px on a phone (options.ringSize), never wider than a ring allows.
    const circleFont = clamp((options.ringSize || 12) / px, 7.5, options.ringMost || 10.5);
    const obstacles = [];
    circles.forEach((circle) => {
      const edge = radii[circle.circle];
      if (edge === undefined) return;
      const centre = (shape.names && shape.names[circle.circle]) || Math.PI;
      const lower = Math.cos(centre) < 0;
      // The baseline: the letters stand towards the middle in the lower half, outwards above.
      const radius = edge - 2 - circleFont * (lower ? 0.22 : 0.75);
      const width = textWidth(circle.name, circleFont, 400) + 4;
      const half = Math.min(Math.PI / 2, width / 2 / radius);
      const [sx, sy] = point(lower ? centre + half : centre - half, radius);
      const [ex, ey] = point(lower ? centre - half : centre + half, radius);
      svg(
        "path",
        {
          id: `${prefix}-circle-${circle.circle}`,
          d: `M${fmt(sx)} ${fmt(sy)} A${fmt(radius)} ${fmt(radius)} 0 0 ${lower ? 0 : 1} ${fmt(ex)} ${fmt(ey)}`,
        },
        defs
      );
      const text = svg("text", { class: "circle-name", "font-size": fmt(circleFont) }, background);
      const along = svg(
        "textPath",
        { href: `#${prefix}-circle-${circle.circle}`, startOffset: "50%", "text-anchor": "middle" },
        text
      );
      along.textContent = circle.name;
      // Along the arc, boxes about a letter wide.
      const steps = Math.max(2, Math.ceil(width / circleFont));
      const middleOfText = radius + circleFont * (lower ? -0.35 : 0.35);
      for (let i = 0; i <= steps; i += 1) {
        const [cx, cy] = point(centre - half + (2 * half * i) / steps, middleOfText);
        const h = circleFont * 0.6;
        obstacles.push({ left: cx - h, right: cx + h, top: cy - h, bottom: cy + h });
      }
    });
    return { defs: defs, background: background, obstacles: obstacles, shape: shape };
  }

  // ---- where the contacts go ------------------------------------------------------------------

  // The rows a cell has room for, markers of this size `gap` apart: [{r, fits}], outermost
  // first (the longest).
  function rowAt(r, sector, size, gap) {
    const span = (sector - 2 * Math.min(sector / 2, (size + PAD) / r)) * r;
    return { r: r, fits: Math.floor(span / (2 * size + gap + 0.5)) + 1 };
  }

  function rowsOf(inner, outer, sector, size, gap) {
    const low = inner + size + PAD;
    const high = outer - size - PAD;
    const count = high >= low ? Math.floor((high - low) / (2 * size + gap)) + 1 : 1;
    const rows = [];
    for (let i = 0; i < count; i += 1) {
      const r = count > 1 ? high - ((high - low) * i) / (count - 1) : (inner + outer) / 2;
      rows.push(rowAt(r, sector, size, gap));
    }
    return rows;
  }

  function capacity(inner, outer, sector, size, gap) {
    return rowsOf(inner, outer, sector, size, gap).reduce((sum, row) => sum + row.fits, 0);
  }

  // Where the markers of one cell go: in as few rows along the ring as hold them (spread
  // over the ring's width), each row's markers evenly along it, apart at least `gap`.
  function cellPlaces(count, inner, outer, a0, sector, size, gap) {
    const all = rowsOf(inner, outer, sector, size, gap);
    let used = all;
    for (let n = 1; n <= all.length; n += 1) {
      // n rows, spread from the outermost row to the innermost.
      const pick = Array.from({ length: n }, (_, i) => all[n > 1 ? Math.round((i * (all.length - 1)) / (n - 1)) : 0]);
      if (pick.reduce((sum, row) => sum + row.fits, 0) >= count) {
        used = pick;
        break;
      }
    }
    if (used.length === 1) {
      // One row: along the middle of the ring when it holds them there.
      const middle = rowAt((inner + outer) / 2, sector, size, gap);
      if (middle.fits >= count) used = [middle];
    }
    // Shares in proportion to the rows' room, none over it.
    const room = used.reduce((sum, row) => sum + row.fits, 0);
    const counts = used.map((row) => Math.min(row.fits, Math.floor((count * row.fits) / room)));
    let left = count - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; left > 0 && i < 4 * used.length; i += 1) {
      const row = i % used.length;
      if (counts[row] < used[row].fits || i >= used.length * 2) {
        counts[row] += 1;
        left -= 1;
      }
    }
    const places = [];
    used.forEach((row, index) => {
      const n = counts[index];
      const r = row.r;
      const margin = Math.min(sector / 2, (size + PAD) / r);
      const span = sector - 2 * margin;
      const step = n > 1 ? span / (n - 1) : 0;
      // Evenly along the row, but not further apart than the row's length shared out.
      const spread = n > 1 ? Math.min(step, Math.max(span / n, (2 * size + gap + 0.5) / r)) : 0;
      const first = a0 + margin + (span - spread * (n - 1)) / 2;
      for (let k = 0; k < n; k += 1) places.push(point(first + spread * k, r));
    });
    return places;
  }

  function overlap(a, b) {
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return w > 0 && h > 0 ? w * h : 0;
  }

  // What a clash of two boxes costs: `price` for any, and more the more they cover.
  function clash(a, b, price) {
    const area = overlap(a, b);
    return area > 0 ? price + area * 10 : 0;
  }

  // A name's box beside its marker (`side`: below, above, right or left), with where its
  // text goes (`dx`: the middle, `dy`: the baseline, from the marker's middle).
  function labelBox(x, y, size, width, height, side) {
    let dx = 0;
    let top;
    if (side === "below") top = y + size + 0.5;
    else if (side === "above") top = y - size - 0.5 - height;
    else if (side === "right" || side === "left") {
      top = y - height / 2;
      dx = (side === "right" ? 1 : -1) * (size + 2 + width / 2);
    } else {
      // Corners: "below-right" and so on, touching the marker's corner.
      top = side.startsWith("below") ? y + size * 0.55 : y - size * 0.55 - height;
      dx = (side.endsWith("right") ? 1 : -1) * (size * 0.6 + width / 2);
    }
    return {
      left: x + dx - width / 2,
      right: x + dx + width / 2,
      top: top,
      bottom: top + height,
      dx: dx,
      dy: top - y + 1.5 + (height - 3) * 0.78,
    };
  }

  const SIDES = [
    ["below", 0],
    ["above", 2],
    ["right", 5],
    ["left", 5],
    ["below-right", 6],
    ["below-left", 6],
    ["above-right", 7],
    ["above-left", 7],
  ];

  // Every place a marker of this size may take in a cell, wholly inside it, about `step`
  // apart.
  function candidates(inner, outer, a0, sector, size, step) {
    const low = inner + size + PAD;
    const high = outer - size - PAD;
    const found = [];
    const rows = high > low ? Math.max(1, Math.round((high - low) / step)) : 0;
    for (let i = 0; i <= rows; i += 1) {
      const r = rows ? low + ((high - low) * i) / rows : (inner + outer) / 2;
      const margin = Math.min(sector / 2, (size + PAD) / r);
      const span = sector - 2 * margin;
      const columns = Math.max(0, Math.round((span * r) / step));
      for (let j = 0; j <= columns; j += 1) {
        found.push(point(a0 + margin + (columns ? (span * j) / columns : span / 2), r));
      }
    }
    return found;
  }

  // Every item ({id, label, circle, domain, …}) with its place: [{item, x, y, size, label,
  // side, dx, dy}], grouped by cell and sorted within it by name, as the chat's picture
  // does. `radius`: a marker's radius in viewBox units (smaller in a crowded cell, never
  // below `options.smallest`). Each marker lies wholly in its cell, apart from every other,
  // and each name (shortened where it must be: `label`) is placed beside its marker (`side`;
  // `dx`, `dy`: its middle and baseline from the marker's) where it covers no other marker
  // or name and stays inside the circle. `options`: `labelSize` (units), `shape`,
  // `obstacles` (boxes to keep free, from drawBackground), `gap` (between markers).
  function placeContacts(items, domains, radius, options) {
    const settings = options || {};
    const shape = shapeOr(settings.shape || drawnShape, domains);
    const radii = shape.radii;
    const labelSize = settings.labelSize || 11;
    const gap = settings.gap === undefined ? 2 : settings.gap;
    const smallest = Math.min(radius, settings.smallest || 9.5);
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
      if (order.indexOf(item.domain) < 0 || radii[item.circle] === undefined || item.circle < 1) continue;
      const key = `${item.circle}|${item.domain}`;
      if (!cells.has(key)) cells.set(key, []);
      cells.get(key).push(item);
    }
    // First the markers, cell by cell: wholly inside it, apart from each other.
    const placed = [];
    for (const [key, members] of cells) {
      const [circleText, domain] = key.split("|");
      const circle = Number(circleText);
      const inner = radii[circle - 1];
      const outer = radii[circle];
      const a0 = shape.angles[order.indexOf(domain)];
      const sector = shape.angles[order.indexOf(domain) + 1] - a0;
      const count = members.length;
      // Smaller in a crowded cell, as small as it must be for all to fit (not below smallest).
      const widest = Math.max(smallest, (outer - inner) / 2 - PAD);
      let size = clamp(radius * (count >= 5 ? 0.7 : count >= 3 ? 0.85 : 1), smallest, Math.min(radius, widest));
      while (size > smallest && capacity(inner, outer, sector, size, gap) < count) {
        size = Math.max(smallest, size - 0.5);
      }
      const places = cellPlaces(count, inner, outer, a0, sector, size, gap);
      members.forEach((item, index) => {
        const [x, y] = places[index];
        placed.push({ item: item, x: x, y: y, size: size, crowd: count });
      });
    }
    // Then the names, those of the most crowded cells first: each beside its marker where it
    // covers no marker, no other name and nothing in `obstacles`, and stays inside the
    // circle (outside are the domains' names); shortened where no full one fits.
    const markers = placed.map((p) => ({ left: p.x - p.size, right: p.x + p.size, top: p.y - p.size, bottom: p.y + p.size }));
    const boxes = (settings.obstacles || []).slice();
    // A name's box: its letters and the halo around them (app.css: .label's stroke).
    const height = labelSize + 3;
    const byCrowd = placed.map((p, i) => i).sort((i, j) => placed[j].crowd - placed[i].crowd || i - j);
    const markerBox = (x, y, size) => ({ left: x - size, right: x + size, top: y - size, bottom: y + size });
    // The best name for a marker at (x, y): [score, side, text, box].
    function bestLabel(index, x, y, size) {
      const place = placed[index];
      let best = null;
      for (const characters of SHORTER) {
        const text = shortLabel(place.item.label, characters);
        if (characters !== LABEL_CHARACTERS && text === shortLabel(place.item.label, LABEL_CHARACTERS)) continue;
        const width = textWidth(text, labelSize) + 3;
        for (const [side, cost] of SIDES) {
          const box = labelBox(x, y, size, width, height, side);
          let score = cost + (characters === LABEL_CHARACTERS ? 0 : 30);
          const far = Math.max(
            Math.hypot(box.left, box.top),
            Math.hypot(box.right, box.top),
            Math.hypot(box.left, box.bottom),
            Math.hypot(box.right, box.bottom)
          );
          if (far > OUTER + 2) score += 1e4 + 100 * (far - OUTER);
          if (Math.hypot(box.left + box.right, box.top + box.bottom) / 2 < radii[0] + height) score += 1e4;
          markers.forEach((m, i) => {
            if (i !== index) score += clash(box, m, 1e6);
          });
          for (const other of boxes) score += clash(box, other, 1e4);
          if (!best || score < best.score) best = { score: score, side: side, text: text, box: box };
        }
        if (best.score < 1e4) break;
      }
      return best;
    }
    for (const index of byCrowd) {
      const place = placed[index];
      let best = bestLabel(index, place.x, place.y, place.size);
      // A marker on a ring's name moves too.
      const mark = markerBox(place.x, place.y, place.size);
      if ((settings.obstacles || []).some((box) => overlap(mark, box) > 0)) best.score += 1e4;
      if (best.score >= 1e4) {
        // No free place for the name: the marker may move a little within its cell, where
        // it keeps clear of the other markers and the names placed so far.
        const item = place.item;
        const inner = radii[item.circle - 1];
        const outer = radii[item.circle];
        const at = order.indexOf(item.domain);
        const a0 = shape.angles[at];
        const spots = candidates(inner, outer, a0, shape.angles[at + 1] - a0, place.size, Math.max(2.5, place.size * 0.45));
        for (const [x, y] of spots) {
          const moved = Math.hypot(x - place.x, y - place.y);
          if (moved + 1 >= best.score) continue;
          const clear = placed.every(
            (other, i) => i === index || Math.hypot(other.x - x, other.y - y) >= other.size + place.size + gap
          );
          if (!clear || boxes.some((box) => overlap(markerBox(x, y, place.size), box) > 0)) continue;
          const label = bestLabel(index, x, y, place.size);
          if (label.score + moved < best.score) {
            best = Object.assign(label, { score: label.score + moved, x: x, y: y });
          }
        }
        if (best.x !== undefined) {
          place.x = best.x;
          place.y = best.y;
          markers[index] = markerBox(best.x, best.y, place.size);
        }
      }
      boxes.push(best.box);
      place.label = best.text;
      place.side = best.side;
      place.above = best.side.startsWith("above");
      place.dx = best.box.dx;
      place.dy = best.box.dy;
    }
    return placed;
  }

  // Gives every place a touch target: a circle of `radius` units around its marker, cut
  // where it meets a neighbour's half way between them, so that a tap goes to the nearest
  // contact and every marker stays wholly its own (`place.hit`: an SVG path from the
  // marker's middle).
  function hitAreas(placed, radius) {
    const corners = 28;
    for (const place of placed) {
      let shape = [];
      for (let i = 0; i < corners; i += 1) {
        const angle = (2 * Math.PI * i) / corners;
        shape.push([radius * Math.cos(angle), radius * Math.sin(angle)]);
      }
      for (const other of placed) {
        if (other === place) continue;
        const nx = other.x - place.x;
        const ny = other.y - place.y;
        const distance = Math.hypot(nx, ny);
        if (distance >= 2 * radius || distance === 0) continue;
        // Keep the points nearer to this marker than to the other one.
        const limit = (distance * distance) / 2;
        const inside = (p) => p[0] * nx + p[1] * ny <= limit;
        const kept = [];
        shape.forEach((p, i) => {
          const q = shape[(i + 1) % shape.length];
          if (inside(p)) kept.push(p);
          if (inside(p) !== inside(q)) {
            const a = p[0] * nx + p[1] * ny;
            const b = q[0] * nx + q[1] * ny;
            const s = (limit - a) / (b - a);
            kept.push([p[0] + (q[0] - p[0]) * s, p[1] + (q[1] - p[1]) * s]);
          }
        });
        shape = kept;
      }
      place.hit = shape.length
        ? "M" + shape.map((p) => `${fmt(p[0])} ${fmt(p[1])}`).join(" L") + " Z"
        : null;
    }
    return placed;
  }

  // One contact where placeContacts put it: a group (`attributes` on it, at the place) with
  // its touch target (from hitAreas, or `options.hit`: a circle's radius), the marker in the
  // kind's colour, the kind's `icon` and the (shortened) name in `labelSize`. Answers the
  // group.
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
    if (place.hit && options.hit !== false) svg("path", { d: place.hit, class: "hit" }, item);
    else if (options.hit) svg("circle", { r: fmt(Math.max(options.hit, size + 2)), class: "hit" }, item);
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
    const below = labelSize * 0.95 + size;
    const label = svg(
      "text",
      {
        class: "label",
        x: place.dx ? fmt(place.dx) : undefined,
        y: fmt(place.dy !== undefined ? place.dy : place.above ? -size - labelSize * 0.35 : below),
        "font-size": fmt(labelSize),
      },
      item
    );
    label.textContent = place.label || shortLabel(place.item.label);
    return item;
  }

  // The ring × sector under a point of the viewBox (the middle counts as ring 1), or null
  // outside the circle; `shape` as drawn (by default as drawBackground drew it last).
  function cellAt(x, y, domains, shape) {
    const { radii: rings, angles } = shapeOr(shape || drawnShape, domains);
    const distance = Math.hypot(x, y);
    const outer = rings[rings.length - 1];
    if (distance > outer + 4 || domains.length === 0) return null;
    let angle = Math.atan2(x, -y);
    if (angle < 0) angle += 2 * Math.PI;
    let index = 0;
    while (index < domains.length - 1 && angle >= angles[index + 1]) index += 1;
    let circle = 1;
    while (circle < rings.length - 1 && distance > rings[circle]) circle += 1;
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
    textWidth: textWidth,
    ringRadii: ringRadii,
    sectorAngles: sectorAngles,
    shapeFor: shapeFor,
    drawBackground: drawBackground,
    placeContacts: placeContacts,
    hitAreas: hitAreas,
    drawContact: drawContact,
    cellAt: cellAt,
  };
})();
