import Foundation

/// The compact form of a snapshot (format 1): a 4-byte little-endian header length, the snapshot
/// as JSON with its float arrays left empty, then every parameter's values and then every
/// optimizer buffer (parameter by parameter, slot by slot) as raw little-endian float32.
///
/// Every format, this one and any later one, starts with the 4-byte length and a JSON object
/// holding `formatVersion`: that is how a reader knows which format it has before reading it.
extension ModelSnapshot {
    /// The formats this build reads, each with its step to the next (see FormatChain).
    public static let formats = FormatChain(version: formatVersion, read: ModelSnapshot.readFormat1)

    /// Reads a snapshot saved in any format this build knows, migrated to the current one.
    /// Throws `FormatVersionError` for a format it does not know, `ModelError` for damage.
    public init(bytes: [UInt8]) throws {
        self = try Self.formats.read(bytes, version: Self.version(of: bytes))
    }

    /// The `formatVersion` in the JSON header at the start of a snapshot of any format.
    public static func version(of bytes: [UInt8]) throws -> Int {
        struct Stamp: Decodable { var formatVersion: Int }
        do {
            return try JSONDecoder().decode(Stamp.self, from: Data(bytes[try jsonHeader(of: bytes)])).formatVersion
        } catch let error as ModelError {
            throw error
        } catch {
            throw ModelError("the saved model's header names no format version: \(error)")
        }
    }

    /// Where the JSON header lies: after its 4-byte little-endian length.
    static func jsonHeader(of bytes: [UInt8]) throws -> Range<Int> {
        guard bytes.count >= 4 else { throw ModelError("the saved model is truncated (no header)") }
        let headerLength = Int(
            UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24)
        guard bytes.count - 4 >= headerLength else { throw ModelError("the saved model is truncated (header)") }
        return 4..<4 + headerLength
    }

    public func bytes() throws -> [UInt8] {
        var header = self
        for i in header.parameters.indices { header.parameters[i].values = [] }
        if header.optimizer != nil { header.optimizer!.slots = [] }
        // Keys in order: the same snapshot gives the same bytes, whichever process writes it.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try encoder.encode(header)
        var out: [UInt8] = []
        let floatCount =
            parameters.reduce(0) { $0 + $1.values.count }
            + (optimizer?.slots.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } } ?? 0)
        out.reserveCapacity(4 + json.count + 4 * floatCount)
        withUnsafeBytes(of: UInt32(json.count).littleEndian) { out += $0 }
        out += json
        func append(_ values: [Float]) {
            #if _endian(little)
                // The floats' bytes as they lie in memory: one copy (autosave writes every epoch).
                values.withUnsafeBytes { out.append(contentsOf: $0) }
            #else
                for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 } }
            #endif
        }
        parameters.forEach { append($0.values) }
        optimizer?.slots.forEach { $0.forEach(append) }
        return out
    }

    /// Reads format 1, today's: the layout `bytes()` writes.
    static func readFormat1(_ bytes: [UInt8]) throws -> ModelSnapshot {
        let header = try jsonHeader(of: bytes)
        var snapshot: ModelSnapshot
        do {
            snapshot = try JSONDecoder().decode(ModelSnapshot.self, from: Data(bytes[header]))
        } catch {
            throw ModelError("the saved model's header cannot be read: \(error)")
        }
        var offset = header.upperBound
        func take(_ count: Int) throws -> [Float] {
            guard count >= 0, bytes.count - offset >= 4 * count else {
                throw ModelError("the saved model is truncated (values)")
            }
            let values = (0..<count).map { i -> Float in
                let at = offset + 4 * i
                let bits =
                    UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16
                    | UInt32(bytes[at + 3]) << 24
                return Float(bitPattern: bits)
            }
            offset += 4 * count
            return values
        }
        for i in snapshot.parameters.indices {
            snapshot.parameters[i].values = try take(snapshot.parameters[i].shape.reduce(1, *))
        }
        if let kind = snapshot.optimizer?.kind {
            snapshot.optimizer!.slots = try snapshot.parameters.map { p in
                try (0..<kind.slotCount).map { _ in try take(p.shape.reduce(1, *)) }
            }
        }
        guard offset == bytes.count else {
            throw ModelError("the saved model has \(bytes.count - offset) unexpected bytes at its end")
        }
        return snapshot
    }
}
