// Suggest help-center articles while the customer types the subject (the search API is public),
// and report to the deflection records what the customer did with them: the article opened
// (…/search/<search_id>/click/), then "submitted" or, on leaving without sending, "deflected"
// (…/search/<search_id>/deflection/). Both endpoints are anonymous: no CSRF token, no cookies.
const form = document.querySelector("form[data-suggest-url]");
const box = document.getElementById("suggestions");
const subject = form && form.querySelector("[name=subject]");
let timer = null;
let controller = null;
let shownSearchId = null;  // the last search whose suggestions the customer saw
let openedSlug = "";  // the suggestion the customer opened, if any
let submitted = false;

function outcome(value) {
  return openedSlug ? { outcome: value, slug: openedSlug } : { outcome: value };  // no blank slug
}

function eventUrl(searchId, event) {
  return new URL(`${searchId}/${event}/`, new URL(form.dataset.suggestUrl, window.location.origin));
}

function post(searchId, event, data) {
  // keepalive: the request outlives the page the customer is leaving.
  fetch(eventUrl(searchId, event), {
    method: "POST", keepalive: true, credentials: "omit",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify(data),
  }).catch(() => {});
}

async function suggest() {
  const q = subject.value.trim();
  if (q.length < 3) { box.hidden = true; return; }
  const url = new URL(form.dataset.suggestUrl, window.location.origin);
  url.searchParams.set("q", q);
  url.searchParams.set("lang", document.documentElement.lang);
  url.searchParams.set("source", "contact_form");
  controller?.abort();  // an older, slower answer must not replace this one
  controller = new AbortController();
  try {
    const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const { results = [], search_id: searchId = null } = await response.json();
    const list = box.querySelector("ul");
    list.replaceChildren(...results.slice(0, 5).map((article) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = `/${document.documentElement.lang}/help/articles/${article.slug}/`;
      link.textContent = article.title;
      link.addEventListener("click", () => {
        openedSlug = article.slug;
        if (searchId) post(searchId, "click", { slug: article.slug });
      });
      item.append(link);
      return item;
    }));
    box.hidden = results.length === 0;
    if (results.length && searchId) shownSearchId = searchId;
  } catch (error) {
    if (error.name !== "AbortError") box.hidden = true;  // the form works without suggestions
  }
}

if (subject) {
  subject.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(suggest, 300); });
  form.addEventListener("submit", () => {
    submitted = true;
    if (shownSearchId) post(shownSearchId, "deflection", outcome("submitted"));
  });
  window.addEventListener("pagehide", () => {
    if (!shownSearchId || submitted) return;
    // A form-encoded beacon (a CORS-safelisted type) works in every browser; DRF parses it.
    const data = new URLSearchParams(outcome("deflected"));
    navigator.sendBeacon(eventUrl(shownSearchId, "deflection"), data);
  });
}
