#!/usr/bin/env python3
"""Writes an archive-shaped stance history: DOCS documents and REVS revisions
in all (one commit each, in date order), bodies from 1 KB to MAX_KB
(log-uniform), texts in Danish, English, German and Swedish, Markdown with
headings, lists (some nested, some numbered), tables, links and images. Each
revision does what the archive's revisions do: rewords a sentence, re-wraps or
moves a paragraph, adds one, drops one, or brings a dropped one back.

The shape follows a real archive of terms and privacy policies (42,627
versions of 875 documents): a few documents with thousands of revisions,
some with hundreds, one long document (~137 KB) with about a thousand, and
the rest with few. At 40,000 revisions:

  a000..a007   8 documents, 40% of the revisions (1,300 to 2,800 each, ~50 KB)
  p008         the positions document: 2.5% (about 1,000), ~137 KB, Danish
  b009..b032   24 documents, 30% (230 to 720 each, about 490 on average)
  c...         the rest, 27.5% (a dozen each)

(the same shares at any size; a history with fewer than two revisions a
document, or fewer than 40 documents, spreads them evenly). Every body is in
stance's canonical form (docs/format.md), so `stance import` stores the
bytes given and its trees can be compared with git's.

usage: gen_archive.py DOCS REVS [MAX_KB] > stream      a `git fast-import` stream,
           with a first commit of the .stance skeleton (bench/questions.sh)
       gen_archive.py --manifest OUTDIR DOCS REVS [MAX_KB] [NEW]
           OUTDIR/files/NNNNN.md     one file per revision
           OUTDIR/manifest.tsv       file, id, date, author, message
           OUTDIR/stream.fi          the same commits as a fast-import stream,
                                     on top of refs/heads/main (`stance init`)
           OUTDIR/new/...            NEW (default 100) later revisions of NEW
                                     documents, as files, manifest.tsv and
                                     stream.fi on top of the first
           OUTDIR/documents.tsv      id, revisions, bytes of the newest, role
Deterministic for given arguments; the first REVS revisions do not depend on
NEW. The document with the most revisions is a000/doc-0000 (bench/questions.sh
blames it)."""
import math
import os
import random
import re
import sys
from datetime import datetime, timezone

VOCAB = {
    "da": ("kommunerne skal have mere frihed til at tilrettelægge velfærden lokalt vi mener at staten "
           "bør stille færre krav der er brug for tillid borgerne forventer nærhed kvalitet og ansvar "
           "reformen kræver mod vilje samarbejde på tværs af sektorer regionerne ønsker klare rammer "
           "økonomi styring udledningen halveres inden 2030 frikommuner grøn omstilling ældreplejen "
           "skolerne lærere børn unge sundhed beskæftigelse aalborg århus byrådet").split(),
    "en": ("the municipalities must have more freedom to organise welfare locally we believe the state "
           "should set fewer demands there is a need for trust citizens expect quality and responsibility "
           "the reform requires courage will cooperation across sectors regions want clear frameworks "
           "economy emissions halved by 2030 green transition schools teachers health employment").split(),
    "de": ("die kommunen müssen mehr freiheit haben um die wohlfahrt lokal zu gestalten wir meinen dass "
           "der staat weniger anforderungen stellen sollte es braucht vertrauen die bürger erwarten nähe "
           "qualität und verantwortung die reform verlangt mut willen zusammenarbeit klimaschutz").split(),
    "sv": ("kommunerna ska ha mer frihet att organisera välfärden lokalt vi anser att staten bör ställa "
           "färre krav det behövs förtroende medborgarna förväntar sig närhet kvalitet och ansvar "
           "reformen kräver mod vilja samarbete över sektorsgränser regionerna vill ha tydliga ramar").split(),
}
LANGS = ["da"] * 6 + ["en"] * 2 + ["de", "sv"]
KINDS = ["article", "debate", "editorial", "blog", "theme", "other"]
ORGS = ["KL", "Danske Regioner", "DN", "LO", "DI", "Ældre Sagen", "Red Barnet", "Concito"]
# a word, or a link or an image as one token (an image's alt text has spaces)
TOKEN = re.compile(r"!\[[^\]]*\]\([^)]*\)|\S+")
# cmark-gfm's renderer escapes "2030." at the start of a line (it would read
# as a list item), so a re-wrap never starts a line with such a word
NUMBERED = re.compile(r"\d+[.)]")


