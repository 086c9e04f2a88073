import Accounts
import Connectors
import Delivery
import Foundation
import Logging
import Storage
import SyncBridgeCore

/// What executors share: the store, the connectors, webhook delivery, the clock and the configuration.
struct EngineServices: Sendable {
    let store: any Store
    let connectors: IntegrationRegistry
    let sender: WebhookSender
    let configuration: EngineConfiguration
    let clock: any WallClock
    /// For destinations (runs that write records into a provider instead of the webhook): the connectors' own, so
    /// destination writes spend from the same request budget as runs.
    let providerClient: ProviderClient
    /// Accounts' credentials with their OAuth tokens kept alive.
    let tokens: AccountTokens
    /// Webhooks' failing streaks, shared by every delivery path of the process.
    let health: WebhookHealth

    var delivery: AcknowledgedDelivery {
        AcknowledgedDelivery(sender: sender, policy: configuration.delivery, clock: clock, health: health)
    }
    var leaseUntil: Date { clock.now().addingTimeInterval(configuration.leaseDuration) }
}
