import { bindShortcuts } from "../support/shortcuts.js";

// Reply composer: choosing a macro fills the reply with its text (placeholders already filled).
const macros = JSON.parse(document.getElementById("macro-texts")?.textContent || "[]");
const select = document.querySelector(".composer select[name=macro]");
const body = document.querySelector(".composer textarea[name=body]");

if (select && body) {
  select.addEventListener("change", () => {
    const macro = macros.find((item) => String(item.id) === select.value);
    if (macro) { body.value = macro.text; body.dispatchEvent(new Event("input")); }
  });
}

// Keyboard shortcuts (support/shortcuts.js: never while typing, and each agent can turn them
// off): r reply, n reply as internal note, t take the ticket, m pick a macro, q back to the queues.
bindShortcuts({
  r: () => body?.focus(),
  n: () => {
    const note = document.querySelector(".composer input[name=internal]");
    if (note) note.checked = true;
    body?.focus();
  },
  t: () => document.querySelector("form[action$='/take/'] button")?.click(),
  m: () => select?.focus(),
  q: () => { window.location.href = "/console/tickets/"; },
});

// Collision detection over the console socket (docs/console.md): say we are viewing and
// whether the composer has text (the server keeps us present while the socket is open); show
// who else is here, and warn when someone else changed the ticket. Advisory: the version check
// on every action is the real guard.
// Found by its own address: the file name carries a content hash once collected.
const script = [...document.scripts].find((tag) => tag.src === import.meta.url);
const banner = document.getElementById("collision");
const changed = document.getElementById("changed");
let socket = null;
let backoff = 1000;
let replying = false;

function url() {
  const base = script.dataset.ws;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const reference = encodeURIComponent(script.dataset.reference);
  return `${base || `${scheme}//${location.host}`}/ws/console/tickets/${reference}/`;
}

function send(frame) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
}

function showPresence(others) {
  const names = others.map((o) => (o.replying ? `${o.email} (${banner.dataset.replying})` : o.email));
  banner.textContent = names.length ? `${banner.dataset.viewing} ${names.join(", ")}` : "";
  banner.hidden = names.length === 0;
}

function connect() {
  socket = new WebSocket(url());
  socket.addEventListener("open", () => {
    backoff = 1000;
    send({ type: "viewing", replying });
  });
  socket.addEventListener("message", (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === "presence") showPresence(frame.others);
    if (frame.type === "ticket.changed") changed.hidden = false;
  });
  socket.addEventListener("close", (event) => {
    showPresence([]);
    if (event.code === 4403) return;
    setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 30000);
  });
}

if (script && banner && changed) {
  connect();
  body?.addEventListener("input", () => {
    const now = body.value.trim() !== "";
    if (now !== replying) { replying = now; send({ type: "replying", active: replying }); }
  });
}
