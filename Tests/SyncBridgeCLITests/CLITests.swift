import AsyncHTTPClient
import Foundation
import JSONCore
import NIOCore
import NIOHTTP1
import Testing

@Suite(.serialized) struct CLITests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("syncbridge-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    @Test func tokenCreatePrintsOnlyTheToken() async throws {
        let r = try await CLIProcess.run(["token", "create", "--name", "ci", "--environment", "staging"], directory: directory)
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("sb_") == true)
        // The key file was generated with owner-only permissions.
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("syncbridge.key").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func migrateReportsUpToDate() async throws {
        let r = try await CLIProcess.run(["migrate", "--database-url", "sqlite://m.sqlite"], directory: directory)
        #expect(r.status == 0)
        #expect(r.stdout == "Database is up to date (sqlite).\n")
        let bad = try await CLIProcess.run(["migrate", "--database-url", "mysql://x"], directory: directory)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("SYNCBRIDGE_DATABASE_URL must start with sqlite:// or postgres://"))
    }

    @Test func cronPrintsFireTimesOrTheFieldAtFault() async throws {
        let r = try await CLIProcess.run(["cron", "0 */6 * * *", "--after", "2024-02-28T23:59:30Z", "--count", "3"], directory: directory)
        #expect(r.status == 0)
        #expect(r.stdout == "2024-02-29T00:00:00Z\n2024-02-29T06:00:00Z\n2024-02-29T12:00:00Z\n")
        let bad = try await CLIProcess.run(["cron", "0 24 * * *"], directory: directory)
        #expect(bad.status == 1)
        #expect(bad.stderr == "error: hour: 24 is out of range 0-23\n")
        let never = try await CLIProcess.run(["cron", "0 0 30 2 *"], directory: directory)
        #expect(never.status == 1)
        #expect(never.stderr.contains("never fires"))
    }

    @Test func validateChecksArgsAgainstASchema() async throws {
        try #"{"ticket_sync_start_date": {"type": "string", "format": "date-time"}}"#.write(
            to: directory.appendingPathComponent("schema.json"), atomically: true, encoding: .utf8)
        try #"{"ticket_sync_start_date": "2023-07-23T18:10:56.072Z"}"#.write(
            to: directory.appendingPathComponent("ok.json"), atomically: true, encoding: .utf8)
        try #"{"ticket_sync_start_date": "yesterday"}"#.write(to: directory.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        let ok = try await CLIProcess.run(["validate", "--schema", "schema.json", "--input", "ok.json"], directory: directory)
        #expect(ok.status == 0)
        #expect(ok.stdout == "valid\n")
        let bad = try await CLIProcess.run(["validate", "--schema", "schema.json", "--input", "bad.json"], directory: directory)
        #expect(bad.status == 1)
        #expect(bad.stdout == "/ticket_sync_start_date: \"yesterday\" is not a valid date-time  [/properties/ticket_sync_start_date/format]\n")
        try #"{"x": {"type": "strng"}}"#.write(to: directory.appendingPathComponent("broken.json"), atomically: true, encoding: .utf8)
        let broken = try await CLIProcess.run(["validate", "--schema", "broken.json", "--input", "ok.json"], directory: directory)
        #expect(broken.status == 2)
        #expect(broken.stderr.hasPrefix("schema error: args_schema.x.type: "))
    }

    /// `syncbridge jsonata` prints the result as JSON, nothing for undefined, and the error code with exit 1.
    @Test func jsonataEvaluatesExpressions() async throws {
        try #"{"args": {}, "previous_run_date": "2025-01-01T00:00:00.000Z"}"#.write(
            to: directory.appendingPathComponent("scope.json"), atomically: true, encoding: .utf8
        )
        let query = "{ 'updated_at': { 'gt': args.since ? args.since : previous_run_date } }"
        let r = try await CLIProcess.run(["jsonata", query, "--input", "scope.json", "--compact"], directory: directory)
        #expect(r.status == 0)
        #expect(r.stdout == #"{"updated_at":{"gt":"2025-01-01T00:00:00.000Z"}}"# + "\n")
        let bound = try await CLIProcess.run(["jsonata", "$x * 2", "--bindings", #"{"x": 21}"#], directory: directory)
        #expect(bound.stdout == "42\n")
        let undefined = try await CLIProcess.run(["jsonata", "missing.field", "--input", "scope.json"], directory: directory)
        #expect(undefined.status == 0)
        #expect(undefined.stdout.isEmpty)
        let broken = try await CLIProcess.run(["jsonata", "1 +"], directory: directory)
        #expect(broken.status == 1)
        #expect(broken.stderr.hasPrefix("error S0207 at position 3"))
    }

    /// `syncbridge sandbox --fixtures` refuses a file with an invalid record before listening, naming the record.
    @Test func sandboxRefusesInvalidFixtures() async throws {
        try #"{"tickets": [{"subject": "x", "requester_email": "nobody@example.com", "comment": {"body": "y"}}]}"#.write(
            to: directory.appendingPathComponent("bad-fixtures.json"), atomically: true, encoding: .utf8
        )
        let r = try await CLIProcess.run(["sandbox", "--port", "0", "--fixtures", "bad-fixtures.json"], directory: directory)
        #expect(r.status == 1)
        #expect(r.stderr.contains("tickets[0].requester_email"), "\(r.stderr)")
        #expect(!r.stdout.contains("listening"))
    }

    /// A second engine process on the same SQLite file is refused with a clear error; short commands still work.
    @Test func secondEngineOnOneSQLiteFileIsRefused() async throws {
        let (serve, _) = try await CLIProcess.serve(database: "sqlite://owned.sqlite", directory: directory)
        defer {
            serve.terminate()
        }
        let worker = try await CLIProcess.run(["worker", "--database-url", "sqlite://owned.sqlite"], directory: directory)
        #expect(worker.status == 1)
        #expect(
            worker.stderr.contains("database_in_use: owned.sqlite is already used by another SyncBridge process (pid \(serve.processIdentifier))"),
            "\(worker.stderr)")
        let token = try await CLIProcess.run(["token", "create", "--name", "t", "--database-url", "sqlite://owned.sqlite"], directory: directory)
        #expect(token.status == 0)
    }

    /// A process-level restart: data written through one `syncbridge serve` is served by the next, killed with -9
    /// in between, on the same SQLite file.
    @Test func serveSurvivesKillAndRestart() async throws {
        let token = try await CLIProcess.run(["token", "create", "--name", "t", "--database-url", "sqlite://serve.sqlite"], directory: directory)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        func call(_ base: String, _ method: HTTPMethod, _ path: String, _ body: String? = nil) async throws -> (Int, JSONValue) {
            var request = HTTPClientRequest(url: base + path)
            request.method = method
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            if let body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: body))
            }
            let response = try await client.execute(request, timeout: .seconds(60))
            let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
            return (Int(response.status.code), try JSONParser.parse(text))
        }
        let (first, url1) = try await CLIProcess.serve(database: "sqlite://serve.sqlite", directory: directory)
        let (status, created) = try await call(url1, .POST, "/webhook", #"{"target_url": "http://127.0.0.1:9/hook"}"#)
        #expect(status == 201)
        kill(first.processIdentifier, SIGKILL)
        await CLIProcess.waitForExit(first)
        let (second, url2) = try await CLIProcess.serve(database: "sqlite://serve.sqlite", directory: directory)
        defer {
            second.terminate()
        }
        let id = try #require(created["id"]?.stringValue)
        let (again, fetched) = try await call(url2, .GET, "/webhook/\(id)")
        #expect(again == 200)
        #expect(fetched["target_url"] == "http://127.0.0.1:9/hook")
        try await client.shutdown()
    }
}
