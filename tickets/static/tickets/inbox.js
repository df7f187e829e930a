// The agents' inbox (docs/console.md, "Inbox"): live updates, keyboard and the bulk bar.
//
// Live: the console's queue socket says when a ticket that may belong in this view changed; we
// then fetch this page again and swap in its live regions (the rows, the side list's counts, the
// chats, the next-page link), at most once a second, keeping the agent's selection and the row
// they are on. The server decides what each view shows, so nothing is filtered here. While the
// socket is down the page is re-fetched every 30 s; views that change with time (breaching,
// breached) and the chats (which send no ticket notice) are re-fetched every 30-60 s anyway.
//
// Counts: the side list's counts come from their own small request once the page is shown
// (so they never hold the list up), and again after notices, at most every 10 s.
//
// Keyboard (support/shortcuts.js: never while typing, and each agent can switch single keys
// off): j / k move between rows, x selects the row, Enter opens it (the row's link has the
// focus), / goes to the search.
import { bindShortcuts } from "../support/shortcuts.js";

// Found by its own address: the file name carries a content hash once collected.
const script = [...document.scripts].find((tag) => tag.src === import.meta.url);
const bulkForm = document.getElementById("bulk");
const status = document.getElementById("queue-live");
const MIN_GAP = 1000;
const FALLBACK = 30000;
const TIME_BASED = { breaching: 60000, breached: 60000, chats: 30000, mine: 30000 };
let lastRefresh = 0;
let scheduled = null;
let fallback = null;
let backoff = 1000;
const COUNTS_GAP = 10000;
let counts = {};
let countsAt = 0;
let countsTimer = null;

const rows = () => [...document.querySelectorAll("[data-row]")];
const boxes = () => [...document.querySelectorAll("input[name=tickets][form=bulk]")];
const referenceOf = (box) => box.value.split(":")[0];

function currentRow() {
  const active = document.activeElement;
  return active instanceof Element ? active.closest("[data-row]") : null;
}

function move(step) {
  const all = rows();
  if (!all.length) return;
  const at = all.indexOf(currentRow());
  const next = at < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(Math.max(at + step, 0), all.length - 1);
  const link = all[next].querySelector("[data-open]");
  if (link) {
    link.focus();
    all[next].scrollIntoView({ block: "nearest" });
  }
}

function toggleRow() {
  const box = currentRow()?.querySelector("input[name=tickets]");
  if (!box) return;
  box.checked = !box.checked;
  box.dispatchEvent(new Event("change", { bubbles: true }));
}

function updateBulk() {
  if (!bulkForm) return;
  const count = boxes().filter((box) => box.checked).length;
  const shown = bulkForm.querySelector("[data-selected-count]");
  if (shown) shown.textContent = String(count);
  bulkForm.dataset.selected = String(count);
  for (const button of bulkForm.querySelectorAll("button[data-bulk]")) button.disabled = count === 0;
}

// Enter in a field of the bulk bar sends that field's own action, not the form's first one.
function submitOwnAction(event) {
  if (event.key !== "Enter" || !(event.target instanceof HTMLInputElement)) return;
  const button = event.target.closest("fieldset")?.querySelector("button[data-bulk]");
  event.preventDefault();
  if (button && !button.disabled) button.click();
}

function paintCounts() {
  for (const shown of document.querySelectorAll("[data-count]")) {
    const count = counts[shown.dataset.count];
    if (count !== undefined) shown.textContent = count;
  }
}

async function loadCounts() {
  countsTimer = null;
  countsAt = Date.now();
  try {
    const response = await fetch(script.dataset.counts, { credentials: "same-origin" });
    if (!response.ok) return;
    counts = (await response.json()).counts || {};
  } catch (error) {
    return; // the counts stay as they were; the next notice asks again
  }
  paintCounts();
}

function countsSoon() {
  if (countsTimer || !script?.dataset.counts) return;
  countsTimer = setTimeout(loadCounts, Math.max(0, countsAt + COUNTS_GAP - Date.now()));
}

async function refresh() {
  scheduled = null;
  lastRefresh = Date.now();
  let page;
  try {
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    page = new DOMParser().parseFromString(await response.text(), "text/html");
  } catch (error) {
    return; // a missed refresh is harmless; the next notice or poll catches up
  }
  // Read what the agent selected and where they are only now: they may have pressed a key
  // while the page was on its way.
  const selected = new Set(boxes().filter((box) => box.checked).map(referenceOf));
  const focused = currentRow()?.dataset.key;
  for (const region of document.querySelectorAll("[data-live-region]")) {
    const fresh = page.querySelector(`[data-live-region="${region.dataset.liveRegion}"]`);
    if (fresh) region.replaceWith(document.importNode(fresh, true));
  }
  for (const box of boxes()) box.checked = selected.has(referenceOf(box));
  paintCounts();
  if (focused) {
    const row = rows().find((candidate) => candidate.dataset.key === focused);
    row?.querySelector("[data-open]")?.focus({ preventScroll: true });
  }
  updateBulk();
}

function soon() {
  countsSoon();
  if (scheduled) return;
  scheduled = setTimeout(refresh, Math.max(0, lastRefresh + MIN_GAP - Date.now()));
}

function socketUrl() {
  const base = script?.dataset.ws;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const view = encodeURIComponent(script?.dataset.view || "mine");
  return `${base || `${scheme}//${location.host}`}/ws/console/tickets/?view=${view}`;
}

function offline(down) {
  if (status) status.hidden = !down;
  if (down && !fallback) fallback = setInterval(() => { if (!document.hidden) soon(); }, FALLBACK);
  if (!down && fallback) { clearInterval(fallback); fallback = null; }
}

function connect() {
  const socket = new WebSocket(socketUrl());
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

if (script) {
  document.addEventListener("change", (event) => {
    if (event.target instanceof HTMLInputElement && event.target.name === "tickets") updateBulk();
  });
  bulkForm?.addEventListener("keydown", submitOwnAction);
  updateBulk();
  bindShortcuts({
    j: () => move(1),
    k: () => move(-1),
    x: toggleRow,
    "/": () => document.getElementById("inbox-q")?.focus(),
  });
  countsSoon();
  connect();
  const every = TIME_BASED[script.dataset.view];
  if (every) setInterval(() => { if (!document.hidden) soon(); }, every);
}
