// Suggest help-center articles while the customer types the subject (the search API is public).
const form = document.querySelector("form[data-suggest-url]");
const box = document.getElementById("suggestions");
const subject = form && form.querySelector("[name=subject]");
let timer = null;

async function suggest() {
  const q = subject.value.trim();
  if (q.length < 3) { box.hidden = true; return; }
  const url = `${form.dataset.suggestUrl}?q=${encodeURIComponent(q)}&lang=${document.documentElement.lang}`;
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const { results = [] } = await response.json();
    const list = box.querySelector("ul");
    list.replaceChildren(...results.slice(0, 5).map((article) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = `/${document.documentElement.lang}/help/articles/${article.slug}/`;
      link.textContent = article.title;
      item.append(link);
      return item;
    }));
    box.hidden = results.length === 0;
  } catch (error) {
    box.hidden = true;  // suggestions are a convenience; the form works without them
  }
}

if (subject) {
  subject.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(suggest, 300); });
}
