import Foundation

/// The compact form of a snapshot (format 2): a 4-byte little-endian header length, the snapshot
/// as JSON with its float arrays left empty, then every parameter's values, every optimizer
/// buffer (parameter by parameter, slot by slot) and every layer buffer, as raw little-endian
/// float32. Format 1, read by `ModelSnapshotV1`, is the same without the layer buffers.
///
/// Every format, this one and any later one, starts with the 4-byte length and a JSON object
/// holding `formatVersion`: that is how a reader knows which format it has before reading it.
extension ModelSnapshot {
    /// The formats this build reads, each with its step to the next (see FormatChain).
    public static let formats = FormatChain(version: formatVersion, read: ModelSnapshot.readFormat2)
        .preceded(by: 1, read: ModelSnapshotV1.read, migrate: ModelSnapshotV1.migrated)

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
        for i in header.buffers.indices { header.buffers[i].values = [] }
        if header.optimizer != nil { header.optimizer!.slots = [] }
        // Keys in order: the same snapshot gives the same bytes, whichever process writes it.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try encoder.encode(header)
        var out: [UInt8] = []
        let floatCount =
            parameters.reduce(0) { $0 + $1.values.count }
            + (optimizer?.slots.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } } ?? 0)
            + buffers.reduce(0) { $0 + $1.values.count }
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
        buffers.forEach { append($0.values) }
        return out
    }

    /// Reads format 2, today's: the layout `bytes()` writes.
    static func readFormat2(_ bytes: [UInt8]) throws -> ModelSnapshot {
        let header = try jsonHeader(of: bytes)
        var snapshot: ModelSnapshot
        do {
            snapshot = try JSONDecoder().decode(ModelSnapshot.self, from: Data(bytes[header]))
        } catch {
            throw ModelError("the saved model's header cannot be read: \(error)")
        }
        var floats = SavedFloats(bytes, from: header.upperBound)
        try floats.takeValues(of: &snapshot.parameters, optimizer: &snapshot.optimizer)
        for i in snapshot.buffers.indices {
            snapshot.buffers[i].values = try floats.take(snapshot.buffers[i].shape.reduce(1, *))
        }
        try floats.expectEnd()
        return snapshot
    }
}

/// Raw little-endian float32 values read one array after another from a saved model's bytes.
struct SavedFloats {
    let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], from offset: Int) {
        self.bytes = bytes
        self.offset = offset
    }

    mutating func take(_ count: Int) throws -> [Float] {
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

    /// Every parameter's values, then every optimizer buffer (parameter by parameter, slot by
    /// slot): how formats 1 and 2 begin their values.
    mutating func takeValues(of parameters: inout [ModelSnapshot.ParameterValues], optimizer: inout OptimizerState?)
        throws
    {
        for i in parameters.indices { parameters[i].values = try take(parameters[i].shape.reduce(1, *)) }
        if let kind = optimizer?.kind {
            optimizer!.slots = try parameters.map { p in
                try (0..<kind.slotCount).map { _ in try take(p.shape.reduce(1, *)) }
            }
        }
    }

    func expectEnd() throws {
        guard offset == bytes.count else {
            throw ModelError("the saved model has \(bytes.count - offset) unexpected bytes at its end")
        }
    }
}
