"""Generate a realistic Apache combined-format access log, reproducibly.

    .venv/bin/python bench/gen_access_log.py --lines 1000000 --seed 1 -o access.log

The benchmark needs input that exercises the same code paths as a real log:
many distinct IPs with a few heavy crawlers, paths with query strings (a few
with commas, so CSV output must quote), mostly 200s with some 304/404/301/500,
`-` for bytes, referers and agents, and timestamps that increase over several
days with a day/night rhythm. The shapes follow a real log of a small personal
site (10,000 lines from May 2015): 91% 200, 4.5% 304, 2% 404,
1.6% 301; ~40% of referers `-`; ~7% HTTP/1.0.

Speed matters (a million lines should take a few seconds), so every string that
can be is built once into a weighted pool, and the per-line loop only picks
from pools and joins.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import functools
import itertools
import random
import sys
from dataclasses import dataclass
from typing import TextIO

HOSTS = ("http://www.example.org", "http://example.org", "https://www.example.org")
START = dt.datetime(2015, 5, 17, 10, 5, 3, tzinfo=dt.UTC)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CHUNK = 20_000
OTHER_METHODS = ("HEAD",) * 8 + ("POST", "OPTIONS")

# Relative traffic by hour of day (UTC): a European/US audience, quiet at night.
DIURNAL = (4, 3, 3, 2, 2, 2, 3, 4, 6, 8, 9, 10, 10, 10, 10, 11, 11, 10, 9, 8, 7, 6, 6, 5)

TALKS = (
    "log-pipelines-devopsdays-2012", "metrics-everywhere-2013", "grok-patterns-101",
    "shipping-logs-fosdem-2013", "search-at-scale-2014", "monitoring-monitorama-2013",
    "puppet-in-anger-2012", "elastic-clusters-2014", "tracing-requests-2013",
)
TALK_ASSETS = (
    "css/reveal.min.css", "css/theme/default.css", "lib/css/zenburn.css", "js/reveal.min.js",
    "lib/js/head.min.js", "plugin/highlight/highlight.js", "plugin/notes/notes.js",
    "plugin/zoom-js/zoom.js", "lib/font/league_gothic-webfont.woff",
)
IMAGE_WORDS = (
    "architecture", "kibana-search", "kibana-dashboard", "dashboard2", "pipeline", "shipper",
    "indexer", "broker", "graph-latency", "rage-face", "office-space", "overview", "cluster",
    "heap-usage", "throughput", "timeline", "flow", "logo", "demo", "queue", "nodes",
)
PROJECTS = ("xkeymux", "tabfind", "grokker", "tinyhttpd", "pam-captcha", "fexsh", "keynav-ng", "liboverride")
BLOG_WORDS = (
    "ssl", "latency", "debugging", "java", "performance", "puppet", "dns", "dhcp", "ssh",
    "security", "ruby", "jruby", "logging", "unix", "shell", "tricks", "year", "review",
    "nagios", "monitoring", "xorg", "vim", "git", "packaging", "fpm", "testing",
)
TAGS = ("puppet", "ruby", "linux", "logstash", "sysadmin", "year%20review", "networking", "xdo", "vim")
FEED_QUERIES = (
    "flav=rss20", "flav=atom",
    "utm_source=feedburner&utm_medium=feed&utm_campaign=Feed%3A+example%2Fmain+%28example.org%29",
)
SEARCHES = (
    "q=logstash,grok&page=1", "q=puppet,ruby", "q=xkeymux&lang=en,de", "q=ssh%20security",
    "q=dhcp+dns", "q=%22tail%20-f%22", "q=java&sort=date,desc",
)
PROBES = (
    "/wp-login.php", "/wp-admin/", "/wp/wp-admin/", "/blog/wp-admin/", "/wordpress/wp-admin/",
    "/administrator/", "/phpmyadmin/scripts/setup.php", "/xmlrpc.php", "/.env",
    "/wp-login.php?action=register", "/admin/config.php", "/cgi-bin/test.cgi",
)
# (weight, networks a crawler's addresses come from or None for people/feed readers, agent)
GOOGLE = ("66.249.73", "66.249.66", "66.249.64")
AGENTS = (
    (104, None, ("Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
                 "Chrome/32.0.1700.107 Safari/537.36")),
    (37, None, ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/33.0.1750.91 Safari/537.36")),
    (30, None, "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:27.0) Gecko/20100101 Firefox/27.0"),
    (27, None, ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/32.0.1700.107 Safari/537.36")),
    (24, None, "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:27.0) Gecko/20100101 Firefox/27.0"),
    (23, None, "Mozilla/5.0 (X11; Linux x86_64; rv:27.0) Gecko/20100101 Firefox/27.0"),
    (18, None, ("Mozilla/5.0 (Windows NT 6.3; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/32.0.1700.107 Safari/537.36")),
    (17, None, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.7; rv:22.0) Gecko/20100101 Firefox/22.0"),
    (15, None, ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/32.0.1700.77 Safari/537.36")),
    (9, None, ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.73.11 (KHTML, like Gecko) "
               "Version/7.0.1 Safari/537.73.11")),
    (9, None, "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; WOW64; Trident/5.0)"),
    (6, None, "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)"),
    (8, None, ("Mozilla/5.0 (iPhone; CPU iPhone OS 7_0_4 like Mac OS X) AppleWebKit/537.51.1 "
               "(KHTML, like Gecko) Version/7.0 Mobile/11B554a Safari/9537.53")),
    (5, None, ("Mozilla/5.0 (Linux; Android 4.4.2; Nexus 5 Build/KOT49H) AppleWebKit/537.36 "
               "(KHTML, like Gecko) Chrome/32.0.1700.99 Mobile Safari/537.36")),
    (19, None, "-"),
    (36, (), "UniversalFeedParser/4.2-pre-314-svn +http://feedparser.org/"),
    (20, (), "Tiny Tiny RSS/1.11 (http://tt-rss.org/)"),
    (11, ("64.233.172", "74.125.16"), "FeedBurner/1.0 (http://www.FeedBurner.com)"),
    (24, GOOGLE, "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
    (27, GOOGLE, ("Mozilla/5.0 (iPhone; CPU iPhone OS 6_0 like Mac OS X) AppleWebKit/536.26 (KHTML, like Gecko) "
                  "Version/6.0 Mobile/10A5376e Safari/8536.25 (compatible; Googlebot/2.1; "
                  "+http://www.google.com/bot.html)")),
    (6, ("157.55.39", "207.46.13"), "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"),
    (11, ("68.180.224",), "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)"),
    (8, ("180.76.5", "180.76.6"), "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"),
    (6, ("100.43.83",), "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)"),
    (17, ("207.241.229",), "Mozilla/5.0 (compatible; archive.org_bot +http://www.archive.org/details/archive.org_bot)"),
    (6, (), "Chef Client/10.18.2 (ruby-1.9.3-p327; ohai-6.16.0; x86_64-linux; +http://opscode.com)"),
)
EXTERNAL_REFERERS = (  # (weight, referer)
    (30, "https://www.google.com/"), (8, "https://www.google.de/"), (6, "https://www.google.co.uk/"),
    (10, "http://www.google.com/search?q=xkeymux+linux&ie=utf-8"),
    (4, "https://www.bing.com/search?q=grok+patterns&form=QBRE"), (5, "http://news.ycombinator.com/"),
    (3, "https://twitter.com/"), (2, "http://t.co/4bV2xKdPyQ"), (3, "http://www.reddit.com/r/sysadmin/"),
    (2, "http://stackoverflow.com/questions/1262639/xdotool-key-sequence"),
    (2, "https://duckduckgo.com/"), (1, "http://feedly.com/"),
)


@dataclass(frozen=True)
class Resource:
    path: str
    size: int
    page: bool  # a page is what later requests of a visit name as their referer
    statuses: tuple[str, ...]  # statuses other than 200 this resource may answer ...
    cum: tuple[float, ...]  # ... with these cumulative probabilities


def _weights_to_cum(weights: list[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def _size(rng: random.Random, path: str) -> int:
    """A plausible body size by file type; fixed per resource, as on a real server."""
    ext = path.rsplit("?", 1)[0].rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else "html"
    median = {"png": 60_000, "gif": 250_000, "jpg": 90_000, "css": 8_000, "js": 30_000, "woff": 70_000,
              "ico": 3_638, "txt": 200, "gz": 2_000_000, "jar": 60_000_000, "xhtml": 25_000}.get(ext, 20_000)
    return max(120, int(rng.lognormvariate(0, 0.6) * median))


def _resources(rng: random.Random) -> tuple[list[Resource], list[float]]:
    """The site: every servable path with its popularity."""
    entries: list[tuple[str, float, bool]] = [  # (path, popularity, is_page)
        ("/favicon.ico", 800, False), ("/style2.css", 550, False), ("/reset.css", 540, False),
        ("/images/avatar-80.png", 530, False), ("/images/web/2009/banner.png", 520, False),
        ("/", 200, True), ("/robots.txt", 180, False), ("/images/googledotcom.png", 100, False),
        ("/blog/", 60, True), ("/articles/", 20, True), ("/projects/", 30, True),
    ]
    for q in FEED_QUERIES:
        entries.append((f"/?{q}", rng.uniform(10, 220), False))
        entries.append((f"/blog/tags/puppet?{q}", rng.uniform(10, 480), False))
    entries += [(f"/?page={n}", 30 / n, True) for n in range(2, 12)]
    for tag in TAGS:
        entries.append((f"/blog/tags/{tag}", rng.uniform(5, 40), True))
    for q in SEARCHES:
        entries.append((f"/search?{q}", rng.uniform(1, 6), True))
    for talk in TALKS:
        pop = rng.uniform(5, 60)
        entries.append((f"/presentations/{talk}/", pop * 2, True))
        entries.extend((f"/presentations/{talk}/{a}", pop, False) for a in TALK_ASSETS)
        for word in rng.sample(IMAGE_WORDS, rng.randint(8, 16)):
            ext = rng.choice(("png", "png", "png", "gif", "jpg"))
            entries.append((f"/presentations/{talk}/images/{word}.{ext}", pop * rng.uniform(0.2, 1.2), False))
    for proj in PROJECTS:
        pop = rng.uniform(5, 120)
        entries += [(f"/projects/{proj}/", pop * 2, True), (f"/projects/{proj}/{proj}.xhtml", pop, True),
                    (f"/files/{proj}/docs/html/", pop / 3, True)]
        for minor in range(rng.randint(2, 8)):
            entries.append((f"/files/{proj}/{proj}-2.{minor}.tar.gz", pop / (9 - minor), False))
    entries.append(("/files/logship/logship-1.3.2-flatjar.jar", 40, False))
    for i in range(2500):
        words = "-".join(rng.sample(BLOG_WORDS, rng.randint(2, 4)))
        pop = 300 / (i + 5)  # Zipf-like: a few posts are found by everyone, most rarely
        path = f"/blog/geekery/{words}.html" if i % 3 else f"/articles/{words}/"
        entries.append((path, pop, True))
        if i % 7 == 0:
            entries.append((f"{path}?commentlimit=0", pop / 4, True))
    resources = []
    for path, _pop, page in entries:
        big = path.endswith((".gz", ".jar"))
        cacheable = not page and "?" not in path
        others = ("304", "206", "500", "416") if big else ("304", "500") if cacheable else ("500",)
        probs = {"304": 0.09 if cacheable else 0.0, "206": 0.15, "500": 0.0008, "416": 0.004}
        resources.append(Resource(path, _size(rng, path), page, others,
                                  tuple(_weights_to_cum([probs[s] for s in others]))))
    return resources, _weights_to_cum([pop for _path, pop, _page in entries])


def _error_paths(rng: random.Random) -> tuple[list[str], list[str], list[str]]:
    """Paths answered 404 (gone files, typos, probes), 301 (a directory without its slash), 403."""
    missing = list(PROBES) + ["/apple-touch-icon.png", "/apple-touch-icon-precomposed.png",
                              "/images/header-old.png", "/blog/feed/", "/sitemap.xml"]
    missing += [f"/files/{p}/{p}-1.{m}.jar" for p in PROJECTS for m in range(3)]
    missing += [f"/presentations/{t}/images/{w}.png" for t in TALKS for w in rng.sample(IMAGE_WORDS, 3)]
    # A long tail of one-off misses, so that a top-10 of 404s has a real distribution under it.
    for _ in range(3000):
        words = "-".join(rng.sample(BLOG_WORDS, rng.randint(1, 3)))
        missing.append(rng.choice((f"/blog/geekery/{words}.htm", f"/{words}.php", f"/images/{words}.jpg",
                                   f"/articles/{words}", f"/files/{words}/")))
    redirects = ["/blog", "/articles", "/projects", "/files"] + [f"/projects/{p}" for p in PROJECTS]
    redirects += [f"/presentations/{t}" for t in TALKS] + [f"/files/{p}/docs" for p in PROJECTS]
    forbidden = ["/server-status", "/cgi-bin/", "/files/.htaccess"]
    return missing, redirects, forbidden


def _visitors(rng: random.Random, count: int) -> tuple[list[tuple[str, str]], list[float]]:
    """(ip, agent) pairs, Zipf-weighted: a few clients make much of the traffic, as crawlers do.

    Agents are drawn by their share of requests in the real log; crawlers get
    addresses from their operators' networks.
    """
    agent_cum = _weights_to_cum([w for w, _nets, _a in AGENTS])
    visitors, weights = [], []
    for i in range(count):
        _w, nets, agent = rng.choices(AGENTS, cum_weights=agent_cum)[0]
        a, b, c, d = (int(rng.random() * 256) for _ in range(4))  # randint() would double this loop's time
        if nets:
            ip = f"{nets[a % len(nets)]}.{d % 254 + 1}"
        else:
            ip = f"{a % 223 + 1}.{b}.{c}.{d % 254 + 1}"
        visitors.append((ip, agent))
        weights.append(1.0 / (i + 10) ** 0.9 + 0.0005)
    return visitors, _weights_to_cum(weights)


@functools.cache
def _second_weights(days: float) -> list[float]:
    """Cumulative traffic per second of the span, following DIURNAL with minute-level noise.

    Cached: it depends only on the span, and is the slowest part of a small run. Not to be mutated.
    """
    seconds = int(days * 86400)
    rng = random.Random(seconds)
    minute_factor = [rng.uniform(0.5, 1.5) for _ in range(seconds // 60 + 1)]
    hour0 = START.hour * 3600 + START.minute * 60 + START.second
    return list(itertools.accumulate(
        DIURNAL[((hour0 + s) // 3600) % 24] * minute_factor[s // 60] for s in range(seconds)))


class _Clock:
    """Formats `17/May/2015:10:05:03 +0000` for START + n seconds, one day prefix per day."""

    def __init__(self) -> None:
        self.offset = START.hour * 3600 + START.minute * 60 + START.second
        self.day, self.prefix = -1, ""

    def stamp(self, second: int) -> str:
        day, sod = divmod(self.offset + second, 86400)
        if day != self.day:
            d = START.date() + dt.timedelta(days=day)
            self.day, self.prefix = day, f"{d.day:02d}/{MONTHS[d.month - 1]}/{d.year}:"
        h, rest = divmod(sod, 3600)
        return f"{self.prefix}{h:02d}:{rest // 60:02d}:{rest % 60:02d} +0000"


def _tail_query(rng: random.Random, path: str) -> str:
    """A one-off query string, as comment links, pagers and directory listings produce."""
    if path.startswith("/files/") and path.endswith("/"):
        return f"{path}?C={rng.choice('NMSD')};O={rng.choice('AD')}"
    return f"{path}?replytocom={rng.randint(100, 99999)}" if rng.random() < 0.5 else f"{path}?page={rng.randint(2, 60)}"


def generate(out: TextIO, lines: int, seed: int, days: float = 4.0) -> None:
    """Write `lines` log lines to `out`; the same arguments always give the same bytes."""
    rng = random.Random(seed)
    resources, res_cum = _resources(rng)
    missing, redirects, forbidden = _error_paths(rng)
    visitors, vis_cum = _visitors(rng, 20_000)
    vis_total = vis_cum[-1]
    sec_cum = _second_weights(days)
    last_second = len(sec_cum) - 1
    mass_per_line = sec_cum[-1] / max(lines, 1)
    ext_cum = _weights_to_cum([w for w, _r in EXTERNAL_REFERERS])
    ext_total = ext_cum[-1]
    externals = [r for _w, r in EXTERNAL_REFERERS]
    # What a request is: a site resource (with its own status mix), or a
    # request for a missing, moved or forbidden path.
    kinds, kind_cum = ("ok", "404", "301", "403"), _weights_to_cum([96.2, 2.1, 1.65, 0.05])
    clock = _Clock()
    second, stamp_second, stamp = 0, -1, ""
    visitor, last_page = visitors[0], "/"
    written = 0
    while written < lines:
        n = min(CHUNK, lines - written)
        picks = rng.choices(resources, cum_weights=res_cum, k=n)
        kind_picks = rng.choices(kinds, cum_weights=kind_cum, k=n)
        out_lines = []
        for i in range(n):
            # Line i's share of the span's traffic fixes its second, so times never decrease.
            target = (written + i + rng.random()) * mass_per_line
            while sec_cum[second] < target and second < last_second:
                second += 1
            if second != stamp_second:
                stamp_second, stamp = second, clock.stamp(second)
            r, u = rng.random(), rng.random()
            if r >= 0.55:  # a new visit; otherwise the same visitor fetches the next resource
                visitor = visitors[bisect.bisect(vis_cum, rng.random() * vis_total)]
                referer = "-" if r < 0.85 else externals[bisect.bisect(ext_cum, (r - 0.85) / 0.15 * ext_total)]
            else:
                referer = f"{HOSTS[int(r * 100) % 3]}{last_page}" if r > 0.05 else "-"
            kind, res = kind_picks[i], picks[i]
            if kind == "ok":
                path, status = res.path, "200"
                for st, c in zip(res.statuses, res.cum):
                    if u < c:
                        status = st
                        break
                if res.page:
                    if u > 0.97:
                        path = _tail_query(rng, path)
                    last_page = path
                if status == "200":
                    nbytes = "-" if u > 0.977 else str(res.size)  # aborted transfers log no size
                elif status == "206":
                    nbytes = str(1 + int(u * 1e6) % res.size)
                elif status == "416":
                    nbytes = "0"
                else:
                    nbytes = "-" if status == "304" or u > 0.5 else "532"
            elif kind == "404":
                path, status = missing[int(u * u * len(missing))], "404"  # u*u: early entries are common
                nbytes = "-" if u > 0.96 else str(280 + len(path))
            elif kind == "301":
                path, status = redirects[int(u * len(redirects))], "301"
                nbytes = str(300 + 2 * len(path))
            else:
                path, status = forbidden[int(u * len(forbidden))], "403"
                nbytes = str(290 + len(path))
            m = rng.random()
            method = "GET" if m < 0.995 else OTHER_METHODS[int(m * 1e5) % len(OTHER_METHODS)]
            proto = "HTTP/1.1" if m * 1e3 % 1 < 0.93 else "HTTP/1.0"  # independent of the method
            ip, agent = visitor
            out_lines.append(f'{ip} - - [{stamp}] "{method} {path} {proto}" {status} {nbytes} '
                             f'"{referer}" "{agent}"\n')
        out.write("".join(out_lines))
        written += n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--days", type=float, default=4.0, help="span of the timestamps (default 4)")
    ap.add_argument("-o", "--output", help="file to write (default: stdout)")
    args = ap.parse_args(argv)
    if args.output:
        with open(args.output, "w", encoding="ascii", newline="\n") as f:
            generate(f, args.lines, args.seed, args.days)
    else:
        generate(sys.stdout, args.lines, args.seed, args.days)
    return 0


if __name__ == "__main__":
    sys.exit(main())
