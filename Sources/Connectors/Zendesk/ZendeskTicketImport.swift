import Foundation
import Logging
import NIOHTTP1
import SyncBridgeCore

/// Writes tickets into a Zendesk account with the bulk import API: up to `bufferSize`
/// (≤ 100) per `POST /api/v2/imports/tickets/create_many.json`, then polls the job status until it completes. A 429
/// (or 5xx) is retried after `Retry-After`, at most `maxRetries` times, then the write fails with a clear error.
///
/// Each imported ticket carries `external_id` = `syncbridge:<source ticket id>`, so a page written again after a crash
/// can be checked: with `skipExisting`, tickets already in the destination are left out.
public struct ZendeskTicketImport: Sendable {
    let client: ProviderClient
    /// The destination account's credentials, asked for at each call (an OAuth token renewed as it expires).
    let credentials: any AccountCredentials
    let bufferSize: Int
    let maxRetries: Int
    let sleep: @Sendable (Double) async throws -> Void

    /// Creates a writer for the account of `credentials` (admin credentials).
    public init(
        client: ProviderClient, credentials: any AccountCredentials, bufferSize: Int = 100, maxRetries: Int = 3,
        sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .milliseconds(Int64($0 * 1000))) }
    ) {
        self.client = client
        self.credentials = credentials
        self.bufferSize = min(100, max(1, bufferSize))
        self.maxRetries = maxRetries
        self.sleep = sleep
    }

    /// What a write did.
    public struct Outcome: Sendable, Equatable {
        public var written = 0
        /// Already in the destination (a repeated page).
        public var skipped = 0
    }

    /// Writes a page of tickets (raw Zendesk tickets or unified ones with `remote_data`).
    public func write(_ records: [JSONValue], skipExisting: Bool, logger: Logger) async throws(ConnectorError) -> Outcome {
        var tickets = records.compactMap(Self.importTicket)
        var outcome = Outcome()
        if skipExisting {
            var fresh: [JSONValue] = []
            for t in tickets {
                let external = t["external_id"]?.stringValue ?? ""
                let query = external.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? external
                let found = try await retrying("GET /api/v2/tickets.json?external_id=…", logger: logger) { () throws(ConnectorError) in
                    try await call(logger: logger) { zendesk throws(ConnectorError) in
                        try await client.json(
                            url: zendesk.baseURL + "/api/v2/tickets.json?external_id=\(query)", headers: zendesk.headers,
                            display: "GET /api/v2/tickets.json?external_id=\(external)", budget: zendesk.budget("/api/v2/tickets.json"),
                            logger: logger
                        )
                    }
                }
                if found["tickets"]?.arrayValue?.isEmpty ?? true { fresh.append(t) } else { outcome.skipped += 1 }
            }
            tickets = fresh
        }
        var start = 0
        while start < tickets.count {
            let chunk = Array(tickets[start..<min(start + bufferSize, tickets.count)])
            start += bufferSize
            try await importChunk(chunk, logger: logger)
            outcome.written += chunk.count
        }
        return outcome
    }

    /// One call with the credentials current now.
    func call(logger: Logger, _ body: (ZendeskAccount) async throws(ConnectorError) -> JSONValue) async throws(ConnectorError) -> JSONValue {
        try await credentials.withAccount(logger: logger) { view throws(ConnectorError) in try await body(try ZendeskAccount(view)) }
    }

    func importChunk(_ chunk: [JSONValue], logger: Logger) async throws(ConnectorError) {
        let display = "POST /api/v2/imports/tickets/create_many.json"
        let answer = try await retrying(display, logger: logger) { () throws(ConnectorError) in
            try await call(logger: logger) { zendesk throws(ConnectorError) in
                try await client.json(
                    .POST, url: zendesk.baseURL + "/api/v2/imports/tickets/create_many.json", headers: zendesk.headers,
                    body: ["tickets": .array(chunk)], display: display, budget: zendesk.budget("/api/v2/imports/tickets/create_many.json"),
                    logger: logger
                )
            }
        }
        guard let id = answer["job_status"]?["id"]?.stringValue else {
            throw ConnectorError(.badResponse, message: "import answer has no job_status id", request: display)
        }
        var wait = 0.05
        for _ in 0..<600 {
            let path = "/api/v2/job_statuses/\(id).json"
            let status =
                try await retrying("GET \(path)", logger: logger) { () throws(ConnectorError) in
                    try await call(logger: logger) { zendesk throws(ConnectorError) in
                        try await client.json(
                            url: zendesk.baseURL + path, headers: zendesk.headers, display: "GET \(path)", budget: zendesk.budget(path),
                            logger: logger)
                    }
                }["job_status"] ?? .null
            switch status["status"]?.stringValue {
            case "completed":
                let failed = (status["results"]?.arrayValue ?? []).filter { $0["error"] != nil && $0["error"] != .null }
                if let first = failed.first {
                    throw ConnectorError(
                        .invalidRequest,
                        message:
                            "\(failed.count) of \(chunk.count) tickets were not imported; first: \(first["error"]?.stringValue ?? "") \(first["details"]?.stringValue ?? "")",
                        request: display
                    )
                }
                return
            case "failed", "killed":
                throw ConnectorError(
                    .transient, message: "import job \(id) \(status["status"]?.stringValue ?? ""): \(status["message"]?.stringValue ?? "")",
                    request: display)
            default:
                do { try await sleep(wait) } catch { throw ConnectorError(.transient, message: "interrupted while waiting for import job \(id)") }
                wait = min(1, wait * 2)
            }
        }
        throw ConnectorError(.transient, message: "import job \(id) did not complete", request: display)
    }

    /// Calls `body`, waiting out 429s (their `Retry-After`) and 5xx answers, at most `maxRetries` times.
    func retrying(_ display: String, logger: Logger, _ body: () async throws(ConnectorError) -> JSONValue) async throws(ConnectorError) -> JSONValue {
        var attempt = 0
        while true {
            do {
                return try await body()
            } catch  where error.code == .rateLimited || error.code == .transient {
                attempt += 1
                guard attempt <= maxRetries else {
                    throw ConnectorError(
                        error.code, status: error.status,
                        message:
                            "\(error.code == .rateLimited ? "still rate limited" : "still failing") after \(maxRetries) retries: \(error.message)",
                        retryAfter: error.retryAfter, request: display
                    )
                }
                let wait = error.retryAfter ?? Double(attempt)
                logger.notice("destination call retried", metadata: ["request": "\(display)", "wait": "\(wait)", "attempt": "\(attempt)"])
                do { try await sleep(wait) } catch { throw ConnectorError(.transient, message: "interrupted while waiting to retry \(display)") }
            }
        }
    }

    /// The import body for a source ticket: its content, timestamps and requester, with `external_id` naming it.
    static func importTicket(_ record: JSONValue) -> JSONValue? {
        let t = record["remote_data"] ?? record
        guard let id = t["id"], !id.isNull else { return nil }
        var o: [String: JSONValue] = ["external_id": .string("syncbridge:\(ZendeskUnified.id(id).stringValue ?? "")")]
        for key in ["subject", "status", "priority", "type", "tags", "requester_id", "created_at", "updated_at"] {
            if let v = t[key], !v.isNull { o[key] = v }
        }
        if o["status"] == "deleted" { o["status"] = "closed" }
        let description = t["description"]?.stringValue ?? t["subject"]?.stringValue ?? "(no description)"
        o["comments"] = [["body": .string(description), "created_at": t["created_at"] ?? .null]]
        return .object(o)
    }
}

extension ZendeskTicketImport: RecordSink {
    /// Writes the page's tickets; a page that may be a repeat first leaves out the tickets already imported.
    public func write(_ page: SinkPage, logger: Logger) async throws(SinkError) -> SinkReceipt {
        do throws(ConnectorError) {
            let outcome = try await write(page.records, skipExisting: page.mayRepeat, logger: logger)
            if outcome.skipped > 0 {
                logger.notice(
                    "page written again after a resume: tickets already in the destination skipped", metadata: ["skipped": "\(outcome.skipped)"])
            }
            var counts = ["written": outcome.written]
            if outcome.skipped > 0 { counts["already_written"] = outcome.skipped }
            return SinkReceipt(counts: counts)
        } catch {
            if Task.isCancelled { throw .interrupted }
            throw .failed("destination write failed: \(error.message)")
        }
    }
}
