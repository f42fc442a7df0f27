#!/usr/bin/env python3
"""Writes a saved history for `stance import --manifest` and the same history
as a `git fast-import` stream: DOCS documents x REVS revisions, ~3 KB of
Danish-like prose each (the generator of bench/gen_history.py), one commit
per revision in date order.

usage: import_gen.py OUTDIR DOCS REVS
  OUTDIR/files/NNNN-R.md   one file per revision
  OUTDIR/manifest.tsv      file, id, date, author, message
  OUTDIR/stream.fi         the same commits, on top of refs/heads/main
Deterministic for given arguments."""
import os
import random
import sys
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_history import document, paragraph  # noqa: E402


def main():
    out, docs, revs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    os.makedirs(os.path.join(out, "files"), exist_ok=True)
    rng = random.Random(7)
    bases = [[paragraph(rng, 40) for _ in range(10)] for _ in range(docs)]
    t = 1420070400  # 2015-01-01
    manifest = open(os.path.join(out, "manifest.tsv"), "w", encoding="utf-8")
    stream = open(os.path.join(out, "stream.fi"), "wb")
    manifest.write("file\tid\tdate\tauthor\tmessage\n")
    first = True
    for rev in range(revs):
        for i in range(docs):
            t += 600
            doc_id = f"c{i % 20:02d}/doc-{i:04d}"
            text = document(rng, i, rev, bases[i])
            name = f"files/{i:04d}-{rev}.md"
            with open(os.path.join(out, name), "w", encoding="utf-8") as f:
                f.write(text)
            date = datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            msg = f"{'Add' if rev == 0 else 'Update'} {doc_id}"
            manifest.write(f"{name}\t{doc_id}\t{date}\tBench <b@example.org>\t{msg}\n")
            b = text.encode()
            m = (msg + "\n").encode()
            stream.write(b"commit refs/heads/main\nauthor Bench <b@example.org> %d +0000\n"
                         b"committer Bench <b@example.org> %d +0000\ndata %d\n%s" % (t, t, len(m), m))
            if first:
                stream.write(b"from refs/heads/main^0\n")
                first = False
            stream.write(b"M 100644 inline %s.md\ndata %d\n%s\n\n" % (doc_id.encode(), len(b), b))


if __name__ == "__main__":
    main()
