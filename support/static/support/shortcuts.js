// Single-key shortcuts of the console (docs/console.md), shared by every console page.
// WCAG 2.1.4: a one-letter shortcut must not fire while the agent types, and must be possible to
// turn off. So a key acts only when focus is outside every field (input, textarea, select,
// contenteditable), no modifier other than Shift is held, and the agent has not switched them
// off. The choice is kept per agent in this browser (localStorage), so a shared computer keeps
// each agent's own setting.
//
// A page imports this module by its relative path (collectstatic rewrites that to the hashed
// name) and calls bindShortcuts({ r: () => reply.focus(), … }). It lists its keys in the help
// panel (support/_shortcuts.html), which also holds the switch; "?" opens that panel.

const FIELDS = "input, textarea, select, [contenteditable]:not([contenteditable='false'])";

function switches() {
  return [...document.querySelectorAll("input[data-shortcuts-switch]")];
}

function storageKey() {
  const user = switches()[0]?.dataset.user || "anonymous";
  return `console-shortcuts:${user}`;
}

/** Whether the agent has single-key shortcuts on (the default) in this browser. */
export function shortcutsEnabled() {
  try {
    return window.localStorage.getItem(storageKey()) !== "off";
  } catch (error) {
    return true; // storage refused (private mode): the switch still works for this page
  }
}

/** Turn the agent's shortcuts on or off, remembered in this browser. */
export function setShortcutsEnabled(on) {
  try {
    window.localStorage.setItem(storageKey(), on ? "on" : "off");
  } catch (error) {
    // not remembered; this page still follows the switch
  }
  for (const box of switches()) box.checked = on;
}

/** True when a key press belongs to what the agent is typing or to another key combination. */
export function isTyping(event) {
  if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return true;
  const target = event.target;
  return target instanceof Element && (target.isContentEditable || Boolean(target.closest(FIELDS)));
}

function openHelp() {
  const help = document.querySelector("details[data-shortcuts-help]");
  if (!help) return;
  help.open = true;
  help.querySelector("summary")?.focus();
}

/** Call `actions[key]()` for each single-key press that is a shortcut; returns a function that
 * removes the listener. */
export function bindShortcuts(actions) {
  for (const box of switches()) {
    box.checked = shortcutsEnabled();
    box.addEventListener("change", () => setShortcutsEnabled(box.checked));
  }
  const listener = (event) => {
    if (event.defaultPrevented || isTyping(event) || !shortcutsEnabled()) return;
    const action = event.key === "?" ? openHelp : actions[event.key];
    if (!action) return;
    event.preventDefault();
    action(event);
  };
  document.addEventListener("keydown", listener);
  return () => document.removeEventListener("keydown", listener);
}
