#!/usr/bin/env python3
"""Writes Sources/SyncBridgeServer/Resources/openapi.json, the OpenAPI 3.1 document of the SyncBridge API.

Edit this file, run it, and commit both; OpenAPITests checks that every route the server serves is documented.
"""
import json, pathlib

def ref(name): return {"$ref": f"#/components/schemas/{name}"}
def ts(desc="ISO-8601 UTC with milliseconds"): return {"type": "string", "format": "date-time", "description": desc}
uuid = {"type": "string", "format": "uuid"}
nullable = lambda s: {"oneOf": [s, {"type": "null"}]}

EVENTS = ["sync_job_run:created", "sync_job_run:updated", "sync_job_run:started", "sync_job_run:completed",
          "sync_job_run:failed", "sync_job_run:record", "sync_job_run:record_error", "sync_job_run:rate_limited",
          "integrated_account:created", "integrated_account:active", "integrated_account:updated",
          "integrated_account:deleted", "integrated_account:authentication_error",
          "integrated_account:post_connect_form_submitted", "webhook:disabled"]

common = {"id": uuid, "environment_id": uuid, "created_at": ts(), "updated_at": ts()}
run_ids = {"sync_job_run_id": uuid, "sync_job_id": uuid, "integrated_account_id": uuid}
overlap = {"type": "string", "enum": ["skip", "queue"], "default": "skip",
           "description": "A fire while the trigger's previous run is still going: skip records it as skipped; queue creates the run anyway."}
event_trigger = {"sync_job_id": uuid, "webhook_id": uuid,
    "event": {"type": "string", "enum": ["integrated_account:active", "integrated_account:post_connect_form_submitted"]},
    "args": {"type": "object", "description": "Validated against the sync job's args_schema."},
    "error_handling": {"type": "string", "enum": ["ignore", "fail_fast"], "default": "ignore"},
    "ignore_previous_run": {"type": "boolean", "default": False}, "status": {"type": "string", "enum": ["active", "paused"], "default": "active"}}
push_trigger = {"sync_job_id": uuid, "integrated_account_id": uuid, "webhook_id": uuid,
    "args": {"type": "object", "description": "Validated against the sync job's args_schema."},
    "error_handling": {"type": "string", "enum": ["ignore", "fail_fast"], "default": "ignore"},
    "ignore_previous_run": {"type": "boolean", "default": False},
    "debounce_seconds": {"type": "number", "minimum": 0, "maximum": 3600, "default": 5,
                         "description": "Quiet time after the last notification before the run is created."},
    "max_delay_seconds": {"type": "number", "minimum": 1, "maximum": 86400, "default": 60,
                          "description": "Longest wait after the first notification of a burst."},
    "safety_net_cron": {"type": ["string", "null"], "minLength": 1, "description": "Cron expression (UTC) that also creates runs, in case notifications stop."},
    "status": {"type": "string", "enum": ["active", "paused"], "default": "active"}}
push_trigger_state = {
    "registration": {"type": "object", "description": "What was registered with the provider (Zendesk: webhook_id, trigger_id)."},
    "pending_since": {"type": ["string", "null"], "format": "date-time"}, "last_notified_at": {"type": ["string", "null"], "format": "date-time"},
    "next_safety_net_at": {"type": ["string", "null"], "format": "date-time"}, "due_at": {"type": ["string", "null"], "format": "date-time"},
    "notifications": {"type": "integer"}, "runs_created": {"type": "integer"}, "last_run_id": {"type": ["string", "null"], "format": "uuid"}}
