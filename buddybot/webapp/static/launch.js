// BuddyBot Mini App: the launch data, API calls and Telegram's theme, shared by the pages.
// No words here: every text a person reads comes from the API (docs/webapp.md).
"use strict";

(function () {
  const telegram = () => (window.Telegram && window.Telegram.WebApp) || null;

  // Telegram's signed launch data: from its script when loaded, else from the URL's
  // fragment (#tgWebAppData=…), which never reaches a server.
  function initData() {
    const app = telegram();
    if (app && typeof app.initData === "string" && app.initData) {
      return app.initData;
    }
    try {
      return new URLSearchParams(location.hash.slice(1)).get("tgWebAppData") || "";
    } catch (error) {
      return "";
    }
  }

  // One API call: POST a JSON body; answers {status, data}. A network failure answers
  // status 0 and data null (the page says so kindly); a body that is not JSON, data null.
  async function api(path, body) {
    let response;
    try {
      response = await fetch(path, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Authorization: "tma " + initData(),
        },
        body: JSON.stringify(body || {}),
        credentials: "same-origin",
        cache: "no-store",
      });
    } catch (error) {
      return { status: 0, data: null };
    }
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    return { status: response.status, data: data };
  }

  // A text with its {placeholders} filled in from values (those not given stay as they
  // are); "" for a text the page did not get.
  function fill(template, values) {
    if (typeof template !== "string") return "";
    return template.replace(/\{(\w+)\}/g, (whole, key) =>
      values && Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole
    );
  }

  // Telegram's colours as CSS variables (app.css has light defaults).
  const THEME = {
    bg_color: "--bg",
    secondary_bg_color: "--bg-2",
    section_bg_color: "--bg-section",
    text_color: "--text",
    hint_color: "--hint",
    link_color: "--link",
    button_color: "--accent",
    button_text_color: "--accent-text",
    destructive_text_color: "--danger",
  };
  const COLOUR = /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
  // The light defaults, for a theme that gives some colours and not others.
  const LIGHT = { bg: "#ffffff", text: "#1a1a1a", danger: "#c0392b" };
  const DARK_DANGER = "#ff8a80"; // a red that reads on a dark background

  function rgb(colour) {
    let hex = colour.slice(1);
    if (hex.length === 3) hex = hex.replace(/./g, (c) => c + c);
    return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  }

  // WCAG's relative luminance and contrast ratio of two #rrggbb colours.
  function luminance(colour) {
    const [r, g, b] = rgb(colour).map((c) => (c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4)));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }

  function contrast(a, b) {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  }

  // a → b by `share` (0…1), as #rrggbb.
  function mix(a, b, share) {
    const [x, y] = [rgb(a), rgb(b)];
    const hex = (v) => Math.round(v * 255).toString(16).padStart(2, "0");
    return "#" + x.map((v, i) => hex(v + (y[i] - v) * share)).join("");
  }

  // Telegram sends some of its colours, not always all: a background it leaves out is
  // taken from one it gives, and no background stays that the text cannot be read on.
  function colours(params) {
    const given = {};
    for (const name of Object.keys(THEME)) {
      const value = params[name];
      if (typeof value === "string" && COLOUR.test(value)) given[name] = value;
    }
    const text = given.text_color || LIGHT.text;
    const readable = (background) => background && contrast(text, background) >= 4.5;
    // The page's background first: Telegram's, else one the text reads on.
    let page = given.bg_color || given.secondary_bg_color || given.section_bg_color;
    if (!readable(page)) page = luminance(text) > 0.4 ? "#17212b" : LIGHT.bg;
    const out = Object.assign({}, given);
    out.bg_color = page;
    for (const name of ["secondary_bg_color", "section_bg_color"]) {
      if (!readable(given[name])) out[name] = page;
    }
    if (!given.text_color && !readable(page)) out.text_color = LIGHT.text;
    // The hint's grey (help lines, ring names) towards the text's colour until it reads
    // on every background (Telegram's own is often too faint for 4.5:1).
    const backgrounds = [out.bg_color, out.secondary_bg_color, out.section_bg_color].filter(Boolean);
    let hint = given.hint_color;
    for (let step = 1; hint && step <= 10 && backgrounds.some((b) => contrast(hint, b) < 4.5); step += 1) {
      hint = mix(given.hint_color, text, step / 10);
    }
    if (hint) out.hint_color = hint;
    const dark = luminance(page) < 0.2;
    if (!given.destructive_text_color || contrast(given.destructive_text_color, page) < 4.5) {
      out.destructive_text_color = dark ? DARK_DANGER : LIGHT.danger;
    }
    return { values: out, dark: dark, any: Object.keys(given).length > 0 };
  }

  function applyTheme() {
    const app = telegram();
    const params = (app && app.themeParams) || {};
    const root = document.documentElement;
    const theme = colours(params);
    if (theme.any) {
      for (const [name, variable] of Object.entries(THEME)) {
        const value = theme.values[name];
        if (value) root.style.setProperty(variable, value);
      }
    }
    const accent = params.button_color;
    if (typeof accent === "string" && /^#[0-9a-fA-F]{6}$/.test(accent)) {
      root.style.setProperty("--accent-soft", accent + "38");
    }
    // Dark or light as the colours shown are (app.css's defaults are light), whatever
    // Telegram's colorScheme says.
    if (app) root.dataset.scheme = theme.any && theme.dark ? "dark" : "light";
  }

  function start() {
    const app = telegram();
    applyTheme();
    if (app) {
      if (typeof app.ready === "function") app.ready();
      if (typeof app.expand === "function") app.expand();
      if (typeof app.onEvent === "function") app.onEvent("themeChanged", applyTheme);
    }
  }

  // Merged into what is there: drawing.js may have put its part in first.
  window.BuddyBot = Object.assign(window.BuddyBot || {}, {
    initData: initData,
    api: api,
    applyTheme: applyTheme,
    fill: fill,
  });
  start();
})();
