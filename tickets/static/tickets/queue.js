// Keep the queue fresh: every 20 s (while the tab is visible) fetch this page again and swap
// in its table body. A websocket push can replace this once the console socket is routed.
const table = document.querySelector("table[data-testid=queue]");

async function refresh() {
  if (document.hidden || !table) return;
  try {
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector("table[data-testid=queue] tbody");
    if (fresh) table.querySelector("tbody").replaceWith(fresh);
  } catch (error) {
    // a missed refresh is harmless; the next one catches up
  }
}

setInterval(refresh, 20000);