run_settings = {
    "sync_job_id": uuid, "integrated_account_id": uuid, "webhook_id": uuid,
    "error_handling": {"type": "string", "enum": ["ignore", "fail_fast"], "default": "ignore"},
    "ignore_previous_run": {"type": "boolean", "default": False},
    "args": {"type": "object", "description": "Validated against the sync job's args_schema."},
    "mode": {"type": "string", "enum": ["batch", "continuous"], "default": "batch",
             "description": "continuous: after catching up, keep polling the root resource's incremental export every polling_period "
                            "seconds and deliver changes as they come (checkpointed per acknowledged page) until stopped. "
                            "The job must have one root resource."},
    "polling_period": {"type": "number", "minimum": 0.05, "maximum": 86400, "default": 6, "description": "Seconds between polls of a continuous run."},
    "destination": {"oneOf": [{"type": "null"}, {"type": "object", "additionalProperties": False, "required": ["type", "integrated_account_id"],
        "description": "Write records into this account instead of sending them to the webhook (which still gets the lifecycle events). "
                       "zendesk_ticket_import: Zendesk's ticket bulk import, buffer_size per call, job status polled, 429 waited out up to "
                       "max_retries times; each ticket's external_id is syncbridge:<source id>, so a page re-sent after a crash is not imported twice.",
        "properties": {"type": {"type": "string", "enum": ["zendesk_ticket_import"]}, "integrated_account_id": uuid,
                       "buffer_size": {"type": "integer", "minimum": 1, "maximum": 100, "default": 100},
                       "max_retries": {"type": "integer", "minimum": 0, "maximum": 10, "default": 3}}}]},
}
webhook_fields = {"target_url": {"type": "string", "format": "uri"}, "is_active": {"type": "boolean", "default": True},
                  "event_types": {"type": "array", "items": {"type": "string", "enum": EVENTS}, "description": "Omitted or empty: all events."}}
cron_fields = {**run_settings, "cron_expression": {"type": "string", "minLength": 1},
               "timezone": {"type": ["string", "null"], "minLength": 1, "description": "IANA name; UTC when omitted or null."}, "overlap": overlap}
job_fields = {
    "label": {"type": ["string", "null"]}, "integration_name": {"type": "string", "enum": ["zendesk"]},
    "resources": {"type": "array", "minItems": 1, "items": ref("SyncJobResource")},
    "args_schema": {"type": ["object", "null"], "description": "A JSON Schema, or a map of argument name to schema; null removes it."},
    "concurrency": {"type": ["integer", "null"], "minimum": 1, "maximum": 64,
                    "description": "Provider requests a run keeps in flight ahead of its walk (the first pages of the dependents it enters next), at most the engine's setting (default 8); null: the engine's setting. An extension of Truto's shape."}}
