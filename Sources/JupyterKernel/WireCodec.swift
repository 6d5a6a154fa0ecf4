import Foundation

/// Why an incoming frame list was dropped. Logged to stderr, never fatal.
public enum WireError: Error, Equatable, CustomStringConvertible {
    case missingDelimiter
    case tooFewFrames(Int)
    case badSignature
    case duplicateSignature
    case invalidJSON(part: String)
    case notAnObject(part: String)
    case missingMessageType

    public var description: String {
        switch self {
        case .missingDelimiter: return "no <IDS|MSG> delimiter frame"
        case .tooFewFrames(let count): return "only \(count) frames after the delimiter (need 5)"
        case .badSignature: return "signature does not match (wrong key or tampered message)"
        case .duplicateSignature: return "signature seen before (replayed message)"
        case .invalidJSON(let part): return "\(part) is not valid JSON"
        case .notAnObject(let part): return "\(part) is not a JSON object"
        case .missingMessageType: return "header has no msg_type"
        }
    }
}

/// Turns messages into wire frames and back:
/// identities..., `<IDS|MSG>`, signature, header, parent_header, metadata, content, buffers...
public final class WireCodec: @unchecked Sendable {
    public static let delimiter: [UInt8] = Array("<IDS|MSG>".utf8)
    public let signer: MessageSigner
    private let replays = ReplayGuard(capacity: 4096)

    public init(signer: MessageSigner) {
        self.signer = signer
    }

    public func encode(_ message: Message) -> [[UInt8]] {
        let parts = [
            message.header.encoded(), message.parentHeader.encoded(), message.metadata.encoded(),
            message.content.encoded(),
        ]
        var frames = message.identities
        frames.append(Self.delimiter)
        frames.append(Array(signer.signature(of: parts).utf8))
        frames.append(contentsOf: parts)
        frames.append(contentsOf: message.buffers)
        return frames
    }

    /// Checks the signature before parsing any JSON, so unsigned input is never interpreted.
    public func decode(_ frames: [[UInt8]]) -> Result<Message, WireError> {
        guard let split = frames.firstIndex(of: Self.delimiter) else { return .failure(.missingDelimiter) }
        let rest = frames[(split + 1)...]
        guard rest.count >= 5 else { return .failure(.tooFewFrames(rest.count)) }
        let signature = rest[rest.startIndex]
        let parts = Array(rest[(rest.startIndex + 1)..<(rest.startIndex + 5)])
        guard signer.isValid(signature: signature, of: parts) else { return .failure(.badSignature) }
        if signer.isSigning, !replays.insert(signature) { return .failure(.duplicateSignature) }
        var json: [JSONValue] = []
        for (part, name) in zip(parts, ["header", "parent_header", "metadata", "content"]) {
            guard let value = try? JSONValue.decode(part) else { return .failure(.invalidJSON(part: name)) }
            guard case .object = value else { return .failure(.notAnObject(part: name)) }
            json.append(value)
        }
        guard json[0]["msg_type"]?.stringValue != nil else { return .failure(.missingMessageType) }
        return .success(
            Message(
                identities: Array(frames[..<split]), header: json[0], parentHeader: json[1], metadata: json[2],
                content: json[3], buffers: Array(rest.dropFirst(5))))
    }
}

/// Remembers the most recent signatures so that a captured message cannot be replayed.
final class ReplayGuard: @unchecked Sendable {
    private let capacity: Int
    private var seen = Set<[UInt8]>()
    private var order: [[UInt8]] = []
    private var oldest = 0
    private let lock = NSLock()

    init(capacity: Int) { self.capacity = capacity }

    /// False when `signature` was already seen.
    func insert(_ signature: [UInt8]) -> Bool {
        lock.withLock {
            guard !seen.contains(signature) else { return false }
            seen.insert(signature)
            if order.count < capacity {
                order.append(signature)
            } else {
                seen.remove(order[oldest])
                order[oldest] = signature
                oldest = (oldest + 1) % capacity
            }
            return true
        }
    }
}
