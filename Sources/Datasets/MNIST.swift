import Crypto
import Foundation

/// The MNIST files bundled with Latent (Data/mnist), found from any working directory, and
/// checked against the well-known MD5 checksums of their uncompressed contents.
public enum MNIST {
    public static let files: [(name: String, md5: String)] = [
        ("train-images-idx3-ubyte.gz", "6bbc9ace898e44ae57da46a324031adb"),
        ("train-labels-idx1-ubyte.gz", "a25bea736e30d166cdddb491f175f624"),
        ("t10k-images-idx3-ubyte.gz", "2646ac647ad5339dbf082846283269ea"),
        ("t10k-labels-idx1-ubyte.gz", "27ae3e4e09519cfbb04c329615203637"),
    ]

    /// Folders searched, in order: $LATENT_MNIST_DIR; beside the executable (installed layout
    /// `bin/../share/latent/mnist`, and the build layout `.build/<config>/../../Data/mnist`);
    /// the source tree this file was compiled from; the working directory's `Data/mnist`.
    public static func candidateDirectories() -> [String] {
        var dirs = [String]()
        if let env = ProcessInfo.processInfo.environment["LATENT_MNIST_DIR"], !env.isEmpty { dirs.append(env) }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        dirs.append(exe.appendingPathComponent("../share/latent/mnist").standardized.path)
        dirs.append(exe.appendingPathComponent("../../Data/mnist").standardized.path)
        dirs.append(exe.appendingPathComponent("../../../Data/mnist").standardized.path)
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Data/mnist").standardized.path
        dirs.append(source)
        dirs.append(FileManager.default.currentDirectoryPath + "/Data/mnist")
        return dirs
    }

    /// The first candidate folder that holds all four files.
    public static func directory() throws -> String {
        let dirs = candidateDirectories()
        for dir in dirs where files.allSatisfy({ FileManager.default.fileExists(atPath: dir + "/" + $0.name) }) {
            return dir
        }
        throw DataFileError.bundleNotFound(searched: dirs)
    }

    private static let cache = Cache()

    /// Whether this process holds MNIST already (loading it again costs no memory).
    public static var isLoaded: Bool { cache.isFilled }

    /// Loads the bundled MNIST (60,000 train, 10,000 test) through the machine's data cache
    /// (`ImageCache`): the first load on a machine unpacks the files, verifying their checksums,
    /// and every later one maps the cache. Loaded once per process and shared afterwards.
    public static func load() throws -> TrainTestSplit {
        try cache.value {
            func split(_ name: String, _ i: Int, _ j: Int) throws -> LabelledImages {
                // The checksums name the source: other bundled files make another cache.
                let source = "MNIST \(files[i].md5) \(files[j].md5)"
                return try ImageCache.images(named: "mnist-" + name, source: source) {
                    let dir = try directory()
                    return (
                        try IDXArray(parsing: try verified(dir, files[i]), path: files[i].name),
                        try IDXArray(parsing: try verified(dir, files[j]), path: files[j].name),
                        files[i].name, files[j].name
                    )
                }
            }
            return TrainTestSplit(train: try split("train", 0, 1), test: try split("test", 2, 3))
        }
    }

    /// The uncompressed bytes of a bundled file, checked against its MD5.
    static func verified(_ dir: String, _ file: (name: String, md5: String)) throws -> [UInt8] {
        let path = dir + "/" + file.name
        let bytes = try IDXArray.readMaybeGzip(path)
        let digest = Insecure.MD5.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        guard digest == file.md5 else {
            throw DataFileError.checksumMismatch(path: path, expected: file.md5, actual: digest)
        }
        return bytes
    }

    /// A once-only loader guarded by a lock.
    private final class Cache: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: TrainTestSplit?

        var isFilled: Bool {
            lock.lock()
            defer { lock.unlock() }
            return stored != nil
        }

        func value(_ make: () throws -> TrainTestSplit) throws -> TrainTestSplit {
            lock.lock()
            defer { lock.unlock() }
            if let stored { return stored }
            let made = try make()
            stored = made
            return made
        }
    }
}
