// Help-center search as you type: asks /api/v1/helpcenter/search/ (live=1: suggestions while
// typing are not recorded) and lists the best articles, then the community answers under their
// own heading (from other customers, not official). Opening one settles the search: it is then
// recorded and, for an article, the click reported (POST …/search/<search_id>/click/) for the
// deflection dashboards. Result links on the search page (recorded by the page) report their
// clicks too.
const DELAY_MS = 200;
const MAX_SHOWN = 6;
const SETTLE_TIMEOUT_MS = 800;  // never hold the reader back longer than this

function articleLink(form, slug, query) {
  const url = new URL(form.dataset.articleUrl.replace("article-slug", slug), window.location.origin);
  url.searchParams.set("q", query);
  return url.pathname + url.search;
}

function reportClick(form, searchId, slug) {
  if (!searchId || !slug) return;  // no slug: a community topic, not an article
  const url = new URL(`${searchId}/click/`, new URL(form.dataset.api, window.location.origin));
  // keepalive: the request outlives the page the reader is leaving.
  fetch(url, {
    method: "POST", keepalive: true, credentials: "omit",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify({ slug }),
  }).catch(() => {});
}

function searchUrl(form, query, live) {
  const url = new URL(form.dataset.api, window.location.origin);
  url.searchParams.set("q", query);
  url.searchParams.set("lang", form.dataset.lang);
  url.searchParams.set("source", form.dataset.source || "help_search");
  if (live) url.searchParams.set("live", "1");
  return url;
}

async function settle(form, query, slug) {
  // The reader chose a suggestion: record the search they settled on, then the click.
  const response = await fetch(searchUrl(form, query, false), {
    signal: AbortSignal.timeout(SETTLE_TIMEOUT_MS), headers: { Accept: "application/json" },
  });
  if (response.ok) reportClick(form, (await response.json()).search_id, slug);
}

function openSuggestion(event, form, query, slug) {
  const newTab = event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey;
  if (newTab) { settle(form, query, slug).catch(() => {}); return; }
  event.preventDefault();
  const href = event.currentTarget.href;
  settle(form, query, slug).catch(() => {}).finally(() => window.location.assign(href));
}

function suggestion(form, query, href, slug, title, snippetText) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = href;
  link.addEventListener("click", (event) => openSuggestion(event, form, query, slug));
  link.textContent = title;
  const snippet = document.createElement("small");
  snippet.textContent = snippetText;
  link.append(snippet);
  item.append(link);
  return item;
}

function communityHeading(form) {
  const heading = document.createElement("li");
  heading.className = "help-live-heading";
  heading.textContent = form.dataset.communityLabel;
  const note = document.createElement("small");
  note.textContent = form.dataset.communityNote;
  heading.append(document.createElement("br"), note);
  return heading;
}

function render(form, list, query, results, community = []) {
  list.replaceChildren();
  for (const result of results.slice(0, MAX_SHOWN)) {
    const href = articleLink(form, result.slug, query);
    list.append(suggestion(form, query, href, result.slug, result.title, result.snippet));
  }
  if (community.length) list.append(communityHeading(form));
  for (const topic of community) {
    const item = suggestion(form, query, topic.url, null, topic.title, topic.snippet);
    const badges = [
      topic.accepted_answer && form.dataset.acceptedBadge,
      topic.staff_answer && form.dataset.staffBadge,
    ].filter(Boolean);
    for (const text of badges.reverse()) {  // each goes right after the title: last first
      const badge = document.createElement("span");
      badge.className = "help-badge";
      badge.textContent = text;
      item.firstChild.firstChild.after(badge);
    }
    list.append(item);
  }
  list.hidden = results.length === 0 && community.length === 0;
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
      const url = searchUrl(form, query, true);
      try {
        const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
        if (response.ok) {
          const found = await response.json();
          render(form, list, query, found.results, found.community || []);
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

function attachResults(results, form) {
  // The search page's own results (that search is recorded by the page).
  for (const link of results.querySelectorAll("a[data-slug]")) {
    link.addEventListener("click", () => reportClick(form, results.dataset.searchId, link.dataset.slug));
  }
}

document.querySelectorAll("form.help-search").forEach(attach);
const pageResults = document.querySelector(".help-results[data-search-id]");
const pageForm = document.querySelector("form.help-search");
if (pageResults?.dataset.searchId && pageForm) attachResults(pageResults, pageForm);
