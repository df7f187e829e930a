// Agent console for live chat: the queue and several chats at once over one websocket.
// Strings come translated from the page (JSON element); protocol in docs/livechat.md.

// Found by its own address: the file name carries a content hash once collected.
const script = [...document.scripts].find((tag) => tag.src === import.meta.url);
const T = JSON.parse(document.getElementById("livechat-console-strings").textContent);
const directory = JSON.parse(document.getElementById("livechat-console-directory")?.textContent || '{"teams":[],"agents":[]}');
const me = Number(script.dataset.user);
// A code from a frame ("bot", "asked_for_human", "deposit_withdrawal") as the agent reads it.
const L = T.labels || {};
const label = (kind, code) => (L[kind] || {})[code] || L.unknown || code;
const list = document.getElementById("lc-chat-list");
const panes = document.getElementById("lc-panes");
const status = document.getElementById("lc-console-status");
const away = document.getElementById("lc-away");
const chats = new Map(); // conversation id -> summary frame
const open = new Map(); // conversation id -> pane
const pending = new Map(); // client id -> frame, re-sent until acked
let socket = null;
let backoff = 500;

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

function url() {
  const base = script.dataset.ws;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${base || `${scheme}//${location.host}`}/ws/agent/`;
}

function connect() {
  socket = new WebSocket(url());
  socket.addEventListener("open", () => {
    backoff = 500;
    clearInterval(receive.catchUp); // a new connection says again if it has no live updates
    status.textContent = "";
    for (const [id, pane] of open) send({ type: "join", conversation: id, after: pane.lastId });
    for (const frame of pending.values()) send(frame);
  });
  socket.addEventListener("message", (event) => receive(JSON.parse(event.data)));
  socket.addEventListener("close", (event) => {
    if (event.code === 4403) return;
    status.textContent = T.reconnecting;
    setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 10000);
  });
}

function send(frame) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
}

function receive(frame) {
  const pane = open.get(frame.conversation);
  switch (frame.type) {
    case "chat": chats.set(frame.conversation, frame); renderList(); if (pane) paneHeader(pane, frame); break;
    case "message": if (pane) renderMessage(pane, frame); break;
    case "redacted": {
      // a later message completed a secret: the earlier part loses its text too
      const text = pane?.log.querySelector(`[data-id="${frame.id}"] .lc-text`);
      if (text) text.textContent = frame.body;
      break;
    }
    case "live":
      // the server has no live updates (Redis down): catch up by replaying every few seconds
      clearInterval(receive.catchUp);
      if (!frame.available) receive.catchUp = setInterval(() => {
        for (const [id, open_] of open) send({ type: "join", conversation: id, after: open_.lastId });
      }, 5000);
      break;
    case "ack": pending.delete(frame.client_id); break;
    case "state":
      if (pane) { pane.root.dataset.status = frame.status; }
      if (chats.has(frame.conversation)) { chats.get(frame.conversation).status = frame.status; renderList(); }
      break;
    case "typing": if (pane) { pane.typing.hidden = !frame.active; setTimeout(() => { pane.typing.hidden = true; }, 4000); } break;
    case "read": if (pane && frame.by === "customer") markRead(pane, frame.up_to); break;
    case "resumed": break;
    case "error": status.textContent = frame.message; break;
    case "offer_withdrawn":
      // the chat's summary frame (offered to someone else, or nobody) has updated the list;
      // withdrawn because this agent went away: the away notice says enough
      if (frame.expired) status.textContent = T.offer_expired.replace("{id}", frame.conversation);
      if (frame.away) away.hidden = false;
      break;
    case "presence": away.hidden = frame.presence !== "away"; break;
    default: break;
  }
}

function renderList() {
  const items = [...chats.values()].filter((chat) => chat.status !== "ended" && chat.status !== "bot")
    .sort((a, b) => (b.urgent - a.urgent) || String(a.queued_at).localeCompare(String(b.queued_at)));
  list.replaceChildren(...items.map((chat) => {
    const mine = chat.agent === me;
    const action = chat.status === "queued" ? T.accept : (mine ? T.join : T.watch);
    const type = chat.status === "queued" ? "accept" : "join";
    return el("li", { class: chat.urgent ? "lc-urgent" : "", "data-conversation": chat.conversation },
      el("strong", {}, `#${chat.conversation} `), chat.customer, ` · ${label("languages", chat.language)} · ${label("categories", chat.category)} · ${T[chat.status] || label("statuses", chat.status)}`,
      chat.urgent ? el("span", { class: "lc-badge" }, T.urgent) : null,
      chat.offered_to === me ? el("span", { class: "lc-badge" }, T.offered) : null,
      el("div", { class: "lc-actions" }, el("button", { type: "button", class: "button small", onclick: () => {
        ensurePane(chat.conversation);
        send({ type, conversation: chat.conversation, after: 0 });
        if (type === "accept") send({ type: "join", conversation: chat.conversation, after: 0 });
      } }, action)));
  }));
}

