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

  function applyTheme() {
    const app = telegram();
    const params = (app && app.themeParams) || {};
    const root = document.documentElement;
    for (const [name, variable] of Object.entries(THEME)) {
      const value = params[name];
      if (typeof value === "string" && /^#[0-9a-fA-F]{3,8}$/.test(value)) {
        root.style.setProperty(variable, value);
      }
    }
    const accent = params.button_color;
    if (typeof accent === "string" && /^#[0-9a-fA-F]{6}$/.test(accent)) {
      root.style.setProperty("--accent-soft", accent + "38");
    }
    if (app && (app.colorScheme === "dark" || app.colorScheme === "light")) {
      root.dataset.scheme = app.colorScheme;
    }
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
