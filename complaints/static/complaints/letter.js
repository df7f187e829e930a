// The decision letter follows the chosen outcome: choosing another outcome puts that outcome's
// draft in the letter, unless the officer has already edited it (their words are never lost).
for (const form of document.querySelectorAll("form[data-letter-drafts]")) {
  const source = document.getElementById(form.dataset.letterDrafts);
  const outcome = form.querySelector("select[name$='outcome']");
  const letter = form.querySelector("textarea[name$='letter']");
  if (!source || !outcome || !letter) continue;
  const drafts = JSON.parse(source.textContent);
  const normalised = (text) => text.replace(/\r\n/g, "\n").trim();
  const isDraft = (text) =>
    !normalised(text) || Object.values(drafts).some((draft) => normalised(draft) === normalised(text));
  outcome.addEventListener("change", () => {
    if (isDraft(letter.value) && drafts[outcome.value] !== undefined) {
      letter.value = drafts[outcome.value];
    }
  });
}