def image(rng, lang):
    words = VOCAB[lang]
    alt = " ".join(rng.choice(words) for _ in range(rng.randint(1, 4))).capitalize()
    return f"![{alt}](https://example.org/img/{rng.choice(words)}-{rng.randrange(1000)}.png)"


def sentence(rng, lang):
    words = VOCAB[lang]
    s = " ".join(rng.choice(words) for _ in range(rng.randint(6, 18)))
    r = rng.random()
    if r < 0.1:
        s += f" [{rng.choice(words)}](https://example.org/{rng.choice(words)})"
    elif r < 0.13:
        s += " " + image(rng, lang)
    return s[0].upper() + s[1:] + "."


# Blocks are written in canonical form: cmark-gfm's CommonMark renderer puts
# "  - " before a bullet, six spaces before a nested one, "1.  " before a
# numbered item, and "<!-- end list -->" between two lists (see text()).
def block(rng, lang):
    r = rng.random()
    words = VOCAB[lang]
    if r < 0.08:
        return "## " + " ".join(rng.choice(words) for _ in range(3)).capitalize()
    if r < 0.14:
        return "\n".join("  - " + sentence(rng, lang) for _ in range(rng.randint(2, 5)))
    if r < 0.17:                                     # a list with a nested list
        items = []
        for _ in range(rng.randint(2, 4)):
            items.append("  - " + sentence(rng, lang))
            if rng.random() < 0.5:
                items += ["      - " + sentence(rng, lang) for _ in range(rng.randint(1, 3))]
        return "\n".join(items)
    if r < 0.19:
        return "\n".join(f"{k + 1}.  " + sentence(rng, lang) for k in range(rng.randint(2, 6)))
    if r < 0.21:
        return image(rng, lang)
    if r < 0.26:
        rows = ["| " + " | ".join(rng.choice(words) for _ in range(3)) + " |" for _ in range(rng.randint(2, 6))]
        return "\n".join([rows[0], "| --- | --- | --- |"] + rows[1:])
    return " ".join(sentence(rng, lang) for _ in range(rng.randint(2, 7)))


def is_list(b):
    return b.startswith("  - ") or (b[0].isdigit() and b.startswith(b.split(".", 1)[0] + ".  "))


def is_prose(b):
    return not (b.startswith(("## ", "| ", "![")) or is_list(b))


def wrap(text, width):
    out, line = [], ""
    for w in TOKEN.findall(text):
        if line and len(line) + 1 + len(w) > width and not NUMBERED.match(w):
            out.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    out.append(line)
    return "\n".join(out)


