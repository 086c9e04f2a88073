import Connectors
import Logging
import SyncBridgeCore

/// An integrated account's credentials through ``AccountTokens``: an OAuth token renewed shortly before it expires
/// and once after a 401, with one refresh per account at a time across processes; other accounts as stored.
public struct RenewingCredentials: AccountCredentials {
    let tokens: AccountTokens
    let account: IntegratedAccount

    /// The credentials of `account`, kept alive by `tokens`.
    public init(tokens: AccountTokens, account: IntegratedAccount) {
        self.tokens = tokens
        self.account = account
    }

    public func withAccount<R: Sendable>(logger: Logger, _ body: (ConnectorAccount) async throws(ConnectorError) -> R) async throws(ConnectorError)
        -> R
    {
        try await tokens.withAccount(account, logger: logger, body)
    }
}
