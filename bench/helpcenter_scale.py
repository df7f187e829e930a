"""Help center at scale: 1,000 articles × 5 languages plus 50,000 forum topics (searchable).

Builds its own database (`hc_scale`, or `--database`, on the server of DATABASE_URL, dropped
and re-created), migrates, synthesises the corpus from the 44 demo articles (their lines
recombined under varied titles and slugs; zh-hant converted from the synthetic zh-hans with
OpenCC so every article has five languages), then measures:

- the full index build (`reindex_all`: articles and topics), and re-indexing one article
  (median / p95 of 50) and one topic after a reply;
- search p95 at the API (articles and community answers) and article page p95, over HTTP
  against gunicorn (2 sync workers on 127.0.0.1, throttling lifted) with the dev queries of
  bench/data/helpcenter-dev-queries.jsonl, with the CPU time each search costs the gunicorn
  workers and their PostgreSQL backends; and a search right after a forum reply (each
  worker reloads what it keeps of the community index).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=… SECRET_KEY=x \\
        .venv/bin/python bench/helpcenter_scale.py [--articles 1000] [--topics 50000] [--append]
        [--database hc_scale] [--reuse]

`--reuse` measures the HTTP figures again on the database a previous run built (no build, no
re-indexing): the same corpus before and after a change.

`--append` adds the table to docs/benchmarks.md under "## Help center at scale, with community
answers".
"""

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "hc_scale"
PORT = 0  # chosen free at start: other benches on this machine use fixed ports (8765)
DEV_QUERIES = ROOT / "bench" / "data" / "helpcenter-dev-queries.jsonl"
PROBE_QUERIES = ROOT / "bench" / "data" / "helpcenter-probe-queries.jsonl"
TARGETS = {
    "first_pass": 30.0,
    "search": 30.0,
    "article": 50.0,
    "reindex": 50.0,
    "edited": 50.0,
    "build": 60.0,
    "topic": 50.0,
    "after_reply": 30.0,
}
REPLIES = {
    "en": [
        "Same here, it arrived after two hours.",
        "Check the network you chose and the transaction hash on the explorer.",
        "Support told me the node was congested, it cleared later.",
    ],
    "zh-hans": [
        "我也遇到了，两个小时后到账了。",
        "检查一下网络和交易哈希。",
        "客服说节点拥堵，后来好了。",
    ],
    "ko": ["저도 그랬어요, 두 시간 후에 들어왔어요.", "네트워크와 트랜잭션 해시를 확인하세요."],
    "ja": [
        "私も同じでした。二時間後に反映されました。",
        "ネットワークとハッシュを確認してください。",
    ],
}


