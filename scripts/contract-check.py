#!/usr/bin/env python3
"""Checks that the API keeps its own OpenAPI contract: schemathesis against a real `syncbridge serve`.

Usage: contract-check.py SYNCBRIDGE_BINARY SCHEMATHESIS [--phases examples,coverage] [--max-time SECONDS]

Before the run it creates one of every resource (webhook, account, job, run, triggers, the environment's Zendesk
settings) and gives their ids to schemathesis as the path `id` of each operation, so that every operation is
reached with a real resource as well as with made-up ones. Every check schemathesis has is on; the run fails on any
failure, on a server error, and if the server dies or logs a crash.

Where the schema cannot say what the server rightly answers, the configuration says so, operation by operation:
- bodies that name other resources (sync_job_id, webhook_id, …) with made-up ids get 422 "no sync job with this id",
  a job's `depends_on` must name another resource of the same job, and cron expressions must be ones that fire;
- the browser endpoints (/connect/{token}, /oauth/callback) take opaque one-time tokens that a generator cannot
  guess, so a well-formed request with a made-up token is rightly refused (400/404/422, as HTML).
"""
import argparse, os, subprocess, sys, tempfile
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from live_server import LiveServer, Sandbox

parser = argparse.ArgumentParser()
parser.add_argument("binary")
parser.add_argument("schemathesis")
parser.add_argument("--phases", default="examples,coverage")
parser.add_argument("--max-time", type=int, default=None)
args = parser.parse_args()


def must(status_and_body, expected=(200, 201)):
    status, body = status_and_body
    if status not in expected:
        raise SystemExit(f"fixture request failed: {status} {body}")
    return body


