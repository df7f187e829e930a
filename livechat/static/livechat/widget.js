// Live-chat widget: a plain ES module, no dependencies, no inline code (the CSP forbids it).
// Include with livechat/_widget.html, which passes the translated strings as a JSON element.
// Protocol: docs/livechat.md. Every message carries a client id and is re-sent until acked;
// after a reconnect the widget asks for everything after the last id it saw.

// On another site (the exchange's own pages) the one script tag is enough: without the JSON
// element the widget asks its own server for the strings, the start address and a CSRF token
// (`widget.json`, docs/livechat.md "The widget on your site").
//
// The chat survives navigation: the chat's id and token, and whether the panel was open, are
// kept in sessionStorage; on the next page the widget reconnects and `resume` after 0 replays
// the conversation from the server.

// Found by its own address: the file name carries a content hash once collected.
const script = [...document.scripts].find((tag) => tag.src === import.meta.url);
const data = script ? { ...script.dataset } : {};
const config = await loadConfig();
const T = config.strings || {};
const STORE = "livechat.session";
const OPEN = "livechat.open";
const RETRY_MS = 3000;

async function loadConfig() {
  const element = document.getElementById(data.config || "livechat-config");
  if (element) return JSON.parse(element.textContent || "{}");
  const lang = data.lang || document.documentElement.lang || "en";
  const address = data.configUrl || new URL(`/${encodeURIComponent(lang.toLowerCase())}/chat/widget.json`, import.meta.url).href;
  try {
    const response = await fetch(address, { credentials: "same-origin" });
    const answer = response.ok ? await response.json() : {};
    for (const key of ["api", "ws", "csrf", "signedIn", "lang"]) if (answer[key] !== undefined && data[key] === undefined) data[key] = answer[key];
    return answer.config || {};
  } catch {
    return {};
  }
}

