import CZlib
import Foundation

/// An independent PNG reader for the tests: walks the chunks, checks every CRC with zlib's
/// crc32, inflates the image data and undoes the five row filters. It shares no code with the
/// encoder under test.
struct PNGReader {
    struct Chunk {
        var type: String
        var data: [UInt8]
    }

    enum Failure: Error, CustomStringConvertible {
        case bad(String)
        var description: String {
            switch self {
            case .bad(let s): return s
            }
        }
    }

    var chunks: [Chunk] = []
    var width = 0
    var height = 0
    var colourType = 0
    var channels: Int { colourType == 0 ? 1 : colourType == 2 ? 3 : 4 }

    init(_ bytes: [UInt8]) throws {
        guard bytes.count >= 8, Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
            throw Failure.bad("no PNG signature")
        }
        var at = 8
        func u32(_ i: Int) -> Int {
            Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
        }
        while at < bytes.count {
            guard at + 12 <= bytes.count else { throw Failure.bad("truncated chunk at \(at)") }
            let length = u32(at)
            let typeAndData = Array(bytes[(at + 4)..<(at + 8 + length)])
            let stored = UInt(u32(at + 8 + length))
            let computed = typeAndData.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
            let type = String(decoding: typeAndData[0..<4], as: UTF8.self)
            guard stored == UInt(computed) else { throw Failure.bad("CRC mismatch in \(type)") }
            chunks.append(Chunk(type: type, data: Array(typeAndData[4...])))
            at += 12 + length
        }
        guard chunks.first?.type == "IHDR", chunks.last?.type == "IEND" else {
            throw Failure.bad("IHDR must be first, IEND last")
        }
        let h = chunks[0].data
        width = Int(h[0]) << 24 | Int(h[1]) << 16 | Int(h[2]) << 8 | Int(h[3])
        height = Int(h[4]) << 24 | Int(h[5]) << 16 | Int(h[6]) << 8 | Int(h[7])
        guard h[8] == 8 else { throw Failure.bad("bit depth \(h[8])") }
        colourType = Int(h[9])
    }

    static func u32(_ d: [UInt8], _ i: Int) -> Int {
        Int(d[i]) << 24 | Int(d[i + 1]) << 16 | Int(d[i + 2]) << 8 | Int(d[i + 3])
    }

    /// Pixels of the default image (all IDAT chunks concatenated).
    func pixels() throws -> [UInt8] {
        try unfilter(inflate(chunks.filter { $0.type == "IDAT" }.flatMap(\.data)))
    }

    /// Pixels of every animation frame: IDAT for the first, then each fdAT (sequence number
    /// stripped).
    func framePixels() throws -> [[UInt8]] {
        var frames = [try pixels()]
        for chunk in chunks where chunk.type == "fdAT" {
            frames.append(try unfilter(inflate(Array(chunk.data[4...]))))
        }
        return frames
    }

    func inflate(_ data: [UInt8]) throws -> [UInt8] {
        var size = uLong((width * channels + 1) * height)
        var out = [UInt8](repeating: 0, count: Int(size))
        let code = out.withUnsafeMutableBufferPointer { o in
            data.withUnsafeBufferPointer { i in uncompress(o.baseAddress, &size, i.baseAddress, uLong(i.count)) }
        }
        guard code == Z_OK, Int(size) == out.count else {
            throw Failure.bad("inflate failed: code \(code), \(size) bytes")
        }
        return out
    }

    func unfilter(_ raw: [UInt8]) throws -> [UInt8] {
        let stride = width * channels
        var image = [UInt8](repeating: 0, count: stride * height)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            for x in 0..<stride {
                let v = Int(raw[y * (stride + 1) + 1 + x])
                let a = x >= channels ? Int(image[y * stride + x - channels]) : 0
                let b = y > 0 ? Int(image[(y - 1) * stride + x]) : 0
                let c = (x >= channels && y > 0) ? Int(image[(y - 1) * stride + x - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c
                    let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
                    predictor = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c)
                default: throw Failure.bad("filter type \(filter) on row \(y)")
                }
                image[y * stride + x] = UInt8((v + predictor) & 0xFF)
            }
        }
        return image
    }

    /// Runs `pngcheck` (Debian package pngcheck) when installed; nil when it is not.
    static func pngcheck(_ bytes: [UInt8]) throws -> (ok: Bool, output: String)? {
        let tool = "/usr/bin/pngcheck"
        guard FileManager.default.isExecutableFile(atPath: tool) else { return nil }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("latent-\(UUID().uuidString).png")
        try Data(bytes).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-v", path.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus == 0, output)
    }
}
