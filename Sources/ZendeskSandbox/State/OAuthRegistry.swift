import Crypto
import Foundation
import JSONCore

/// An OAuth client registered with the sandbox (`--oauth-client id:secret:redirect_uri`, or `POST /api/v2/oauth/clients`).
public struct SandboxOAuthClient: Sendable, Equatable {
    /// Zendesk's "unique identifier": the `client_id` of the grants.
    public var identifier: String
    public var secret: String
    /// Where the consent page may send the browser back (exact match, as Zendesk checks it).
    public var redirectURIs: [String]
    /// `global` clients work for any subdomain; a `local` client only for the account that registered it (the
    /// sandbox is one account, so both work here; the kind is reported as Zendesk reports it).
    public var kind: String
    public var name: String

    /// Creates a client.
    public init(identifier: String, secret: String, redirectURIs: [String] = [], kind: String = "local", name: String? = nil) {
        self.identifier = identifier
        self.secret = secret
        self.redirectURIs = redirectURIs
        self.kind = kind
        self.name = name ?? identifier
    }

    /// `id:secret[:redirect_uri]` (the redirect may itself contain colons).
    public init?(flag: String) {
        let parts = flag.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(identifier: parts[0], secret: parts[1], redirectURIs: parts.count > 2 && !parts[2].isEmpty ? [parts[2]] : [])
    }
}

/// One access token and its refresh token, as Zendesk keeps them.
struct OAuthGrant: Sendable {
    var id: Int64
    var clientId: String
    var scopes: [String]
    var accessToken: String
    var refreshToken: String?
    var createdAt: Int64
    var expiresAt: Int64
    var refreshExpiresAt: Int64?
    var usedAt: Int64?

    /// True when the token authorizes requests now.
    func isValid(at now: Int64) -> Bool { now < expiresAt }

    /// `read` and `write`, or resource scopes (`tickets:read`): whether a request with `method` is allowed.
    func allows(method: String) -> Bool {
        let writes = method != "GET" && method != "HEAD"
        return scopes.contains { writes ? ($0 == "write" || $0.hasSuffix(":write")) : ($0 == "read" || $0.hasSuffix(":read") || $0 == "write") }
    }

    func json(base: String) -> JSONValue {
        [
            "id": .number(Double(id)), "client_id": .string(clientId), "scopes": .array(scopes.map(JSONValue.string)),
            "token": .string(String(accessToken.prefix(6)) + "…"), "created_at": .string(Self.iso(createdAt)),
            "expires_at": .string(Self.iso(expiresAt)), "refresh_token_expires_at": refreshExpiresAt.map { .string(Self.iso($0)) } ?? .null,
            "used_at": usedAt.map { .string(Self.iso($0)) } ?? .null, "url": .string("\(base)/api/v2/oauth/tokens/\(id).json"),
        ]
    }

    static func iso(_ epoch: Int64) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date(timeIntervalSince1970: TimeInterval(epoch)))
    }
}

/// An authorization code handed to the browser on Allow: single use, short-lived, bound to its client, redirect and
/// PKCE challenge.
struct AuthorizationCode: Sendable {
    var clientId: String
    var redirectURI: String
    var scopes: [String]
    var challenge: String?
    var expiresAt: Int64
    var used = false
}

/// The sandbox's OAuth server state: clients, codes, grants, and counts for tests.
struct OAuthRegistry: Sendable {
    /// How long an authorization code can be exchanged (Zendesk: 120 s).
    static let codeLifetime: Int64 = 120
    static let defaultAccessLifetime: Int64 = 1_800
    static let defaultRefreshLifetime: Int64 = 30 * 86_400

    var clients: [String: SandboxOAuthClient] = [:]
    var codes: [String: AuthorizationCode] = [:]
    var grants: [String: OAuthGrant] = [:]
    var byRefresh: [String: String] = [:]
    var nextId: Int64 = 900_000_001
    var serial: UInt64 = 0
    /// Grants issued and refreshes made, by client; refused grants by error.
    var issued: [String: Int] = [:]
    var refreshes: [String: Int] = [:]
    var refused: [String: Int] = [:]

    init(clients: [SandboxOAuthClient]) {
        for c in clients { self.clients[c.identifier] = c }
    }

    /// An unguessable token (the serial keeps two tokens of one instant apart).
    mutating func token(_ kind: String) -> String {
        serial += 1
        var bytes = [UInt8](repeating: 0, count: 24)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        return kind + "_" + bytes.map { String(format: "%02x", $0) }.joined() + String(serial, radix: 36)
    }

    /// Issues a grant; the refresh token only when `refreshable`.
    mutating func issue(client: String, scopes: [String], now: Int64, lifetime: Int64?, refreshLifetime: Int64?, refreshable: Bool) -> OAuthGrant {
        let access = token("zat")
        let refresh = refreshable ? token("zrt") : nil
        let grant = OAuthGrant(
            id: nextId, clientId: client, scopes: scopes, accessToken: access, refreshToken: refresh, createdAt: now,
            expiresAt: now + (lifetime ?? Self.defaultAccessLifetime),
            refreshExpiresAt: refreshable ? now + (refreshLifetime ?? Self.defaultRefreshLifetime) : nil
        )
        nextId += 1
        grants[access] = grant
        if let refresh { byRefresh[refresh] = access }
        issued[client, default: 0] += 1
        return grant
    }

    /// Deletes a grant (its access and refresh token).
    mutating func revoke(accessToken: String) {
        guard let grant = grants.removeValue(forKey: accessToken) else { return }
        if let refresh = grant.refreshToken { byRefresh[refresh] = nil }
    }

    /// The grant with that id.
    func grant(id: Int64) -> OAuthGrant? { grants.values.first { $0.id == id } }

    /// `base64url(SHA-256(verifier))`, the S256 PKCE transform.
    static func challenge(for verifier: String) -> String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    var statsJSON: JSONValue {
        [
            "grants": .object(issued.mapValues { .number(Double($0)) }), "refreshes": .object(refreshes.mapValues { .number(Double($0)) }),
            "refused": .object(refused.mapValues { .number(Double($0)) }), "live_tokens": .number(Double(grants.count)),
        ]
    }
}
