import Foundation
import SQLKit
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

@testable import Storage

/// Stored documents carry their format version: rows written before versions existed are read, rows of a newer
/// version than this binary knows are refused with `stored_format_unsupported` — never misread or written back.
@Suite struct StoredFormatTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    /// Replaces the raw document of a webhook row.
    func rewrite(_ store: any Store, _ id: UUID, _ change: @Sendable @escaping (inout [String: JSONValue]) -> Void) async throws {
        try await store.transaction { session in
            let db = try #require(session as? SQLSession).db
            let row = try await db.select().column("data").from("webhooks").where("id", .equal, id.lowercased).first()
            guard case .object(var members) = try JSONParser.parse(try #require(row).decode(column: "data", as: String.self)) else {
                Issue.record("not an object")
                return
            }
            change(&members)
            try await db.update("webhooks").set("data", to: JSONValue.object(members).jsonString()).where("id", .equal, id.lowercased).run()
        }
    }

    @Test(arguments: StoreKind.available)
    func olderFormatsAreReadNewerOnesRefused(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let env = Environment(name: "default", createdAt: Self.now)
            try await store.transaction { try await $0.insertEnvironment(env) }
            let hook = Webhook(
                environmentId: env.id, targetURL: "https://example.com/hook", isActive: true, eventTypes: ["*"], secret: "whsec",
                createdAt: Self.now, updatedAt: Self.now
            )
            try await store.transaction { try await $0.insert(hook) }
            let fetch: @Sendable () async throws -> Webhook? = {
                try await store.transaction { try await $0.fetch(Webhook.self, id: hook.id, environmentId: env.id) }
            }
            // Written now: stamped with the current format.
            try await store.transaction { session in
                let db = try #require(session as? SQLSession).db
                let text = try await db.select().column("data").from("webhooks").where("id", .equal, hook.id.lowercased).first()?
                    .decode(column: "data", as: String.self)
                #expect(try JSONParser.parse(try #require(text))["_format"] == .number(Double(StoredFormat.current)))
            }
            // Format 0: a row from before formats existed.
            try await rewrite(store, hook.id) { $0["_format"] = nil }
            #expect(try await fetch() == hook)
            // A newer format than this binary knows.
            try await rewrite(store, hook.id) { $0["_format"] = .number(Double(StoredFormat.current + 1)) }
            do {
                _ = try await fetch()
                Issue.record("a newer format was read")
            } catch let error as SyncBridgeError {
                #expect(error.code == "stored_format_unsupported")
                #expect(
                    error.message == "A webhooks row was written in storage format \(StoredFormat.current + 1) by a newer SyncBridge; "
                        + "this binary reads formats up to \(StoredFormat.current). Upgrade this process.")
            }
            // Nor can it be listed or overwritten through an update built from a misread.
            await #expect(throws: SyncBridgeError.self) {
                try await store.transaction { try await $0.list(Webhook.self, environmentId: env.id, query: ListQuery(limit: 10)) }
            }
            try await rewrite(store, hook.id) { $0["_format"] = "two" }
            await #expect(throws: SyncBridgeError.self) { try await fetch() }
        }
    }
}
