// Agent chat workspace: the queue and my chats | the open chat (one shown, the others kept with
// their drafts) | the customer. Several chats over one websocket; unread counts per chat; a sound
// and a desktop notification for a new offer, as each agent chooses (localStorage). Strings come
// translated from the page (JSON element); protocol in docs/livechat.md.

// Found by its own address: the file name carries a content hash once collected.
const script = [...document.scripts].find((tag) => tag.src === import.meta.url);
const T = JSON.parse(document.getElementById("livechat-console-strings").textContent);
const directory = JSON.parse(document.getElementById("livechat-console-directory")?.textContent || '{"teams":[],"agents":[]}');
const me = Number(script.dataset.user);
// A code from a frame ("bot", "asked_for_human", "deposit_withdrawal") as the agent reads it.
const L = T.labels || {};
const label = (kind, code) => (L[kind] || {})[code] || L.unknown || code;
const workspace = document.getElementById("lc-workspace");
const list = document.getElementById("lc-chat-list");
const panes = document.getElementById("lc-panes");
const side = document.getElementById("lc-ws-customer");
const emptyChat = document.getElementById("lc-ws-empty");
const status = document.getElementById("lc-console-status");
const away = document.getElementById("lc-away");
const presence = document.getElementById("lc-presence");
const endDialog = document.getElementById("lc-end-dialog");
const chats = new Map(); // conversation id -> summary frame
const open = new Map(); // conversation id -> pane
const pending = new Map(); // client id -> frame, re-sent until acked
const offered = new Set(); // chats already announced as offered to me
let active = null; // the conversation shown in the middle column
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
    if (presenceWanted) send({ type: "presence", presence: presenceWanted });
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
    case "chat":
      chats.set(frame.conversation, frame);
      announceOffer(frame);
      renderList();
      if (pane) paneHeader(pane, frame);
      openFromAddress(frame);
      break;
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
      if (pane) paneState(pane, frame.status);
      if (chats.has(frame.conversation)) { chats.get(frame.conversation).status = frame.status; renderList(); }
      break;
    case "typing":
      if (pane && frame.by === "customer") showTyping(pane, frame.active && pane.root.dataset.status !== "ended");
      break;
    case "read": if (pane && frame.by === "customer") markRead(pane, frame.up_to); break;
    case "resumed": // what follows is new: it counts as unread
      if (pane) { pane.ready = true; if (active === frame.conversation) scheduleSuggest(pane); }
      break;
    case "error": status.textContent = frame.message; break;
    case "offer_withdrawn":
      // the chat's summary frame (offered to someone else, or nobody) has updated the list;
      // withdrawn because this agent went away: the away notice says enough
      offered.delete(frame.conversation);
      if (frame.expired) status.textContent = T.offer_expired.replace("{id}", frame.conversation);
      if (frame.away) { away.hidden = false; presence.value = "away"; }
      break;
    case "presence":
      if (frame.presence === presenceWanted) presenceWanted = null;
      away.hidden = frame.presence !== "away";
      presence.value = frame.presence;
      break;
    default: break;
  }
}

// The inbox links a chat as ?chat=<id>: the agent's own chat opens, another is brought to the
// keyboard (accepting or watching stays the agent's click).
const wanted = Number(new URLSearchParams(location.search).get("chat")) || null;
function openFromAddress(chat) {
  if (chat.conversation !== wanted || open.has(wanted)) return;
  if (chat.agent === me && chat.status !== "ended") {
    ensurePane(wanted);
    activate(wanted);
    send({ type: "join", conversation: wanted, after: 0 });
  } else {
    list.querySelector(`[data-conversation="${wanted}"] button`)?.focus();
  }
}

function renderList() {
  const items = [...chats.values()].filter((chat) => (chat.status !== "ended" || open.has(chat.conversation)) && chat.status !== "bot")
    .sort((a, b) => (b.urgent - a.urgent) || String(a.queued_at).localeCompare(String(b.queued_at)));
  list.replaceChildren(...items.map((chat) => {
    const id = chat.conversation;
    const mine = chat.agent === me;
    const action = chat.status === "queued" ? T.accept : (mine ? T.join : T.watch);
    const type = chat.status === "queued" ? "accept" : "join";
    const unread = open.get(id)?.unread || 0;
    const classes = [chat.urgent ? "lc-urgent" : "", id === active ? "lc-current" : "", unread ? "lc-has-unread" : ""].join(" ").trim();
    return el("li", { class: classes, "data-conversation": id, "aria-current": id === active ? "true" : false },
      el("strong", {}, `#${id} `), chat.customer, ` · ${label("languages", chat.language)} · ${label("categories", chat.category)} · ${T[chat.status] || label("statuses", chat.status)}`,
      chat.urgent ? el("span", { class: "lc-badge" }, T.urgent) : null,
      chat.offered_to === me ? el("span", { class: "lc-badge" }, T.offered) : null,
      chat.impersonation_suspected ? el("span", { class: "lc-badge lc-badge-warn", "data-testid": "impersonation-badge" }, T.impersonation_badge) : null,
      unread ? el("span", { class: "lc-count", "data-unread": unread, "aria-label": T.unread.replace("{n}", unread) }, String(unread)) : null,
      el("div", { class: "lc-actions" }, el("button", { type: "button", class: "button small", onclick: () => {
        if (open.has(id) && type === "join") { activate(id); return; }
        ensurePane(id);
        activate(id);
        send({ type, conversation: id, after: 0 });
        if (type === "accept") send({ type: "join", conversation: id, after: 0 });
      } }, open.has(id) && type === "join" ? T.show : action)));
  }));
  const total = [...open.values()].reduce((sum, pane) => sum + pane.unread, 0);
  const badge = workspace.querySelector("[data-total-unread]");
  badge.textContent = String(total);
  badge.hidden = total === 0;
}