schemas = {
    "Error": {"type": "object", "required": ["statusCode", "error", "message", "code"], "properties": {
        "statusCode": {"type": "integer"}, "error": {"type": "string"}, "message": {"type": "string"},
        "code": {"type": "string", "description": "Stable machine-readable code, e.g. validation_failed, webhook_not_found."},
        "details": {"type": "object", "properties": {"failures": {"type": "array", "items": {"type": "object", "properties": {
            "path": {"type": "string", "example": "resources[3].depends_on"}, "message": {"type": "string"}}}}}}}},
    "Deleted": {"type": "object", "properties": {"id": uuid}},
    "Webhook": {"type": "object", "properties": {**common, "target_url": {"type": "string", "format": "uri"},
        "is_active": {"type": "boolean"}, "event_types": {"type": "array", "items": {"type": "string", "enum": EVENTS}}}},
    "WebhookCreated": {"allOf": [ref("Webhook"), {"type": "object", "properties": {"secret": {"type": "string",
        "description": "whsec_<base64 of 32 bytes>. Returned only here."}}}]},
    "WebhookInput": {"type": "object", "additionalProperties": False, "required": ["target_url"], "properties": webhook_fields},
    "WebhookPatch": {"type": "object", "additionalProperties": False, "properties": webhook_fields},
    "WebhookTestResult": {"type": "object", "properties": {"id": uuid, "event_id": uuid, "success": {"type": "boolean"},
        "status": nullable({"type": "integer"}), "response_body": {"type": "string"}, "error": nullable({"type": "string"}),
        "duration_ms": {"type": "number"}}},
    "IntegratedAccount": {"type": "object", "properties": {**common, "integration_name": {"type": "string"},
        "integration": {"type": "object", "properties": {"name": {"type": "string"}}}, "tenant_id": {"type": "string"},
        "context": {"type": "object", "description": "Non-secret settings; credentials are never returned."},
        "status": {"type": "string", "enum": ["connecting", "active", "needs_reauth"]}, "last_error": nullable({"type": "string"}),
        "warnings": {"type": "array", "items": {"type": "string"},
                     "description": "Things to act on, e.g. an API-token account that stops working when Zendesk retires API tokens on 2027-04-30."}}},
    "IntegratedAccountInput": {"type": "object", "additionalProperties": False, "required": ["integration_name", "tenant_id"], "properties": {
        "integration_name": {"type": "string", "enum": ["zendesk"]}, "tenant_id": {"type": "string", "minLength": 1},
        "context": {"type": "object", "description": "Settings and credentials, e.g. subdomain, email, api_token, access_token, base_url."}}},
    "IntegratedAccountPatch": {"type": "object", "additionalProperties": False, "properties": {
        "tenant_id": {"type": "string", "minLength": 1},
        "context": {"type": "object", "description": "Merged into the stored context member by member; a null member removes it."}}},
    "SyncJobResource": {"type": "object", "additionalProperties": False, "required": ["resource", "method"], "properties": {
        "resource": {"type": "string", "minLength": 1, "example": "ticketing/tickets"}, "method": {"type": "string", "minLength": 1, "example": "list"},
        "id": {"oneOf": [{"type": "string"}, {"type": "number"}]},
        "query": {"oneOf": [{"type": "object"}, {"type": "string", "minLength": 1, "description": "JSONata expression"}]},
        "body": {}, "loop_on": {"type": "string", "minLength": 1, "example": "{{args.ticket_ids}}"}, "depends_on": {"type": "string", "minLength": 1},
        "persist": {"type": "boolean", "default": True}}},
    "SyncJob": {"type": "object", "properties": {**common, "label": nullable({"type": "string"}), "integration_name": {"type": "string"},
        "resources": {"type": "array", "items": ref("SyncJobResource")}, "args_schema": nullable({"type": "object"}),
        "concurrency": {"type": "integer", "minimum": 1, "maximum": 64}}},
    "SyncJobInput": {"type": "object", "additionalProperties": False, "required": ["integration_name", "resources"], "properties": job_fields},
    "SyncJobPatch": {"type": "object", "additionalProperties": False, "properties": job_fields},
    "SyncJobRun": {"type": "object", "properties": {**common, **run_settings,
        "status": {"type": "string", "enum": ["created", "running", "rate_limited", "waiting_for_webhook", "completed", "failed", "stopped"],
                   "description": "waiting_for_webhook: the receiver did not acknowledge and the run is parked (no lease, no worker slot) until next_attempt_at; error says why"},
        "next_attempt_at": nullable({"type": "string", "format": "date-time", "description": "When a parked run tries its receiver again"}),
        "resource_stats": {"type": "object", "description": "Per resource: fetched, delivered, pages and errors (requests that failed for good); "
            "when the run completes, complete (false: a page was skipped after a record_error, so the resource's watermark did not move).",
            "additionalProperties": {"type": "object", "properties": {"fetched": {"type": "number"}, "delivered": {"type": "number"},
                "pages": {"type": "number"}, "errors": {"type": "number"}, "complete": {"type": "boolean"}}}},
        "error": nullable({"type": "string", "description": "Why the run failed or stopped; for a completed run, which resources were incomplete."}),
        "sync_job_cron_trigger_id": nullable(uuid), "started_at": nullable(ts()), "finished_at": nullable(ts())}},
    "SyncJobRunRecordPayload": {"type": "object",
        "description": "One page of records (one record for method get), in order; the engine waits for the 2xx before fetching on.",
        "required": ["sync_job_run_id", "sync_job_id", "integrated_account_id", "resource", "method", "records", "meta"],
        "properties": {**run_ids, "resource": {"type": "string", "example": "ticketing/tickets"}, "method": {"type": "string", "example": "list"},
            "records": {"type": "array", "items": {"type": "object"},
                        "description": "Unified records (with remote_data unless truto_ignore_remote_data) or the provider's objects for proxy resources."},
            "meta": {"type": "object", "required": ["page", "next_cursor", "is_last_page"], "properties": {
                "page": {"type": "integer", "minimum": 1, "description": "Page number within this resource (and parent record)."},
                "next_cursor": nullable({"type": "string", "description": "Opaque cursor of the next page; null on the last page."}),
                "is_last_page": {"type": "boolean"},
                "parent": nullable({"type": "object", "properties": {"resource": {"type": "string"}, "id": {"oneOf": [{"type": "string"}, {"type": "number"}]}},
                                    "description": "The parent record a dependent resource was fetched for."})}}}},
    "SyncJobRunRecordErrorPayload": {"type": "object", "description": "A request failed for good (error_handling ignore); the run goes on.",
        "required": ["sync_job_run_id", "sync_job_id", "integrated_account_id", "resource", "method", "error"],
        "properties": {**run_ids, "resource": {"type": "string"}, "method": {"type": "string"},
            "error": {"type": "object", "required": ["status", "message"], "properties": {
                "status": nullable({"type": "integer", "description": "The provider's HTTP status; null for network errors."}),
                "code": {"type": "string", "description": "rate_limited, unauthorized, not_found, transient, invalid_request, unsupported or bad_response"},
                "message": {"type": "string"},
                "request": nullable({"type": "string", "description": "The provider request that failed (method and URL)."})}}}},
    "SyncJobRunRateLimitedPayload": {"type": "object", "description": "The provider throttled the run; it waits retry_after seconds, then goes on.",
        "required": ["sync_job_run_id", "sync_job_id", "integrated_account_id", "resource", "retry_after", "resume_at"],
        "properties": {**run_ids, "resource": {"type": "string"}, "retry_after": {"type": "number", "description": "Seconds the engine waits."},
                       "resume_at": ts()}},
    "SyncJobRunInput": {"type": "object", "additionalProperties": False, "required": ["sync_job_id", "integrated_account_id", "webhook_id"],
        "properties": run_settings},
    "SyncJobRunPatch": {"type": "object", "additionalProperties": False, "required": ["status"], "properties": {"status": {"type": "string", "enum": ["stopped"]}}},
    "SyncJobCronTrigger": {"type": "object", "properties": {**common, **run_settings, "cron_expression": {"type": "string", "example": "0 */6 * * *"},
        "timezone": nullable({"type": "string"}), "status": {"type": "string", "enum": ["active", "paused"]}, "overlap": overlap,
        "last_fired_at": nullable(ts()), "next_fire_at": nullable(ts())}},
    "SyncJobCronTriggerInput": {"type": "object", "additionalProperties": False,
        "required": ["sync_job_id", "integrated_account_id", "webhook_id", "cron_expression"], "properties": cron_fields},
    "SyncJobCronTriggerPatch": {"type": "object", "additionalProperties": False, "properties": cron_fields},
    "CronFire": {"type": "object", "required": ["scheduled_at", "outcome", "fired_at"], "properties": {
        "scheduled_at": ts("The cron slot."), "outcome": {"type": "string", "enum": ["fired", "skipped"]},
        "sync_job_run_id": nullable(uuid), "reason": nullable({"type": "string", "description": "Why no run was created."}),
        "fired_at": ts("When the scheduler acted.")}},
    "SyncJobEventTrigger": {"type": "object",
        "description": "Runs a sync job for every account of its integration that becomes active or submits its post-connect form.",
        "properties": {**common, **event_trigger}},
    "SyncJobEventTriggerInput": {"type": "object", "additionalProperties": False, "required": ["sync_job_id", "webhook_id", "event"],
        "properties": event_trigger},
    "SyncJobEventTriggerPatch": {"type": "object", "additionalProperties": False, "properties": event_trigger},
    "SyncJobPushTrigger": {"type": "object",
        "description": "Runs a sync job for an account when the provider notifies a change: notifications are debounced into one incremental run.",
        "properties": {**common, **push_trigger, **push_trigger_state}},
    "SyncJobPushTriggerInput": {"type": "object", "additionalProperties": False, "required": ["sync_job_id", "integrated_account_id", "webhook_id"],
        "properties": push_trigger},
    "SyncJobPushTriggerPatch": {"type": "object", "additionalProperties": False,
        "properties": {k: v for k, v in push_trigger.items() if k not in ("sync_job_id", "integrated_account_id", "webhook_id")}},
    "EnvironmentIntegration": {"type": "object", "properties": {**common, "integration_name": {"type": "string"},
        "oauth": {"type": "object", "properties": {"client_id": nullable({"type": "string"}), "scopes": {"type": "string"},
            "has_client_secret": {"type": "boolean"}}}}},
    "Event": {"type": "object", "description": "The envelope every webhook delivery carries.", "properties": {
        "id": uuid, "event": {"type": "string"}, "payload": {"type": "object"}, "environment_id": uuid, "created_at": ts(), "webhook_id": uuid}},
}

