"""A local HTTP server that answers like a carrier's pickup API, for the HTTP adapter's tests."""

import datetime
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class FakeCarrier:
    """Keeps pickups in memory; `scripted` answers (status, body, headers) are served first."""

    def __init__(self) -> None:
        self.pickups: dict[str, dict] = {}
        self.scripted: list[tuple[int, dict, dict]] = []
        self.requests: list[tuple[str, str, dict]] = []
        self.delay_seconds = 0.0
        self.today = datetime.date(2026, 11, 22)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address
        return f"http://{host}:{port}"

    def __enter__(self) -> "FakeCarrier":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        carrier = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def _answer(self, status: int, body: dict | None, headers: dict | None = None):
                payload = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def _route(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else {}
                carrier.requests.append((method, self.path, dict(self.headers)))
                if carrier.delay_seconds:
                    time.sleep(carrier.delay_seconds)
                if carrier.scripted:
                    self._answer(*carrier.scripted.pop(0))
                    return
                url = urlparse(self.path)
                parts = [part for part in url.path.split("/") if part]
                if method == "GET" and parts == ["v1", "pickups"]:
                    reference = parse_qs(url.query).get("reference", [""])[0]
                    found = [p for p in carrier.pickups.values() if p["reference"] == reference]
                    self._answer(200, {"results": found})
                elif method == "POST" and parts == ["v1", "pickups"]:
                    self._create(body)
                elif method == "POST" and len(parts) == 4 and parts[3] == "confirm":
                    pickup = carrier.pickups.get(parts[2])
                    if pickup is None:
                        self._answer(404, _error("not_found", "No such pickup"))
                        return
                    pickup["status"] = "confirmed"
                    pickup["tracking_number"] = pickup[
                        "tracking_number"
                    ] or "1Z" + secrets.token_hex(8)
                    self._answer(200, pickup)
                elif method == "GET" and len(parts) == 3:
                    pickup = carrier.pickups.get(parts[2])
                    if pickup:
                        self._answer(200, pickup)
                    else:
                        self._answer(404, _error("not_found", "No such pickup"))
                elif method == "DELETE" and len(parts) == 3 and parts[2] in carrier.pickups:
                    carrier.pickups[parts[2]]["status"] = "cancelled"
                    self._answer(204, None)
                else:
                    self._answer(404, _error("not_found", "Unknown route"))

            def _create(self, body: dict) -> None:
                if datetime.date.fromisoformat(body["pickup_date"]) < carrier.today:
                    self._answer(
                        422, _error("pickup_date_in_past", "Pickup date must not be in the past")
                    )
                    return
                for pickup in carrier.pickups.values():
                    if pickup["reference"] == self.headers.get("Idempotency-Key"):
                        self._answer(201, pickup)
                        return
                pickup_id = "pu_" + secrets.token_hex(6)
                carrier.pickups[pickup_id] = {
                    "id": pickup_id,
                    "reference": body["reference"],
                    "status": "pending",
                    "tracking_number": None,
                    "pickup_date": body["pickup_date"],
                    "ready_time": body["ready_time"],
                    "close_time": body["close_time"],
                }
                self._answer(201, carrier.pickups[pickup_id])

            def do_GET(self) -> None:
                self._route("GET")

            def do_POST(self) -> None:
                self._route("POST")

            def do_DELETE(self) -> None:
                self._route("DELETE")

        return Handler


def _error(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}