// --- Alerts for a new offer: the agent's choice, kept in this browser ----------------------

const alertKey = (kind) => `livechat-alert-${kind}:${me}`;
const alertOn = (kind) => { try { return localStorage.getItem(alertKey(kind)) === "on"; } catch { return false; } };
const alertSet = (kind, on) => { try { localStorage.setItem(alertKey(kind), on ? "on" : "off"); } catch { /* this page only */ } };
const soundBox = document.getElementById("lc-alert-sound");
const desktopBox = document.getElementById("lc-alert-desktop");
const alertHelp = document.getElementById("lc-alert-help");
soundBox.checked = alertOn("sound");
desktopBox.checked = alertOn("desktop") && "Notification" in window && Notification.permission === "granted";
soundBox.addEventListener("change", () => { alertSet("sound", soundBox.checked); if (soundBox.checked) beep(); });
desktopBox.addEventListener("change", async () => {
  // the browser asks for permission only now, on the agent's own click
  if (desktopBox.checked && "Notification" in window && Notification.permission !== "granted") {
    const answer = await Notification.requestPermission();
    if (answer !== "granted") { desktopBox.checked = false; alertHelp.textContent = T.notifications_blocked; }
  } else if (!("Notification" in window)) { desktopBox.checked = false; alertHelp.textContent = T.notifications_blocked; }
  alertSet("desktop", desktopBox.checked);
});

let audio = null;
function beep() {
  try {
    audio = audio || new AudioContext();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.4);
  } catch { /* no audio here */ }
}

function announceOffer(chat) {
  if (chat.offered_to !== me || chat.status !== "queued") { offered.delete(chat.conversation); return; }
  if (offered.has(chat.conversation)) return;
  offered.add(chat.conversation);
  status.textContent = T.new_offer.replace("{id}", chat.conversation);
  if (alertOn("sound")) beep();
  if (alertOn("desktop") && "Notification" in window && Notification.permission === "granted") {
    const note = new Notification(T.new_offer.replace("{id}", chat.conversation), {
      body: `${label("categories", chat.category)} · ${label("languages", chat.language)}`, tag: `livechat-offer-${chat.conversation}` });
    note.onclick = () => { window.focus(); note.close(); };
  }
}

// --- Presence and the narrow-screen tabs ----------------------------------------------------

// kept until the server confirms it: a choice made while the socket (re)connects is sent on open
let presenceWanted = null;
presence.addEventListener("change", () => { presenceWanted = presence.value; send({ type: "presence", presence: presenceWanted }); });

function showView(view) {
  workspace.dataset.view = view;
  for (const tab of workspace.querySelectorAll("[data-view-tab]")) tab.setAttribute("aria-pressed", String(tab.dataset.viewTab === view));
}
for (const tab of workspace.querySelectorAll("[data-view-tab]")) tab.addEventListener("click", () => showView(tab.dataset.viewTab));

// --- The chats: one shown, the others kept (with their drafts) -------------------------------

function activate(id) {
  active = id;
  for (const [key, pane] of open) {
    pane.root.hidden = key !== id;
    pane.side.hidden = key !== id;
  }
  const pane = open.get(id);
  emptyChat.hidden = Boolean(pane);
  if (pane) {
    pane.unread = 0;
    showView("chat"); // first: a log not on screen has no height to scroll
    scrollToEnd(pane);
    scheduleSuggest(pane);
    scheduleRead(pane);
    pane.input.focus({ preventScroll: true });
  }
  renderList();
}