errors = {str(c): {"description": d, "content": {"application/json": {"schema": ref("Error")}}}
          for c, d in [(400, "Malformed request"), (401, "Missing or invalid bearer token"), (404, "Not found"),
                       (408, "The body did not arrive in time"), (409, "Conflict"), (413, "Body too large"),
                       (414, "Request target too long"), (415, "Not JSON"), (422, "Validation failed"), (431, "Header fields too large")]}
def ok(schema, code="200", desc="OK"):
    return {code: {"description": desc, "content": {"application/json": {"schema": schema}}}, **errors}
provider_errors = {str(c): {"description": d, "content": {"application/json": {"schema": ref("Error")}}}
                   for c, d in [(429, "The provider throttled the call (remote_rate_limited, with Retry-After)"),
                                (502, "The provider failed or refused the call (remote_error, remote_unauthorized)")]}
def body(schema): return {"required": True, "content": {"application/json": {"schema": schema}}}
STATUS = {"Webhook": None, "IntegratedAccount": ["connecting", "active", "needs_reauth"],
          "SyncJobRun": ["created", "running", "rate_limited", "waiting_for_webhook", "completed", "failed", "stopped"],
          "SyncJobCronTrigger": ["active", "paused"], "SyncJobEventTrigger": ["active", "paused"], "SyncJobPushTrigger": ["active", "paused"]}
