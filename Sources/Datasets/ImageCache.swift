import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One copy of a dataset's images per machine: the first kernel that loads an image file pair
/// unpacks it once to a cache file of raw bytes (a 4 KB header, the pixels, the labels), and
/// every kernel maps that file read-only, so the page cache holds one copy for a whole class.
///
/// The file is written to a temporary name, synced and renamed into place, so no reader sees
/// a part of one; its header names the source it was made from (a stale one is rebuilt) and a
/// CRC-32 of the rest, checked at every load (a damaged one is rebuilt). Kernels that load the
/// same files at once take turns on a lock file, so one builds and the others map its result.
/// When the folder cannot be written, the images are read into this process's memory instead,
/// with a note saying why.
public enum ImageCache {
    static let headerSize = 4096
    static let magic = "LATENT-IMAGES 1\n"

    /// $LATENT_DATA_CACHE (a folder an administrator sets for every user), else
    /// $XDG_CACHE_HOME/latent, else ~/.cache/latent.
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let shared = environment["LATENT_DATA_CACHE"], !shared.isEmpty { return shared }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/latent" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.cache/latent"
    }

    /// What a cache file holds, after the magic line of its header.
    struct Header: Codable, Equatable {
        var source: String
        var count: Int
        var height: Int
        var width: Int
        var channels: Int
        var crc32: UInt32
        var imageBytes: Int { count * height * width * channels }
        var fileSize: Int { headerSize + imageBytes + count }
    }

    /// A learner's (or Fashion-MNIST's) pair of IDX files, gzip or not; the cache file is named
    /// after their real paths and stale when either file's size or modification time changes.
    public static func images(ofFiles imagesPath: String, _ labelsPath: String, directory: String = directory())
        throws -> LabelledImages
    {
        var parts: [String] = []
        for path in [imagesPath, labelsPath] {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
                throw FileManager.default.fileExists(atPath: path)
                    ? DataFileError.unreadable(path: path, reason: "cannot read its size and time")
                    : DataFileError.missing(path: path)
            }
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            let time = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            parts.append("\(URL(fileURLWithPath: path).resolvingSymlinksInPath().path) \(size) \(time)")
        }
        let source = parts.joined(separator: " | ")
        let name = "idx-" + SHA256.hash(data: Data(source.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
        return try images(named: name, source: source, directory: directory) {
            (try IDXArray(contentsOf: imagesPath), try IDXArray(contentsOf: labelsPath), imagesPath, labelsPath)
        }
    }

    /// The images of cache file `name` in `directory`, made from what `read` returns (the image
    /// and label arrays and their paths, for messages) when the file is missing, stale or damaged.
    public static func images(
        named name: String, source: String, directory: String = directory(),
        read: () throws -> (images: IDXArray, labels: IDXArray, imagesPath: String, labelsPath: String)
    ) throws -> LabelledImages {
        let path = directory + "/" + name + ".images"
        if let mapped = map(path, source: source) { return mapped }
        let lock: Int32
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            lock = open(path + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o666)
            guard lock >= 0 else { throw POSIXFailure(call: "open \(path).lock") }
        } catch {
            return try inMemory(
                read(),
                because: "the data cache folder \(directory) cannot be written (\(systemReason(error) ?? "\(error)"))")
        }
        defer { close(lock) }
        flock(lock, LOCK_EX)
        defer { flock(lock, LOCK_UN) }
        // Another kernel may have built it while this one waited.
        if let mapped = map(path, source: source) { return mapped }
        let (images, labels, imagesPath, labelsPath) = try read()
        let shape = try LabelledImages.shape(
            images: images, labels: labels, imagesPath: imagesPath, labelsPath: labelsPath)
        do {
            try write(images.bytes, labels.bytes, shape: shape, source: source, to: path)
        } catch {
            return try LabelledImages(
                images: images, labels: labels, imagesPath: imagesPath, labelsPath: labelsPath,
                note: "the data cache file \(path) cannot be written (\(error)); this kernel holds its own copy")
        }
        guard let mapped = map(path, source: source) else {
            return try LabelledImages(
                images: images, labels: labels, imagesPath: imagesPath, labelsPath: labelsPath,
                note: "the data cache file \(path) was written but cannot be read back; this kernel holds its own copy")
        }
        return mapped
    }

    static func inMemory(
        _ read: (images: IDXArray, labels: IDXArray, imagesPath: String, labelsPath: String), because reason: String
    ) throws -> LabelledImages {
        try LabelledImages(
            images: read.images, labels: read.labels, imagesPath: read.imagesPath, labelsPath: read.labelsPath,
            note: reason + "; this kernel holds its own copy of the images")
    }

    /// The cache file at `path` mapped, if it is whole, made from `source` and matches its checksum.
    static func map(_ path: String, source: String) -> LabelledImages? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, Int(status.st_size) > headerSize else { return nil }
        var headerBytes = [UInt8](repeating: 0, count: headerSize)
        guard pread(descriptor, &headerBytes, headerSize, 0) == headerSize,
            let header = parseHeader(headerBytes), header.source == source, header.fileSize == Int(status.st_size),
            let bytes = try? ImageBytes(mapping: descriptor, length: header.fileSize, path: path)
        else { return nil }
        let payload = UnsafeRawBufferPointer(start: bytes.base + headerSize, count: header.imageBytes + header.count)
        guard CRC32.checksum(payload) == header.crc32 else { return nil }
        return LabelledImages(
            bytes: bytes, firstImage: headerSize,
            labels: Array(bytes.buffer((headerSize + header.imageBytes)..<header.fileSize)),
            height: header.height, width: header.width, channels: header.channels)
    }

    static func parseHeader(_ bytes: [UInt8]) -> Header? {
        let magicBytes = Array(magic.utf8)
        guard bytes.starts(with: magicBytes) else { return nil }
        let json = bytes[magicBytes.count...].prefix { $0 != 0 }
        return try? JSONDecoder().decode(Header.self, from: Data(json))
    }

    /// Writes the cache file: header, pixels and labels to a temporary file beside `path`,
    /// synced, readable by every user, then renamed over `path` in one step.
    static func write(
        _ pixels: [UInt8], _ labels: [UInt8], shape: (height: Int, width: Int, channels: Int), source: String,
        to path: String
    ) throws {
        var payload = pixels
        payload.append(contentsOf: labels)
        let header = Header(
            source: source, count: labels.count, height: shape.height, width: shape.width, channels: shape.channels,
            crc32: CRC32.checksum(payload))
        var headerBytes = Array(magic.utf8) + Array(try JSONEncoder().encode(header))
        guard headerBytes.count <= headerSize else {
            throw POSIXFailure(call: "a header of \(headerBytes.count) bytes")
        }
        headerBytes += [UInt8](repeating: 0, count: headerSize - headerBytes.count)
        let temporary = path + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let descriptor = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXFailure(call: "open \(temporary)") }
        var done = false
        defer {
            close(descriptor)
            if !done { unlink(temporary) }
        }
        try writeAll(descriptor, headerBytes, temporary)
        try writeAll(descriptor, payload, temporary)
        // Readable by every user whatever the umask: the folder may be shared by a class.
        guard fchmod(descriptor, 0o644) == 0, fsync(descriptor) == 0 else {
            throw POSIXFailure(call: "sync \(temporary)")
        }
        guard rename(temporary, path) == 0 else { throw POSIXFailure(call: "rename to \(path)") }
        done = true
    }

    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], _ path: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw POSIXFailure(call: "write \(path)") }
                offset += n
            }
        }
    }
}

/// A file operation's failure in the system's few words ("Permission denied"), when Foundation
/// gives one underneath its own generic message; nil when it does not.
public func systemReason(_ error: Error) -> String? {
    let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
    if let underlying, underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(underlying.code)))
    }
    return nil
}

/// A system call that failed, with errno's text.
struct POSIXFailure: Error, CustomStringConvertible {
    let description: String
    init(call: String) { description = "\(call): \(String(cString: strerror(errno)))" }
}
