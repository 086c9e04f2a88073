import Connectors
import Foundation
import Logging
import Storage
import SyncBridgeCore
import Synchronization

/// Keeps integrated accounts' OAuth access tokens alive for every caller of a provider: sync runs, the live APIs,
/// push registration and destinations.
///
/// - An access token is refreshed shortly before it expires (a fifth of its lifetime, at most five minutes). After a
///   401 the request is made again with a newer token (one another caller's refresh put in place, or one refreshed
///   now); a 401 with a token this call just refreshed, that is still the stored one and has not run out, is a real
///   authentication failure.
/// - One refresh per account at a time: in this process a per-account lock; on PostgreSQL the account row is also
///   locked (`FOR UPDATE`) around the refresh, and the tokens are read again under the lock, so a worker that waited
///   uses the pair another one just got instead of spending the rotated refresh token again.
/// - The new pair is committed before it is used.
/// - A refused refresh (`invalid_grant`, an expired refresh token) makes the account `needs_reauth` with
///   `last_error` and sends `integrated_account:authentication_error`; the caller gets an `unauthorized` error that
///   says to reconnect. Nothing loops.
/// - Tokens never appear in logs or errors.
public struct AccountTokens: Sendable {
    let store: any Store
    let connectors: IntegrationRegistry
    let clock: any WallClock
    /// The newest version of each account this keeper has read or renewed, so callers holding an older copy (a run
    /// loaded its account when it started) do not go back to the database on every request.
    let latest = LatestAccounts()

    /// Creates the token keeper.
    public init(store: any Store, connectors: IntegrationRegistry, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.connectors = connectors
        self.clock = clock
    }

    /// How many times one call follows a token that another caller's refresh replaced (each refresh deletes the
    /// previous pair at once, so a request made with it meanwhile gets a 401).
    static let maximumTokenChanges = 4

    /// Calls `body` with the account's credentials, refreshed first when they are about to expire. After a 401 it
    /// calls `body` again with a newer token: one another caller got meanwhile (each refresh deletes the previous
    /// pair at once), or one it refreshes itself. A 401 with a token it refreshed itself that is still the stored
    /// one is a real authentication failure.
    public func withAccount<R: Sendable>(
        _ account: IntegratedAccount, logger: Logger, _ body: (ConnectorAccount) async throws(ConnectorError) -> R
    ) async throws(ConnectorError) -> R {
        guard var (view, fresh) = try await renewing(account, rejected: nil, mayRefresh: true, logger: logger) else {
            throw ConnectorError(.unauthorized, message: "the provider rejected the account's credentials")
        }
        var changes = 0
        while true {
            do throws(ConnectorError) {
                return try await body(view)
            } catch  where error.code == .unauthorized && refresher(for: account, view) != nil && changes < Self.maximumTokenChanges {
                changes += 1
                logger.notice(
                    "the provider rejected the access token; using a newer one", metadata: ["integrated_account_id": "\(account.id.lowercased)"])
                // A token this call just got may only be replaced by someone else's; refused while still current, it is final.
                let refused = error
                guard let next = try await renewing(account, rejected: view.context["access_token"]?.stringValue, mayRefresh: !fresh, logger: logger)
                else { throw refused }
                (view, fresh) = next
            }
        }
    }

    /// The account's credentials as they should be used now: refreshed if they expire soon, or if `rejected` (the
    /// access token the provider just refused) is still the stored one.
    public func current(_ account: IntegratedAccount, rejected: String? = nil, logger: Logger) async throws(ConnectorError) -> ConnectorAccount {
        guard let renewed = try await renewing(account, rejected: rejected, mayRefresh: true, logger: logger) else {
            throw ConnectorError(.unauthorized, message: "the provider rejected the account's credentials")
        }
        return renewed.view
    }