class Doc:
    def __init__(self, rng, i, size, lang=None):
        self.i = i
        self.lang = lang or rng.choice(LANGS)
        self.id = f"{prefix(i)}{i % 40:03d}/doc-{i:04d}"
        self.kind = rng.choice(KINDS)
        self.org = rng.choice(ORGS)
        self.size = size
        self.blocks = []
        self.dropped = []
        n = 0
        while n < size:
            b = block(rng, self.lang)
            self.blocks.append(b)
            n += len(b) + 2

    def edit(self, rng):
        b = self.blocks
        r = rng.random()
        prose = [k for k, x in enumerate(b) if is_prose(x)]
        if r < 0.35 and prose:                       # reword a sentence
            k = rng.choice(prose)
            words = TOKEN.findall(b[k])
            j = rng.randrange(len(words))
            if words[j].isalnum():
                words[j] = rng.choice(VOCAB[self.lang])
            b[k] = " ".join(words)
        elif r < 0.5 and prose:                      # re-wrap a paragraph
            k = rng.choice(prose)
            flat = " ".join(TOKEN.findall(b[k]))
            b[k] = flat if "\n" in b[k] else wrap(flat, rng.randint(50, 90))
        elif r < 0.65 and len(b) > 2:                # move a block
            x = b.pop(rng.randrange(len(b)))
            b.insert(rng.randrange(len(b) + 1), x)
        elif r < 0.8:                                # add a block
            b.insert(rng.randrange(len(b) + 1), block(rng, self.lang))
        elif r < 0.92 and len(b) > 2:                # drop a block
            self.dropped.append(b.pop(rng.randrange(len(b))))
        elif self.dropped:                           # bring one back
            b.insert(rng.randrange(len(b) + 1), self.dropped.pop())
        else:
            b.append(block(rng, self.lang))
        # keep the size near its target
        while sum(len(x) + 2 for x in b) > self.size * 1.3 and len(b) > 2:
            self.dropped.append(b.pop(rng.randrange(len(b))))

    def text(self):
        title = f"Dokument {self.i} om " + ("nærhed" if self.lang == "da" else "welfare")
        fm = (f"---\nid: {self.id}\ntitle: {title}\nkind: {self.kind}\n"
              f"authors: [Forfatter {self.i % 37}]\norganization: {self.org}\n"
              f"published: 2010-01-01\nlanguage: {self.lang}\n---\n\n")
        parts = []
        for k, x in enumerate(self.blocks):
            if k and is_list(x) and is_list(self.blocks[k - 1]):
                parts.append("<!-- end list -->")
            parts.append(x)
        return fm + "\n\n".join(parts) + "\n"


HEAVY, HUNDREDS = 8, 24
POSITIONS = HEAVY                  # the index of the positions document
TIERED = [False]                   # set by shape(): whether the ids carry tiers


def prefix(i):
    if not TIERED[0]:
        return "a" if i < 8 else "c"
    if i < HEAVY:
        return "a"
    if i == POSITIONS:
        return "p"
    return "b" if i <= POSITIONS + HUNDREDS else "c"


def role(i):
    return {"a": "thousands", "p": "positions", "b": "hundreds", "c": "few"}[prefix(i)]


def shape(rng, ndocs, nrevs, max_kb):
    """Each document's target size, language (or None) and weight in the draw
    of revisions after every document's first."""
    sizes = [int(1024 * math.exp(rng.uniform(0, math.log(max_kb)))) for _ in range(ndocs)]
    langs = [None] * ndocs
    weights = [1.0] * ndocs
    TIERED[0] = nrevs >= 2 * ndocs and ndocs >= 40
    if not TIERED[0]:
        return sizes, langs, weights
    later = nrevs - ndocs              # revisions after the first of each
    heavy = [1.5, 1.3, 1.2, 1.1, 1.0, 0.9, 0.8, 0.7]
    for k in range(HEAVY):
        sizes[k] = int(min(max_kb, 40) * 1024)
        weights[k] = 0.40 * later * heavy[k] / sum(heavy)
    # a body grows towards 1.3x its target as revisions add blocks (Doc.edit)
    sizes[POSITIONS] = int(min(max_kb, 137) / 1.3 * 1024)
    langs[POSITIONS] = "da"
    weights[POSITIONS] = 0.025 * later
    for k in range(HUNDREDS):
        weights[POSITIONS + 1 + k] = 0.30 * later * (0.5 + k / (HUNDREDS - 1)) / HUNDREDS
    rest = ndocs - HEAVY - 1 - HUNDREDS
    for k in range(POSITIONS + 1 + HUNDREDS, ndocs):
        weights[k] = 0.275 * later / rest
    return sizes, langs, weights