def create_database(*, reuse: bool = False) -> str:
    """Drop and re-create `DATABASE` next to DATABASE_URL's database (unless `reuse`);
    returns its URL."""
    import psycopg2

    url = urlparse(os.environ["DATABASE_URL"])
    if reuse:
        return urlunparse(url._replace(path=f"/{DATABASE}"))
    connection = psycopg2.connect(
        dbname="postgres",
        user=url.username,
        password=url.password,
        host=url.hostname,
        port=url.port or 5432,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {DATABASE}")
    connection.close()
    return urlunparse(url._replace(path=f"/{DATABASE}"))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def synthesise_articles(count: int, seed: int = 7) -> int:
    """`count` published articles in five languages, recombined from the demo articles."""
    import opencc

    from helpcenter.demo import DATA, load_demo_articles
    from helpcenter.models import Article
    from helpcenter.text import field_name

    load_demo_articles()
    demo = json.loads(DATA.read_text(encoding="utf-8"))
    sections = {a.slug: a.section_id for a in Article.objects.all()}
    to_hant = opencc.OpenCC("s2twp")
    languages = ("en", "zh-hans", "ko", "ja")
    pools = {
        lang: [
            line
            for item in demo
            for line in item["translations"][lang]["body"].splitlines()
            if len(line.strip()) > 20
        ]
        for lang in languages
    }
    qualifiers = {
        "en": ["on the app", "for business accounts", "in 2026", "step by step", "FAQ", "tips"],
        "zh-hans": ["（App）", "（企业账户）", "（2026）", "（详细步骤）", "常见问题", "小贴士"],
        "ko": ["(앱)", "(법인 계정)", "(2026)", "(단계별)", "자주 묻는 질문", "팁"],
        "ja": ["（アプリ）", "（法人口座）", "（2026）", "（手順）", "よくある質問", "ヒント"],
    }
    random.seed(seed)
    articles = []
    for number in range(count - len(demo)):
        base = demo[number % len(demo)]
        variant = number // len(demo)
        fields = {}
        for lang in languages:
            text = base["translations"][lang]
            lines = text["body"].splitlines()
            keep = lines[: max(3, len(lines) * random.randint(40, 90) // 100)]
            extra = random.sample(pools[lang], random.randint(3, 12))
            qualifier = qualifiers[lang][variant % len(qualifiers[lang])]
            fields[field_name("title", lang)] = f"{text['title']} {qualifier}".strip()[:200]
            fields[field_name("body", lang)] = "\n".join(keep + [""] + extra)
        fields["title_zh_hant"] = to_hant.convert(fields["title_zh_hans"])
        fields["body_zh_hant"] = to_hant.convert(fields["body_zh_hans"])
        articles.append(
            Article(
                section_id=sections[base["slug"]],
                slug=f"{base['slug']}-v{variant}-{number}"[:120],
                title=fields["title_en"],
                body=fields["body_en"],
                tags=base["tags"],
                status=Article.Status.PUBLISHED,
                audience=Article.Audience.INTERNAL if base["internal"] else "public",
                view_count=random.randint(0, 5000),
                helpful_count=random.randint(0, 50),
                not_helpful_count=random.randint(0, 20),
                **fields,
            )
        )
    Article.objects.bulk_create(articles, batch_size=500)
    for article in Article.objects.filter(slug__in=[item["slug"] for item in demo]):
        article.title_zh_hant = article.title_zh_hant or to_hant.convert(article.title_zh_hans)
        article.body_zh_hant = article.body_zh_hant or to_hant.convert(article.body_zh_hans)
        article.save(update_fields=["title_zh_hant", "body_zh_hant"])
    return Article.objects.count()


def synthesise_topics(count: int) -> int:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from helpcenter.models import ForumPost, ForumTopic

    users = get_user_model().objects
    author = users.create_user("forum-bench", "forum@example.com", "x")
    helper = users.create_user("forum-helper", "helper@example.com", "x")
    staff = users.create_user("forum-staff", "staff@example.com", "x")
    staff.groups.add(Group.objects.get(name="agent"))
    subjects = [
        "Withdrawal pending for hours",
        "提现一直没到账",
        "출금이 안 돼요",
        "出金が反映されない",
        "KYC rejected twice",
        "Which network has the lowest fee?",
    ]
    now = timezone.now()
    for start in range(0, count, 5000):
        topics = ForumTopic.objects.bulk_create(
            ForumTopic(
                title=f"{subjects[n % len(subjects)]} #{n}",
                language=("en", "zh-hans", "ko", "ja", "en", "en")[n % 6],
                author=author,
                last_post_at=now,
                post_count=1,
            )
            for n in range(start, min(start + 5000, count))
        )
        ForumPost.objects.bulk_create(
            ForumPost(topic=topic, author=author, body=f"{topic.title}: any idea what to do?")
            for topic in topics
        )
        # Half the topics have a reply from another customer, one in ten from support staff.
        ForumPost.objects.bulk_create(
            ForumPost(
                topic=topic,
                author=staff if topic.pk % 10 == 0 else helper,
                body=REPLIES[topic.language][topic.pk % len(REPLIES[topic.language])],
            )
            for topic in topics
            if topic.pk % 2 == 0
        )
    return ForumTopic.objects.count()


def time_topic_reply(runs: int = 50, seed: int = 3) -> list[float]:
    """A reply posted (`post_reply`: the post, the topic's counters, re-indexing the topic)."""
    from helpcenter.models import ForumTopic
    from helpcenter.services import post_reply

    random.seed(seed)
    ids = list(ForumTopic.objects.values_list("pk", flat=True))
    timings = []
    for topic_id in random.sample(ids, runs):
        topic = ForumTopic.objects.select_related("author").get(pk=topic_id)
        start = time.perf_counter()
        post_reply(topic=topic, author=topic.author, body=random.choice(REPLIES["en"]))
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def time_search_after_reply(paths: list[str], runs: int = 20) -> list[float]:
    """A reply posted (not timed), then one search: the worker that answers it reloads what it
    keeps of the community index (document table, frequencies) first."""
    from helpcenter.models import ForumTopic
    from helpcenter.services import post_reply

    topics = list(ForumTopic.objects.select_related("author").order_by("?")[:runs])
    timings = []
    for topic, path in zip(topics, paths, strict=False):
        post_reply(topic=topic, author=topic.author, body="Any news on this?")
        timings.extend(time_requests([path]))
    return timings


def time_reindex(runs: int = 50) -> list[float]:
    from helpcenter.models import Article
    from helpcenter.search.index import index_article

    articles = list(Article.objects.order_by("?")[:runs])
    timings = []
    for article in articles:
        start = time.perf_counter()
        index_article(article)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def time_edited_reindex(runs: int = 50, seed: int = 5) -> list[float]:
    """Re-indexing after an edit of every language: three lines of another article appended
    to each body (in memory; the index is what is measured)."""
    from helpcenter.models import Article
    from helpcenter.search.index import index_article
    from helpcenter.text import INDEXED_LANGUAGES, field_name

    random.seed(seed)
    ids = list(Article.objects.values_list("pk", flat=True))
    timings = []
    for article_id, donor_id in zip(
        random.sample(ids, runs), random.sample(ids, runs), strict=True
    ):
        article, donor = Article.objects.get(pk=article_id), Article.objects.get(pk=donor_id)
        for language in INDEXED_LANGUAGES:
            name = field_name("body", language)
            added = (getattr(donor, name) or "").splitlines()[:3]
            setattr(article, name, "\n".join([getattr(article, name) or "", *added]))
        start = time.perf_counter()
        index_article(article)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def start_server(database_url: str) -> tuple[subprocess.Popen, Path]:
    """gunicorn, 2 sync workers, with the API throttles lifted (a bench sends bursts)."""
    global PORT
    PORT = free_port()
    settings_dir = Path(tempfile.mkdtemp(prefix="hc_scale_"))
    (settings_dir / "hc_scale_settings.py").write_text(
        "from config.settings import *  # noqa: F403\n"
        "THROTTLE_SEARCH = THROTTLE_API_ANON = THROTTLE_API_USER = '1000000/min'\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "hc_scale_settings",
        "PYTHONPATH": f"{settings_dir}:{ROOT}",
    }
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi",
        "--workers=2",
        f"--bind=127.0.0.1:{PORT}",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(100):
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.returncode}): port {PORT} taken?")
        try:
            get("/api/v1/helpcenter/announcements/")
            break
        except OSError:
            time.sleep(0.2)
    return server, settings_dir


def get(path: str) -> tuple[int, float, bytes]:
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    connection.request("GET", path, headers={"Accept": "application/json,text/html"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, (time.perf_counter() - start) * 1000, body


def cpu_times(server: subprocess.Popen) -> dict[tuple[str, int], float]:
    """CPU seconds (user + system) used so far by each gunicorn worker and each PostgreSQL
    backend connected to the bench database (this process's own connection excepted)."""
    import psutil
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [DATABASE],
        )
        backends = [("database", pid) for (pid,) in cursor.fetchall()]
    workers = [("workers", child.pid) for child in psutil.Process(server.pid).children()]
    used = {}
    for kind, pid in workers + backends:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        used[(kind, pid)] = times.user + times.system
    return used


def cpu_per_request(before: dict, after: dict, requests: int) -> dict[str, float]:
    """{"workers": ms, "database": ms} of CPU per request between two `cpu_times`."""
    spent = {"workers": 0.0, "database": 0.0}
    for (kind, pid), seconds in after.items():
        spent[kind] += seconds - before.get((kind, pid), 0.0)
    return {kind: seconds * 1000 / requests for kind, seconds in spent.items()}


def time_requests(paths: list[str]) -> list[float]:
    timings = []
    for path in paths:
        status, elapsed, body = get(path)
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status} {body[:200]!r}")
        timings.append(elapsed)
    return timings


def search_paths(rounds: int, source: Path = DEV_QUERIES, count: int | None = None) -> list[str]:
    queries = [json.loads(line) for line in source.read_text().splitlines() if line][:count]
    paths = []
    for _ in range(rounds):
        for item in queries:
            lang = "en" if item["lang"] == "mixed" else item["lang"]
            paths.append("/api/v1/helpcenter/search/?" + urlencode({"q": item["q"], "lang": lang}))
    return paths


def article_paths(count: int, seed: int = 11) -> list[str]:
    from helpcenter.models import Article

    random.seed(seed)
    slugs = list(Article.objects.filter(audience="public").values_list("slug", flat=True))
    languages = ("en", "zh-hans", "zh-hant", "ko", "ja")
    return [
        f"/{random.choice(languages)}/help/articles/{quote(random.choice(slugs))}/"
        for _ in range(count)
    ]


def summary(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), percentile(values, 0.95)


def report(figures: dict, articles: int, documents: int, topics: int) -> str:
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
    names = [line.split(":", 1)[1].strip() for line in cpu if line.startswith("Model name")]
    machine = f"{cores}-core {names[0] if names else 'CPU'}"
    date = subprocess.run(["date", "-u", "+%Y-%m-%d %H:%M UTC"], capture_output=True, text=True)
    lines = [
        f"{date.stdout.strip()}, {machine}; `bench/helpcenter_scale.py`: {articles:,} articles "
        f"({documents:,} search documents, 5 languages), {topics:,} forum topics (searchable: "
        "search at the API includes the community list); HTTP figures "
        "against gunicorn (2 sync workers) on 127.0.0.1, one client, sequential requests; "
        "load average (1, 5, 15 min) before the HTTP runs {:.2f} {:.2f} {:.2f}, after {:.2f} "
        "{:.2f} {:.2f}.".format(*figures["load_before"], *figures["load_after"]),
        "",
        "| measure | n | median | p95 | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for name, label, unit in (
        ("build", "full index build", "s"),
        ("reindex", "re-index one article", "ms"),
        ("topic", "reply posted, topic re-indexed (`post_reply`)", "ms"),
        ("edited", "re-index one article after an edit of all 5 languages", "ms"),
        ("first_pass", "search at the API, first pass over the dev queries", "ms"),
        ("search", "search at the API (dev queries)", "ms"),
        ("article", "article page", "ms"),
        ("after_reply", "search at the API right after a forum reply", "ms"),
    ):
        if name not in figures:  # --reuse: nothing built or re-indexed
            continue
        data = figures[name]
        target = TARGETS[name]
        if name == "build":
            lines.append(
                f"| {label} | 1 | {data:.1f} {unit} | — | < {target:.0f} {unit} | "
                f"{'yes' if data < target else 'no'} |"
            )
            continue
        median, p95 = summary(data)
        met = p95 < target
        lines.append(
            f"| {label} | {len(data)} | {median:.1f} {unit} | {p95:.1f} {unit} | "
            f"p95 < {target:.0f} {unit} | {'yes' if met else 'no'} |"
        )
    cpu = figures["cpu"]
    lines += [
        "",
        f"CPU per search at the API (dev queries): {cpu['workers']:.1f} ms in the gunicorn "
        f"workers, {cpu['database']:.1f} ms in their PostgreSQL backends.",
    ]
    return "\n".join(lines)


def main() -> None:
    global DATABASE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--topics", type=int, default=50_000)
    parser.add_argument("--search-rounds", type=int, default=4, help="passes over the dev set")
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--database", default=DATABASE, help="the bench's own database")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the HTTP figures on an earlier run's database"
    )
    parser.add_argument("--append", action="store_true", help="append to docs/benchmarks.md")
    args = parser.parse_args()

    DATABASE = args.database
    database_url = create_database(reuse=args.reuse)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from helpcenter.models import CommunityDocument, SearchDocument

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages need the manifest
    figures: dict = {}
    if not args.reuse:
        build_and_reindex(args, figures)
    documents = SearchDocument.objects.count()
    community = CommunityDocument.objects.count()
    measure_http(database_url, args, figures)

    from helpcenter.models import Article, ForumTopic

    table = report(figures, Article.objects.count(), documents, ForumTopic.objects.count())
    table += f"\n\nCommunity documents (visible topics) in the index: {community:,}."
    print()
    print(table)
    if args.append:
        with (ROOT / "docs" / "benchmarks.md").open("a", encoding="utf-8") as docs:
            docs.write("\n## Help center at scale, with community answers\n\n" + table + "\n")


