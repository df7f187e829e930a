// Reply composer: choosing a macro fills the reply with its text (placeholders already filled).
const macros = JSON.parse(document.getElementById("macro-texts")?.textContent || "[]");
const select = document.querySelector(".composer select[name=macro]");
const body = document.querySelector(".composer textarea[name=body]");

if (select && body) {
  select.addEventListener("change", () => {
    const macro = macros.find((item) => String(item.id) === select.value);
    if (macro) body.value = macro.text;
  });
}

// Keyboard shortcuts (outside text fields): r reply, n reply as internal note, t take the
// ticket, m pick a macro, q back to the queues.
const shortcuts = {
  r: () => body?.focus(),
  n: () => {
    const note = document.querySelector(".composer input[name=internal]");
    if (note) note.checked = true;
    body?.focus();
  },
  t: () => document.querySelector("form[action$='/take/'] button")?.click(),
  m: () => select?.focus(),
  q: () => { window.location.href = "/console/tickets/"; },
};
document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, textarea, select") || event.metaKey || event.ctrlKey) return;
  const action = shortcuts[event.key];
  if (action) { event.preventDefault(); action(); }
});

// Collision detection: every 10 s tell the server we are here (and whether we are typing a
// reply); show who else is on this ticket, and warn when it changed under us.
const banner = document.getElementById("collision");
const csrf = document.querySelector("input[name=csrfmiddlewaretoken]")?.value;

async function heartbeat() {
  const form = new FormData();
  form.append("replying", body && body.value.trim() ? "1" : "0");
  try {
    const response = await fetch(banner.dataset.presenceUrl, {
      method: "POST", body: form, headers: { "X-CSRFToken": csrf }, credentials: "same-origin",
    });
    if (!response.ok) return;
    const { others, version } = await response.json();
    const lines = [];
    if (others.length) {
      const names = others.map((o) => (o.replying ? `${o.email} (${banner.dataset.replying})` : o.email));
      lines.push(`${banner.dataset.viewing} ${names.join(", ")}`);
    }
    if (String(version) !== banner.dataset.version) lines.push(banner.dataset.changed);
    banner.textContent = lines.join(" · ");
    banner.hidden = lines.length === 0;
  } catch (error) {
    // presence is advisory; the version check on every action is the real guard
  }
}

if (banner && csrf) {
  heartbeat();
  setInterval(heartbeat, 10000);
}
