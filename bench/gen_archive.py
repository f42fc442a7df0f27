#!/usr/bin/env python3
"""Writes a git fast-import stream of an archive-shaped stance repository:
DOCS documents and REVS revisions in all (one commit each, in date order),
bodies from 1 KB to MAX_KB (log-uniform), a few documents with thousands of
revisions, texts in Danish, English, German and Swedish, Markdown with
headings, lists, tables and links. Each revision does what the archive's
revisions do: rewords a sentence, re-wraps or moves a paragraph, adds one,
drops one, or brings a dropped one back.

usage: gen_archive.py DOCS REVS [MAX_KB] > stream   (then: git fast-import < stream)
       gen_archive.py 900 40000 150      the archive shape
       gen_archive.py 1000 10000 3       the 1,000 x 10 shape (about 3 KB each)
Deterministic for given arguments. The document bench/questions.sh blames
is the one with the most revisions, a000/doc-0000."""
import math
import random
import sys

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


def sentence(rng, lang):
    words = VOCAB[lang]
    s = " ".join(rng.choice(words) for _ in range(rng.randint(6, 18)))
    if rng.random() < 0.1:
        s += f" [{rng.choice(words)}](https://example.org/{rng.choice(words)})"
    return s[0].upper() + s[1:] + "."


def block(rng, lang):
    r = rng.random()
    words = VOCAB[lang]
    if r < 0.08:
        return "## " + " ".join(rng.choice(words) for _ in range(3)).capitalize()
    if r < 0.18:
        return "\n".join("- " + sentence(rng, lang) for _ in range(rng.randint(2, 5)))
    if r < 0.23:
        rows = ["| " + " | ".join(rng.choice(words) for _ in range(3)) + " |" for _ in range(rng.randint(2, 6))]
        return "\n".join([rows[0], "| --- | --- | --- |"] + rows[1:])
    return " ".join(sentence(rng, lang) for _ in range(rng.randint(2, 7)))


def wrap(text, width):
    out, line = [], ""
    for w in text.split(" "):
        if line and len(line) + 1 + len(w) > width:
            out.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    out.append(line)
    return "\n".join(out)


class Doc:
    def __init__(self, rng, i, size):
        self.i = i
        self.lang = rng.choice(LANGS)
        self.id = f"{'a' if i < 8 else 'c'}{i % 40:03d}/doc-{i:04d}"
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
        prose = [k for k, x in enumerate(b) if not x.startswith(("#", "-", "|"))]
        if r < 0.35 and prose:                       # reword a sentence
            k = rng.choice(prose)
            words = b[k].replace("\n", " ").split(" ")
            j = rng.randrange(len(words))
            if not words[j].endswith(".") and not words[j].startswith("["):
                words[j] = rng.choice(VOCAB[self.lang])
            b[k] = " ".join(words)
        elif r < 0.5 and prose:                      # re-wrap a paragraph
            k = rng.choice(prose)
            flat = b[k].replace("\n", " ")
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
        fm = (f"---\nid: {self.id}\ntitle: \"{title}\"\nkind: {self.kind}\n"
              f"authors: [Forfatter {self.i % 37}]\norganization: {self.org}\n"
              f"published: 2010-01-01\nlanguage: {self.lang}\n---\n\n")
        return fm + "\n\n".join(self.blocks) + "\n"


def main():
    ndocs, nrevs = int(sys.argv[1]), int(sys.argv[2])
    max_kb = float(sys.argv[3]) if len(sys.argv) > 3 else 150
    rng = random.Random(16)
    out = sys.stdout.buffer
    sizes = [int(1024 * math.exp(rng.uniform(0, math.log(max_kb)))) for _ in range(ndocs)]
    # a few documents carry thousands of revisions (a quarter of them in all)
    heavy = min(8, ndocs) if nrevs >= 2 * ndocs else 0
    for k in range(heavy):
        sizes[k] = int(min(max_kb, 40) * 1024)
    docs = [Doc(rng, i, sizes[i]) for i in range(ndocs)]
    weights = [(nrevs // 4) / heavy if k < heavy else 1.0 for k in range(ndocs)]
    t0 = 1262304000  # 2010-01-01
    mark = 0

    def blob(data):
        nonlocal mark
        mark += 1
        b = data.encode()
        out.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(b)) + b + b"\n")
        return mark

    def commit(t, msg, files):
        msg = msg.encode()
        out.write(b"commit refs/heads/main\nauthor Bench <b@example.org> %d +0000\n"
                  b"committer Bench <b@example.org> %d +0000\ndata %d\n%s" % (t, t, len(msg), msg))
        for p, m in files:
            out.write(b"M 100644 :%d %s\n" % (m, p.encode()))
        out.write(b"\n")

    skeleton = {".stance/config": "[stance]\n\tlanguage = da\n", ".gitattributes": "*.md diff=stance\n",
                "README.md": "# Policy documents\n"}
    commit(t0, "Initialize stance repository\n", [(p, blob(c)) for p, c in skeleton.items()])
    t = t0
    # every document's first revision, then the rest drawn by weight
    order = list(range(ndocs)) + rng.choices(range(ndocs), weights=weights, k=max(0, nrevs - ndocs))
    seen = set()
    for i in order:
        t += 900
        d = docs[i]
        verb = "Update" if i in seen else "Add"
        if i in seen:
            d.edit(rng)
        seen.add(i)
        commit(t, f"{verb} {d.id}\n", [(d.id + ".md", blob(d.text()))])


if __name__ == "__main__":
    main()
