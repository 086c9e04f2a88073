import Crypto
import Foundation

/// Ids of the events an executor sends itself (records, errors, rate limits): derived from the run and the event's
/// sequence number in the run, so the event re-sent after a crash carries the id the receiver already saw.
enum EventIdentity {
    /// A version-8 UUID from SHA-256 of the run id and the sequence number.
    static func id(run: UUID, sequence: Int) -> UUID {
        var bytes = Array(SHA256.hash(data: Data("\(run.uuidString.lowercased())/\(sequence)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}
