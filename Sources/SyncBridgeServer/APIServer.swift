import Accounts
import AsyncHTTPClient
import Connectors
import Delivery
import Foundation
import Hummingbird
import Logging
import Storage
import SyncBridgeCore

/// The HTTP API: builds the router with every route, behind error handling and (except `/health` and
/// `/openapi.json`) bearer-token authentication.
public struct APIServer: Sendable {
    let services: APIServices

    /// Creates the API over a store.
    public init(
        store: any Store, httpClient: HTTPClient, configuration: APIConfiguration = .init(), clock: any WallClock = SystemWallClock(),
        integrations: IntegrationRegistry? = nil, logger: Logger
    ) {
        let connectors = integrations ?? IntegrationRegistry.standard(client: ProviderClient(http: httpClient))
        services = APIServices(
            store: store, clock: clock, sender: WebhookSender(client: httpClient, timeout: .seconds(10), clock: clock),
            configuration: configuration, logger: logger, connectors: connectors,
            tokens: AccountTokens(store: store, connectors: connectors, clock: clock)
        )
    }

    /// The router, and the (method, path) of every route it serves.
    public func makeRouter() -> (router: Router<APIRequestContext>, routes: [(method: String, path: String)]) {
        let router = Router(context: APIRequestContext.self)
        let table = RouteTable()
        router.add(middleware: ErrorMiddleware(routes: table))
        router.add(middleware: RequestLimitsMiddleware(configuration: services.configuration))
        let open = RouteRegistrar(router: router)
        SystemRoutes(api: services).register(open)
        TalkdeskBridgeRoutes(api: services).register(open)
        InboundPushRoutes(api: services).register(open)
        ConnectRoutes(api: services).register(open)
        router.add(middleware: AuthMiddleware(store: services.store))
        let registrar = RouteRegistrar(router: router)
        WebhookRoutes(api: services).register(registrar)
        IntegratedAccountRoutes(api: services).register(registrar)
        SyncJobRoutes(api: services).register(registrar)
        SyncJobRunRoutes(api: services).register(registrar)
        CronTriggerRoutes(api: services).register(registrar)
        EventTriggerRoutes(api: services).register(registrar)
        PushTriggerRoutes(api: services).register(registrar)
        LiveAPIRoutes(api: services).register(registrar)
        EnvironmentIntegrationRoutes(api: services).register(registrar)
        LinkTokenRoutes(api: services).register(registrar)
        table.set(open.routes + registrar.routes)
        return (router, open.routes + registrar.routes)
    }

    /// A Hummingbird application serving the API.
    public func makeApplication(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let configuration = services.configuration
        return Application(
            router: makeRouter().router,
            server: .http1(configuration: .init(idleTimeout: .init(configuration.idleTimeout))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "syncbridge"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: services.logger
        )
    }
}
