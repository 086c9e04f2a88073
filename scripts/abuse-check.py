#!/usr/bin/env python3
"""Sends a live `syncbridge serve` the nasty inputs a hostile or careless user would, while another thread asks
/health every 50 ms. Every input must get its exact status and error code; the server must stay up, keep
answering /health, and log no crash. The worst /health latency is printed as a figure (not asserted).

Usage: abuse-check.py SYNCBRIDGE_BINARY
"""
import http.server, json, os, socket, statistics, sys, threading, time, urllib.request
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from live_server import LiveServer, Sandbox

binary = sys.argv[1]
results = []


def check(name, got, expected):
    ok = got == expected
    results.append(ok)
    print(f"{'ok  ' if ok else 'FAIL'} {name}: got {got}, expected {expected}", flush=True)


def raw(port, data, read=True):
    """Sends bytes as they are; returns the status line's code (0 when the server closed without answering)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    try:
        s.sendall(data)
        if not read:
            return s
        answer = b""
        while b"\r\n" not in answer:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
        return int(answer.split(b" ")[1]) if answer.startswith(b"HTTP/1.1 ") else 0
    finally:
        if read:
            s.close()


class Receiver(http.server.BaseHTTPRequestHandler):
    """A webhook receiver that acknowledges everything and keeps the bodies."""
    bodies = []

    def do_POST(self):
        Receiver.bodies.append(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=receiver.serve_forever, daemon=True).start()

with Sandbox(binary) as sandbox, LiveServer(binary) as server:
    port = server.port
    latencies, health_failures = [], []
    stop = threading.Event()

    def watch_health():
        while not stop.is_set():
            started = time.monotonic()
            try:
                urllib.request.urlopen(server.url + "/health", timeout=30).read()
                latencies.append(time.monotonic() - started)
            except Exception as error:
                health_failures.append(str(error))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch_health)
    watcher.start()

    # Slowloris beside everything else: 100 connections that never finish their request head.
    slow = [raw(port, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ", read=False) for _ in range(100)]

    def code_of(status_and_body):
        status, body = status_and_body
        return status, body.get("code") if isinstance(body, dict) else None

    # Nesting: JSON, JSONata, JSON Schema, each 100,000 deep.
    deep = "(" * 100_000 + "1" + ")" * 100_000
    check("JSONata nested 100,000 deep", code_of(server.call("POST", "/sync-job", {"integration_name": "zendesk",
          "resources": [{"resource": "ticketing/tickets", "method": "list", "query": deep}]})), (422, "validation_failed"))
    body = b"[" * 100_000 + b"]" * 100_000
    check("JSON nested 100,000 deep", raw(port, b"POST /webhook HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + server.token.encode()
          + b"\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body), 400)
    schema = {"$ref": "#/$defs/a0", "$defs": {f"a{i}": {"$ref": f"#/$defs/a{i + 1}"} for i in range(2000)}}
    check("args_schema: a chain of 2,000 $refs", server.call("POST", "/sync-job", {"integration_name": "zendesk",
          "resources": [{"resource": "ticketing/tickets", "method": "list"}], "args_schema": schema})[0] in (201, 422), True)

    # Ports and URLs.
    for url in ["http://127.0.0.1:99999/x", "http://127.0.0.1:65536/x", "http://127.0.0.1:0/x", "http://a\u0000b/x", "javascript:alert(1)"]:
        check(f"webhook target_url {url!r}", code_of(server.call("POST", "/webhook", {"target_url": url})), (422, "validation_failed"))
    status, account = server.call("POST", "/integrated-account", {"integration_name": "zendesk", "tenant_id": "abuse",
                                  "context": {"api_token": "t", "email": "a@b.c", "base_url": "http://127.0.0.1:65536"}})
    check("account base_url with port 65536 stays connecting", (status, account.get("status")), (201, "connecting"))

    # Regexes: a catastrophic pattern in args_schema is stopped by the validator's budget; in a run's query by the
    # evaluation's limit; the run is stopped through the API.
    evil = "a" * 40 + "!"
    status, job = server.call("POST", "/sync-job", {"integration_name": "zendesk",
        "resources": [{"resource": "ticketing/tickets", "method": "list", "query": "{ 'q': $contains($pad('', 40, 'a') & '!', /(a+)+$/) }"}],
        "args_schema": {"type": "object", "properties": {"s": {"type": "string", "pattern": "^(a+)+$"}}}})
    check("job with catastrophic patterns is stored", status, 201)
    _, hook = server.call("POST", "/webhook", {"target_url": "http://127.0.0.1:9/hook"})
    _, good = server.call("POST", "/integrated-account", {"integration_name": "zendesk", "tenant_id": "abuse",
                          "context": {"api_token": "sandbox-token", "email": "admin@example.com", "base_url": sandbox.url}})
    refs = {"sync_job_id": job["id"], "integrated_account_id": good["id"], "webhook_id": hook["id"]}
    check("args that backtrack catastrophically", code_of(server.call("POST", "/sync-job-run", {**refs, "args": {"s": evil}})),
          (422, "validation_failed"))
    status, run = server.call("POST", "/sync-job-run", refs)
    check("a run whose query backtracks catastrophically is created", status, 201)
    time.sleep(1)
    check("and stopped", server.call("PATCH", f"/sync-job-run/{run['id']}", {"status": "stopped"})[0], 200)

    # Queries that ask for huge numbers where an index, a length or a date goes, or that would build gigabytes from a
    # few characters: each run reports the query's JSONata error as a record_error, and the engine goes on.
    _, receiving = server.call("POST", "/webhook", {"target_url": f"http://127.0.0.1:{receiver.server_address[1]}/hook"})
    huge = {
        "$substring('abc', 1e19)": None, "[1e19..1e19]": None, "$split('a,b', ',', 1e19)": None, "$formatBase(1e300, 2)": None,
        "$pad('x', 1e19)": "U1005", "$formatInteger(1e19, 'I')": "U1005", "$fromMillis(1e300)": "U1006",
        "$reduce([1..40], function($a, $v) { $a & $a }, 'x')": "U1005",
        "$reduce([1..40], function($a, $v) { {'l': $a, 'r': $a} }, 1)": "U1005",
        "($s := $pad('', 1048576); $count([1..1000].($s)))": "U1005",
    }
    runs = {}
    for expression in huge:
        _, job = server.call("POST", "/sync-job", {"integration_name": "zendesk", "resources": [{"resource": "ticketing/users",
                             "method": "list", "query": "{ 'q': $string(" + expression + ") }"}]})
        status, run = server.call("POST", "/sync-job-run", {"sync_job_id": job["id"], "integrated_account_id": good["id"],
                                  "webhook_id": receiving["id"]})
        runs[expression] = run.get("id")
    deadline = time.monotonic() + 120
    finished = {}
    while time.monotonic() < deadline and len(finished) < len(runs):
        for expression, run_id in runs.items():
            if expression not in finished:
                _, row = server.call("GET", f"/sync-job-run/{run_id}")
                if row.get("status") in ("completed", "failed", "stopped"):
                    finished[expression] = row["status"]
        time.sleep(0.5)
    for expression, code in huge.items():
        run_id = runs[expression]
        errors = [b for b in Receiver.bodies if run_id in b and "sync_job_run:record_error" in b]
        got = (finished.get(expression), [code in b for b in errors] == [True] if code else errors == [])
        check(f"a run whose query is {expression}", got, ("completed", True))

    # Bodies.
    def post_raw(headers, payload):
        head = b"POST /webhook HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + server.token.encode() + b"\r\nContent-Type: application/json\r\n"
        return raw(port, head + headers + b"\r\n" + payload)
    check("invalid UTF-8 body", post_raw(b"Content-Length: 19\r\n", b'{"target_url": "\xff"}'), 400)
    # A body that stops short, and a client that then goes away: no answer is owed, and nothing is an internal error.
    truncated = raw(port, b"POST /webhook HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + server.token.encode()
                    + b"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{", read=False)
    truncated.shutdown(socket.SHUT_WR)
    time.sleep(0.5)
    truncated.close()
    big = b'{"target_url": "' + b"a" * (3 << 20) + b'"}'
    check("3 MiB body with Content-Length", post_raw(b"Content-Length: " + str(len(big)).encode() + b"\r\n", big), 413)
    chunks = b"".join(b"%x\r\n" % (64 << 10) + b"a" * (64 << 10) + b"\r\n" for _ in range(48)) + b"0\r\n\r\n"
    check("3 MiB chunked body", post_raw(b"Transfer-Encoding: chunked\r\n", chunks), 413)
    check("NUL byte in a filter", code_of(server.call("GET", "/webhook?is_active=tr%00ue")), (400, "invalid_query_parameter"))

    # Cursors.
    check("forged list cursor", code_of(server.call("GET", "/webhook?next_cursor=MjAyNnwx")), (400, "invalid_query_parameter"))
    check("forged live cursor", code_of(server.call("GET", f"/proxy/tickets?integrated_account_id={good['id']}&next_cursor=L2FwaS92Mi91c2Vycy9tZS5qc29u")),
          (400, "invalid_query_parameter"))

    # Heads.
    check("TRACE", code_of(server.call("TRACE", "/webhook")), (405, "method_not_allowed"))
    check("10 KiB target", code_of(server.call("GET", "/webhook?x=" + "a" * 10240)), (414, "uri_too_long"))
    check("100 KiB target (the parser's own limit)", raw(port, b"GET /health?" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"), 400)
    check("500 header fields", raw(port, b"GET /webhook HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(500)) + b"\r\n"), 431)
    check("garbage instead of HTTP", raw(port, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(200) + b"\r\n\r\n"), 400)

    time.sleep(1)
    stop.set()
    watcher.join()
    for s in slow:
        s.close()
    alive = server.alive()
    crashes = server.crash_lines()

check("server still running", alive, True)
check("/health never failed", health_failures[:3], [])
check("no crash in the server's log", crashes[:3], [])
if latencies:
    ordered = sorted(latencies)
    print(f"figure: /health answered {len(latencies)} times during the abuse; median {statistics.median(ordered) * 1000:.1f} ms, "
          f"p99 {ordered[int(len(ordered) * 0.99) - 1] * 1000:.1f} ms, worst {ordered[-1] * 1000:.1f} ms")
print(f"{results.count(True)}/{len(results)} abuse checks passed")
sys.exit(0 if all(results) else 1)
