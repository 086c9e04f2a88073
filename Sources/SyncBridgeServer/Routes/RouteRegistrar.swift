import HTTPTypes
import Hummingbird

/// Adds routes to the router and remembers them, so a test can check every route is in the OpenAPI document.
final class RouteRegistrar {
    let router: Router<APIRequestContext>
    private(set) var routes: [(method: String, path: String)] = []

    init(router: Router<APIRequestContext>) {
        self.router = router
    }

    func add(
        _ method: HTTPRequest.Method, _ path: String,
        _ handler: @escaping @Sendable (Request, APIRequestContext) async throws -> Response
    ) {
        routes.append((method.rawValue, path))
        router.on(RouterPath(path), method: method, use: handler)
    }
}
