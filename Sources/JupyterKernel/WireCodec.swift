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
    case tooManyFrames(Int, limit: Int)
    case tooLarge(bytes: Int, limit: Int)

    public var description: String {
        switch self {
        case .missingDelimiter: return "no <IDS|MSG> delimiter frame"
        case .tooFewFrames(let count): return "only \(count) frames after the delimiter (need 5)"
        case .badSignature: return "signature does not match (wrong key or tampered message)"
        case .duplicateSignature: return "signature seen before (replayed message)"
        case .invalidJSON(let part): return "\(part) is not valid JSON"
        case .notAnObject(let part): return "\(part) is not a JSON object"
        case .missingMessageType: return "header has no msg_type"
        case .tooManyFrames(let count, let limit): return "\(count) frames (at most \(limit))"
        case .tooLarge(let bytes, let limit): return "\(bytes) bytes (at most \(limit))"
        }
    }
}

/// How big one incoming multipart message may be. libzmq bounds each frame (ZMQ_MAXMSGSIZE,
/// set on every socket, disconnects a peer that sends a bigger one) but not how many frames one
/// message has, nor their sum; these limits bound both, for what the kernel copies and parses.
public struct WireLimits: Sendable, Equatable {
    public var maxFrames: Int
    public var maxBytes: Int

    public init(maxFrames: Int, maxBytes: Int) {
        self.maxFrames = maxFrames
        self.maxBytes = maxBytes
    }

    /// A request on shell, control or stdin: 64 MiB in all, the frame limit too. A Latent cell
    /// is a few hundred bytes, but a pasted or generated cell, and the comm messages with binary
    /// buffers that widgets send (file uploads), run to megabytes; jupyter_server's websocket
    /// passes at most 10 MiB by default, so 64 MiB refuses nothing a frontend sends and keeps one
    /// message far below the memory a kernel has. 256 frames: routing identities, the delimiter,
    /// the signature, four JSON parts and up to about 240 buffers.
    public static let request = WireLimits(maxFrames: 256, maxBytes: 64 << 20)
    /// A heartbeat ping (jupyter_client sends `ping`), echoed as it came.
    public static let heartbeat = WireLimits(maxFrames: 16, maxBytes: 64 << 10)
    /// A subscription on iopub: one short topic frame.
    public static let subscription = WireLimits(maxFrames: 1, maxBytes: 4 << 10)
    public static let unlimited = WireLimits(maxFrames: .max, maxBytes: .max)
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
    public func decode(_ frames: [[UInt8]], limits: WireLimits = .request) -> Result<Message, WireError> {
        guard frames.count <= limits.maxFrames else {
            return .failure(.tooManyFrames(frames.count, limit: limits.maxFrames))
        }
        let size = frames.reduce(0) { $0 + $1.count }
        guard size <= limits.maxBytes else { return .failure(.tooLarge(bytes: size, limit: limits.maxBytes)) }
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
