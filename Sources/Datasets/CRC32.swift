import CZlib

/// CRC-32 (IEEE 802.3, as gzip, zip and PNG use it), computed by zlib: the checksum a saved
/// model file carries so that a damaged one is noticed.
public enum CRC32 {
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc = crc32(0, nil, 0)
        bytes.withUnsafeBufferPointer { buffer in
            // zlib takes 32-bit lengths: feed it a gigabyte at a time.
            var offset = 0
            repeat {
                let length = min(buffer.count - offset, 1 << 30)
                crc = crc32(crc, buffer.baseAddress.map { $0 + offset }, uInt(length))
                offset += length
            } while offset < buffer.count
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}
