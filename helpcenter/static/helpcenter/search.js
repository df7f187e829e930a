// Help-center search as you type: asks /api/v1/helpcenter/search/ and lists the best answers;
// opening one is reported (POST …/search/<search_id>/click/) for the deflection dashboards.
const DELAY_MS = 200;
const MAX_SHOWN = 6;

function articleLink(form, slug, query) {
  const url = new URL(form.dataset.articleUrl.replace("article-slug", slug), window.location.origin);
  url.searchParams.set("q", query);
  return url.pathname + url.search;
}

function reportClick(form, searchId, slug) {
  if (!searchId) return;
  const url = new URL(`${searchId}/click/`, new URL(form.dataset.api, window.location.origin));
  // keepalive: the request outlives the page the reader is leaving.
  fetch(url, {
    method: "POST", keepalive: true, credentials: "omit",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify({ slug }),
  }).catch(() => {});
}

function render(form, list, query, results, searchId = null) {
  list.replaceChildren();
  for (const result of results.slice(0, MAX_SHOWN)) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = articleLink(form, result.slug, query);
    link.addEventListener("click", () => reportClick(form, searchId, result.slug));
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
      url.searchParams.set("source", form.dataset.source || "help_search");
      try {
        const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
        if (response.ok) {
          const data = await response.json();
          render(form, list, query, data.results, data.search_id);
        }
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