    /// ``current(_:rejected:logger:)``, and whether this call refreshed the token itself. With `rejected` and not
    /// `mayRefresh`, `nil` when `rejected` is still the stored token (nobody replaced it: the refusal stands).
    func renewing(
        _ account: IntegratedAccount, rejected: String?, mayRefresh: Bool, logger: Logger
    ) async throws(ConnectorError) -> (view: ConnectorAccount, ours: Bool)? {
        let account = latest.newest(account)
        let view = ConnectorAccount(account)
        guard let refresher = refresher(for: account, view) else { return rejected == nil ? (view, false) : nil }
        let held = view.context["access_token"]?.stringValue
        if rejected == nil && !Self.needsRefresh(account, now: clock.now()) { return (view, false) }
        if let rejected, let held, held != rejected { return (view, false) }
        do {
            return try await store.accountLocks.withLock(account.id) { () async throws -> (view: ConnectorAccount, ours: Bool)? in
                try await refreshLocked(
                    account.id, environmentId: account.environmentId, rejected: rejected, mayRefresh: mayRefresh, refresher: refresher, logger: logger
                )
            }
        } catch let error as ConnectorError {
            throw error
        } catch {
            throw ConnectorError(.transient, message: "could not renew the account's token: \(error)")
        }
    }

    func refresher(for account: IntegratedAccount, _ view: ConnectorAccount) -> (any TokenRefreshing)? {
        guard let r = connectors.connector(for: account.integrationName) as? any TokenRefreshing, r.canRefresh(view) else { return nil }
        return r
    }

    /// Whether the stored access token is missing or expires within the margin.
    static func needsRefresh(_ account: IntegratedAccount, now: Date) -> Bool {
        guard account.credentials["access_token"]?.stringValue?.isEmpty == false else { return true }
        guard let expires = account.context["token_expires_at"]?.stringValue.flatMap(Timestamp.parse) else { return false }
        let issued = account.context["token_issued_at"]?.stringValue.flatMap(Timestamp.parse) ?? expires.addingTimeInterval(-1_800)
        let margin = min(300, max(1, expires.timeIntervalSince(issued) / 5))
        return now.addingTimeInterval(margin) >= expires
    }

    /// Under the in-process lock: reads the account again (on PostgreSQL under its row lock), and refreshes only if
    /// it still needs it. The outcome (new tokens, or `needs_reauth`) is committed before it is returned or thrown.
    func refreshLocked(
        _ id: UUID, environmentId: UUID, rejected: String?, mayRefresh: Bool, refresher: any TokenRefreshing, logger: Logger
    ) async throws -> (view: ConnectorAccount, ours: Bool)? {
        let clock = self.clock
        if !mayRefresh {
            // Only asking whether someone replaced the refused token. On PostgreSQL the read waits for the row lock: a
            // process in the middle of a refresh has already had the provider rotate the pair, and commits it soon.
            let locking = store.driverName == "postgres"
            guard
                let stored = try await store.transaction({
                    try await $0.fetch(IntegratedAccount.self, id: id, environmentId: environmentId, forUpdate: locking)
                })
            else { return nil }
            latest.keep(stored)
            if stored.credentials["access_token"]?.stringValue != rejected { return (ConnectorAccount(stored), false) }
            // Still the stored token: refused for good, unless it simply ran out meanwhile.
            guard Self.needsRefresh(stored, now: clock.now()) else { return nil }
        }
        func stillNeeded(_ a: IntegratedAccount) -> Bool {
            if let rejected { return a.credentials["access_token"]?.stringValue == rejected }
            return Self.needsRefresh(a, now: clock.now())
        }
        func gone() -> ConnectorError { ConnectorError(.unauthorized, message: "the integrated account no longer exists") }
        func refresh(_ a: IntegratedAccount, now: Date) async -> Result<OAuthTokenSet, ConnectorError> {
            do throws(ConnectorError) {
                return .success(try await refresher.refreshTokens(ConnectorAccount(a), now: now, logger: logger))
            } catch {
                return .failure(error)
            }
        }
        let (account, failure, ours): (IntegratedAccount, ConnectorError?, Bool)
        if store.driverName == "postgres" {
            // The row lock spans the provider call, so exactly one process spends the refresh token.
            (account, failure, ours) = try await store.transaction { s in
                guard var a = try await s.fetch(IntegratedAccount.self, id: id, environmentId: environmentId, forUpdate: true) else { throw gone() }
                guard stillNeeded(a) else { return (a, nil, false) }
                let now = clock.now()
                let failure = try await Self.record(await refresh(a, now: now), in: &a, session: s, now: now, connectors: connectors, logger: logger)
                return (a, failure, true)
            }
        } else {
            // One engine process per SQLite file: the in-process lock is enough, and no transaction waits on the provider.
            guard let read = try await store.transaction({ try await $0.fetch(IntegratedAccount.self, id: id, environmentId: environmentId) }) else {
                throw gone()
            }
            if stillNeeded(read) {
                let now = clock.now()
                let outcome = await refresh(read, now: now)
                (account, failure) = try await store.transaction { s in
                    // Read again: the provider call ran outside any transaction, and the account may have changed
                    // meanwhile (a status, a PATCH); only the token fields are this write's.
                    guard var a = try await s.fetch(IntegratedAccount.self, id: id, environmentId: environmentId, forUpdate: true) else {
                        throw gone()
                    }
                    let failure = try await Self.record(outcome, in: &a, session: s, now: now, connectors: connectors, logger: logger)
                    return (a, failure)
                }
                ours = true
            } else {
                (account, failure, ours) = (read, nil, false)
            }
        }
        latest.keep(account)
        if let failure { throw failure }
        return (ConnectorAccount(account), ours)
    }