FILTERS = {"is_active": {"type": "string", "enum": ["true", "false"]}, "sync_job_id": uuid, "integrated_account_id": uuid,
           "webhook_id": uuid, "sync_job_cron_trigger_id": uuid,
           "event": {"type": "string", "enum": ["integrated_account:active", "integrated_account:post_connect_form_submitted"]}}
def filter_schema(item, f):
    if f == "status": return {"type": "string", "enum": STATUS[item]}
    return FILTERS.get(f, {"type": "string", "minLength": 1, "pattern": "^[^\\u0000-\\u001f\\u007f]+$",
                           "description": "Matched exactly; no control characters."})
def listing(item, filters):
    params = [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 100}},
              {"name": "next_cursor", "in": "query", "schema": {"type": "string"},
               "description": "The next_cursor of the previous page, exactly as received (cursors are sealed for this list and environment)."}]
    params += [{"name": f, "in": "query", "schema": filter_schema(item, f)} for f in filters]
    params += [{"name": f"{c}[{op}]", "in": "query", "schema": {"type": "string", "format": "date-time"}}
               for c in ["created_at", "updated_at"] for op in ["gt", "gte", "lt", "lte"]]
    return {"summary": f"List {item}s", "parameters": params, "responses": ok({"type": "object", "properties": {
        "result": {"type": "array", "items": ref(item)}, "next_cursor": nullable({"type": "string"}), "limit": {"type": "integer"}}})}
id_param = [{"name": "id", "in": "path", "required": True, "schema": uuid}]

live_list = {"type": "object", "properties": {"result": {"type": "array", "items": {"type": "object"}},
    "next_cursor": nullable({"type": "string", "description": "Pass back as next_cursor for the next page."}),
    "prev_cursor": {"type": "null"}, "result_count": {"type": "integer"}}}
account_param = {"name": "integrated_account_id", "in": "query", "required": True, "schema": uuid}
cursor_param = {"name": "next_cursor", "in": "query", "schema": {"type": "string"},
                "description": "The next_cursor of the previous page, exactly as received (sealed for this account and resource)."}
def path_params(*names): return [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in names]
LIVE_TEXT = ("Calls the provider now through the account's connector. Other query parameters go to the connector; "
             "brackets nest (updated_at[gt]=2024-01-01T00:00:00Z). Provider failures: 404 remote_not_found, 429 remote_rate_limited "
             "(with Retry-After), 502 remote_error or remote_unauthorized.")
live_paths = {
    "/unified/{api}/{resource}": {"parameters": path_params("api", "resource"), "get": {"summary": "List unified records (e.g. ticketing/tickets)",
        "description": LIVE_TEXT, "parameters": [account_param, cursor_param], "responses": ok(live_list)}},
    "/unified/{api}/{resource}/{id}": {"parameters": path_params("api", "resource", "id"), "get": {"summary": "Get one unified record",
        "description": LIVE_TEXT, "parameters": [account_param], "responses": ok({"type": "object"})}},
    "/proxy/{resource}": {"parameters": path_params("resource"), "get": {"summary": "List the provider's objects (e.g. tickets)",
        "description": LIVE_TEXT, "parameters": [account_param, cursor_param], "responses": ok(live_list)}},
    "/proxy/{resource}/{id}": {"parameters": path_params("resource", "id"), "get": {"summary": "Get one provider object",
        "description": LIVE_TEXT, "parameters": [account_param], "responses": ok({"type": "object"})}},
}

def resource(path, item, inp, filters, patch=None):
    return {
        f"/{path}": {"post": {"summary": f"Create a {item}", "requestBody": body(ref(inp)), "responses": ok(ref(item), "201", "Created")},
                     "get": listing(item, filters)},
        f"/{path}/{{id}}": {"parameters": id_param,
            "get": {"summary": f"Get a {item}", "responses": ok(ref(item))},
            "patch": {"summary": f"Update a {item}", "requestBody": body(ref(patch or inp)), "responses": ok(ref(item))},
            "delete": {"summary": f"Delete a {item}", "responses": ok(ref("Deleted"))}},
    }

