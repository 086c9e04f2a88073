import AsyncHTTPClient

/// One HTTP client for tests that only need a value to pass around (it is never shut down).
public enum HTTPClientForTests {
    public static let shared = HTTPClient(eventLoopGroupProvider: .singleton)
}