def build_and_reindex(args: argparse.Namespace, figures: dict) -> None:
    """The corpus synthesised, the full index build and the re-indexing timings."""
    from django.db import connection

    from helpcenter.models import CommunityDocument, SearchDocument
    from helpcenter.search.index import reindex_all

    print("articles:", synthesise_articles(args.articles), flush=True)
    print("forum topics:", synthesise_topics(args.topics), flush=True)
    start = time.perf_counter()
    reindex_all()
    figures["build"] = time.perf_counter() - start
    print(
        f"index build: {figures['build']:.1f} s ({SearchDocument.objects.count()} documents, "
        f"{CommunityDocument.objects.count()} topics)",
        flush=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    for name, label, timed in (
        ("reindex", "re-index one article", time_reindex),
        ("edited", "re-index after an edit", time_edited_reindex),
        ("topic", "reply and re-index one topic", time_topic_reply),
    ):
        figures[name] = timed()
        print("{}: median {:.1f} ms, p95 {:.1f} ms".format(label, *summary(figures[name])))


def measure_http(database_url: str, args: argparse.Namespace, figures: dict) -> None:
    server, settings_dir = start_server(database_url)
    try:
        # Warm both workers (jieba, OpenCC, index statistics) with other queries, then a first
        # pass over the dev queries (postings not yet kept by the workers), then the measure.
        time_requests(search_paths(1, PROBE_QUERIES, count=20))
        time_requests(article_paths(40, seed=1))
        figures["first_pass"] = time_requests(search_paths(1))
        print(
            "search, first pass: median {:.1f} ms, p95 {:.1f} ms".format(
                *summary(figures["first_pass"])
            )
        )
        figures["load_before"] = os.getloadavg()
        paths = search_paths(args.search_rounds)
        before = cpu_times(server)
        figures["search"] = time_requests(paths)
        figures["cpu"] = cpu_per_request(before, cpu_times(server), len(paths))
        print("search: median {:.1f} ms, p95 {:.1f} ms".format(*summary(figures["search"])))
        print(
            "CPU per search: {workers:.1f} ms workers, {database:.1f} ms database".format(
                **figures["cpu"]
            )
        )
        figures["article"] = time_requests(article_paths(args.pages))
        print("article page: median {:.1f} ms, p95 {:.1f} ms".format(*summary(figures["article"])))
        figures["load_after"] = os.getloadavg()
        figures["after_reply"] = time_search_after_reply(search_paths(1))
        print(
            "search after a reply: median {:.1f} ms, p95 {:.1f} ms".format(
                *summary(figures["after_reply"])
            )
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(settings_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
