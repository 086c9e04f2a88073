import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Storage
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// Inputs a hostile or careless user sends: each is refused with the right status, a stable code and the field
/// named, and none of them (nor a bad row already stored by an older version) can crash the server.
@Suite struct HostileInputTests {
    /// POSTs a body the JSON helpers cannot express (a chunked stream, bytes that are not UTF-8).
    func post(_ api: APIHarness, _ path: String, _ body: HTTPClientRequest.Body) async throws -> (Int, JSONValue) {
        var request = HTTPClientRequest(url: api.baseURL + path)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(api.token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = body
        let response = try await api.client.execute(request, timeout: .seconds(30))
        return (Int(response.status.code), try JSONParser.parse(String(buffer: try await response.body.collect(upTo: 1 << 20))))
    }

    /// List cursors are sealed for the list and environment that issued them. Passed back as received, a cursor
    /// pages on; edited, made up (the old unsigned format), taken to another list or to another environment, it is
    /// a 400 naming `next_cursor`.
    @Test(arguments: StoreKind.available)
    func listCursorsAreAcceptedOnlyWhereTheyWereIssued(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            for n in 0..<3 {
                let r = try await api.request(.POST, "/webhook", json: ["target_url": .string("https://example.com/\(n)")])
                #expect(r.status == 201)
            }
            let first = try await api.request(.GET, "/webhook?limit=2")
            let cursor = try #require(first.string("next_cursor"))
            let second = try await api.request(.GET, "/webhook?limit=2&next_cursor=\(cursor)")
            #expect(second.status == 200)
            #expect(second.json["result"]?.arrayValue?.count == 1)

            // The payload of the cursor alone (the unsigned format of earlier versions); an edit of the payload; a
            // flip of the tag's last character, which in base64 may only touch unused bits (still refused: only the
            // canonical spelling is read).
            let payload = try #require(cursor.split(separator: ".").first)
            var edited = Array(cursor)
            edited[3] = edited[3] == "A" ? "B" : "A"
            var flipped = Array(cursor)
            flipped[flipped.count - 1] = flipped[flipped.count - 1] == "A" ? "B" : "A"
            let other = try await api.token(environment: "other")
            let refused: [(String, String?)] = [
                ("/webhook?next_cursor=\(payload)", nil), ("/webhook?next_cursor=\(String(edited))", nil),
                ("/webhook?next_cursor=\(String(flipped))", nil),
                ("/sync-job?next_cursor=\(cursor)", nil), ("/webhook?next_cursor=\(cursor)", other),
            ]
            for (path, token) in refused {
                let r = try await api.request(.GET, path, token: token)
                #expect(r.status == 400, "\(path)")
                #expect(r.string("code") == "invalid_query_parameter", "\(path)")
                #expect(
                    r.json["details"]?["failures"] == [
                        [
                            "path": "next_cursor",
                            "message": "is not a cursor this list issued in this environment (pass back next_cursor exactly as received)",
                        ]
                    ], "\(path)")
            }
        }
    }

    /// Ports the HTTP client cannot represent, and other unusable URLs, are refused when the webhook is written.
    @Test(arguments: StoreKind.available)
    func unusableTargetURLsAreRefusedAtWriteTime(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let cases: [(String, String)] = [
                ("http://127.0.0.1:65536/hooks", "must be an absolute http or https URL with a port from 1 to 65535 (got 65536)"),
                ("http://127.0.0.1:99999/hooks", "must be an absolute http or https URL with a port from 1 to 65535 (got 99999)"),
                ("http://127.0.0.1:0/hooks", "must be an absolute http or https URL with a port from 1 to 65535 (got 0)"),
                ("http://127.0.0.1/ho\u{0}oks", "must be an absolute http or https URL without spaces or control characters (found U+0000)"),
                ("http://127.0.0.1/a b", "must be an absolute http or https URL without spaces or control characters (found U+0020)"),
                ("ftp://127.0.0.1/hooks", "must be an absolute http or https URL (the scheme is 'ftp')"),
                ("127.0.0.1/hooks", "must be an absolute http or https URL (it has no scheme)"),
                ("http:///hooks", "must be an absolute http or https URL with a host"),
            ]
            for (url, message) in cases {
                let r = try await api.request(.POST, "/webhook", json: ["target_url": .string(url)])
                #expect(r.status == 422, "\(url)")
                #expect(r.string("code") == "validation_failed")
                #expect(Fixtures.failures(r) == ["target_url": message], "\(url)")
            }
            let ok = try await api.request(.POST, "/webhook", json: ["target_url": "https://127.0.0.1:65535/hooks"])
            #expect(ok.status == 201)
            let patched = try await api.request(.PATCH, "/webhook/\(ok.string("id")!)", json: ["target_url": "http://127.0.0.1:70000/"])
            #expect(patched.status == 422)
            #expect(Fixtures.failures(patched) == ["target_url": "must be an absolute http or https URL with a port from 1 to 65535 (got 70000)"])
            #expect(try await api.request(.GET, "/webhook").json["result"]?.arrayValue?.count == 1)
        }
    }

    /// An account's `base_url` with an impossible port leaves the account `connecting` with the reason.
    @Test(arguments: StoreKind.available)
    func unusableBaseURLsLeaveTheAccountConnecting(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let r = try await api.request(
                .POST, "/integrated-account",
                json: ["integration_name": "zendesk", "tenant_id": "t", "context": ["base_url": "http://127.0.0.1:99999", "access_token": "x"]]
            )
            #expect(r.status == 201)
            #expect(r.json["status"] == "connecting")
            #expect(r.string("last_error") == "context.base_url must be an absolute http or https URL with a port from 1 to 65535 (got 99999)")
        }
    }

    /// Rows written before the checks existed (or by hand) fail their own request, and the server keeps answering.
    @Test(arguments: StoreKind.available)
    func storedUnusableURLsFailTheirRequestWithoutCrashing(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let env = try #require(try await api.store.transaction { try await $0.environment(named: "default") }).id
            let hook = try await api.request(.POST, "/webhook", json: ["target_url": "http://127.0.0.1:9/hooks"])
            let account = try await api.request(.POST, "/integrated-account", json: Fixtures.account)
            let hookId = try #require(UUID(uuidString: hook.string("id") ?? ""))
            let accountId = try #require(UUID(uuidString: account.string("id") ?? ""))
            try await api.store.transaction { s in
                var w = try await s.require(Webhook.self, id: hookId, environmentId: env)
                w.targetURL = "http://127.0.0.1:99999/hooks"
                try await s.update(w)
                var a = try await s.require(IntegratedAccount.self, id: accountId, environmentId: env)
                a.context["base_url"] = "http://127.0.0.1:65536"
                try await s.update(a)
            }
            let test = try await api.request(.POST, "/webhook/test", json: ["id": .string(hookId.lowercased)])
            #expect(test.status == 200)
            #expect(test.json["success"] == false)
            #expect(test.json["status"] == .null)
            #expect(test.string("error") == "target_url must be an absolute http or https URL with a port from 1 to 65535 (got 99999)")
            let live = try await api.request(.GET, "/unified/ticketing/tickets?integrated_account_id=\(accountId.lowercased)")
            #expect(live.status == 400)
            #expect(live.string("code") == "invalid_request")
            #expect(
                live.string("message")
                    == "the request URL must be an absolute http or https URL with a port from 1 to 65535 (got 65536); check the account's base_url"
            )
            #expect(try await api.request(.GET, "/health", authenticated: false).status == 200)
        }
    }

    /// A chunked body (no Content-Length) past the limit is a 413, like a declared one.
    @Test(arguments: StoreKind.available)
    func chunkedBodiesPastTheLimitAre413(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let chunk = ByteBuffer(repeating: UInt8(ascii: " "), count: 64 * 1024)
            let chunks = AsyncStream<ByteBuffer> { c in
                for _ in 0..<32 { c.yield(chunk) }
                c.finish()
            }
            let (status, body) = try await post(api, "/sync-job", .stream(chunks, length: .unknown))
            #expect(status == 413)
            #expect(body["code"] == "payload_too_large")
            #expect(try await api.request(.GET, "/health", authenticated: false).status == 200)
        }
    }

    /// Bytes that are not UTF-8 are refused, never stored with replacement characters.
    @Test(arguments: StoreKind.available)
    func invalidUTF8IsABadRequest(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            var bytes = Array(#"{"target_url": "http://127.0.0.1/h"#.utf8)
            bytes += [0xFF, 0xFE]
            bytes += Array(#""}"#.utf8)
            let (status, body) = try await post(api, "/webhook", .bytes(ByteBuffer(bytes: bytes)))
            #expect(status == 400)
            #expect(body["code"] == "invalid_utf8")
            #expect(body["message"] == "Request body is not valid UTF-8.")
            #expect(try await api.request(.GET, "/webhook").json["result"] == [])
        }
    }

    /// Filters with a closed set of values, ids and control characters are checked instead of matching nothing.
    @Test(arguments: StoreKind.available)
    func listFiltersAreChecked(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let cases: [(String, String, String)] = [
                (
                    "/sync-job-run?status=bogus", "status",
                    "must be one of created, running, rate_limited, waiting_for_webhook, completed, failed, stopped (got 'bogus')"
                ),
                ("/sync-job-run?sync_job_id=abc", "sync_job_id", "must be an id (a UUID)"),
                ("/integrated-account?tenant_id=a%00b", "tenant_id", "must not contain control characters"),
                ("/webhook?is_active=yes", "is_active", "must be one of true, false (got 'yes')"),
                (
                    "/sync-job-event-trigger?event=sync_job_run:created", "event",
                    "must be one of integrated_account:active, integrated_account:post_connect_form_submitted (got 'sync_job_run:created')"
                ),
            ]
            for (path, parameter, message) in cases {
                let r = try await api.request(.GET, path)
                #expect(r.status == 400, "\(path)")
                #expect(r.string("code") == "invalid_query_parameter")
                #expect(Fixtures.failures(r) == [parameter: message], "\(path)")
            }
            #expect(try await api.request(.GET, "/sync-job-run?status=completed").status == 200)
            // Tenant ids are the customer's own, matched exactly (not lowercased, not required to be UUIDs).
            let tenant = try await api.request(
                .POST, "/integrated-account", json: ["integration_name": "zendesk", "tenant_id": "Acme-EU", "context": [:]])
            #expect(tenant.status == 201)
            #expect(try await api.request(.GET, "/integrated-account?tenant_id=Acme-EU").json["result"]?.arrayValue?.count == 1)
            #expect(try await api.request(.GET, "/integrated-account?tenant_id=acme-eu").json["result"]?.arrayValue?.count == 0)
        }
    }

    /// Sync jobs: unknown resources, JSONata nested 100,000 deep, never-firing crons and remote references are
    /// refused at write time with the field named.
    @Test(arguments: StoreKind.available)
    func garbageJobsAndTriggersAreRefusedAtWriteTime(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let unknown = try await api.request(
                .POST, "/sync-job",
                json: [
                    "integration_name": "zendesk",
                    "resources": [["resource": "ticketing/users", "method": "list"], ["resource": "nope/nope", "method": "list"]],
                ]
            )
            #expect(unknown.status == 422)
            #expect(
                Fixtures.failures(unknown) == [
                    "resources[1].resource":
                        "'nope/nope' is not a resource of zendesk (known: ticketing/users, ticketing/contacts, ticketing/tickets, ticketing/comments, tickets, users, organizations, ticket_comments)"
                ]
            )
            let deep = String(repeating: "(", count: 100_000) + "{}" + String(repeating: ")", count: 100_000)
            let nested = try await api.request(
                .POST, "/sync-job",
                json: ["integration_name": "zendesk", "resources": [["resource": "tickets", "method": "list", "query": .string(deep)]]]
            )
            #expect(nested.status == 422)
            let failure = Fixtures.failures(nested)["resources[0].query"] ?? ""
            #expect(failure.hasPrefix("is not a valid JSONata expression: S0218 at position "))
            #expect(failure.hasSuffix(": The expression is nested too deeply"))
            let remote = try await api.request(
                .POST, "/sync-job",
                json: [
                    "integration_name": "zendesk", "resources": [["resource": "tickets", "method": "list"]],
                    "args_schema": ["since": ["$ref": "https://example.com/since.json"], "local": ["$ref": "#/$defs/x"]],
                ]
            )
            #expect(remote.status == 422)
            #expect(
                Fixtures.failures(remote) == [
                    "args_schema.since.$ref":
                        "'https://example.com/since.json' is not in this schema; references are never fetched: put the schema under $defs and refer to it as '#/$defs/<name>'"
                ]
            )
            let ids = try await Fixtures.basics(api)
            let trigger = try await api.request(
                .POST, "/sync-job-cron-trigger", json: Fixtures.runBody(ids, extra: ["cron_expression": "0 0 31 2 *"])
            )
            #expect(trigger.status == 422)
            #expect(
                Fixtures.failures(trigger) == [
                    "cron_expression": "'0 0 31 2 *' never fires: no date matches its day-of-month, month and weekday fields"
                ])
            let leap = try await api.request(.POST, "/sync-job-cron-trigger", json: Fixtures.runBody(ids, extra: ["cron_expression": "0 0 29 2 *"]))
            #expect(leap.status == 201)
            let job = try await api.request(.PATCH, "/sync-job/\(ids.job)", json: ["resources": [["resource": "ticketing/nope", "method": "list"]]])
            #expect(job.status == 422)
            #expect(Fixtures.failures(job).keys.sorted() == ["resources[0].resource"])
        }
    }

    /// A path the API serves, asked with a method it does not: 405 with `Allow`; an unknown path stays a 404.
    @Test(arguments: StoreKind.available)
    func undeclaredMethodsAre405(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let put = try await api.request(.PUT, "/webhook", json: [:])
            #expect(put.status == 405)
            #expect(put.string("code") == "method_not_allowed")
            #expect(put.headers["allow"] == "GET, POST")
            #expect(put.string("message") == "PUT is not allowed here; allowed: GET, POST.")
            let trace = try await api.request(.TRACE, "/sync-job/7279a917-b447-4629-9e46-a1eeb791ad6b")
            #expect(trace.status == 405)
            #expect(trace.headers["allow"] == "DELETE, GET, PATCH")
            // Without a token, authentication answers first (401); with one, the open route's method is checked too.
            #expect(try await api.request(.DELETE, "/health", authenticated: false).status == 401)
            let open = try await api.request(.DELETE, "/health")
            #expect(open.status == 405)
            #expect(open.headers["allow"] == "GET")
            let nope = try await api.request(.PATCH, "/nope")
            #expect(nope.status == 404)
            #expect(nope.string("code") == "route_not_found")
        }
    }
}
