#!/usr/bin/env python3
"""extract_quality.py: how well `stance extract` finds the article and its
metadata on the readability test pages (../shared/fixtures/extraction/readability).

For each page: `stance extract --json --url URL source.html`, then
- text: precision, recall and F1 of 4-word shingles of the extracted body's
  text against the text of expected.html;
- title and byline: precision, recall and F1 of their words against
  expected-metadata.json (a page whose expected byline is empty counts 1.0
  when we find none, 0.0 when we invent one).
Averages over the pages are printed, then the worst pages, then the speed:
pages per second of the extraction itself (the whole process, one core).

usage: bench/extract_quality.py [STANCE_BINARY] [FIXTURE_DIR] [--worst N] [--page NAME]
"""
import html.parser
import json
import os
import resource
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORD = re.compile(r"\w+", re.UNICODE)


class TextOf(html.parser.HTMLParser):
    """The text of an HTML fragment, as a browser's textContent."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        self.parts.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_text(markup):
    p = TextOf()
    p.feed(markup)
    return "".join(p.parts)


def markdown_text(md):
    """Markdown to plain words: link targets, markup characters and escapes go."""
    md = re.sub(r"\]\([^)\s]*(\s+\"[^\"]*\")?\)", "]", md)  # [text](url) -> [text]
    md = re.sub(r"<(https?|mailto):[^>]*>", " ", md)
    md = re.sub(r"\\(.)", r"\1", md)
    return md


def words(text):
    return [w.lower() for w in WORD.findall(text)]


def shingles(ws, k=4):
    if len(ws) < k:
        return {tuple(ws)} if ws else set()
    out = {}
    for i in range(len(ws) - k + 1):
        t = tuple(ws[i:i + k])
        out[t] = out.get(t, 0) + 1
    return out


def prf(got, want):
    """Precision, recall, F1 of two multisets (dicts of counts) or sets."""
    if isinstance(got, set):
        got = {k: 1 for k in got}
    if isinstance(want, set):
        want = {k: 1 for k in want}
    if not got and not want:
        return 1.0, 1.0, 1.0
    if not got or not want:
        return 0.0, 0.0, 0.0
    common = sum(min(c, want.get(k, 0)) for k, c in got.items())
    p = common / sum(got.values())
    r = common / sum(want.values())
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def bag(ws):
    out = {}
    for w in ws:
        out[w] = out.get(w, 0) + 1
    return out


def main():
    args = [a for a in sys.argv[1:]]
    worst = 10
    only = None
    if "--worst" in args:
        i = args.index("--worst")
        worst = int(args[i + 1])
        del args[i:i + 2]
    if "--page" in args:
        i = args.index("--page")
        only = args[i + 1]
        del args[i:i + 2]
    binary = args[0] if args else os.path.join(ROOT, "build", "stance")
    fixtures = args[1] if len(args) > 1 else os.path.join(ROOT, "..", "shared", "fixtures", "extraction", "readability")
    pages = sorted(d for d in os.listdir(fixtures) if os.path.isdir(os.path.join(fixtures, d)))
    if only:
        pages = [only]
    rows = []
    spent = 0.0
    failures = 0
    for name in pages:
        d = os.path.join(fixtures, name)
        src = os.path.join(d, "source.html")
        if not os.path.exists(src):
            continue
        t0 = time.perf_counter()
        run = subprocess.run([binary, "extract", "--json", "--url", "http://fakehost/test/page.html", src],
                             capture_output=True)
        spent += time.perf_counter() - t0
        if run.returncode == 0:
            got = json.loads(run.stdout.decode("utf-8"))
        else:
            failures += 1
            got = {"title": None, "authors": [], "body": ""}
        with open(os.path.join(d, "expected.html"), encoding="utf-8") as f:
            want_text = html_text(f.read())
        with open(os.path.join(d, "expected-metadata.json"), encoding="utf-8") as f:
            meta = json.load(f)
        tp, tr, tf = prf(shingles(words(markdown_text(got.get("body") or ""))), shingles(words(want_text)))
        _, _, title_f = prf(bag(words(got.get("title") or "")), bag(words(meta.get("title") or "")))
        _, _, by_f = prf(bag(words(", ".join(got.get("authors") or []))), bag(words(meta.get("byline") or "")))
        rows.append((name, tp, tr, tf, title_f, by_f))
        if only:
            print(run.stderr.decode("utf-8", "replace"))
            print(json.dumps(got, ensure_ascii=False, indent=1)[:3000])
    n = len(rows)
    avg = lambda i: sum(r[i] for r in rows) / n
    # Speed: every page in one process, pinned to one core, best of seven
    # (on a shared virtual machine single runs swing by half).
    sources = [os.path.join(fixtures, name, "source.html") for name in pages
               if os.path.exists(os.path.join(fixtures, name, "source.html"))]
    pin = ["taskset", "-c", "0"] if subprocess.run(["which", "taskset"], capture_output=True).returncode == 0 else []
    best = None
    best_cpu = None
    for _ in range(7):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(pin + [binary, "extract", "--json", "--url", "http://fakehost/test/page.html"] + sources,
                       capture_output=True)
        t = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        best = t if best is None or t < best else best
        best_cpu = cpu if best_cpu is None or cpu < best_cpu else best_cpu
    mb = sum(os.path.getsize(f) for f in sources) / 1e6
    print(f"pages: {n} (extraction failed on {failures})")
    print(f"text   precision {avg(1):.3f}  recall {avg(2):.3f}  F1 {avg(3):.3f}")
    print(f"title  F1 {avg(4):.3f}")
    print(f"byline F1 {avg(5):.3f}")
    print(f"speed  {len(sources) / best:.0f} pages/s, {mb / best:.1f} MB/s (all {len(sources)} pages, {mb:.1f} MB, in one process on one core; best of 7)")
    print(f"       {len(sources) / best_cpu:.0f} pages per CPU-second (user+system time of that process)")
    print(f"       {n / spent:.1f} pages/s counting a process start per page")
    print(f"\nworst {worst} by text F1:")
    for r in sorted(rows, key=lambda r: r[3])[:worst]:
        print(f"  {r[0]:45s} P {r[1]:.2f} R {r[2]:.2f} F1 {r[3]:.2f}  title {r[4]:.2f}  byline {r[5]:.2f}")


if __name__ == "__main__":
    main()
