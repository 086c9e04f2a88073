#!/usr/bin/env python3
"""Runs the most used third-party Zendesk clients, unchanged, against `syncbridge sandbox` at https://acme.zendesk.com.

    scripts/client-check.py BIN [--only tap-zendesk,airbyte,zenpy] [--keep DIR]

Each client is installed from PyPI, pinned, into a throwaway virtual environment (all three at once). Each then runs
in a network namespace of its own (`ip netns add`; needs root), whose /etc/netns/<ns>/hosts maps acme.zendesk.com to
127.0.0.1, against a sandbox started inside that namespace on port 443 with a generated certificate (`--tls`) that the
client trusts through REQUESTS_CA_BUNDLE and SSL_CERT_FILE. The machine's own /etc/hosts is never touched.

- tap-zendesk: --discover, then a sync of its main streams; records per stream are counted from its Singer output.
- airbyte-source-zendesk-support: check, discover and read of its main streams.
- zenpy: lists, shows and exports through its own API.

The records per stream must equal the sandbox's own numbers (GET /__sandbox/counts). The check fails on any response
of status 400 or more that the sandbox gave (its request log), any client error or parse error, and any retry a
client logs. Python's deprecation warnings don't count.
"""
import argparse, concurrent.futures, json, os, re, shutil, ssl, subprocess, sys, tempfile, time, urllib.request

CLIENTS = {
    "tap-zendesk": ["tap-zendesk==2.8.2"],
    # 4.9.1 asks for airbyte-cdk >=6,<7. From 6.60.0 on, its own enterprise-stream probe (source.py,
    # check_enterprise_streams) fails before any request ("'DefaultStream' object has no attribute 'stream_slices'")
    # and drops ticket_forms from the catalog; 6.59.2 is the newest 6.x it works with.
    "airbyte": ["airbyte-source-zendesk-support==4.9.1", "airbyte-cdk==6.59.2"],
    "zenpy": ["zenpy==2.0.57"],
}
# A known world: fewer tickets than tap-zendesk's 450 per minute of audits, past which it sleeps for a minute.
TICKETS, USERS, SEED = 200, 60, 5
HOST = "acme.zendesk.com"
TOKEN = "sandbox-oauth-token"
START_DATE = "2020-01-01T00:00:00Z"

TAP_STREAMS = ["tickets", "ticket_audits", "ticket_comments", "ticket_metrics", "users", "organizations", "groups",
               "group_memberships", "ticket_fields", "ticket_forms", "tags", "macros", "satisfaction_ratings", "sla_policies"]
AIRBYTE_STREAMS = ["tickets", "users", "organizations", "ticket_comments", "ticket_audits", "ticket_metrics",
                   "ticket_metric_events", "groups", "group_memberships", "ticket_fields", "ticket_forms", "brands", "tags",
                   "macros", "satisfaction_ratings", "custom_roles", "schedules", "sla_policies", "user_fields",
                   "organization_fields"]
# Log lines that mean a client retried, backed off or failed.
TROUBLE = re.compile(r"Backing off|Giving up|[Rr]etry(ing)?\b|Caught HTTP|HTTP-error-code|Traceback|CRITICAL|\bERROR\b|"
                     r"JSONDecodeError|status code [45]\d\d|not available for this account|do not have 'read' access")
HARMLESS = re.compile(r"DeprecationWarning|PendingDeprecationWarning|FutureWarning|datetime\.datetime\.utc")


def log(msg):
    print(msg, flush=True)


# ---------------------------------------------------------------------------------------------------------- outside


