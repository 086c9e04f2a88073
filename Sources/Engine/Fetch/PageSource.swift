import Accounts
import Connectors
import Logging
import SyncBridgeCore

/// One attempt at a page, as a layer: the connector call (``ConnectorPageSource``), whose provider client waits for
/// the account's request budget. Attempts are independent of the executor, so one can run early — beside a
/// delivery or a checkpoint save (see `PageAhead`). Retries and what a failure means are ``RetryingPageSource``'s.
protocol PageSource: Sendable {
    /// Makes one attempt; never throws (a cancelled wait is a transient failure).
    func attempt(_ request: ConnectorRequest) async -> Result<ConnectorPage, ConnectorError>
}

/// The connector's call with the account's credentials; OAuth tokens are renewed before they expire and once after a
/// 401 (``AccountTokens``).
struct ConnectorPageSource: PageSource {
    let connector: any Connector
    let account: IntegratedAccount
    let tokens: AccountTokens
    let logger: Logger

    func attempt(_ request: ConnectorRequest) async -> Result<ConnectorPage, ConnectorError> {
        let (connector, logger) = (self.connector, self.logger)
        do throws(ConnectorError) {
            return .success(
                try await tokens.withAccount(account, logger: logger) { view throws(ConnectorError) in
                    try await connector.fetch(request, account: view, logger: logger)
                }
            )
        } catch {
            return .failure(error)
        }
    }
}