class Writer:
    """A fast-import stream, and with a folder also the files and manifest."""

    def __init__(self, stream, folder=None, first_from=False):
        self.out = stream
        self.mark = 0
        self.folder = folder
        self.first_from = first_from
        self.seq = 0
        self.manifest = None
        if folder:
            os.makedirs(os.path.join(folder, "files"), exist_ok=True)
            self.manifest = open(os.path.join(folder, "manifest.tsv"), "w", encoding="utf-8")
            self.manifest.write("file\tid\tdate\tauthor\tmessage\n")

    def blob(self, data):
        self.mark += 1
        self.out.write(b"blob\nmark :%d\ndata %d\n" % (self.mark, len(data)) + data + b"\n")
        return self.mark

    def commit(self, t, msg, files):
        msg = msg.encode()
        self.out.write(b"commit refs/heads/main\nauthor Bench <b@example.org> %d +0000\n"
                       b"committer Bench <b@example.org> %d +0000\ndata %d\n%s" % (t, t, len(msg), msg))
        if self.first_from:
            self.out.write(b"from refs/heads/main^0\n")
            self.first_from = False
        for p, m in files:
            self.out.write(b"M 100644 :%d %s\n" % (m, p.encode()))
        self.out.write(b"\n")

    def revision(self, t, doc, verb, data):
        msg = f"{verb} {doc.id}"
        if self.manifest:
            self.seq += 1
            name = f"files/{self.seq:05d}.md"
            with open(os.path.join(self.folder, name), "wb") as f:
                f.write(data)
            date = datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            self.manifest.write(f"{name}\t{doc.id}\t{date}\tBench <b@example.org>\t{msg}\n")
        self.commit(t, msg + "\n", [(doc.id + ".md", self.blob(data))])
        return len(data)

    def close(self):
        if self.manifest:
            self.manifest.close()
        self.out.flush()


def revise(rng, doc, edit):
    """The document's next text; an edit that changed nothing (a word
    replaced by itself) is done again, as stance skips such a revision."""
    text = doc.text()
    while edit:
        doc.edit(rng)
        new = doc.text()
        if new != text:
            return new.encode()
    return text.encode()


def main():
    args = sys.argv[1:]
    folder = None
    if args and args[0] == "--manifest":
        folder, args = args[1], args[2:]
    if len(args) < 2:
        sys.exit(__doc__)
    ndocs, nrevs = int(args[0]), int(args[1])
    max_kb = float(args[2]) if len(args) > 2 else 150
    nnew = int(args[3]) if len(args) > 3 else 100
    rng = random.Random(16)
    sizes, langs, weights = shape(rng, ndocs, nrevs, max_kb)
    docs = [Doc(rng, i, sizes[i], langs[i]) for i in range(ndocs)]
    t = 1262304000  # 2010-01-01
    if folder:
        os.makedirs(os.path.join(folder, "new"), exist_ok=True)
        w = Writer(open(os.path.join(folder, "stream.fi"), "wb"), folder, first_from=True)
    else:
        w = Writer(sys.stdout.buffer)
        skeleton = {".stance/config": "[stance]\n\tlanguage = da\n", ".gitattributes": "*.md diff=stance\n",
                    "README.md": "# Policy documents\n"}
        w.commit(t, "Initialize stance repository\n", [(p, w.blob(c.encode())) for p, c in skeleton.items()])
    # every document's first revision, then the rest drawn by weight
    order = list(range(ndocs)) + rng.choices(range(ndocs), weights=weights, k=max(0, nrevs - ndocs))
    seen = set()
    count, size = [0] * ndocs, [0] * ndocs
    for i in order:
        t += 900
        d = docs[i]
        verb = "Update" if i in seen else "Add"
        data = revise(rng, d, i in seen)
        seen.add(i)
        count[i] += 1
        size[i] = w.revision(t, d, verb, data)
    w.close()
    if not folder:
        return
    # the later revisions: NNEW documents changed once each, a day after the rest
    rng2 = random.Random(17)
    w2 = Writer(open(os.path.join(folder, "new", "stream.fi"), "wb"), os.path.join(folder, "new"), first_from=True)
    t += 86400
    for i in sorted(rng2.sample(range(ndocs), min(nnew, ndocs))):
        t += 60
        w2.revision(t, docs[i], "Update", revise(rng2, docs[i], True))
    w2.close()
    with open(os.path.join(folder, "documents.tsv"), "w", encoding="utf-8") as f:
        f.write("id\trevisions\tbytes\trole\n")
        for i, d in enumerate(docs):
            f.write(f"{d.id}\t{count[i]}\t{size[i]}\t{role(i)}\n")


if __name__ == "__main__":
    main()
