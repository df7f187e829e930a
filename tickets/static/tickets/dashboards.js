// Live tiles of the supervisors' dashboard: the server pushes a "tiles" frame every few
// seconds over ws/console/dashboards/; each tile's value and tone are replaced in place.
// Found by its own address: the file name carries a content hash once collected.
const script = [...document.scripts].find((tag) => tag.src === import.meta.url);
const list = document.querySelector("[data-testid=tiles]");
const status = document.querySelector("[data-testid=tiles-status]");
let backoff = 1000;

function url() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${script.dataset.ws || `${scheme}//${location.host}`}/ws/console/dashboards/`;
}

function show(tiles) {
  for (const tile of tiles) {
    const box = list.querySelector(`[data-tile="${CSS.escape(tile.key)}"]`);
    if (!box) continue;
    box.querySelector("dt").textContent = tile.label;
    box.querySelector("dd").textContent = String(tile.value);
    box.className = `figure ${tile.tone}`.trim();
  }
}

function connect() {
  const socket = new WebSocket(url());
  socket.addEventListener("message", (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === "tiles") {
      backoff = 1000;
      show(frame.tiles);
      status.textContent = status.dataset.live;
      list.dataset.at = frame.at;
    }
  });
  socket.addEventListener("close", (event) => {
    status.textContent = status.dataset.offline;
    if (event.code === 4403) return;
    setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 30000);
  });
}

if (script && list && status) connect();