with Sandbox(args.binary) as sandbox, LiveServer(args.binary, ["--max-concurrent-runs", "1", "--park-after-seconds", "1"]) as server:
    # One of everything, for the path ids; the account reads the sandbox. The webhook points at a closed port: runs
    # created here park quietly.
    webhook = must(server.call("POST", "/webhook", {"target_url": "http://127.0.0.1:9/hook"}))["id"]
    account = must(server.call("POST", "/integrated-account", {"integration_name": "zendesk", "tenant_id": "contract",
        "context": {"subdomain": "acme", "email": "admin@example.com", "api_token": "sandbox-token", "base_url": sandbox.url}}))["id"]
    job = must(server.call("POST", "/sync-job", {"integration_name": "zendesk",
        "resources": [{"resource": "ticketing/tickets", "method": "list"}]}))["id"]
    refs = {"sync_job_id": job, "integrated_account_id": account, "webhook_id": webhook}
    run = must(server.call("POST", "/sync-job-run", refs))["id"]
    cron = must(server.call("POST", "/sync-job-cron-trigger", {**refs, "cron_expression": "0 0 1 1 *"}))["id"]
    event = must(server.call("POST", "/sync-job-event-trigger", {"sync_job_id": job, "webhook_id": webhook,
                                                                  "event": "integrated_account:active"}))["id"]
    push = must(server.call("POST", "/sync-job-push-trigger", refs))["id"]
    must(server.call("PUT", "/environment-integration/zendesk", {"oauth": {"client_id": "c", "client_secret": "s"}}))
    link = must(server.call("POST", "/link-token", {"tenant_id": "contract", "redirect_uri": "https://example.com/done"}))["link_token"]
    ids = {"/webhook/{id}": webhook, "/integrated-account/{id}": account, "/integrated-account/{id}/post-connect-form": account,
           "/sync-job/{id}": job, "/sync-job-run/{id}": run, "/sync-job-run/{id}/resume": run,
           "/sync-job-cron-trigger/{id}": cron, "/sync-job-cron-trigger/{id}/schedule": cron,
           "/sync-job-cron-trigger/{id}/fires": cron, "/sync-job-event-trigger/{id}": event,
           "/sync-job-push-trigger/{id}": push, "/inbound/push/{id}": push}

    # POST /webhook/test waits for the receiver (up to the sender's 10 s timeout) before it answers.
    lines = ['request-timeout = 30.0', f'base-url = "{server.url}"', 'headers = { Authorization = "Bearer ${SYNCBRIDGE_CONTRACT_TOKEN}" }',
             "[checks]", "enabled = true", "[dictionaries]", f'webhooks = {{ values = ["{webhook}"] }}']
    # The examples and coverage phases get the fixtures' ids; the stateful phase follows the ids that responses
    # return (a fixed id would stand in for the one just created, and a DELETE found through a list may remove the
    # fixture), and fuzzing makes its own.
    fixed_ids = any(phase in args.phases.split(",") for phase in ("examples", "coverage"))
    for path, value in ids.items() if fixed_ids else []:
        # DELETE keeps made-up ids: deleting the fixtures would leave the other operations nothing real to reach.
        lines += ["[[operations]]", f'include-path = "{path}"', 'exclude-method = "DELETE"', f'parameters = {{ id = "{value}" }}']
    # Cursors are sealed, opaque values a generator cannot make (forged ones are tested on their own): lists start
    # at their first page.
    lines += ["[[operations]]", 'include-path-regex = "^/(webhook|integrated-account|sync-job[a-z-]*|unified/.*|proxy/.*)$"',
              'exclude-method = "POST"', 'parameters = { next_cursor = "" }']
    lines += ["[[operations]]", 'include-path = "/environment-integration/{name}"', 'parameters = { name = "zendesk" }']
    lines += ["[[operations]]", 'include-path-regex = "^/connect/"', f'parameters = {{ token = "{link}" }}']
    # The test delivery names its webhook in the body: a dictionary of the one real id.
    lines += ["[[operations]]", 'include-path = "/webhook/test"', 'parameters = { "body.id" = { dictionary = "webhooks" } }']
    # The live APIs read the sandbox through the account: real resources and a ticket that exists.
    for path, params in [("/unified/{api}/{resource}", 'api = "ticketing", resource = "tickets"'),
                         ("/unified/{api}/{resource}/{id}", 'api = "ticketing", resource = "tickets", id = "1"'),
                         ("/proxy/{resource}", 'resource = "tickets"'), ("/proxy/{resource}/{id}", 'resource = "tickets", id = "1"')]:
        lines += ["[[operations]]", f'include-path = "{path}"', f'parameters = {{ integrated_account_id = "{account}", {params} }}']
    referencing = ["/sync-job-run", "/sync-job-cron-trigger", "/sync-job-event-trigger", "/sync-job-push-trigger",
                   "/sync-job-cron-trigger/{id}", "/sync-job-event-trigger/{id}", "/link-token", "/webhook/test",
                   "/sync-job", "/sync-job/{id}", "/sync-job-push-trigger/{id}"]
    for path in referencing:
        lines += ["[[operations]]", f'include-path = "{path}"',
                  'checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422"]']
    for path in ["/connect/{token}", "/oauth/callback"]:
        lines += ["[[operations]]", f'include-path = "{path}"',
                  'checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "404", "422"]']
    config = os.path.join(server.dir, "schemathesis.toml")
    open(config, "w").write("\n".join(lines) + "\n")

    command = [args.schemathesis, "--config-file", config, "run", server.url + "/openapi.json", "--phases", args.phases,
               "--no-color", "--seed", "1"]
    if args.max_time:
        command += ["--max-time", str(args.max_time)]
    print("==> " + " ".join(command), flush=True)
    result = subprocess.run(command, env=dict(os.environ, SYNCBRIDGE_CONTRACT_TOKEN=server.token))
    alive = server.alive()
    crashes = server.crash_lines()

print(f"schemathesis exit code {result.returncode}; server alive: {alive}; crash lines in its log: {len(crashes)}")
for line in crashes[:20]:
    print("  " + line.rstrip())
sys.exit(0 if result.returncode == 0 and alive and not crashes else 1)
