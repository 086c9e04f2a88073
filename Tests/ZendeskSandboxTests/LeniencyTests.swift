import AsyncHTTPClient
import Foundation
import JSONCore
import NIOCore
import NIOSSL
import SyncBridgeTestSupport
import Testing
import ZendeskSandbox

/// Where Zendesk is lenient, the sandbox is too (the README's "Leniency" table gives the source of each rule), and
/// HTTPS at a real name.
@Suite struct LeniencyTests {
    static func ids(_ r: SandboxHarness.Reply, _ key: String) -> [Int64] {
        (r.json[key]?.arrayValue ?? []).compactMap { $0["id"]?.integerValue }
    }

    /// `start_time` is read as Ruby's `to_i` reads it: the ISO date tap-zendesk sends is its leading year, a float
    /// is its whole part, text without digits is 0; only a missing one is refused.
    @Test func startTimeIsItsLeadingInteger() async throws {
        try await withSandbox { zd async throws in
            let path = "/api/v2/incremental/organizations.json?per_page=5&start_time="
            let iso = try await zd.get(path + "2026-12-01T17:58:21Z")
            #expect(iso.status == 200)
            let year = try await zd.get(path + "2026")
            #expect(Self.ids(iso, "organizations") == Self.ids(year, "organizations"))
            #expect(Self.ids(iso, "organizations").count == 5)
            let whole = try await zd.get("/api/v2/incremental/tickets.json?start_time=1700000000")
            let float = try await zd.get("/api/v2/incremental/tickets.json?start_time=1700000000.9")
            #expect(Self.ids(whole, "tickets") == Self.ids(float, "tickets"))
            #expect(float.json["end_time"] == whole.json["end_time"])
            let text = try await zd.get("/api/v2/incremental/tickets/cursor.json?start_time=soon&per_page=3")
            let zero = try await zd.get("/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=3")
            #expect(text.status == 200)
            #expect(Self.ids(text, "tickets") == Self.ids(zero, "tickets"))
            // Before 1970 is 1970, however far before (the lowest Int64 once saturated).
            for far in ["-5", "-99999999999999999999"] {
                let early = try await zd.get("/api/v2/incremental/tickets/cursor.json?start_time=\(far)&per_page=3")
                #expect(early.status == 200, "\(far)")
                #expect(Self.ids(early, "tickets") == Self.ids(zero, "tickets"), "\(far)")
                let time = try await zd.get("/api/v2/incremental/ticket_metric_events.json?start_time=\(far)&page[size]=2")
                #expect(time.status == 200, "\(far)")
            }
            let missing = try await zd.get("/api/v2/incremental/tickets.json")
            #expect(missing.status == 400)
            #expect(missing.json["description"] == "start_time is required")
        }
    }

    /// Recent start times: the ticket, user and organization exports refuse one inside the last minute (422); the
    /// metric-event export, which tap-zendesk's discovery probes with now, answers with what it has.
    @Test func onlyTheMainExportsRefuseARecentStartTime() async throws {
        try await withSandbox {
            $0.recentWindow = 60
        } _: { zd async throws in
            let now = Int64(Date().timeIntervalSince1970)
            let tickets = try await zd.get("/api/v2/incremental/tickets.json?start_time=\(now - 5)")
            #expect(tickets.status == 422)
            let organizations = try await zd.get("/api/v2/incremental/organizations.json?start_time=\(now - 5)")
            #expect(organizations.status == 422)
            let metrics = try await zd.get("/api/v2/incremental/ticket_metric_events.json?start_time=\(now - 5)")
            #expect(metrics.status == 200)
            #expect(metrics.json["ticket_metric_events"] == [])
            #expect(metrics.json["end_of_stream"] == true)
            let cursor = try await zd.get("/api/v2/incremental/ticket_metric_events.json?page[size]=10&start_time=\(now - 5)")
            #expect(cursor.status == 200)
            #expect(cursor.json["meta"]?["has_more"] == false)
            let future = try await zd.get("/api/v2/incremental/ticket_metric_events.json?start_time=\(now + 3600)")
            #expect(future.status == 400)
        }
    }

