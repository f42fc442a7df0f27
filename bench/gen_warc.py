#!/usr/bin/env python3
"""Writes a gzip-per-record WARC/1.1 file of a crawl: PAGES pages captured
CAPTURES times each, a day apart, bodies from 1 KB to MAX_KB (log-uniform),
a paragraph reworded between captures. Of the answers, a third are sent
chunked, a third gzip-encoded; one capture in ten is a revisit and one in
ten repeats the capture before (a duplicate). Each response follows its
request record, as crawlers write them. Deterministic for given arguments.

usage: gen_warc.py PAGES CAPTURES MAX_KB > crawl.warc.gz
       gen_warc.py 300 10 60          what bench/warc.sh imports"""
import base64
import datetime
import gzip
import hashlib
import math
import random
import sys
import uuid

WORDS = ("kommunerne skal have mere frihed til at tilrettelægge velfærden lokalt vi mener at staten "
         "bør stille færre krav der er brug for tillid borgerne forventer nærhed kvalitet og ansvar "
         "reformen kræver mod vilje samarbejde på tværs af sektorer regionerne ønsker klare rammer").split()


def sha1(b):
    return "sha1:" + base64.b32encode(hashlib.sha1(b).digest()).decode()


def record(out, rnd, fields, block):
    rid = "<urn:uuid:%s>" % uuid.UUID(int=rnd.getrandbits(128), version=4)
    head = "WARC/1.1\r\nWARC-Record-ID: %s\r\n" % rid
    head += "".join("%s: %s\r\n" % kv for kv in fields)
    head += "WARC-Block-Digest: %s\r\nContent-Length: %d\r\n\r\n" % (sha1(block), len(block))
    out.write(gzip.compress(head.encode() + block + b"\r\n\r\n", compresslevel=6, mtime=0))


def para(rnd, n):
    return " ".join(rnd.choice(WORDS) for _ in range(n)).capitalize() + "."


def main():
    pages, captures, max_kb = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    rnd = random.Random(pages * 1000003 + captures * 101 + max_kb)
    out = sys.stdout.buffer
    record(out, rnd, [("WARC-Type", "warcinfo"), ("Content-Type", "application/warc-fields")],
           b"software: bench/gen_warc.py\r\n")
    texts = []
    for p in range(pages):
        size = int(math.exp(rnd.uniform(math.log(1024), math.log(max_kb * 1024))))
        n = max(2, size // 400)
        texts.append([para(rnd, 60) for _ in range(n)])
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    for c in range(captures):
        for p in range(pages):
            url = "https://www.example.org/side/%d.html" % p
            when = (start + datetime.timedelta(days=c, seconds=p)).strftime("%Y-%m-%dT%H:%M:%SZ")
            record(out, rnd, [("WARC-Type", "request"), ("WARC-Target-URI", url), ("WARC-Date", when),
                              ("Content-Type", "application/http; msgtype=request")],
                   ("GET /side/%d.html HTTP/1.1\r\nHost: www.example.org\r\n\r\n" % p).encode())
            roll = rnd.random()
            if c and roll < 0.1:
                record(out, rnd, [("WARC-Type", "revisit"), ("WARC-Target-URI", url), ("WARC-Date", when),
                                  ("WARC-Profile", "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"),
                                  ("Content-Type", "application/http; msgtype=response")], b"")
                continue
            if c and roll >= 0.2:
                t = texts[p]
                t[rnd.randrange(len(t))] = para(rnd, 60)
            body = ("<!DOCTYPE html><html lang=\"da\"><head><meta charset=\"utf-8\"><title>Side %d</title></head>"
                    "<body><nav><a href=\"/\">Forside</a></nav><article><h1>Side %d</h1>%s</article>"
                    "<footer>Kontakt</footer></body></html>" % (p, p, "".join("<p>%s</p>" % x for x in texts[p]))).encode()
            kind = (p + c) % 3
            headers = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nServer: bench\r\n"
            if kind == 1:
                payload = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 8192]), body[i:i + 8192])
                                   for i in range(0, len(body), 8192)) + b"0\r\n\r\n"
                headers += "Transfer-Encoding: chunked\r\n"
            elif kind == 2:
                payload = gzip.compress(body, mtime=0)
                headers += "Content-Encoding: gzip\r\nContent-Length: %d\r\n" % len(payload)
            else:
                payload = body
                headers += "Content-Length: %d\r\n" % len(payload)
            record(out, rnd, [("WARC-Type", "response"), ("WARC-Target-URI", url), ("WARC-Date", when),
                              ("WARC-Payload-Digest", sha1(payload)),
                              ("Content-Type", "application/http; msgtype=response")],
                   headers.encode() + b"\r\n" + payload)


main()