paths = {
    "/health": {"get": {"summary": "Liveness and database check", "security": [], "responses": {"200": {"description": "OK"}}}},
    "/openapi.json": {"get": {"summary": "This document", "security": [], "responses": {"200": {"description": "OK"}}}},
    **resource("webhook", "Webhook", "WebhookInput", ["is_active"], patch="WebhookPatch"),
    "/webhook/test": {"post": {"summary": "Send a signed test event now", "requestBody": body({"type": "object", "properties": {"id": uuid}}),
                               "responses": ok(ref("WebhookTestResult"))}},
    **resource("integrated-account", "IntegratedAccount", "IntegratedAccountInput", ["integration_name", "tenant_id", "status"],
               patch="IntegratedAccountPatch"),
    **resource("sync-job", "SyncJob", "SyncJobInput", ["integration_name"], patch="SyncJobPatch"),
    **resource("sync-job-run", "SyncJobRun", "SyncJobRunInput",
               ["sync_job_id", "integrated_account_id", "webhook_id", "status", "sync_job_cron_trigger_id"], patch="SyncJobRunPatch"),
    **resource("sync-job-cron-trigger", "SyncJobCronTrigger", "SyncJobCronTriggerInput",
               ["sync_job_id", "integrated_account_id", "webhook_id", "status"], patch="SyncJobCronTriggerPatch"),
    "/sync-job-cron-trigger/{id}/schedule": {"parameters": id_param, "post": {"summary": "(Re)activate a trigger",
        "responses": ok(ref("SyncJobCronTrigger"))}},
    "/sync-job-cron-trigger/{id}/fires": {"parameters": id_param, "get": {"summary": "Recent fires of a cron trigger",
        "description": "Newest first, up to 100: each slot, whether it created a run, and if not why. Each slot fires once however many "
                       "schedulers run; slots missed while nothing ran are caught up with one run.",
        "responses": ok({"type": "object", "properties": {"result": {"type": "array", "items": ref("CronFire")}}})}},
    **resource("sync-job-event-trigger", "SyncJobEventTrigger", "SyncJobEventTriggerInput", ["sync_job_id", "webhook_id", "event", "status"],
               patch="SyncJobEventTriggerPatch"),
    **resource("sync-job-push-trigger", "SyncJobPushTrigger", "SyncJobPushTriggerInput",
               ["sync_job_id", "integrated_account_id", "webhook_id", "status"], patch="SyncJobPushTriggerPatch"),
    "/inbound/push/{id}": {"parameters": id_param, "post": {"summary": "Change notification from the provider (push trigger endpoint)",
        "security": [],
        "description": "Registered with the provider when the push trigger is created. Authenticated by the provider's signature "
                       "(Zendesk: X-Zendesk-Webhook-Signature = base64 HMAC-SHA256 of timestamp + body, X-Zendesk-Webhook-Signature-Timestamp "
                       "within five minutes): 401 missing_signature, stale_signature or invalid_signature otherwise. A valid notification "
                       "marks the trigger pending, durably, before the 200.",
        "requestBody": body({"type": "object"}),
        "responses": ok({"type": "object", "properties": {"received": {"type": "boolean"}, "pending_since": {"type": ["string", "null"]}}})}},
    "/sync-job-run/{id}/resume": {"parameters": id_param, "post": {"summary": "Resume a failed run from its checkpoint",
        "description": "A run that failed (for example because a page could not be delivered) continues from the first unacknowledged page: "
                       "status running, a sync_job_run:updated event, the same event ids for re-sent pages. 409 sync_job_run_not_resumable "
                       "when the run is not failed or never fetched anything.",
        "responses": ok(ref("SyncJobRun"))}},
    **live_paths,
    "/integrated-account/{id}/post-connect-form": {"parameters": id_param, "post": {"summary": "Submit the account's post-connect form",
        "description": "Merges values into the account's context (post_connect_user_form), sends integrated_account:post_connect_form_submitted "
                       "and creates the runs of event triggers listening for it. 409 when the account is not active.",
        "requestBody": body({"type": "object", "additionalProperties": False, "required": ["values"], "properties": {"values": {"type": "object"}}}),
        "responses": ok(ref("IntegratedAccount"))}},
    "/environment-integration/{name}": {"parameters": path_params("name"),
        "put": {"summary": "Set an integration's settings for this environment (its OAuth app)",
            "description": "Creates or replaces. The client secret is sealed at rest and never returned (has_client_secret says whether one is set).",
            "requestBody": body({"type": "object", "additionalProperties": False, "properties": {"oauth": {"type": "object", "additionalProperties": False,
                "required": ["client_id", "client_secret"], "properties": {"client_id": {"type": "string", "minLength": 1}, "client_secret": {"type": "string", "minLength": 1},
                "scopes": {"type": "string", "minLength": 1, "default": "read", "description": "Space-separated, e.g. 'read write'."}}}}}),
            "responses": ok(ref("EnvironmentIntegration"))},
        "get": {"summary": "An integration's settings for this environment", "responses": ok(ref("EnvironmentIntegration"))}},
    "/link-token": {"post": {"summary": "A single-use, ten-minute link that lets an end user connect (or reconnect) an account",
        "description": "tenant_id for a new account, or integrated_account_id to reconnect one (same id, jobs and triggers). context fixes "
                       "settings the end user cannot change (subdomain, base_url) and holds no secrets. 422 oauth_app_missing until "
                       "PUT /environment-integration/{name} set the OAuth app.",
        "requestBody": body({"type": "object", "additionalProperties": False, "required": ["redirect_uri"], "properties": {
            "tenant_id": {"type": "string", "minLength": 1}, "integrated_account_id": uuid, "integration_name": {"type": "string", "enum": ["zendesk"], "default": "zendesk"},
            "context": {"type": "object"}, "redirect_uri": {"type": "string", "format": "uri"}, "scopes": {"type": "string", "minLength": 1},
            "persist_previous_context": {"type": "boolean"}}}),
        "responses": ok({"type": "object", "properties": {"link_token": {"type": "string"}, "url": {"type": "string"},
            "expires_at": ts(), "integration_name": {"type": "string"}}}, "201", "Created")}},
    "/connect/{token}": {"parameters": path_params("token"),
        "get": {"summary": "The connect page a link token's url opens (HTML)", "security": [],
            "description": "Asks for the Zendesk subdomain unless the link fixed it. An expired or used link redirects to redirect_uri?error=link_expired|link_used.",
            "responses": {"200": {"description": "HTML form"}, "302": {"description": "Back to redirect_uri with error"}, "404": {"description": "Unknown link"}}},
        "post": {"summary": "Sends the browser to the provider's consent page (state and PKCE S256)", "security": [],
            "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {"subdomain": {"type": "string"}}}}}},
            "responses": {"302": {"description": "To the consent page, or back to redirect_uri with error for an expired or used link"},
                          "404": {"description": "Unknown link (HTML)"}, "408": {"description": "The form did not arrive in time"},
                          "422": {"description": "Bad subdomain (HTML)"}}}},
    "/oauth/callback": {"get": {"summary": "Where the provider returns the browser after consent", "security": [],
        "description": "Checks state (single use), exchanges the code with the PKCE verifier, stores the token pair sealed, creates or reconnects "
                       "the account (integrated_account:created|updated, then active) and redirects to redirect_uri?integrated_account_id=…; "
                       "a denied consent, a bad or reused state or a failed exchange redirects with error=access_denied|invalid_state|token_exchange_failed.",
        "parameters": [{"name": n, "in": "query", "schema": {"type": "string"}} for n in ["code", "state", "error"]],
        "responses": {"302": {"description": "Back to redirect_uri"}, "400": {"description": "Unknown state (HTML)"}}}},
    "/bridges/talkdesk/contacts": {"post": {"summary": "Talkdesk contact-synchronization bridge", "security": [],
        "description": "Speaks Talkdesk's contact synchronization protocol: configure this URL as the bridge endpoint. auth.api_token is a "
                       "SyncBridge API token and auth.integrated_account_id the account whose contacts (Zendesk end-users, company from "
                       "their organization) to serve. Without meta.synchronization_checkpoint every contact is returned (initial sync), "
                       "with one only those changed after it; contacts come in ascending order of the checkpoint (updated_at, then id), "
                       "next_offset pages, and every answer's checkpoint is the last contact handed over ('2026-11-23 16:50:01 UTC #1000123'; "
                       "a bare date such as '2012-11-20 23:01:00 UTC' is accepted too).",
        "requestBody": body({"type": "object", "required": ["auth"], "properties": {
            "auth": {"type": "object", "required": ["api_token", "integrated_account_id"], "properties": {
                "api_token": {"type": "string"}, "integrated_account_id": uuid}},
            "meta": {"type": "object", "properties": {"synchronization_checkpoint": nullable({"type": "string"}),
                "offset": nullable({"type": "string"}), "context": {}}}}}),
        "responses": ok({"type": "object", "required": ["contacts", "next_offset", "synchronization_checkpoint", "context"], "properties": {
            "contacts": {"type": "array", "items": {"type": "object", "required": ["id", "name"], "properties": {
                "id": {"type": "string"}, "name": {"type": "string"}, "company": {"type": "string"}, "title": {"type": "string"},
                "emails": {"type": "array", "items": {"type": "string"}}, "phones": {"type": "array", "items": {"type": "string"}},
                "photo_url": {"type": "string"}, "address": {"type": "string"}, "websites": {"type": "array", "items": {"type": "string"}},
                "twitter": {"type": "string"}, "url": {"type": "string"}}}},
            "next_offset": nullable({"type": "string"}), "synchronization_checkpoint": nullable({"type": "string"}), "context": {}}})}},
}
paths["/webhook"]["post"]["responses"] = ok(ref("WebhookCreated"), "201", "Created")
# Operations that call the provider now.
for path, method in [("/unified/{api}/{resource}", "get"), ("/unified/{api}/{resource}/{id}", "get"), ("/proxy/{resource}", "get"),
                     ("/proxy/{resource}/{id}", "get"), ("/sync-job-push-trigger", "post"), ("/sync-job-push-trigger/{id}", "delete")]:
    paths[path][method]["responses"].update(provider_errors)

