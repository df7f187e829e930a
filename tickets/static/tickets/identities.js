// The linked-accounts page: while a code shown for a social account waits for the customer's
// message, ask its state (…/account/linked/social/<id>/) every few seconds and put the answer
// in the panel's status line (role=status: screen readers read the change), until it is
// linked, refused or expired. Without JavaScript the page's "Check whether it is linked" link
// shows the same.
const POLL_MS = 3000;
const GIVE_UP_MS = 11 * 60 * 1000;  // a code lives 10 minutes

for (const panel of document.querySelectorAll("[data-state-url]")) watch(panel);

function watch(panel) {
  const status = panel.querySelector("[data-testid=link-state]");
  const started = Date.now();

  async function poll() {
    try {
      const response = await fetch(panel.dataset.stateUrl, {
        headers: { Accept: "application/json" }, credentials: "same-origin",
      });
      if (response.ok) {
        const { state, message } = await response.json();
        if (status.textContent !== message) status.textContent = message;
        panel.dataset.state = state;
        if (state !== "waiting") return;
      }
    } catch {
      // The network is away for a moment: ask again at the next turn.
    }
    if (Date.now() - started < GIVE_UP_MS) setTimeout(poll, POLL_MS);
  }

  setTimeout(poll, POLL_MS);
}