function ensurePane(id) {
  if (open.has(id)) return open.get(id);
  const log = el("ol", { class: "lc-log", "aria-live": "polite" });
  const typing = el("p", { class: "lc-typing", hidden: true }, T.typing);
  const head = el("div", {});
  const suggestions = el("div", { class: "lc-suggest", hidden: true });
  const input = el("textarea", { class: "lc-input", rows: "2", placeholder: T.placeholder, "aria-label": T.placeholder, maxlength: "4000" });
  const note = el("input", { type: "checkbox", id: `lc-note-${id}` });
  const file = el("input", { type: "file", id: `lc-file-${id}`, class: "visually-hidden", accept: "image/png,image/jpeg,image/gif,image/webp,application/pdf" });
  file.addEventListener("change", () => { sendFile(id, file.files[0]); file.value = ""; });
  const picker = (label, items) => el("select", { "aria-label": label },
    el("option", { value: "" }, label), ...items.map((item) => el("option", { value: String(item.id) }, item.name)));
  const teamId = picker(T.transfer_team, directory.teams);
  const agentId = picker(T.transfer_agent, directory.agents.filter((agent) => agent.id !== me));
  const root = el("section", { class: "lc lc-pane", "data-conversation": id },
    el("header", { class: "lc-head" }, el("h2", {}, `#${id}`),
      el("button", { type: "button", class: "link", onclick: () => closePane(id) }, T.close)),
    el("div", { class: "lc-body" }, head, suggestions, log, typing, macroPicker(id, input),
      el("form", { class: "lc-composer", onsubmit: (event) => {
        event.preventDefault();
        const text = input.value.trim();
        if (!text) return;
        const clientId = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now())).slice(0, 64);
        const frame = { type: note.checked ? "note" : "message", conversation: id, client_id: clientId, text };
        pending.set(clientId, frame);
        send(frame);
        input.value = "";
      } }, input, el("button", { type: "submit", class: "button" }, T.send)),
      el("div", { class: "lc-actions" }, file, el("label", { for: `lc-file-${id}`, class: "button small" }, T.attach),
        note, el("label", { for: `lc-note-${id}` }, T.note),
        el("button", { type: "button", class: "button small", onclick: () => send({ type: "end", conversation: id }) }, T.end),
        el("button", { type: "button", class: "button small", onclick: () => send({ type: "hand_back", conversation: id }) }, T.hand_back),
        el("button", { type: "button", class: "button small", onclick: () => send({ type: "follow_up", conversation: id }) }, T.follow_up)),
      el("div", { class: "lc-actions" }, teamId, agentId,
        el("button", { type: "button", class: "button small", onclick: () => send({
          type: "transfer", conversation: id, to_team: Number(teamId.value) || null,
          to_agent: Number(agentId.value) || null, note: input.value.trim() }) }, T.transfer))));
  let typingSent = 0;
  input.addEventListener("input", () => {
    if (Date.now() - typingSent > 2000) { typingSent = Date.now(); send({ type: "typing", conversation: id, active: true }); }
  });
  const pane = { root, log, typing, head, suggestions, lastId: 0, language: "en" };
  const customer = el("div", { class: "lc-customer-360" });
  head.after(customer);
  fetch(`/console/chats/${id}/customer/`, { credentials: "same-origin" })
    .then((response) => (response.ok ? response.text() : ""))
    .then((html) => { customer.innerHTML = html; })  // our own server-rendered, escaped fragment
    .catch(() => {});
  open.set(id, pane);
  panes.append(root);
  return pane;
}