    /// Unknown query parameters change nothing (Airbyte sends `sort`, `sort_by` and `sort_order` where Zendesk
    /// documents none, and `page[size]` to lists that do not page).
    @Test func unknownParametersAreIgnored() async throws {
        try await withSandbox { zd async throws in
            let plain = try await zd.get("/api/v2/tickets.json?page[size]=7")
            let noisy = try await zd.get("/api/v2/tickets.json?page[size]=7&sort_by=created_at&sort_order=asc&bogus=1&include=nothing")
            #expect(noisy.status == 200)
            #expect(Self.ids(noisy, "tickets") == Self.ids(plain, "tickets"))
            let macros = try await zd.get("/api/v2/macros.json?sort_by=created_at&sort_order=asc&page[size]=100")
            #expect(Self.ids(macros, "macros").count == 3)
            let audits = try await zd.get("/api/v2/ticket_audits.json?sort_by=created_at&sort_order=desc&limit=5")
            #expect(audits.status == 200)
            #expect((audits.json["audits"]?.arrayValue ?? []).count == 5)
        }
    }

    /// A page size above the maximum is served at the maximum, in every pagination: `per_page` and `page[size]`
    /// (100), export `per_page` and audit `limit` (1000).
    @Test func pageSizesAboveTheMaximumAreClamped() async throws {
        try await withSandbox {
            $0.tickets = 1100
        } _: { zd async throws in
            let offset = try await zd.get("/api/v2/tickets.json?per_page=500")
            #expect(Self.ids(offset, "tickets") == Array(1...100))
            #expect(offset.json["next_page"]?.stringValue?.contains("per_page=100") == true)
            let cursor = try await zd.get("/api/v2/tickets.json?page[size]=1000")
            #expect(Self.ids(cursor, "tickets") == Array(1...100))
            #expect(cursor.json["links"]?["next"]?.stringValue?.contains("page%5Bsize%5D=100") == true)
            let export = try await zd.get("/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=5000")
            #expect(Self.ids(export, "tickets").count == 1000)
            #expect(export.json["end_of_stream"] == false)
            let audits = try await zd.get("/api/v2/ticket_audits.json?limit=5000")
            #expect((audits.json["audits"]?.arrayValue ?? []).count == 1000)
            let zero = try await zd.get("/api/v2/tickets.json?page[size]=0")
            #expect(zero.status == 400)
        }
    }

    /// `--tls`: HTTPS with a generated authority; a client that trusts it reads the API, one that does not is refused
    /// at the handshake, and absolute URLs in responses are `https://`.
    @Test func servesHTTPSWithAGeneratedAuthority() async throws {
        let tls = try SandboxTLS.generate()
        let authority = try #require(tls.authorityPEM)
        var trusting = TLSConfiguration.makeClientConfiguration()
        trusting.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(authority.utf8)))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: trusting))
        let stranger = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(timeout: .init(connect: .seconds(3))))
        var configuration = SandboxConfiguration()
        configuration.tickets = 20
        let sandbox = ZendeskSandbox(configuration: configuration, tls: tls, httpClient: nil, logger: TestStores.logger)
        do {
            try await whileServing(
                { (address: @Sendable @escaping (String) -> Void) in try await sandbox.run { address($0) } },
                { url in
                    #expect(url.hasPrefix("https://127.0.0.1:"))
                    let port = url.split(separator: ":").last!
                    let zd = SandboxHarness(base: "https://localhost:\(port)", client: client)
                    let page = try await zd.get("/api/v2/tickets.json?page[size]=2")
                    #expect(page.status == 200)
                    #expect(page.json["links"]?["next"]?.stringValue?.hasPrefix("https://localhost:\(port)/api/v2/tickets.json") == true)
                    let second = try await zd.get(page.json["links"]!["next"]!.stringValue!)
                    #expect(Self.ids(second, "tickets") == [3, 4])
                    await #expect(throws: (any Error).self) {
                        _ = try await SandboxHarness(base: "https://localhost:\(port)", client: stranger).get("/api/v2/tickets.json")
                    }
                })
        } catch {
            try? await client.shutdown()
            try? await stranger.shutdown()
            throw error
        }
        try await client.shutdown()
        try await stranger.shutdown()
    }

    @Test func unusableCertificateFilesAreRefusedAtStart() throws {
        let generated = try SandboxTLS.generate(names: ["acme.zendesk.com"])
        #expect(throws: SandboxTLSError.self) { try SandboxTLS(certificateChainPEM: "not a certificate", privateKeyPEM: generated.privateKeyPEM) }
        do {
            _ = try SandboxTLS(
                certificateChainPEM: generated.certificateChainPEM, privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
            Issue.record("a broken key was accepted")
        } catch {
            #expect(error.code == "tls_invalid_key")
        }
        let reread = try SandboxTLS(certificateChainPEM: generated.certificateChainPEM, privateKeyPEM: generated.privateKeyPEM)
        #expect(reread.authorityPEM == nil)
        do {
            _ = try SandboxTLS.generate(names: ["has space"])
            Issue.record("a bad name was accepted")
        } catch {
            #expect(error.code == "tls_invalid_name")
        }
    }
}
