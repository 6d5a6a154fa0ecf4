@preconcurrency import Crypto
import Foundation

/// HMAC-SHA256 over the header, parent header, metadata and content frames, as hex, with the
/// connection file's key. An empty key means signing is off (the spec allows it): every
/// signature is then empty and any is accepted.
public struct MessageSigner: Sendable {
    private let key: SymmetricKey?

    public init(key: String) {
        self.key = key.isEmpty ? nil : SymmetricKey(data: Array(key.utf8))
    }

    public var isSigning: Bool { key != nil }

    public func signature(of parts: [[UInt8]]) -> String {
        guard let key else { return "" }
        var hmac = HMAC<SHA256>(key: key)
        for part in parts { hmac.update(data: part) }
        return hex(Array(hmac.finalize()))
    }

    /// Checks in constant time (swift-crypto's comparison of a MAC with bytes) that `signature`
    /// signs `parts`, hashing the parts where they are rather than joining a copy of them.
    public func isValid(signature: [UInt8], of parts: [[UInt8]]) -> Bool {
        guard let key else { return true }
        guard let code = bytes(fromHex: signature), code.count == SHA256.byteCount else { return false }
        var hmac = HMAC<SHA256>(key: key)
        for part in parts { hmac.update(data: part) }
        return hmac.finalize() == code
    }
}

private let hexDigits = Array("0123456789abcdef".utf8)

func hex(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        out.append(hexDigits[Int(byte >> 4)])
        out.append(hexDigits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// Decodes lowercase or uppercase hex; nil for odd lengths or other characters.
func bytes(fromHex text: [UInt8]) -> [UInt8]? {
    guard text.count % 2 == 0 else { return nil }
    func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
    var out: [UInt8] = []
    out.reserveCapacity(text.count / 2)
    var index = 0
    while index < text.count {
        guard let high = nibble(text[index]), let low = nibble(text[index + 1]) else { return nil }
        out.append(high << 4 | low)
        index += 2
    }
    return out
}
