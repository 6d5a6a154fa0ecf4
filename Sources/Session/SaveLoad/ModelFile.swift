import Datasets
import Foundation
import Neural

/// The container of a saved model:
///
///     bytes 0..<12   magic "LATENT-MODEL"
///     bytes 12..<16  format version, UInt32 little-endian (currently 1)
///     bytes 16..<24  payload length, UInt64 little-endian
///     bytes 24..<28  CRC-32 of the payload, UInt32 little-endian
///     bytes 28...    payload (the model, see SavedModel)
///
/// Reading checks each in turn, so the learner hears which of them is wrong.
///
/// A model file has two format versions, each read through its own chain of migrations
/// (FormatChain): the file's, here, for this container and the session's header in the payload
/// (`SavedModel.formats`), and the engine's snapshot inside the payload (`ModelSnapshot.formats`).
/// A file newer than this build in either is refused with a message to update Latent.
enum ModelFile {
    static let magic = Array("LATENT-MODEL".utf8)
    /// The version `encode` writes; bytes 0..<16 (magic and version) keep their place in every
    /// version, so that any later file is recognised as one.
    static let version: UInt32 = 1
    static let headerSize = 28

    enum Problem: Error, Equatable, CustomStringConvertible {
        case missing(String)
        case unreadable(String)
        case foreign(String)
        case newerVersion(String, UInt32)
        case truncated(String, expected: Int, actual: Int)
        case corrupt(String)
        case unwritable(String, String)

        var description: String {
            switch self {
            case .missing(let p): return "the file \"\(p)\" does not exist"
            case .unreadable(let p): return "the file \"\(p)\" cannot be read"
            case .foreign(let p): return "\"\(p)\" is not a Latent model file (it does not start with LATENT-MODEL)"
            case .newerVersion(let p, let v):
                return "\"\(p)\" cannot be loaded: "
                    + "\(FormatVersionError.newer(found: Int(v), newest: Int(ModelFile.version)))"
            case .truncated(let p, let expected, let actual):
                return "\"\(p)\" is cut short: it should hold \(expected) bytes but holds \(actual)"
            case .corrupt(let p): return "\"\(p)\" is damaged: its checksum does not match its contents"
            case .unwritable(let p, let reason): return "cannot write \"\(p)\": \(reason)"
            }
        }
    }

    static func encode(_ payload: [UInt8]) -> [UInt8] {
        var out = magic
        func append<T: FixedWidthInteger>(_ v: T) {
            withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
        }
        append(version)
        append(UInt64(payload.count))
        append(CRC32.checksum(payload))
        out += payload
        return out
    }

    /// The format version and the payload, checked against the length and checksum.
    static func decode(_ bytes: [UInt8], path: String) throws -> (version: Int, payload: [UInt8]) {
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else { throw Problem.foreign(path) }
        guard bytes.count >= headerSize else {
            throw Problem.truncated(path, expected: headerSize, actual: bytes.count)
        }
        func read<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
            var v: T = 0
            for i in 0..<MemoryLayout<T>.size { v |= T(bytes[offset + i]) << (8 * i) }
            return v
        }
        let v = read(UInt32.self, at: 12)
        guard v <= version else { throw Problem.newerVersion(path, v) }
        let length = read(UInt64.self, at: 16)
        guard length <= UInt64(Int.max - headerSize), bytes.count == headerSize + Int(length) else {
            let expected = length <= UInt64(Int.max - headerSize) ? headerSize + Int(length) : Int.max
            if bytes.count < expected { throw Problem.truncated(path, expected: expected, actual: bytes.count) }
            throw Problem.corrupt(path)
        }
        let payload = Array(bytes[headerSize...])
        guard CRC32.checksum(payload) == read(UInt32.self, at: 24) else { throw Problem.corrupt(path) }
        return (Int(v), payload)
    }

    /// Writes to a temporary file beside the target, flushes it to the disk (fsync), renames it
    /// over the target and flushes the folder, so that neither a crash nor a power cut ever
    /// leaves half a file under the real name: a reader finds the old file or the new one.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            throw Problem.unwritable(path, "the folder \(dir.path) does not exist")
        }
        // The rename would replace whatever has the name: never a device (/dev/full), a folder,
        // a pipe or a socket, only a file (or a link, which is replaced, not followed).
        var existing = stat()
        if lstat(path, &existing) == 0 {
            let kind = existing.st_mode & S_IFMT
            if kind == S_IFDIR { throw Problem.unwritable(path, "it is a folder") }
            if kind != S_IFREG && kind != S_IFLNK {
                throw Problem.unwritable(
                    path, "it is not a file (a device, a pipe or a socket), which saving would replace")
            }
        }
        // Unique per writer, so that two threads writing the same file never share a temporary.
        let temp = dir.appendingPathComponent(
            ".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max)).tmp"
        ).path
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Problem.unwritable(path, "the folder is not writable") }
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = "writing failed (\(String(cString: strerror(errno))))"
                    return
                }
                offset += n
            }
        }
        if failure == nil, fsync(fd) != 0 {
            failure = "flushing to the disk failed (\(String(cString: strerror(errno))))"
        }
        close(fd)
        if let failure {
            unlink(temp)
            throw Problem.unwritable(path, failure)
        }
        guard rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw Problem.unwritable(path, "renaming the temporary file failed (\(reason))")
        }
        // The rename is part of the folder: flushing it makes the new name durable too.
        let dirFD = open(dir.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }

    static func read(_ path: String) throws -> (version: Int, payload: [UInt8]) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw Problem.missing(path) }
        guard !isDir.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw Problem.unreadable(path)
        }
        return try decode([UInt8](data), path: path)
    }
}