SIGNED = " Signed with X-Truto-Signature and the Standard Webhooks headers; the event id is stable across redelivery."
EVENT_TEXT = {
    "sync_job_run:created": "A run was created (queued).",
    "sync_job_run:started": "The run started. Answer 400 to refuse it: the run ends stopped before anything is fetched.",
    "sync_job_run:updated": "The run changed outside its normal course: stopped by request, or resumed after a failure.",
    "sync_job_run:completed": "Every resource was fetched and every page acknowledged.",
    "sync_job_run:failed": "The run failed; payload.error says why. A run that failed on an undeliverable page can be resumed.",
    "sync_job_run:record": "One page of records.",
    "sync_job_run:record_error": "A request failed and error_handling is ignore.",
    "sync_job_run:rate_limited": "The provider throttled the run.",
    "webhook:disabled": "A webhook failed every delivery for too long (default 5 days) and was deactivated; sent to every other active "
                        "webhook of the environment that subscribes to it. The payload is the deactivated webhook (no secret) with "
                        "failing_since and reason.",
}
def payload(e):
    special = {"sync_job_run:record": "SyncJobRunRecordPayload", "sync_job_run:record_error": "SyncJobRunRecordErrorPayload",
               "sync_job_run:rate_limited": "SyncJobRunRateLimitedPayload"}
    if e in special: return ref(special[e])
    if e == "webhook:disabled":
        return {"allOf": [ref("Webhook"), {"type": "object", "properties": {"failing_since": {"type": "string", "format": "date-time"},
                                                                            "reason": {"type": "string"}}}]}
    return ref("SyncJobRun") if e.startswith("sync_job_run:") else ref("IntegratedAccount")

doc = {
    "openapi": "3.1.0",
    "info": {"title": "SyncBridge", "version": "0.1.0",
             "description": "Self-hostable sync engine with Truto RapidBridge-compatible resources."},
    "servers": [{"url": "http://localhost:8080"}],
    "security": [{"bearer": []}],
    "paths": paths,
    "webhooks": {e: {"post": {"summary": e, "description": EVENT_TEXT.get(e, e) + SIGNED,
                              "requestBody": body({"allOf": [ref("Event"), {"type": "object", "properties": {"event": {"const": e}, "payload": payload(e)}}]}),
                              "responses": {"200": {"description": "Acknowledged: the engine moves on."},
                                            "400": {"description": "For sync_job_run:started only: refuse the run (it ends stopped)."},
                                            "default": {"description": "Not acknowledged: redelivered with backoff, honouring Retry-After."}}}}
                 for e in EVENTS},
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": schemas},
}
out = pathlib.Path(__file__).resolve().parent.parent / "Sources/SyncBridgeServer/Resources/openapi.json"
out.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
print(f"wrote {out}")
