#!/usr/bin/env python3
"""stance_test_server.py: the HTTP server the fetch tests and benchmark run
against, on loopback only. It serves files from --root with ETag and
Last-Modified (and answers 304 to conditional requests), and stages the
faults a fetcher must survive:

  /robots.txt          "Disallow: /private/" (or --robots FILE, or 404 with --no-robots)
  /redirect?to=URL     302 to URL (http, https or anything else, e.g. file:///etc/passwd)
  /redirect-with-credentials?to=URL
                       302 to URL with "other:s3cr3tpw@" put in its authority
  /loop/N              302 to /loop/N+1, for ever
  /status/CODE         that status with a short body
  /flaky/KEY           500 the first time for KEY, then the page
  /ratelimit/KEY       429 with Retry-After: 1 the first time, then the page
  /stall               headers, a few bytes, then nothing for a long time
  /truncated           Content-Length 5000, 100 bytes, then the connection closes
  /latin1              an ISO-8859-1 page, charset in the Content-Type header
  /cp1252              a Windows-1252 page, charset only in its meta tag
  /gzip                a page sent with Content-Encoding: gzip (when asked for)
  /big?mb=N            N MiB of HTML (default 3)
  /gzipbomb?mb=N       N MiB of zeros (default 64) sent gzip-compressed (a few hundred KiB on the wire),
                       Content-Encoding: gzip whether asked for or not
  /endless             a body with no length, sent as fast as the client takes it, for ever
  /trickle             a body with no length, one byte every half second, for ever
  /lying/short         Content-Length 100 for a whole page of some 1,500 bytes
  /lying/late          the same, the bytes past the 100 sent a fifth of a second later
  /noisy               a page whose "Opdateret kl. HH:MM:SS" line changes every time
  /__log               JSON list of every request so far: host, path, start, end, status

Every answer can be delayed (--delay MS). The server listens on the same
port on every --host address and prints that port on its first line of
output, then serves until killed.

usage: stance_test_server.py --root DIR [--host 127.0.0.1 --host 127.0.0.2 | --hosts N]
                             [--port P] [--delay MS] [--no-robots]
"""
import argparse
import email.utils
import gzip
import hashlib
import http.server
import json
import os
import zlib
import socket
import socketserver
import sys
import threading
import time

LOCK = threading.Lock()
LOG = []
SEEN = {}
ARGS = None

PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="{charset}"><title>{title} | Testsite</title></head>
<body><nav><a href="/">Forside</a> <a href="/om">Om os</a></nav>
<article><h1>{title}</h1>
<p>{body}</p>
<p>Dette er endnu et afsnit med tilstrækkelig tekst til at artiklen bliver fundet af udtrækkeren, og
det fortsætter med flere ord, kommaer, og sætninger, så længden er rigelig.</p>
{extra}
</article><footer>Kontakt os · Cookiepolitik</footer></body></html>
"""


def page(title, body, lang="da", charset="utf-8", extra=""):
    return PAGE.format(title=title, body=body, lang=lang, charset=charset, extra=extra)


BOMBS = {}


def gzip_bomb(mb):
    """mb MiB of zeros, gzip-compressed (made once for each size)."""
    with LOCK:
        if mb not in BOMBS:
            z = zlib.compressobj(9, zlib.DEFLATED, 31)
            zeros = b"\0" * (1024 * 1024)
            parts = [z.compress(zeros) for _ in range(mb)]
            parts.append(z.flush())
            BOMBS[mb] = b"".join(parts)
        return BOMBS[mb]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm the body
    # waits for the client's delayed ACK (40 ms on Linux) on a kept-alive
    # connection, a stall no real server has and not the delay asked for.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body=b"", headers=None, ctype="text/html; charset=utf-8"):
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.status_sent = status

    def once(self, key):
        """True the first time `key` is seen."""
        with LOCK:
            first = key not in SEEN
            SEEN[key] = True
        return first

    def do_GET(self):
        start = time.time()
        self.status_sent = 0
        try:
            if ARGS.delay and not self.path.startswith("/__log"):
                time.sleep(ARGS.delay / 1000.0)
            self.route()
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            if not self.path.startswith("/__log"):
                with LOCK:
                    LOG.append({"host": self.server.server_address[0], "path": self.path,
                                "start": start, "end": time.time(), "status": self.status_sent,
                                "ua": self.headers.get("User-Agent", ""),
                                "auth": bool(self.headers.get("Authorization"))})

    def serve_file(self, rel):
        full = os.path.realpath(os.path.join(ARGS.root, rel.lstrip("/")))
        if not full.startswith(os.path.realpath(ARGS.root)) or not os.path.isfile(full):
            return self.send(404, b"<html><body><p>not found</p></body></html>")
        with open(full, "rb") as f:
            data = f.read()
        etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
        mtime = os.path.getmtime(full)
        lm = email.utils.formatdate(mtime, usegmt=True)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if (inm and inm == etag) or (not inm and ims and ims == lm):
            return self.send(304, b"", {"ETag": etag, "Last-Modified": lm}, ctype=None)
        ctype = "text/html; charset=utf-8"
        if full.endswith(".xml"):
            ctype = "application/xml"
        self.send(200, data, {"ETag": etag, "Last-Modified": lm}, ctype=ctype)

    def route(self):
        path, _, query = self.path.partition("?")
        params = dict(p.partition("=")[::2] for p in query.split("&") if p)
        if path == "/__log":
            with LOCK:
                body = json.dumps(LOG).encode()
            return self.send(200, body, ctype="application/json")
        if path == "/robots.txt":
            if ARGS.no_robots:
                return self.send(404, b"no robots here", ctype="text/plain")
            return self.send(200, b"User-agent: *\nDisallow: /private/\n", ctype="text/plain")
        if path == "/redirect":
            import urllib.parse
            return self.send(302, b"", {"Location": urllib.parse.unquote(params.get("to", "/"))})
        if path == "/redirect-with-credentials":
            import urllib.parse
            to = urllib.parse.unquote(params.get("to", "/"))
            scheme, _, rest = to.partition("://")
            return self.send(302, b"", {"Location": scheme + "://other:s3cr3tpw@" + rest})
        if path.startswith("/loop/"):
            n = int(path.split("/")[2] or 0)
            return self.send(302, b"", {"Location": "/loop/%d" % (n + 1)})
        if path.startswith("/status/"):
            code = int(path.split("/")[2])
            return self.send(code, b"<html><body><p>status %d</p></body></html>" % code)
        if path.startswith("/flaky/"):
            if self.once(path):
                return self.send(500, b"<html><body><p>oops</p></body></html>")
            return self.send(200, page("Vejen tilbage", "Serveren fejlede en gang, men svarede anden gang.").encode())
        if path.startswith("/ratelimit/"):
            if self.once(path):
                return self.send(429, b"slow down", {"Retry-After": "1"}, ctype="text/plain")
            return self.send(200, page("Efter pausen", "Serveren bad os vente et sekund, og vi ventede.").encode())
        if path == "/stall":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<html><body><p>")
            self.wfile.flush()
            self.status_sent = 200
            time.sleep(30)
            return
        if path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b"<html><body><p>" + b"x" * 85)
            self.wfile.flush()
            self.status_sent = 200
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if path == "/latin1":
            body = page("Grønne områder på Ærø", "Kommunen skal sikre æbletræer, søer og åer for børn og ældre.",
                        charset="iso-8859-1").encode("iso-8859-1")
            return self.send(200, body, ctype="text/html; charset=ISO-8859-1")
        if path == "/cp1252":
            body = page("Høring om “grøn” omstilling", "Vi bør – som minimum – bevare de små skoler på øerne.",
                        charset="windows-1252").encode("cp1252")
            return self.send(200, body, ctype="text/html")
        if path == "/gzip":
            body = page("Komprimeret side", "Denne side blev sendt komprimeret med gzip over ledningen.").encode()
            if "gzip" in self.headers.get("Accept-Encoding", ""):
                return self.send(200, gzip.compress(body), {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
            return self.send(200, body)
        if path == "/big":
            mb = float(params.get("mb", "3"))
            chunk = b"<p>" + b"fyld " * 200 + b"</p>\n"
            n = int(mb * 1024 * 1024 / len(chunk)) + 1
            return self.send(200, b"<html><body>" + chunk * n + b"</body></html>")
        if path == "/gzipbomb":
            body = gzip_bomb(int(params.get("mb", "64")))
            return self.send(200, body, {"Content-Encoding": "gzip"})
        if path in ("/endless", "/trickle"):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            self.status_sent = 200
            self.close_connection = True
            self.wfile.write(b"<html><body><p>")
            chunk = b"fyld " * 13107 if path == "/endless" else b"x"
            while True:
                self.wfile.write(chunk)
                self.wfile.flush()
                if path == "/trickle":
                    time.sleep(0.5)
        if path in ("/lying/short", "/lying/late"):
            body = page("Kort svar", "Serveren siger, at siden er 100 bytes lang, men sender hele siden.").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "100")
            self.end_headers()
            if path == "/lying/late":
                self.wfile.write(body[:100])
                self.wfile.flush()
                time.sleep(0.2)
                body = body[100:]
            self.wfile.write(body)
            self.wfile.flush()
            self.status_sent = 200
            return
        if path == "/noisy":
            stamp = time.strftime("%H:%M:%S") + ".%06d" % int((time.time() % 1) * 1e6)
            return self.send(200, page("Støjende side", "Indholdet er det samme hver gang.",
                                       extra="<p>Opdateret kl. %s</p>" % stamp).encode())
        return self.serve_file(path)

    do_HEAD = do_GET


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        pass  # clients that hang up (timeouts, size caps) are expected here


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--host", action="append")
    ap.add_argument("--hosts", type=int, default=0, help="listen on 127.0.0.1 .. 127.0.0.N")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--delay", type=int, default=0)
    ap.add_argument("--no-robots", action="store_true")
    ARGS = ap.parse_args()
    hosts = ARGS.host or []
    if ARGS.hosts:
        hosts = ["127.0.0.%d" % i for i in range(1, ARGS.hosts + 1)]
    if not hosts:
        hosts = ["127.0.0.1", "127.0.0.2"]
    for h in hosts:
        if not h.startswith("127."):
            sys.exit("stance_test_server: only loopback addresses, not %s" % h)
    for attempt in range(50):
        servers = []
        try:
            first = Server((hosts[0], ARGS.port), Handler)
            port = first.server_address[1]
            servers.append(first)
            for h in hosts[1:]:
                servers.append(Server((h, port), Handler))
            break
        except OSError:
            for s in servers:
                s.server_close()
            if ARGS.port:
                raise
    else:
        sys.exit("stance_test_server: no free port")
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    print(port, flush=True)
    # Stop when whoever started us is gone (a test that crashed before its
    # clean-up), so no server outlives its test run.
    parent = os.getppid()
    try:
        while os.getppid() == parent:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
