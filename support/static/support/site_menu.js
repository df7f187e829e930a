// The customer site's menu on a phone (support/base.html): the "Menu" button shows and hides the
// main navigation and the account links. The stylesheet decides what a state looks like: on a
// phone the menu is shown while the button's aria-expanded is "true"; on wider screens, and in
// the console, the button is hidden and the menu always shown, so this module changes nothing
// there. Escape closes the open menu and brings focus back to the button.

const toggle = document.querySelector(".menu-toggle");
const menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));

function isOpen() {
  return toggle.getAttribute("aria-expanded") === "true";
}

function setOpen(open) {
  toggle.setAttribute("aria-expanded", String(open));
}

if (toggle && menu) {
  toggle.addEventListener("click", () => setOpen(!isOpen()));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !isOpen()) {
      return;
    }
    const inside = menu.contains(document.activeElement);
    setOpen(false);
    if (inside) {
      toggle.focus();
    }
  });
}