function ensurePane(id) {
  if (open.has(id)) return open.get(id);
  const log = el("ol", { class: "lc-log", "aria-live": "polite", tabindex: "0", "aria-label": T.conversation.replace("{id}", id) });
  const typing = el("p", { class: "lc-typing", hidden: true }, T.typing);
  const head = el("div", { class: "lc-pane-info" });
  // The same warning as a ticket's: someone posed as us, or a look-alike link (docs/livechat.md)
  const warning = el("p", { class: "notice lc-warning", role: "alert", "data-testid": "impersonation-warning", hidden: true },
    el("strong", {}, T.impersonation_title), ` ${T.impersonation_text}`);
  const suggestions = el("div", { class: "lc-suggest", hidden: true });
  const input = el("textarea", { class: "lc-input", rows: "3", placeholder: T.placeholder, "aria-label": T.placeholder, maxlength: "4000" });
  const file = el("input", { type: "file", id: `lc-file-${id}`, class: "visually-hidden lc-file", accept: "image/png,image/jpeg,image/gif,image/webp,application/pdf" });
  file.addEventListener("change", () => { sendFile(id, file.files[0]); file.value = ""; });
  const composer = el("form", { class: "lc-composer", onsubmit: (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    post(id, "message", text);
    input.value = "";
  } }, input, el("button", { type: "submit", class: "button lc-send" }, T.send));
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); composer.requestSubmit(); }
  });
  const root = el("section", { class: "lc lc-pane", "data-conversation": id, "aria-labelledby": `lc-pane-title-${id}` },
    el("header", { class: "lc-head" }, el("h2", { id: `lc-pane-title-${id}` }, `#${id}`), head,
      el("button", { type: "button", class: "button small secondary", onclick: () => closePane(id) }, T.close)),
    warning,
    el("div", { class: "lc-pane-body" }, log, typing),
    el("div", { class: "lc-pane-foot" }, suggestions, macroPicker(id, input), composer,
      el("div", { class: "lc-actions lc-tools" }, file, el("label", { for: `lc-file-${id}`, class: "button small secondary lc-attach" }, T.attach),
        transferForm(id),
        el("button", { type: "button", class: "button small secondary", onclick: () => send({ type: "hand_back", conversation: id }) }, T.hand_back),
        el("button", { type: "button", class: "button small secondary", onclick: () => send({ type: "follow_up", conversation: id }) }, T.follow_up),
        el("button", { type: "button", class: "button small lc-end-chat", onclick: () => confirmEnd(id) }, T.end))));
  let typingSent = 0;
  input.addEventListener("input", () => {
    if (Date.now() - typingSent > 2000) { typingSent = Date.now(); send({ type: "typing", conversation: id, active: true }); }
  });
  const customer = el("div", { class: "lc-customer-360" });
  const notes = el("ol", { class: "lc-notes" });
  const noteInput = el("textarea", { id: `lc-note-${id}`, rows: "2", maxlength: "4000" });
  const sidePanel = el("div", { class: "lc-side", "data-conversation": id, hidden: true }, customer,
    el("section", { class: "panel lc-notes-panel" }, el("h3", {}, T.notes), notes,
      el("form", { onsubmit: (event) => {
        event.preventDefault();
        const text = noteInput.value.trim();
        if (!text) return;
        post(id, "note", text);
        noteInput.value = "";
      } }, el("label", { for: `lc-note-${id}` }, T.note), noteInput, el("button", { type: "submit", class: "button small secondary" }, T.add_note))));
  fetch(`/console/chats/${id}/customer/`, { credentials: "same-origin" })
    .then((response) => (response.ok ? response.text() : ""))
    .then((html) => { customer.innerHTML = html; })  // our own server-rendered, escaped fragment
    .catch(() => {});
  const pane = { root, log, typing, head, warning, suggestions, input, notes, side: sidePanel, lastId: 0, unread: 0, ready: false, language: "en" };
  open.set(id, pane);
  root.hidden = true;
  panes.append(root);
  side.append(sidePanel);
  if (chats.has(id)) paneHeader(pane, chats.get(id));
  return pane;
}

function post(id, type, text) {
  const clientId = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now())).slice(0, 64);
  const frame = { type, conversation: id, client_id: clientId, text };
  pending.set(clientId, frame);
  send(frame);
}

function transferForm(id) {
  // A transfer names a team or an agent and carries a note for whoever takes the chat next.
  const picker = (text, items) => el("select", { "aria-label": text },
    el("option", { value: "" }, text), ...items.map((item) => el("option", { value: String(item.id) }, item.name)));
  const teamId = picker(T.transfer_team, directory.teams);
  const agentId = picker(T.transfer_agent, directory.agents.filter((agent) => agent.id !== me));
  const note = el("textarea", { id: `lc-transfer-note-${id}`, rows: "2", maxlength: "2000" });
  const details = el("details", { class: "lc-transfer" }, el("summary", { class: "button small secondary" }, T.transfer),
    el("form", { onsubmit: (event) => {
      event.preventDefault();
      if (!teamId.value && !agentId.value) { status.textContent = T.transfer_pick; return; }
      send({ type: "transfer", conversation: id, to_team: Number(teamId.value) || null,
        to_agent: Number(agentId.value) || null, note: note.value.trim() });
      note.value = "";
      details.open = false;
    } }, teamId, agentId, el("label", { for: `lc-transfer-note-${id}` }, T.transfer_note), note,
    el("button", { type: "submit", class: "button small" }, T.transfer)));
  return details;
}

