"""A local HTTP server for the download tests: 127.0.0.1 only, scripted replies, misbehaving on purpose."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Reply(dict):
    """A scripted reply: ``status``, ``body``, ``headers``; ``drop_after`` bytes then the connection is cut;
    ``ranges`` False: Range is ignored (a 200 with the whole body); ``partial`` bytes: a 206 of only the
    first bytes although none were asked for; ``content_length`` to announce another length."""


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.scripts, self.log = {}, []
        self.lock = threading.Lock()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def script(self, key, *replies):
        """Replies to requests for ``key`` (a path, or a symbol for /api/symbol/access), in order; the last
        one repeats."""
        self.scripts[key] = [Reply(r) for r in replies]

    def next_reply(self, key):
        with self.lock:
            replies = self.scripts.get(key)
            if not replies:
                return Reply(status=404, body=b"Not Found", headers={"Content-Type": "text/plain"})
            return replies.pop(0) if len(replies) > 1 else replies[0]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        parts = urlsplit(self.path)
        key = parse_qs(parts.query).get("s", [parts.path])[0] if parts.path == "/api/symbol/access" else parts.path
        self.server.log.append({"key": key, "range": self.headers.get("Range"), "agent": self.headers.get("User-Agent"),
                                "encoding": self.headers.get("Accept-Encoding"),
                                "query": parse_qs(parts.query)})
        reply = self.server.next_reply(key)
        body, status, headers = reply.get("body", b""), reply.get("status", 200), dict(reply.get("headers", {}))
        asked = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or "")
        if status == 200 and reply.get("partial") is not None:
            status, headers["Content-Range"] = 206, f"bytes 0-{reply['partial'] - 1}/{len(body)}"
            body = body[:reply["partial"]]
        elif status == 200 and asked and reply.get("ranges", True) and int(asked[1]) >= len(body):
            status, body, headers["Content-Range"] = 416, b"", f"bytes */{len(body)}"
        elif status == 200 and asked and reply.get("ranges", True):
            start = int(asked[1])
            status, headers["Content-Range"] = 206, f"bytes {start}-{len(body) - 1}/{len(body)}"
            body = body[start:]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(reply.get("content_length", len(body))))
        self.send_header("Connection", "close")
        self.end_headers()
        if reply.get("drop_after") is not None:
            self.wfile.write(body[:reply["drop_after"]])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)
