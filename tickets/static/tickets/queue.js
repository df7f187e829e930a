// Keep the queue fresh (docs/console.md). The console socket says when a ticket that may belong
// in this view changed; we then fetch this page again and swap in its table body, at most once
// a second. The server decides what each view shows, so nothing is filtered here. While the
// socket is down the table is re-fetched every 30 s; "breaching within 1 h" also changes as
// time passes, so it is re-fetched every minute even while the socket is up.
// Found by its own address: the file name carries a content hash once collected.
const script = [...document.scripts].find((tag) => tag.src === import.meta.url);
const table = document.querySelector("table[data-testid=queue]");
const status = document.getElementById("queue-live");
const MIN_GAP = 1000;
const FALLBACK = 30000;
const TIME_BASED = 60000;
let lastRefresh = 0;
let scheduled = null;
let fallback = null;
let backoff = 1000;

async function refresh() {
  scheduled = null;
  lastRefresh = Date.now();
  if (!table) return;
  try {
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector("table[data-testid=queue] tbody");
    if (fresh) table.querySelector("tbody").replaceWith(fresh);
  } catch (error) {
    // a missed refresh is harmless; the next notice or poll catches up
  }
}

function soon() {
  if (scheduled) return;
  scheduled = setTimeout(refresh, Math.max(0, lastRefresh + MIN_GAP - Date.now()));
}

function url() {
  const base = script.dataset.ws;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const view = encodeURIComponent(script.dataset.view || "mine");
  return `${base || `${scheme}//${location.host}`}/ws/console/tickets/?view=${view}`;
}

function offline(down) {
  if (status) status.hidden = !down;
  if (down && !fallback) fallback = setInterval(() => { if (!document.hidden) soon(); }, FALLBACK);
  if (!down && fallback) { clearInterval(fallback); fallback = null; }
}

function connect() {
  const socket = new WebSocket(url());
  socket.addEventListener("open", () => {
    backoff = 1000;
    offline(false);
    soon(); // notices may have been missed while the socket was down
  });
  socket.addEventListener("message", (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === "ticket.changed" || frame.type === "tickets.changed") soon();
  });
  socket.addEventListener("close", (event) => {
    offline(true);
    if (event.code === 4403) return; // refused: polling only
    setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 30000);
  });
}

if (table && script) {
  connect();
  if (script.dataset.view === "breaching") setInterval(() => { if (!document.hidden) soon(); }, TIME_BASED);
}