function macroPicker(id, input) {
  // A combobox over the chat's macros (its language first, placeholders already filled):
  // type to filter, arrows to move, Enter inserts the text at the composer's cursor, Escape
  // goes back to the composer. The agent edits it there and sends it as any message.
  const listId = `lc-macro-list-${id}`;
  const search = el("input", { type: "search", class: "lc-macro-search", role: "combobox", autocomplete: "off",
    "aria-label": T.macros, "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": listId, placeholder: T.macro_search });
  const options = el("ul", { class: "lc-macro-list", id: listId, role: "listbox", "aria-label": T.macros, hidden: true });
  let macros = null;
  let shown = [];
  let active = -1;
  const load = async () => {
    if (macros === null) {
      const response = await fetch(`/console/chats/${id}/macros/`, { credentials: "same-origin" });
      macros = response.ok ? (await response.json()).macros : [];
    }
    return macros;
  };
  const highlight = (index) => {
    active = index;
    options.querySelectorAll("[role=option]").forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
    const current = document.getElementById(`${listId}-${active}`);
    if (current) { search.setAttribute("aria-activedescendant", current.id); current.scrollIntoView({ block: "nearest" }); }
    else search.removeAttribute("aria-activedescendant");
  };
  const hide = () => { options.hidden = true; search.setAttribute("aria-expanded", "false"); highlight(-1); };
  const choose = (index) => {
    const macro = shown[index];
    if (!macro) return;
    input.focus();
    input.setRangeText(macro.text, input.selectionStart, input.selectionEnd, "end");
    input.dispatchEvent(new Event("input"));
    // count the use (docs/console.md, Macros); a failure only loses the count
    fetch(`/console/macros/${macro.id}/used/`, { method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": script.dataset.csrf || "" } }).catch(() => {});
    search.value = "";
    hide();
  };
  const show = async () => {
    const query = search.value.trim().toLowerCase();
    const all = await load();
    if (document.activeElement !== search) return; // left while the list was loading
    shown = all.filter((macro) => `${macro.name} ${macro.key} ${macro.language} ${macro.text}`.toLowerCase().includes(query));
    options.replaceChildren(...(shown.length ? shown.map((macro, i) => el("li", { role: "option", id: `${listId}-${i}`, "data-macro": macro.id,
      "aria-selected": "false", onmousedown: (event) => { event.preventDefault(); choose(i); } },
    el("strong", {}, macro.name), ` · ${label("languages", macro.language)}`)) : [el("li", { class: "muted" }, T.no_macros)]));
    options.hidden = false;
    search.setAttribute("aria-expanded", "true");
    highlight(shown.length ? 0 : -1);
  };
  search.addEventListener("focus", show);
  search.addEventListener("input", show);
  search.addEventListener("blur", hide);
  search.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (options.hidden) { show(); return; }
      if (shown.length) highlight((active + (event.key === "ArrowDown" ? 1 : -1) + shown.length) % shown.length);
    } else if (event.key === "Enter") {
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape") {
      hide();
      input.focus();
    }
  });
  return el("div", { class: "lc-macros" }, search, options);
}

