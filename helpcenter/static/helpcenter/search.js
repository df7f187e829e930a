// Help-center search as you type: asks /api/v1/helpcenter/search/ and lists the best answers.
const DELAY_MS = 200;
const MAX_SHOWN = 6;

function articleLink(form, slug, query) {
  const url = new URL(form.dataset.articleUrl.replace("article-slug", slug), window.location.origin);
  url.searchParams.set("q", query);
  return url.pathname + url.search;
}

function render(form, list, query, results) {
  list.replaceChildren();
  for (const result of results.slice(0, MAX_SHOWN)) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = articleLink(form, result.slug, query);
    link.textContent = result.title;
    const snippet = document.createElement("small");
    snippet.textContent = result.snippet;
    link.append(snippet);
    item.append(link);
    list.append(item);
  }
  list.hidden = results.length === 0;
}

function attach(form) {
  const input = form.querySelector("input[type=search]");
  const list = form.querySelector(".help-live-results");
  let timer = null;
  let controller = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const query = input.value.trim();
      if (query.length < 2) { render(form, list, query, []); return; }
      controller?.abort();
      controller = new AbortController();
      const url = new URL(form.dataset.api, window.location.origin);
      url.searchParams.set("q", query);
      url.searchParams.set("lang", form.dataset.lang);
      try {
        const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
        if (response.ok) render(form, list, query, (await response.json()).results);
      } catch (error) {
        if (error.name !== "AbortError") list.hidden = true;
      }
    }, DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") list.hidden = true;
  });
}

document.querySelectorAll("form.help-search").forEach(attach);
