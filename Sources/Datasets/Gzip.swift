import CZlib
import Foundation

/// Errors of reading data files, each naming the file and what is wrong with it.
public enum DataFileError: Error, Equatable, CustomStringConvertible {
    case missing(path: String)
    case unreadable(path: String, reason: String)
    case notGzip(path: String, reason: String)
    case notIDX(path: String, reason: String)
    case checksumMismatch(path: String, expected: String, actual: String)
    case mismatchedLengths(images: String, labels: String, imageCount: Int, labelCount: Int)
    case bundleNotFound(searched: [String])

    public var description: String {
        switch self {
        case .missing(let path): return "the file \"\(path)\" does not exist"
        case .unreadable(let path, let reason): return "cannot read \"\(path)\": \(reason)"
        case .notGzip(let path, let reason): return "\"\(path)\" is not a valid gzip file: \(reason)"
        case .notIDX(let path, let reason): return "\"\(path)\" is not an IDX file: \(reason)"
        case .checksumMismatch(let path, let expected, let actual):
            return "\"\(path)\" is damaged: its MD5 is \(actual), expected \(expected)"
        case .mismatchedLengths(let images, let labels, let imageCount, let labelCount):
            return "\"\(images)\" holds \(imageCount) images but \"\(labels)\" holds \(labelCount) labels"
        case .bundleNotFound(let searched):
            return "the bundled MNIST files were not found; looked in: "
                + searched.joined(separator: ", ")
                + " (set LATENT_MNIST_DIR to the folder that holds them)"
        }
    }
}

/// Gzip decompression through zlib.
public enum Gzip {
    /// True when the bytes start with the gzip magic number.
    public static func isGzip(_ data: [UInt8]) -> Bool {
        data.count >= 2 && data[0] == 0x1f && data[1] == 0x8b
    }

    /// Inflates a whole gzip stream (several members are concatenated, as gzip(1) does).
    public static func decompress(_ input: [UInt8], path: String = "<memory>") throws -> [UInt8] {
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header and trailer.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { throw DataFileError.notGzip(path: path, reason: "zlib could not start") }
        defer { inflateEnd(&stream) }

        var output = [UInt8]()
        output.reserveCapacity(max(input.count * 4, 1 << 16))
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var status: Int32 = Z_OK
        try input.withUnsafeBufferPointer { inBuf in
            stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.avail_in = uInt(inBuf.count)
            repeat {
                try chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = uInt(outBuf.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    if status == Z_STREAM_END && stream.avail_in > 0 {
                        // Another gzip member follows.
                        inflateReset(&stream)
                        status = Z_OK
                    }
                    guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                        let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                        throw DataFileError.notGzip(path: path, reason: message)
                    }
                    output.append(contentsOf: outBuf[0..<(outBuf.count - Int(stream.avail_out))])
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
            } while status != Z_STREAM_END
        }
        guard status == Z_STREAM_END else {
            throw DataFileError.notGzip(path: path, reason: "the file ends early (truncated)")
        }
        return output
    }
}