    /// Stores a new token set, or, for a refused grant, marks the account `needs_reauth` and queues its event (once).
    /// Returns the error to throw after the transaction commits.
    static func record(
        _ outcome: Result<OAuthTokenSet, ConnectorError>, in account: inout IntegratedAccount, session: any StoreSession, now: Date,
        connectors: IntegrationRegistry, logger: Logger
    ) async throws -> ConnectorError? {
        switch outcome {
        case .success(let tokens):
            account.credentials["access_token"] = .string(tokens.accessToken)
            if let refresh = tokens.refreshToken { account.credentials["refresh_token"] = .string(refresh) }
            account.context["token_issued_at"] = .string(Timestamp.format(now))
            account.context["token_expires_at"] = tokens.expiresAt.map { .string(Timestamp.format($0)) } ?? .null
            if let until = tokens.refreshExpiresAt { account.context["refresh_token_expires_at"] = .string(Timestamp.format(until)) }
            if let scope = tokens.scope { account.context["scope"] = .string(scope) }
            account.updatedAt = now
            try await session.update(account)
            logger.info(
                "access token renewed",
                metadata: ["integrated_account_id": "\(account.id.lowercased)", "expires_at": "\(tokens.expiresAt.map(Timestamp.format) ?? "never")"]
            )
            return nil
        case .failure(let error) where error.code == .unauthorized:
            let reason = "authentication failed: \(error.message); reconnect the account"
            let wasUsable = account.status != .needsReauth
            account.status = .needsReauth
            account.lastError = reason
            account.updatedAt = now
            try await session.update(account)
            if wasUsable {
                try await session.enqueue(
                    try await AccountEvents.outbox(
                        [.integratedAccountAuthenticationError], account: account, payload: connectors.render(account), session: session, now: now))
            }
            logger.warning(
                "token refresh refused; the account needs re-authentication", metadata: ["integrated_account_id": "\(account.id.lowercased)"])
            return ConnectorError(.unauthorized, status: error.status, message: reason, request: error.request)
        case .failure(let error):
            return error
        }
    }
}

/// The newest copy of each account seen, by `updated_at`.
final class LatestAccounts: Sendable {
    let accounts = Mutex<[UUID: IntegratedAccount]>([:])

    func keep(_ account: IntegratedAccount) {
        accounts.withLock { all in
            if let known = all[account.id], known.updatedAt > account.updatedAt { return }
            all[account.id] = account
        }
    }

    /// `account`, or a newer copy of it.
    func newest(_ account: IntegratedAccount) -> IntegratedAccount {
        accounts.withLock { all in
            guard let known = all[account.id], known.updatedAt > account.updatedAt else { return account }
            return known
        }
    }
}