def install(name, packages, root):
    venv = os.path.join(root, name)
    started = time.time()
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    done = subprocess.run([os.path.join(venv, "bin", "pip"), "install", "--quiet", "--disable-pip-version-check", *packages],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pip install {' '.join(packages)} failed:\n{done.stdout}{done.stderr}")
    return venv, time.time() - started


def run_in_namespace(name, venv, binary, workdir):
    """Runs this script's inside part for one client in a fresh network namespace; returns (ok, output, seconds)."""
    ns = f"sbcheck-{os.getpid()}-{name}"
    hosts_dir = f"/etc/netns/{ns}"
    started = time.time()
    try:
        subprocess.run(["ip", "netns", "add", ns], check=True)
        subprocess.run(["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"], check=True)
        os.makedirs(hosts_dir, exist_ok=True)
        with open(os.path.join(hosts_dir, "hosts"), "w") as f:
            f.write(f"127.0.0.1 localhost {HOST}\n")
        done = subprocess.run(["ip", "netns", "exec", ns, sys.executable, os.path.abspath(__file__), "--inside", name,
                               "--venv", venv, "--workdir", workdir, binary], capture_output=True, text=True, timeout=900)
        return done.returncode == 0, done.stdout + done.stderr, time.time() - started
    except subprocess.TimeoutExpired as e:
        return False, f"{name}: timed out after 900 s\n{e.stdout or ''}{e.stderr or ''}", time.time() - started
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        shutil.rmtree(hosts_dir, ignore_errors=True)


def outside(args):
    if os.geteuid() != 0:
        sys.exit("client-check needs root for `ip netns` (scripts/test runs it as root in CI)")
    if shutil.which("ip") is None:
        sys.exit("client-check needs iproute2's `ip` (apt-get install iproute2)")
    names = args.only.split(",") if args.only else list(CLIENTS)
    began = time.time()
    root = args.keep or tempfile.mkdtemp(prefix="syncbridge-clients.")
    os.makedirs(root, exist_ok=True)
    try:
        with concurrent.futures.ThreadPoolExecutor(len(names)) as pool:
            installs = {n: pool.submit(install, n, CLIENTS[n], root) for n in names}
            venvs = {}
            for n, f in installs.items():
                venvs[n], seconds = f.result()
                log(f"installed {' '.join(CLIENTS[n])} in {seconds:.0f} s")
            runs = {n: pool.submit(run_in_namespace, n, venvs[n], os.path.abspath(args.binary), os.path.join(root, f"{n}-work"))
                    for n in names}
            failed = []
            for n, f in runs.items():
                ok, output, seconds = f.result()
                log(f"---- {' '.join(CLIENTS[n])}: {'passed' if ok else 'FAILED'} in {seconds:.0f} s")
                log(output.rstrip())
                if not ok:
                    failed.append(n)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    if failed:
        sys.exit(f"client check failed: {', '.join(failed)}")
    log(f"client check: {', '.join(CLIENTS[n][0] for n in names)} passed in {time.time() - began:.0f} s (installs included)")


# ----------------------------------------------------------------------------------------------------------- inside


class Inside:
    """One client against one sandbox, inside the namespace."""

    def __init__(self, name, venv, binary, workdir):
        self.name, self.venv, self.binary, self.workdir = name, venv, binary, workdir
        os.makedirs(workdir, exist_ok=True)
        self.ca = os.path.join(workdir, "ca.pem")
        self.failures = []
        self.sandbox = None

    def fail(self, message):
        self.failures.append(message)
        log(f"FAIL {message}")

    def check(self, what, got, expected):
        if got == expected:
            log(f"ok   {what}: {got}")
        else:
            self.fail(f"{what}: got {got}, expected {expected}")

    def start_sandbox(self):
        self.sandbox = subprocess.Popen(
            [self.binary, "sandbox", "--host", "127.0.0.1", "--port", "443", "--tls", "--tls-ca-out", self.ca,
             "--tickets", str(TICKETS), "--users", str(USERS), "--seed", str(SEED), "--oauth-token", TOKEN],
            stdout=subprocess.PIPE, text=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.sandbox.stdout.readline()
            if line.startswith("Zendesk sandbox listening on "):
                break
            if not line and self.sandbox.poll() is not None:
                sys.exit("sandbox exited before listening")
        else:
            sys.exit("sandbox did not start")
        os.environ["REQUESTS_CA_BUNDLE"] = self.ca
        os.environ["SSL_CERT_FILE"] = self.ca
        self.tls = ssl.create_default_context(cafile=self.ca)

    def keep_alive(self):
        """Two requests on one HTTPS connection at the real name, as Zendesk serves HTTP/1.1 with keep-alive."""
        import http.client
        conn = http.client.HTTPSConnection(HOST, 443, context=self.tls, timeout=30)
        statuses, sockets = [], []
        for path in ("/api/v2/groups.json", "/api/v2/brands.json"):
            conn.request("GET", path, headers={"Authorization": f"Bearer {TOKEN}"})
            answer = conn.getresponse()
            answer.read()
            statuses.append(answer.status)
            sockets.append(conn.sock.getsockname()[1] if conn.sock else None)
            if answer.getheader("Connection", "").lower() == "close":
                self.fail(f"{path} answered Connection: close")
        conn.close()
        self.check("two requests on one kept-alive HTTPS connection", (statuses, sockets[0] is not None and sockets[0] == sockets[1]), ([200, 200], True))

    def admin(self, path):
        with urllib.request.urlopen(f"https://{HOST}/__sandbox/{path}", context=self.tls, timeout=60) as r:
            return json.load(r)

    def run(self, argv, stdout_path):
        started = time.time()
        with open(stdout_path, "w") as out:
            done = subprocess.run(argv, stdout=out, stderr=subprocess.PIPE, text=True, cwd=self.workdir, timeout=800)
        with open(stdout_path + ".stderr", "w") as err:
            err.write(done.stderr)
        return done.returncode, done.stderr, time.time() - started

    def scan_log(self, text, source):
        for line in text.splitlines():
            if TROUBLE.search(line) and not HARMLESS.search(line):
                self.fail(f"{source} logged: {line.strip()[:300]}")

    def finish(self):
        stats = self.admin("stats")
        bad = {k: v for k, v in stats["by_status"].items() if int(k) >= 400}
        if bad:
            self.fail(f"the sandbox answered statuses >= 400: {bad}")
            for entry in stats["log"]:
                if entry["status"] >= 400:
                    log(f"     {int(entry['status'])} {entry['method']} {entry['path']} {entry['query']}")
        else:
            log(f"ok   {int(stats['requests_total'])} requests, none answered 400 or more")
        self.sandbox.terminate()
        self.sandbox.wait(timeout=10)
        return not self.failures

    # tap-zendesk ------------------------------------------------------------------------------------------------

    def tap(self, counts):
        config = os.path.join(self.workdir, "config.json")
        with open(config, "w") as f:
            json.dump({"subdomain": "acme", "access_token": TOKEN, "start_date": START_DATE}, f)
        tap = os.path.join(self.venv, "bin", "tap-zendesk")
        catalog_path = os.path.join(self.workdir, "catalog.json")
        code, err, seconds = self.run([tap, "--config", config, "--discover"], catalog_path)
        self.scan_log(err, "tap-zendesk --discover")
        if code != 0:
            return self.fail(f"tap-zendesk --discover exited {code}: {err[-2000:]}")
        catalog = json.load(open(catalog_path))
        discovered = {s["tap_stream_id"] for s in catalog["streams"]}
        log(f"ok   discover in {seconds:.1f} s: {len(discovered)} streams")
        for s in TAP_STREAMS:
            if s not in discovered:
                self.fail(f"tap-zendesk did not discover {s}")
        for s in catalog["streams"]:
            for m in s["metadata"]:
                if m["breadcrumb"] == []:
                    m["metadata"]["selected"] = s["tap_stream_id"] in TAP_STREAMS
        json.dump(catalog, open(catalog_path, "w"))
        out = os.path.join(self.workdir, "sync.jsonl")
        code, err, seconds = self.run([tap, "--config", config, "--catalog", catalog_path], out)
        self.scan_log(err, "tap-zendesk sync")
        if code != 0:
            return self.fail(f"tap-zendesk sync exited {code}: {err[-2000:]}")
        records = {}
        for line in open(out):
            try:
                message = json.loads(line)
            except ValueError:
                self.fail(f"tap-zendesk wrote a line that is not JSON: {line[:200]}")
                continue
            if message.get("type") == "RECORD":
                records[message["stream"]] = records.get(message["stream"], 0) + 1
        log(f"ok   sync in {seconds:.1f} s")
        for s in TAP_STREAMS:
            self.check(f"tap-zendesk {s} records", records.get(s, 0), counts[s])

    # Airbyte ----------------------------------------------------------------------------------------------------

    def airbyte_messages(self, path, source):
        messages = []
        for line in open(path):
            try:
                message = json.loads(line)
            except ValueError:
                if line.strip():
                    self.scan_log(line, source)
                continue
            kind = message.get("type")
            if kind == "LOG":
                level, text = message["log"]["level"], message["log"]["message"]
                if (level in ("ERROR", "FATAL", "WARN") and not HARMLESS.search(text)) or TROUBLE.search(text):
                    self.fail(f"{source} logged {level}: {text[:300]}")
            elif kind == "TRACE" and message["trace"].get("type") == "ERROR":
                self.fail(f"{source} reported an error: {json.dumps(message['trace'].get('error', {}))[:500]}")
            messages.append(message)
        return messages

    def airbyte(self, counts):
        config = os.path.join(self.workdir, "config.json")
        with open(config, "w") as f:
            json.dump({"subdomain": "acme", "start_date": START_DATE,
                       "credentials": {"credentials": "oauth2.0", "access_token": TOKEN}}, f)
        source = os.path.join(self.venv, "bin", "source-zendesk-support")
        # Airbyte's CDK sends prepared requests with Session.send, which never reads REQUESTS_CA_BUNDLE: it verifies
        # against certifi's bundle only. Trust the sandbox's authority there, in this throwaway venv, as one would
        # add a corporate CA.
        bundle = subprocess.run([os.path.join(self.venv, "bin", "python"), "-c", "import certifi; print(certifi.where())"],
                                capture_output=True, text=True, check=True).stdout.strip()
        with open(bundle, "a") as f, open(self.ca) as ca:
            f.write("\n" + ca.read())
        out = os.path.join(self.workdir, "check.jsonl")
        code, err, seconds = self.run([source, "check", "--config", config], out)
        self.scan_log(err, "airbyte check")
        status = [m["connectionStatus"]["status"] for m in self.airbyte_messages(out, "airbyte check") if m["type"] == "CONNECTION_STATUS"]
        self.check(f"airbyte check ({seconds:.1f} s)", status, ["SUCCEEDED"])
        out = os.path.join(self.workdir, "discover.jsonl")
        code, err, seconds = self.run([source, "discover", "--config", config], out)
        self.scan_log(err, "airbyte discover")
        catalogs = [m["catalog"] for m in self.airbyte_messages(out, "airbyte discover") if m["type"] == "CATALOG"]
        if code != 0 or not catalogs:
            return self.fail(f"airbyte discover exited {code} without a catalog: {err[-2000:]}")
        streams = {s["name"]: s for s in catalogs[0]["streams"]}
        log(f"ok   discover in {seconds:.1f} s: {len(streams)} streams")
        configured = []
        for name in AIRBYTE_STREAMS:
            if name not in streams:
                self.fail(f"airbyte did not discover {name}")
                continue
            configured.append({"stream": streams[name], "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"})
        catalog_path = os.path.join(self.workdir, "configured.json")
        json.dump({"streams": configured}, open(catalog_path, "w"))
        out = os.path.join(self.workdir, "read.jsonl")
        code, err, seconds = self.run([source, "read", "--config", config, "--catalog", catalog_path], out)
        self.scan_log(err, "airbyte read")
        records = {}
        for m in self.airbyte_messages(out, "airbyte read"):
            if m["type"] == "RECORD":
                records[m["record"]["stream"]] = records.get(m["record"]["stream"], 0) + 1
        if code != 0:
            self.fail(f"airbyte read exited {code}: {err[-2000:]}")
        log(f"ok   read in {seconds:.1f} s")
        for s in AIRBYTE_STREAMS:
            self.check(f"airbyte {s} records", records.get(s, 0), counts[s])

    # zenpy ------------------------------------------------------------------------------------------------------

    def zenpy(self, counts):
        code = subprocess.run([os.path.join(self.venv, "bin", "python"), "-c", ZENPY_CHECK, json.dumps(counts)],
                              capture_output=True, text=True, timeout=600)
        log(code.stdout.rstrip())
        self.scan_log(code.stderr, "zenpy")
        for line in code.stdout.splitlines():
            if line.startswith("FAIL"):
                self.failures.append(line)
        if code.returncode != 0:
            self.fail(f"zenpy check exited {code.returncode}: {code.stderr[-2000:]}")


ZENPY_CHECK = r'''
import json, sys
from zenpy import Zenpy
counts = json.loads(sys.argv[1])
def check(name, got, expected):
    print(f"{'ok  ' if got == expected else 'FAIL'} zenpy {name}: got {got}, expected {expected}")
zd = Zenpy(subdomain="acme", email="admin@example.com", token="sandbox-token")
check("users listed", len(list(zd.users())), counts["users"])
tickets = list(zd.tickets())
check("tickets listed", len({t.id for t in tickets}), counts["tickets"])
one = zd.tickets(id=42)
check("ticket 42 subject ends with its id", one.subject.endswith("(#42)"), True)
comments = list(zd.tickets.comments(ticket=42))
check("comments of ticket 42 start with its description", comments[0].body, one.description)
check("every comment author is a user", all(zd.users(id=c.author_id).id == c.author_id for c in comments), True)
check("incremental cursor ticket export", len({t.id for t in zd.tickets.incremental(start_time=0)}), counts["tickets"])
check("incremental time-based ticket export", len({t.id for t in zd.tickets.incremental(start_time=0, paginate_by_time=True)}), counts["tickets"])
check("incremental user export", len({u.id for u in zd.users.incremental(start_time=0)}), counts["users"])
check("me is the admin", zd.users.me().email, "admin@example.com")
audits = list(zd.tickets.audits(ticket=42))
check("audits of ticket 42 carry its comments", [a.events[0]["id"] for a in audits], [c.id for c in comments])
check("metrics of ticket 42", zd.tickets.metrics(ticket=42).ticket_id, 42)
check("ticket metrics listed", len({m.ticket_id for m in zd.ticket_metrics()}), counts["ticket_metrics"])
events = sum(1 for e in zd.tickets.events(start_time=0, include="comment_events") for c in e.child_events if c.get("event_type") == "Comment")
check("ticket events carry every comment", events, counts["ticket_comments"])
check("ticket metric events exported", len({e.id for e in zd.tickets.metrics_incremental(start_time=0)}), counts["ticket_metric_events"])
check("incremental organization export", len({o.id for o in zd.organizations.incremental(start_time=0)}), counts["organizations"])
groups = {g.id for g in zd.groups()}
check("groups listed", len(groups), counts["groups"])
check("ticket 42's group is listed", one.group_id in groups, True)
forms = {f.id for f in zd.ticket_forms()}
check("ticket forms listed", len(forms), counts["ticket_forms"])
check("ticket 42's form is listed", one.ticket_form_id in forms, True)
check("ticket fields listed", len(list(zd.ticket_fields())), counts["ticket_fields"])
check("user fields listed", len(list(zd.user_fields())), counts["user_fields"])
check("macros listed", len(list(zd.macros())), counts["macros"])
check("SLA policies listed", len(list(zd.sla_policies())), counts["sla_policies"])
check("satisfaction ratings listed", len(list(zd.satisfaction_ratings())), counts["satisfaction_ratings"])
check("brands listed", len(list(zd.brands())), counts["brands"])
check("group memberships listed", len(list(zd.group_memberships())), counts["group_memberships"])
check("custom roles listed", len(list(zd.custom_agent_roles())), counts["custom_roles"])
'''


def inside(args):
    run = Inside(args.inside, args.venv, args.binary, args.workdir)
    run.start_sandbox()
    try:
        run.keep_alive()
        counts = run.admin("counts")
        log(f"     sandbox world: {json.dumps(counts, sort_keys=True)}")
        {"tap-zendesk": run.tap, "airbyte": run.airbyte, "zenpy": run.zenpy}[args.inside](counts)
    except Exception as e:  # a crash is a failure, reported like one
        import traceback
        traceback.print_exc()
        run.failures.append(f"{type(e).__name__}: {e}")
    ok = run.finish()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("binary")
    p.add_argument("--only", help="comma-separated: " + ",".join(CLIENTS))
    p.add_argument("--keep", help="install into and keep this folder (reuses nothing; for debugging)")
    p.add_argument("--inside", help=argparse.SUPPRESS)
    p.add_argument("--venv", help=argparse.SUPPRESS)
    p.add_argument("--workdir", help=argparse.SUPPRESS)
    a = p.parse_args()
    inside(a) if a.inside else outside(a)
