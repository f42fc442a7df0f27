#!/usr/bin/env python3
"""Writes a git fast-import stream of a stance repository for the position
lens: N documents x R revisions (one commit each, in date order), each
document eight paragraphs of three Danish sentences, about half of them
position statements. Each revision rewords one position (an amount, a year
or a negation changes, or words are added), adds one and drops one, so
`stance positions --all` has appeared, reworded and removed events to list.

usage: gen_positions.py DOCS REVS > stream     (then: git fast-import < stream)
Deterministic for given arguments."""
import random
import sys

SUBJECTS = ["Kommunerne", "Regeringen", "Staten", "Regionerne", "Vi", "KL", "Folketinget", "Skolerne"]
MODALS = ["skal", "bør", "må", "vil"]
VERBS = ["have", "sikre", "prioritere", "styrke", "afsætte", "finde", "bruge"]
OBJECTS = ["ældreplejen", "folkeskolen", "klimaet", "sundheden", "de unge", "trafikken", "kulturen",
           "beskæftigelsen", "nærheden", "kvaliteten i velfærden"]
UNITS = ["millioner kroner", "procent", "nye stillinger", "milliarder kroner"]
PLAIN = ["Mødet blev holdt i rådhusets store sal", "Rapporten udkom i foråret",
         "Mange borgere deltog i høringen", "Tallene stammer fra Danmarks Statistik",
         "Udvalget har behandlet sagen flere gange", "Debatten har været lang og grundig"]


def position(rng):
    return (f"{rng.choice(SUBJECTS)} {rng.choice(MODALS)} {rng.choice(VERBS)} {rng.randrange(5, 900)} "
            f"{rng.choice(UNITS)} til {rng.choice(OBJECTS)} i {rng.randrange(2024, 2040)}.")


def plain(rng):
    return f"{rng.choice(PLAIN)} i {rng.randrange(2010, 2024)}."


def reword(rng, s):
    words = s[:-1].split(" ")
    k = rng.randrange(3)
    if k == 0:    # an amount
        n = next(j for j, w in enumerate(words) if w.isdigit())
        words[n] = str(int(words[n]) + rng.randrange(1, 50))
    elif k == 1:  # a year
        words[-1] = str(int(words[-1]) + rng.randrange(1, 6))
    elif "ikke" in words:
        words.remove("ikke")
    else:         # a negation
        words.insert(2, "ikke")
    return " ".join(words) + "."


def main():
    docs, revs = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(14)
    out = sys.stdout.buffer
    t0 = 1420070400  # 2015-01-01
    mark = 0
    bodies = [[[position(rng) if rng.random() < 0.5 else plain(rng) for _ in range(3)] for _ in range(8)]
              for _ in range(docs)]

    def blob(data):
        nonlocal mark
        mark += 1
        b = data.encode()
        out.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(b)) + b + b"\n")
        return mark

    skeleton = {".stance/config": "[stance]\n\tlanguage = da\n", ".gitattributes": "*.md diff=stance\n",
                "README.md": "# Policy documents\n"}
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
            paras = bodies[i]
            if rev:
                p = paras[rng.randrange(8)]
                positions = [k for k, s in enumerate(p) if s.split(" ")[1] in MODALS or "ikke" in s]
                if positions:
                    k = rng.choice(positions)
                    p[k] = reword(rng, p[k])
                paras[rng.randrange(8)][rng.randrange(3)] = plain(rng)      # one dropped
                paras[rng.randrange(8)].append(position(rng))              # one added
            t += 600
            org = f"Org {i % 11}"
            fm = (f"---\nid: c{i % 20:02d}/doc-{i:04d}\ntitle: Dokument {i}\n"
                  f"kind: {'debate' if i % 2 else 'theme'}\norganization: {org}\n"
                  f"published: 2015-01-01\nlanguage: da\n---\n\n")
            text = fm + f"# Dokument {i}\n\n" + "\n\n".join(" ".join(p) for p in paras) + "\n"
            m = blob(text)
            path = f"c{i % 20:02d}/doc-{i:04d}.md"
            msg = (f"{'Add' if rev == 0 else 'Update'} c{i % 20:02d}/doc-{i:04d}\n").encode()
            out.write(b"commit refs/heads/main\nauthor Bench <b@example.org> %d +0000\n"
                      b"committer Bench <b@example.org> %d +0000\ndata %d\n%s" % (t, t, len(msg), msg))
            out.write(b"M 100644 :%d %s\n\n" % (m, path.encode()))


if __name__ == "__main__":
    main()
