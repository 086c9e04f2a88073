import Logging

/// An account's credentials as each provider call should use them, handed out per call: a long-lived writer (a
/// destination) never holds a token that has since expired or been rotated away.
public protocol AccountCredentials: Sendable {
    /// Calls `body` with the credentials to use now; implementations may call it again with newer ones after a 401.
    func withAccount<R: Sendable>(logger: Logger, _ body: (ConnectorAccount) async throws(ConnectorError) -> R) async throws(ConnectorError) -> R
}

/// Credentials that do not change: an API token, or a test's account.
public struct FixedCredentials: AccountCredentials {
    public let account: ConnectorAccount

    /// Credentials that are always `account`.
    public init(_ account: ConnectorAccount) {
        self.account = account
    }

    public func withAccount<R: Sendable>(logger: Logger, _ body: (ConnectorAccount) async throws(ConnectorError) -> R) async throws(ConnectorError)
        -> R
    {
        try await body(account)
    }
}
