import Foundation
import NIOHTTP1
import SyncBridgeCore

/// Reads what a provider's answer says about its rate limits:
/// - the account's limit: `ratelimit-limit`, `ratelimit-remaining` and `ratelimit-reset` (the IETF draft names, which
///   Zendesk sends on its Ticketing APIs), else `X-Rate-Limit` and `X-Rate-Limit-Remaining` (on every Zendesk answer);
/// - an endpoint's own limit: `Zendesk-RateLimit-<name>: total=100; remaining=99; resets=41`, for the class `<name>`
///   (Zendesk sends `zendesk-ratelimit-tickets-index` on List Tickets);
/// - a 429's `Retry-After`.
public enum RateLimitHeaders {
    /// The observation in an answer's status and headers.
    public static func observation(status: Int, headers: HTTPHeaders) -> RateLimitObservation {
        var observation = RateLimitObservation(throttled: status == 429)
        if status == 429 { observation.retryAfter = RetryAfter.seconds(headers.first(name: "Retry-After")) }
        let general = RateLimitObservation.Reading(
            limit: integer(headers.first(name: "ratelimit-limit") ?? headers.first(name: "X-Rate-Limit")),
            remaining: integer(headers.first(name: "ratelimit-remaining") ?? headers.first(name: "X-Rate-Limit-Remaining")),
            resetSeconds: integer(headers.first(name: "ratelimit-reset")).map(Double.init)
        )
        if general != .init() { observation.readings[.general] = general }
        let prefix = "zendesk-ratelimit-"
        for (name, value) in headers where name.lowercased().hasPrefix(prefix) && name.count > prefix.count {
            let reading = parameters(value)
            if reading != .init() { observation.readings[EndpointClass(rawValue: String(name.dropFirst(prefix.count)))] = reading }
        }
        return observation
    }

    /// `total=100; remaining=99; resets=41` (any order, unknown keys ignored).
    static func parameters(_ value: String) -> RateLimitObservation.Reading {
        var reading = RateLimitObservation.Reading()
        for part in value.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard pair.count == 2, let number = integer(pair[1]) else { continue }
            switch pair[0] {
            case "total": reading.limit = number
            case "remaining": reading.remaining = number
            case "resets": reading.resetSeconds = Double(number)
            default: break
            }
        }
        return reading
    }

    /// A non-negative integer header (values out of range or not numbers are ignored).
    static func integer(_ text: String?) -> Int? {
        guard let text, let n = Int(text.trimmingCharacters(in: .whitespaces)), n >= 0, n <= 10_000_000 else { return nil }
        return n
    }
}
