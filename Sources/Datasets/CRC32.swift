import CZlib

/// CRC-32 (IEEE 802.3, as gzip, zip and PNG use it), computed by zlib: the checksum a saved
/// model file and a data cache file carry so that a damaged one is noticed.
public enum CRC32 {
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    public static func checksum(_ buffer: UnsafeRawBufferPointer) -> UInt32 {
        var crc = crc32(0, nil, 0)
        guard let base = buffer.baseAddress?.assumingMemoryBound(to: Bytef.self) else {
            return UInt32(truncatingIfNeeded: crc)
        }
        // zlib takes 32-bit lengths: feed it a gigabyte at a time.
        var offset = 0
        repeat {
            let length = min(buffer.count - offset, 1 << 30)
            crc = crc32(crc, base + offset, uInt(length))
            offset += length
        } while offset < buffer.count
        return UInt32(truncatingIfNeeded: crc)
    }
}