function paneHeader(pane, chat) {
  pane.language = chat.language;
  pane.head.replaceChildren(
    el("p", { class: "lc-status" }, `${chat.customer} · ${label("languages", chat.language)} · ${label("categories", chat.category)}${chat.urgent ? ` · ${T.urgent}` : ""}`),
    chat.handoff_reason ? el("p", { class: "lc-status" }, `${T.reason}: ${label("reasons", chat.handoff_reason)}`) : null,
    chat.bot_summary ? el("details", {}, el("summary", {}, T.summary), el("p", { class: "lc-summary" }, chat.bot_summary)) : null);
}

function renderMessage(pane, frame) {
  if (pane.log.querySelector(`[data-id="${frame.id}"]`)) return;
  pane.lastId = Math.max(pane.lastId, frame.id);
  const row = el("li", { class: `lc-msg lc-${frame.sender}${frame.internal ? " lc-internal" : ""}`, "data-id": frame.id },
    el("span", { class: "lc-who" }, frame.author || label("senders", frame.sender)),
    frame.automated ? el("span", { class: "lc-badge" }, T.automated) : null,
    frame.internal ? el("span", { class: "lc-badge" }, T.internal) : null,
    el("p", { class: "lc-text" }, frame.body));
  for (const item of frame.attachments || []) {
    row.append(item.content_type.startsWith("image/")
      ? el("a", { href: item.url, target: "_blank", rel: "noopener" }, el("img", { class: "lc-thumb", src: item.url, alt: item.name }))
      : el("a", { href: item.url }, `📄 ${item.name}`));
  }
  pane.log.append(row);
  row.scrollIntoView({ block: "end" });
  if (frame.sender === "customer") {
    clearTimeout(pane.suggestTimer);
    pane.suggestTimer = setTimeout(() => suggest(pane, frame.body), 300);
    pane.readUpTo = Math.max(pane.readUpTo || 0, frame.id);
    clearTimeout(pane.readTimer);
    pane.readTimer = setTimeout(() => send({ type: "read", conversation: Number(pane.root.dataset.conversation), up_to: pane.readUpTo }), 500);
  }
}

async function sendFile(id, file) {
  if (!file) return;
  const body = new FormData();
  body.append("file", file);
  body.append("client_id", (crypto.randomUUID ? crypto.randomUUID() : String(Date.now())).slice(0, 64));
  const response = await fetch(`/api/v1/livechat/conversations/${id}/attachments/`, {
    method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": script.dataset.csrf || "" }, body,
  });
  if (!response.ok) status.textContent = (await response.json()).error?.message || "";
}

async function suggest(pane, text) {
  // Help-center articles for the customer's latest message (the public search API; live=1: an
  // agent's suggestions are not a customer's search, so they stay out of the search records).
  const query = new URLSearchParams({ q: text.slice(0, 200), lang: pane.language, live: "1" });
  try {
    const response = await fetch(`/api/v1/helpcenter/search/?${query}`, { credentials: "same-origin" });
    if (!response.ok) return;
    const results = ((await response.json()).results || []).slice(0, 3);
    pane.suggestions.replaceChildren(el("p", { class: "lc-who" }, T.suggested),
      el("ul", { class: "lc-articles" }, ...results.map((item) =>
        el("li", {}, el("a", { href: `/${pane.language}/help/articles/${item.slug}/`, target: "_blank", rel: "noopener" }, item.title)))));
    pane.suggestions.hidden = results.length === 0;
  } catch {
    pane.suggestions.hidden = true;
  }
}

function markRead(pane, upTo) {
  for (const row of pane.log.querySelectorAll(".lc-agent[data-id]")) {
    if (Number(row.dataset.id) <= upTo) row.classList.add("lc-read");
  }
}

function closePane(id) {
  send({ type: "leave", conversation: id });
  open.get(id)?.root.remove();
  open.delete(id);
}

away.querySelector("button").addEventListener("click", () => send({ type: "presence", presence: "online" }));
setInterval(() => { for (const frame of pending.values()) send(frame); }, 3000);
connect();
