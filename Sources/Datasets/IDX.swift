import Foundation

/// An IDX file (the MNIST format): big-endian magic 0x0000_08_NN where 08 means unsigned bytes
/// and NN the number of dimensions, then each dimension as a big-endian UInt32, then the bytes.
public struct IDXArray: Sendable, Equatable {
    public var dimensions: [Int]
    public var bytes: [UInt8]

    /// Parses raw (already decompressed) IDX bytes, checking magic, sizes and length.
    public init(parsing raw: [UInt8], path: String = "<memory>") throws {
        guard raw.count >= 4 else {
            throw DataFileError.notIDX(path: path, reason: "it is only \(raw.count) bytes long")
        }
        guard raw[0] == 0, raw[1] == 0 else {
            throw DataFileError.notIDX(path: path, reason: "the magic number does not start with two zero bytes")
        }
        guard raw[2] == 0x08 else {
            throw DataFileError.notIDX(
                path: path, reason: "element type 0x\(String(raw[2], radix: 16)) is not unsigned bytes (0x08)")
        }
        let rank = Int(raw[3])
        guard (1...4).contains(rank) else {
            throw DataFileError.notIDX(path: path, reason: "it claims \(rank) dimensions")
        }
        let headerSize = 4 + 4 * rank
        guard raw.count >= headerSize else {
            throw DataFileError.notIDX(path: path, reason: "the header is cut short")
        }
        var dims = [Int]()
        for d in 0..<rank {
            let o = 4 + 4 * d
            dims.append(Int(raw[o]) << 24 | Int(raw[o + 1]) << 16 | Int(raw[o + 2]) << 8 | Int(raw[o + 3]))
        }
        let expected = dims.reduce(1, *)
        let actual = raw.count - headerSize
        guard expected == actual else {
            throw DataFileError.notIDX(
                path: path,
                reason:
                    "the header promises \(dims.map(String.init).joined(separator: "x")) = \(expected) bytes of data but the file holds \(actual)"
            )
        }
        self.dimensions = dims
        self.bytes = Array(raw[headerSize...])
    }

    /// Reads a file from disk, gunzipping it when it is gzip.
    public init(contentsOf path: String) throws {
        self = try IDXArray(parsing: try IDXArray.readMaybeGzip(path), path: path)
    }

    /// The raw, decompressed bytes of a file (gunzipped when the file is gzip).
    public static func readMaybeGzip(_ path: String) throws -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else { throw DataFileError.missing(path: path) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataFileError.unreadable(path: path, reason: "permission denied or not a regular file")
        }
        let bytes = [UInt8](data)
        return Gzip.isGzip(bytes) ? try Gzip.decompress(bytes, path: path) : bytes
    }
}
