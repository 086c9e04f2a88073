#!/usr/bin/env python3
"""Checks that a real third-party Zendesk client (zenpy) works unchanged against `syncbridge sandbox`.

Starts the sandbox from the given syncbridge binary on a free port, points zenpy at it with zenpy's own base-URL
options (ZENPY_FORCE_SCHEME / ZENPY_FORCE_NETLOC), then lists users, tickets and comments and runs incremental
exports, comparing counts with what the sandbox was asked to generate.
"""
import os, subprocess, sys, time

binary = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/syncbridge"
TICKETS, USERS, SEED = 300, 60, 5
proc = subprocess.Popen(
    [binary, "sandbox", "--port", "0", "--tickets", str(TICKETS), "--users", str(USERS), "--seed", str(SEED), "--recent-window", "0"],
    stdout=subprocess.PIPE, text=True)
url = None
deadline = time.time() + 30
while time.time() < deadline and url is None:
    line = proc.stdout.readline()
    if line.startswith("Zendesk sandbox listening on "):
        url = line.strip().rsplit(" ", 1)[1]
if url is None:
    proc.kill()
    sys.exit("sandbox did not start")

os.environ["ZENPY_FORCE_SCHEME"] = "http"
os.environ["ZENPY_FORCE_NETLOC"] = url.split("://", 1)[1]
from zenpy import Zenpy  # imported after the environment is set

checks = []
def check(name, got, expected):
    ok = got == expected
    checks.append(ok)
    print(f"{'ok  ' if ok else 'FAIL'} {name}: got {got}, expected {expected}")

try:
    zd = Zenpy(subdomain="acme", email="admin@example.com", token="sandbox-token")
    check("users listed", len(list(zd.users())), USERS)
    tickets = list(zd.tickets())
    check("tickets listed", len(tickets), TICKETS)
    check("ticket ids unique", len({t.id for t in tickets}), TICKETS)
    one = zd.tickets(id=42)
    check("ticket 42 subject ends with its id", one.subject.endswith("(#42)"), True)
    comments = list(zd.tickets.comments(ticket=42))
    check("comments of ticket 42 start with its description", comments[0].body, one.description)
    check("incremental cursor ticket export", len({t.id for t in zd.tickets.incremental(start_time=0)}), TICKETS)
    check("incremental time-based ticket export", len({t.id for t in zd.tickets.incremental(start_time=0, paginate_by_time=True)}), TICKETS)
    check("incremental user export", len({u.id for u in zd.users.incremental(start_time=0)}), USERS)
    check("me is the admin", zd.users.me().email, "admin@example.com")
    audits = list(zd.tickets.audits(ticket=42))
    check("audits of ticket 42 carry its comments", [a.events[0]["id"] for a in audits], [c.id for c in comments])
    check("metrics of ticket 42", zd.tickets.metrics(ticket=42).ticket_id, 42)
    check("ticket metrics listed", len({m.ticket_id for m in zd.ticket_metrics()}), TICKETS)
    all_comments = sum(len(list(zd.tickets.comments(ticket=i))) for i in (1, 2, 3))
    events = {}
    for e in zd.tickets.events(start_time=0, include="comment_events"):
        for child in e.child_events:
            if child.get("event_type") == "Comment":
                events[child["id"]] = e.ticket_id
    check("ticket events carry comments", sum(1 for t in events.values() if t in (1, 2, 3)), all_comments)
    metric_events = {e.id for e in zd.tickets.metrics_incremental(start_time=0)}
    check("ticket metric events exported", len(metric_events) >= 2 * TICKETS, True)
    check("incremental organization export", len({o.id for o in zd.organizations.incremental(start_time=0)}), max(1, USERS // 10))
except Exception as e:  # a crash is a failure, reported like one
    import traceback; traceback.print_exc()
    checks.append(False)
finally:
    proc.terminate()
    proc.wait(timeout=10)

passed = sum(checks)
print(f"zenpy: {passed} passed, {len(checks) - passed} failed")
sys.exit(0 if passed == len(checks) else 1)
