"""Starts a real `syncbridge serve` for the API checks (contract, abuse): a fresh SQLite database in a temporary
folder, a free port, an API token, and the server's log kept for inspection."""
import json, os, socket, subprocess, tempfile, time, urllib.request


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class LiveServer:
    def __init__(self, binary, extra_args=()):
        self.binary = binary
        self.dir = tempfile.mkdtemp(prefix="syncbridge-live-")
        self.env = dict(os.environ, SYNCBRIDGE_DATABASE_URL=f"sqlite://{self.dir}/db.sqlite",
                        SYNCBRIDGE_KEY_FILE=f"{self.dir}/key", SYNCBRIDGE_LOG_LEVEL="notice")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_args = list(extra_args)
        self.log_path = f"{self.dir}/serve.log"

    def __enter__(self):
        out = subprocess.run([self.binary, "token", "create", "--name", "check"], env=self.env, capture_output=True, text=True, check=True)
        self.token = out.stdout.strip().splitlines()[-1]
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([self.binary, "serve", "--port", str(self.port), *self.extra_args], env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/health", timeout=2).read()
                return self
            except Exception:
                if self.proc.poll() is not None:
                    raise SystemExit(f"serve exited with {self.proc.returncode}; log:\n{open(self.log_path).read()}")
                time.sleep(0.2)
        raise SystemExit("serve did not answer /health within 60 s")

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()

    def alive(self):
        return self.proc.poll() is None

    def call(self, method, path, body=None, token=True):
        """One JSON request; returns (status, parsed body or text)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if token:
            request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        try:
            return status, json.loads(text) if text else None
        except ValueError:
            return status, text

    def crash_lines(self):
        """Lines of the server's log that tell of a crash or an unexpected error."""
        words = ("Fatal error", "SIGSEGV", "SIGILL", "SIGTRAP", "Stack dump", "critical", "request failed")
        # A provider request that failed and was reported to the receiver (a record_error) is the engine working.
        return [line for line in open(self.log_path, errors="replace")
                if any(w in line for w in words) and "provider request failed; continuing" not in line]


class Sandbox:
    """`syncbridge sandbox` on a free port, for the provider side of the checks."""

    def __init__(self, binary, tickets=20):
        self.binary, self.tickets = binary, tickets

    def __enter__(self):
        self.proc = subprocess.Popen([self.binary, "sandbox", "--port", "0", "--tickets", str(self.tickets)],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if line.startswith("Zendesk sandbox listening on "):
                self.url = line.strip().rsplit(" ", 1)[1]
                return self
            if not line and self.proc.poll() is not None:
                break
        self.proc.kill()
        raise SystemExit("sandbox did not start")

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=30)
