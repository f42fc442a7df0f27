#!/usr/bin/env python3
"""Writes a git fast-import stream of a stance repository: N documents x R
revisions (one commit each, in date order), ~3 KB of Danish-like prose per
document, plus the .stance skeleton in the first commit.

usage: gen_history.py DOCS REVS > stream     (then: git fast-import < stream)
Also used by other benchmarks; deterministic for given arguments."""
import random
import sys

WORDS = ("kommunerne skal have mere frihed til at tilrettelægge velfærden lokalt "
         "vi mener at staten bør stille færre krav og der er brug for tillid "
         "borgerne forventer nærhed kvalitet og ansvar i opgaveløsningen reformen "
         "kræver mod vilje og samarbejde på tværs af sektorer regionerne ønsker "
         "klare rammer økonomi styring dokumentation bureaukrati afbureaukratisering").split()


def paragraph(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def document(rng, i, rev, base):
    paras = list(base)
    # each revision rewrites one paragraph and sometimes moves one
    k = rng.randrange(len(paras))
    paras[k] = paragraph(rng, 40)
    if rev % 3 == 2:
        p = paras.pop(rng.randrange(len(paras)))
        paras.insert(rng.randrange(len(paras) + 1), p)
    base[:] = paras
    fm = (f"---\nid: c{i % 20:02d}/doc-{i:04d}\ntitle: Dokument {i} om nærhed\nkind: article\n"
          f"authors: [Forfatter {i % 37}]\norganization: Org {i % 11}\npublished: 2015-01-01\n"
          f"language: da\n---\n\n")
    return fm + "\n\n".join(paras) + "\n"


def main():
    docs, revs = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(42)
    out = sys.stdout.buffer
    t0 = 1420070400  # 2015-01-01
    mark = 0
    bases = [[paragraph(rng, 40) for _ in range(8)] for _ in range(docs)]

    def blob(data):
        nonlocal mark
        mark += 1
        b = data.encode()
        out.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(b)) + b + b"\n")
        return mark

    skeleton = {".stance/config": "[stance]\n\tlanguage = da\n", ".stance/positions": "[da]\nskal\n",
                ".gitattributes": "*.md diff=stance\n", "README.md": "# Policy documents\n"}
    marks = {p: blob(c) for p, c in skeleton.items()}
    msg = b"Initialize stance repository\n"
    out.write(b"commit refs/heads/main\nauthor Bench <b@example.org> %d +0000\n"
              b"committer Bench <b@example.org> %d +0000\ndata %d\n%s" % (t0, t0, len(msg), msg))
    for p, m in marks.items():
        out.write(b"M 100644 :%d %s\n" % (m, p.encode()))
    out.write(b"\n")
    t = t0
    for rev in range(revs):
        for i in range(docs):
            t += 600
            m = blob(document(rng, i, rev, bases[i]))
            path = f"c{i % 20:02d}/doc-{i:04d}.md"
            msg = (f"{'Add' if rev == 0 else 'Update'} c{i % 20:02d}/doc-{i:04d}\n").encode()
            out.write(b"commit refs/heads/main\nauthor Bench <b@example.org> %d +0000\n"
                      b"committer Bench <b@example.org> %d +0000\ndata %d\n%s" % (t, t, len(msg), msg))
            out.write(b"M 100644 :%d %s\n\n" % (m, path.encode()))


if __name__ == "__main__":
    main()