function confirmEnd(id) {
  // A dialog, not one click: ending cannot be undone. Its "Keep chatting" has the focus first.
  const opener = document.activeElement;
  endDialog.returnValue = "";
  endDialog.addEventListener("close", () => {
    if (endDialog.returnValue === "end") send({ type: "end", conversation: id });
    opener?.focus?.();
  }, { once: true });
  endDialog.showModal();
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
  paneState(pane, chat.status);
  pane.warning.hidden = !chat.impersonation_suspected;
  pane.head.replaceChildren(...[
    el("p", { class: "lc-status" }, `${chat.customer} · ${label("languages", chat.language)} · ${label("categories", chat.category)} · ${T[chat.status] || label("statuses", chat.status)}${chat.urgent ? ` · ${T.urgent}` : ""}`),
    chat.handoff_reason ? el("p", { class: "lc-status" }, `${T.reason}: ${label("reasons", chat.handoff_reason)}`) : null,
    chat.bot_summary ? el("details", {}, el("summary", {}, T.summary), el("p", { class: "lc-summary" }, chat.bot_summary)) : null,
  ].filter(Boolean));
}

function paneState(pane, value) {
  pane.root.dataset.status = value;
  if (value === "ended") showTyping(pane, false); // nobody types in an ended chat
}

function showTyping(pane, on) {
  clearTimeout(pane.typingTimer);
  pane.typing.hidden = !on;
  if (on) pane.typingTimer = setTimeout(() => { pane.typing.hidden = true; }, 4000);
}

function scheduleRead(pane) {
  // Read receipts only for the chat on screen (a chat in the background is not read), one per
  // burst: six busy chats must not spend the socket's frame allowance on receipts.
  const id = Number(pane.root.dataset.conversation);
  if (!pane.readUpTo || pane.readUpTo <= (pane.readSent || 0)) return;
  clearTimeout(pane.readTimer);
  pane.readTimer = setTimeout(() => { pane.readSent = pane.readUpTo; send({ type: "read", conversation: id, up_to: pane.readUpTo }); }, 500);
}

function scheduleSuggest(pane) {
  clearTimeout(pane.suggestTimer);
  const text = pane.suggestFor;
  pane.suggestFor = null;
  if (text) pane.suggestTimer = setTimeout(() => suggest(pane, text), 300);
}

function scrollToEnd(pane) {
  pane.log.scrollTop = pane.log.scrollHeight;
}

function renderMessage(pane, frame) {
  if (pane.log.querySelector(`[data-id="${frame.id}"]`)) return;
  pane.lastId = Math.max(pane.lastId, frame.id);
  const atEnd = pane.log.scrollHeight - pane.log.scrollTop - pane.log.clientHeight < 40;
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
  if (frame.internal) pane.notes.append(el("li", {}, el("span", { class: "lc-who" }, frame.author || label("senders", frame.sender)), frame.body));
  // the log scrolls by itself only when the agent was already reading its end
  if (atEnd || !pane.ready) scrollToEnd(pane);
  if (frame.sender === "customer") {
    if (pane.ready && (active !== Number(pane.root.dataset.conversation) || document.hidden)) {
      pane.unread += 1;
      renderList();
    }
    // articles only for the chat on screen; a chat in the background asks when it is shown
    pane.suggestFor = frame.body;
    if (pane.ready && active === Number(pane.root.dataset.conversation)) scheduleSuggest(pane);
    pane.readUpTo = Math.max(pane.readUpTo || 0, frame.id);
    if (active === Number(pane.root.dataset.conversation) && !document.hidden) scheduleRead(pane);
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
  open.get(id)?.side.remove();
  open.delete(id);
  if (active === id) {
    const next = [...open.keys()].pop();
    if (next) activate(next); else { active = null; emptyChat.hidden = false; showView("list"); renderList(); }
  } else renderList();
}

document.addEventListener("visibilitychange", () => {
  const pane = open.get(active);
  if (!document.hidden && pane) scheduleRead(pane);
  if (!document.hidden && pane && pane.unread) { pane.unread = 0; renderList(); }
});
away.querySelector("button").addEventListener("click", () => send({ type: "presence", presence: "online" }));
setInterval(() => { for (const frame of pending.values()) send(frame); }, 3000);
connect();