const state = {
  session: JSON.parse(sessionStorage.getItem(STORE) || "null"),
  socket: null,
  lastId: 0,
  seen: new Set(),
  pending: new Map(), // client id -> {text, kind, sentAt}
  backoff: 500,
  status: "bot",
  closedForGood: false,
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(key, value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function format(template, values) {
  return (template || "").replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

function clientId() {
  return (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`).slice(0, 64);
}

// --- Layout -------------------------------------------------------------------------------

const mount = data.mount ? document.querySelector(data.mount) : null;
const root = el("section", { class: mount ? "lc lc-inline" : "lc lc-floating", "aria-label": T.title });
const log = el("ol", { class: "lc-log", "aria-live": "polite" });
const status = el("p", { class: "lc-status", role: "status" });
const typing = el("p", { class: "lc-typing", hidden: true }, T.typing);
const input = el("textarea", { class: "lc-input", rows: "2", placeholder: T.placeholder, "aria-label": T.placeholder, maxlength: "4000" });
const sendButton = el("button", { type: "submit", class: "button" }, T.send);
const fileInput = el("input", { type: "file", id: "lc-file", class: "visually-hidden", accept: "image/png,image/jpeg,image/gif,image/webp,application/pdf", onchange: onFile });
const fileLabel = el("label", { for: "lc-file", class: "button small secondary lc-attach", title: T.attach }, el("span", { "aria-hidden": "true" }, "+"), el("span", { class: "visually-hidden" }, T.attach));
const composer = el("form", { class: "lc-composer", onsubmit: onSend }, fileInput, fileLabel, input, sendButton);
const endButton = el("button", { type: "button", class: "link lc-end", onclick: () => send({ type: "end" }) }, T.end);
const body = el("div", { class: "lc-body" });
let toggle = null;

if (mount) {
  mount.append(root);
} else {
  toggle = el("button", { type: "button", class: "button lc-toggle", "aria-expanded": "false", "aria-controls": "lc-panel", onclick: togglePanel }, T.open);
  root.id = "lc-panel";
  root.setAttribute("role", "dialog");
  document.body.append(toggle, root);
  root.hidden = true;
  root.addEventListener("keydown", (event) => { if (event.key === "Escape") { event.preventDefault(); togglePanel(); } });
}
root.append(el("header", { class: "lc-head" }, el("h2", {}, T.title), endButton,
  toggle ? el("button", { type: "button", class: "link lc-close", onclick: togglePanel, "aria-label": T.close }, "×") : null), body);
ensureStylesheet();

function ensureStylesheet() {
  const href = new URL("widget.css", import.meta.url).href;
  if (![...document.styleSheets].some((sheet) => sheet.href === href)) {
    document.head.append(el("link", { rel: "stylesheet", href }));
  }
}

function togglePanel() {
  setPanel(root.hidden, { focus: true });
}

function setPanel(opened, { focus }) {
  root.hidden = !opened;
  toggle.setAttribute("aria-expanded", String(opened));
  toggle.hidden = opened && matchMedia("(max-width: 600px)").matches; // the panel fills a phone
  try { sessionStorage.setItem(OPEN, opened ? "1" : "0"); } catch { /* this page only */ }
  if (!focus) return;
  // focus goes into the panel when it opens, and back to the launcher when it closes
  if (opened) (state.session && !composer.hidden ? input : body.querySelector("select, input, textarea, button"))?.focus();
  else toggle.focus();
}

// --- Pre-chat step ------------------------------------------------------------------------

function pageLanguage() {
  const wanted = (data.lang || document.documentElement.lang || navigator.language || "en").toLowerCase();
  const codes = (config.languages || []).map((item) => item.value);
  if (codes.includes(wanted)) return wanted;
  if (wanted.startsWith("zh")) return /tw|hk|hant/.test(wanted) ? "zh-hant" : "zh-hans";
  return codes.find((code) => wanted.startsWith(code)) || "en";
}

function showPrechat() {
  const language = el("select", { name: "language", id: "lc-language" },
    ...(config.languages || []).map((item) => el("option", { value: item.value, selected: item.value === pageLanguage() }, item.label)));
  const category = el("select", { name: "category", id: "lc-category" },
    ...(config.categories || []).map((item) => el("option", { value: item.value, selected: item.value === "general" }, item.label)));
  const signedIn = data.signedIn === "1";
  const email = signedIn ? null : el("input", { type: "email", name: "email", id: "lc-email", required: true, autocomplete: "email" });
  const transcript = el("input", { type: "checkbox", name: "transcript", id: "lc-transcript", checked: true });
  const error = el("p", { class: "field-error", role: "alert" });
  const form = el("form", { class: "lc-prechat", onsubmit: (event) => { event.preventDefault(); start(form, error); } },
    el("div", { class: "field" }, el("label", { for: "lc-language" }, T.language), language),
    el("div", { class: "field" }, el("label", { for: "lc-category" }, T.category), category),
    email && el("div", { class: "field" }, el("label", { for: "lc-email" }, T.email), email, el("p", { class: "help" }, T.email_help)),
    el("div", { class: "field lc-check" }, transcript, el("label", { for: "lc-transcript" }, T.transcript)),
    error,
    el("button", { type: "submit", class: "button" }, T.start),
    el("p", { class: "help" }, T.never_share));
  body.replaceChildren(form);
  endButton.hidden = true;
}

async function start(form, error) {
  const fields = new FormData(form);
  const payload = {
    language: fields.get("language"),
    category: fields.get("category"),
    transcript: fields.get("transcript") === "on",
  };
  if (fields.get("email")) payload.email = fields.get("email");
  try {
    const response = await fetch(data.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": data.csrf || "" },
      body: JSON.stringify(payload),
    });
    const answer = await response.json();
    if (!response.ok) {
      error.textContent = answer?.error?.message || T.start_failed;
      return;
    }
    state.session = { id: answer.id, url: answer.websocket_url, language: answer.language, token: answer.token };
    sessionStorage.setItem(STORE, JSON.stringify(state.session));
    showChat();
    input.focus(); // the form that had the focus is gone: the customer writes next
  } catch {
    error.textContent = T.start_failed;
  }
}

// --- The chat -----------------------------------------------------------------------------

function showChat() {
  body.replaceChildren(status, log, typing, composer);
  endButton.hidden = false;
  connect();
}

function socketUrl() {
  const url = state.session.url;
  if (/^wss?:\/\//.test(url)) return url;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${url}`;
}

function connect() {
  if (state.closedForGood) return;
  const socket = new WebSocket(socketUrl());
  state.socket = socket;
  socket.addEventListener("open", () => {
    state.backoff = 500;
    clearInterval(receive.catchUp); // a new connection says again if it has no live updates
    status.textContent = T.connected;
    root.classList.remove("lc-offline-link");
    socket.send(JSON.stringify({ type: "resume", after: state.lastId }));
    resendPending(true);
  });
  socket.addEventListener("message", (event) => receive(JSON.parse(event.data)));
  socket.addEventListener("close", (event) => {
    if (event.code === 4403) {
      state.closedForGood = true;
      sessionStorage.removeItem(STORE);
      return;
    }
    status.textContent = T.reconnecting;
    setTimeout(connect, state.backoff);
    state.backoff = Math.min(state.backoff * 2, 10000);
  });
}

function send(frame) {
  const socket = state.socket;
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify(frame));
    return true;
  }
  return false;
}

function onSend(event) {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  const id = clientId();
  const kind = root.classList.contains("lc-leave") ? "leave_message" : "message";
  state.pending.set(id, { text, kind, sentAt: 0 });
  render({ type: "message", id: null, client_id: id, sender: "customer", body: text, pending: true });
  input.value = "";
  resendPending(true);
}

async function onFile() {
  const file = fileInput.files[0];
  fileInput.value = "";
  if (!file) return;
  const body = new FormData();
  body.append("file", file);
  body.append("client_id", clientId());
  if (state.session.token) body.append("token", state.session.token);
  try {
    const response = await fetch(`${data.api}${state.session.id}/attachments/`, {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": data.csrf || "" }, body,
    });
    if (!response.ok) showError((await response.json()).error || { message: T.upload_failed });
  } catch {
    showError({ message: T.upload_failed });
  }
}

function attachmentUrl(item) {
  return state.session.token ? `${item.url}?token=${encodeURIComponent(state.session.token)}` : item.url;
}

function resendPending(force) {
  const now = Date.now();
  for (const [id, item] of state.pending) {
    if (force || now - item.sentAt > RETRY_MS) {
      if (send({ type: item.kind, client_id: id, text: item.text })) item.sentAt = now;
    }
  }
}
setInterval(() => resendPending(false), RETRY_MS);

let typingSent = 0;
input.addEventListener("input", () => {
  if (Date.now() - typingSent > 2000) {
    typingSent = Date.now();
    send({ type: "typing", active: true });
  }
});

function receive(frame) {
  switch (frame.type) {
    case "ack": {
      state.pending.delete(frame.client_id);
      const row = log.querySelector(`[data-client-id="${CSS.escape(frame.client_id)}"]`);
      if (row) { row.classList.remove("lc-pending"); row.dataset.id = frame.id; }
      state.seen.add(frame.id);
      break;
    }
    case "message": render(frame); break;
    case "redacted": {
      // a later message completed a secret: the earlier part loses its text too
      const text = log.querySelector(`[data-id="${frame.id}"] .lc-text`);
      if (text) text.textContent = frame.body;
      break;
    }
    case "live":
      // the server has no live updates (Redis down): catch up by replaying every few seconds
      clearInterval(receive.catchUp);
      if (!frame.available) receive.catchUp = setInterval(() => send({ type: "resume", after: state.lastId }), 5000);
      break;
    case "state": applyState(frame); break;
    case "queue":
      status.textContent = format(T.queue, { position: frame.position, minutes: Math.max(1, Math.round(frame.wait_seconds / 60)) });
      break;
    case "typing":
      typing.hidden = !frame.active || state.status === "ended";
      clearTimeout(receive.typingTimer);
      receive.typingTimer = setTimeout(() => { typing.hidden = true; }, 4000);
      break;
    case "read":
      if (frame.by === "agent") markRead(frame.up_to);
      break;
    case "rated": showThanks(); break;
    case "error": showError(frame); break;
    default: break;
  }
}

function render(frame) {
  if (frame.id && frame.id > state.lastId) state.lastId = frame.id;
  if (frame.client_id && frame.sender === "customer") {
    const existing = log.querySelector(`[data-client-id="${CSS.escape(frame.client_id)}"]`);
    if (existing) {
      if (frame.id) { existing.dataset.id = frame.id; existing.classList.remove("lc-pending"); }
      // what was stored: a secret typed into the chat is shown removed, as the agent sees it
      if (typeof frame.body === "string") existing.querySelector(".lc-text").textContent = frame.body;
      return;
    }
  } else if (frame.id && log.querySelector(`[data-id="${frame.id}"]`)) {
    return;
  }
  const who = { customer: T.you, bot: T.assistant, agent: frame.author || T.agent, system: "" }[frame.sender];
  const row = el("li", { class: `lc-msg lc-${frame.sender}${frame.pending ? " lc-pending" : ""}`, "data-id": frame.id || false, "data-client-id": frame.client_id || false },
    who ? el("span", { class: "lc-who" }, who) : null,
    frame.automated ? el("span", { class: "lc-badge" }, T.automated) : null,
    el("p", { class: "lc-text" }, frame.body));
  if (frame.articles?.length) {
    row.append(el("ul", { class: "lc-articles" }, ...frame.articles.map((article) =>
      el("li", {}, article.url ? el("a", { href: article.url, target: "_blank", rel: "noopener" }, article.title) : article.title))));
  }
  for (const item of frame.attachments || []) {
    const href = attachmentUrl(item);
    row.append(item.content_type.startsWith("image/")
      ? el("a", { href, target: "_blank", rel: "noopener" }, el("img", { class: "lc-thumb", src: href, alt: item.name }))
      : el("a", { href, class: "lc-file" }, `📄 ${item.name}`));
  }
  if (frame.quick_replies?.length) {
    row.append(el("div", { class: "lc-quick" }, ...frame.quick_replies.map((text) =>
      el("button", { type: "button", class: "button small secondary", onclick: () => { input.value = text; composer.requestSubmit(); } }, text))));
  }
  log.append(row);
  row.scrollIntoView({ block: "end" });
  if (frame.id && frame.sender !== "customer") scheduleRead(frame.id);
}

let readUpTo = 0;
let readTimer = null;
function scheduleRead(id) {
  // One read receipt for a burst of messages (a replay can bring many at once).
  readUpTo = Math.max(readUpTo, id);
  clearTimeout(readTimer);
  readTimer = setTimeout(() => send({ type: "read", up_to: readUpTo }), 500);
}

function markRead(upTo) {
  for (const row of log.querySelectorAll(".lc-customer[data-id]")) {
    if (Number(row.dataset.id) <= upTo) row.classList.add("lc-read");
  }
}

function applyState(frame) {
  state.status = frame.status;
  root.dataset.status = frame.status;
  if (frame.status !== "queued") status.textContent = T.connected;
  if (frame.offline && frame.status === "queued") {
    status.textContent = T.offline;
    root.classList.add("lc-leave");
    sendButton.textContent = T.leave;
  } else {
    root.classList.remove("lc-leave");
    sendButton.textContent = T.send;
  }
  if (frame.status === "ended") {
    state.pending.clear();
    clearTimeout(receive.typingTimer); // nobody types in an ended chat
    typing.hidden = true;
    showRating(frame.rating);
  }
}

function showRating(rating) {
  composer.hidden = true;
  endButton.hidden = true;
  status.textContent = T.ended;
  if (rating || body.querySelector(".lc-rating")) return;
  const stars = el("div", { class: "lc-stars", role: "radiogroup", "aria-label": T.rate });
  for (let n = 1; n <= 5; n += 1) {
    const id = `lc-star-${n}`;
    stars.append(el("input", { type: "radio", name: "rating", value: String(n), id, required: true }),
      el("label", { for: id, title: format(T.stars, { n }) }, "★"));
  }
  const comment = el("textarea", { name: "comment", id: "lc-comment", rows: "2", maxlength: "2000" });
  const form = el("form", { class: "lc-rating", onsubmit: (event) => {
    event.preventDefault();
    const fields = new FormData(form);
    send({ type: "rate", rating: Number(fields.get("rating")), comment: fields.get("comment") || "" });
  } }, el("p", {}, T.rate), stars, el("label", { for: "lc-comment" }, T.comment), comment,
  el("button", { type: "submit", class: "button" }, T.submit_rating));
  body.append(form);
}

function showThanks() {
  body.querySelector(".lc-rating")?.replaceWith(el("p", { class: "lc-thanks" }, T.thanks));
  sessionStorage.removeItem(STORE);
  state.closedForGood = true;
  state.socket?.close();
}

function showError(frame) {
  const row = el("li", { class: "lc-msg lc-error", role: "alert" }, el("p", { class: "lc-text" }, frame.message));
  log.append(row);
  if (frame.code === "forbidden") sessionStorage.removeItem(STORE);
}

if (state.session) showChat(); else showPrechat();
// a chat open on the previous page stays open on this one (without taking the focus)
if (toggle && state.session && sessionStorage.getItem(OPEN) === "1") setPanel(true, { focus: false });
