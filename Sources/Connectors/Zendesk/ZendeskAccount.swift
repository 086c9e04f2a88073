import Foundation
import SyncBridgeCore

/// Where and how to call one Zendesk account: `https://<subdomain>.zendesk.com` (or `base_url`), with Basic
/// `email/token:api_token` or an OAuth bearer `access_token`.
struct ZendeskAccount: Sendable {
    /// The integrated account's id, which its request budget is kept under.
    let id: UUID
    let baseURL: String
    let authorization: String

    init(_ account: ConnectorAccount) throws(ConnectorError) {
        id = account.id
        baseURL = try Self.baseURL(of: account.context)
        let c = account.context
        if let token = c["access_token"]?.stringValue, !token.isEmpty {
            authorization = "Bearer \(token)"
        } else if let email = c["email"]?.stringValue, let token = c["api_token"]?.stringValue {
            authorization = "Basic " + Data("\(email)/token:\(token)".utf8).base64EncodedString()
        } else {
            throw ConnectorError(.unauthorized, message: "the account has no access_token and no email + api_token")
        }
    }

    /// Where the account lives: its `base_url`, or `https://<subdomain>.zendesk.com`.
    static func baseURL(of c: [String: JSONValue]) throws(ConnectorError) -> String {
        if let base = c["base_url"]?.stringValue, !base.isEmpty {
            return base.hasSuffix("/") ? String(base.dropLast()) : base
        } else if let subdomain = c["subdomain"]?.stringValue, !subdomain.isEmpty {
            return "https://\(subdomain).zendesk.com"
        }
        throw ConnectorError(.unauthorized, message: "the account has neither context.subdomain nor context.base_url")
    }

    var headers: [(String, String)] { [("Authorization", authorization)] }
}
