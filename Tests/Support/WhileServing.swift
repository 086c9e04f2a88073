/// Runs `serve` (a server that reports its address through `address`) alongside `body`, and stops the server when
/// `body` returns or throws. Shared by every in-process server of the tests (API, sandbox, webhook receiver).
public func whileServing<Address: Sendable, R: Sendable>(
    _ serve: @Sendable @escaping (_ address: @Sendable @escaping (Address) -> Void) async throws -> Void,
    _ body: @Sendable @escaping (Address) async throws -> R
) async throws -> R {
    let (addresses, continuation) = AsyncStream<Address>.makeStream()
    return try await withThrowingTaskGroup(of: R?.self) { group in
        group.addTask {
            try await serve { continuation.yield($0) }
            return nil
        }
        var iterator = addresses.makeAsyncIterator()
        guard let address = await iterator.next() else { throw CancellationError() }
        let result = try await body(address)
        group.cancelAll()
        while let _ = try await group.next() {}
        return result
    }
}
