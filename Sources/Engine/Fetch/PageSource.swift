import Accounts
import Connectors
import Logging
import SyncBridgeCore

/// One attempt at a page, as a layer: the connector call (``ConnectorPageSource``), the account's request budget
/// around it (``BudgetedPageSource``). Attempts are independent of the executor, so one can run early — beside a
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

/// Waits for the account's request budget (shared by every run of the process on the account) before each attempt.
struct BudgetedPageSource<Inner: PageSource>: PageSource {
    let inner: Inner
    let budget: AccountRequestBudget?
    let account: IntegratedAccount

    func attempt(_ request: ConnectorRequest) async -> Result<ConnectorPage, ConnectorError> {
        do {
            try await budget?.acquire(account.id)
        } catch {
            return .failure(ConnectorError(.transient, message: "interrupted while waiting for the account's request budget"))
        }
        return await inner.attempt(request)
    }
}
