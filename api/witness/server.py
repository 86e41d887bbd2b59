"""The witness's HTTP service (c2sp.org/tlog-witness), on the standard library's threading
server: a witness is run by another organisation, on its own machine, and needs none of the
ledger's web stack or database.

- ``POST /add-checkpoint`` — old size, consistency proof, checkpoint → cosignature line (200),
  or 400 / 403 / 404 / 409 (body: the latest cosigned size, ``text/x.tlog.size``) / 422;
- ``GET /<sha256(origin) hex>/checkpoint`` — the latest cosigned checkpoint of that log (404
  if none);
- ``GET /vkey`` — the witness's verifier key (type 0x04); ``GET /healthz``.
"""

from __future__ import annotations

import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from api.witness.store import NOTE_TYPE, Answer, WitnessStore
from domain.evidence.signing import SigningKey

MAX_BODY = 64 * 1024  # 63 proof lines and a checkpoint with 16+ signatures fit many times over
log = logging.getLogger("decision_ledger.witness")


def make_server(store: WitnessStore, key: SigningKey, host: str, port: int) -> ThreadingHTTPServer:
    vkey = store.vkey(key)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the specification asks

        def _send(self, answer: Answer) -> None:
            data = answer.body.encode()
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/add-checkpoint":
                self._send(Answer(404, NOTE_TYPE, "not found: POST /add-checkpoint\n"))
                return
            try:
                length = int(self.headers.get("Content-Length", ""))
            except ValueError:
                self._send(Answer(411, NOTE_TYPE, "a Content-Length is required\n"))
                return
            if not 0 <= length <= MAX_BODY:
                self._send(Answer(413, NOTE_TYPE, f"the body is limited to {MAX_BODY} bytes\n"))
                return
            answer = store.add_checkpoint(self.rfile.read(length), key)
            log.info("add-checkpoint %s", answer.status)
            self._send(answer)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/vkey":
                self._send(Answer(200, NOTE_TYPE, vkey + "\n"))
            elif path == "/healthz":
                self._send(Answer(200, "application/json", '{"status": "ok"}\n'))
            elif path.endswith("/checkpoint") and path.count("/") == 2:
                note = store.latest_note(path.split("/")[1])
                self._send(Answer(200, NOTE_TYPE, note) if note is not None
                           else Answer(404, NOTE_TYPE, "this witness has cosigned no checkpoint of that log\n"))
            else:
                self._send(Answer(404, NOTE_TYPE, "not found\n"))

        def log_message(self, format: str, *args: Any) -> None:
            return

    return ThreadingHTTPServer((host, port), Handler)
