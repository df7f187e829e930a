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

// Keyboard shortcuts: "r" focuses the reply box (outside text fields).
document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, textarea, select") || event.metaKey || event.ctrlKey) return;
  if (event.key === "r" && body) { event.preventDefault(); body.focus(); }
});
