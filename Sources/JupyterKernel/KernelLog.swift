import Foundation

/// The kernel's diagnostics go to stderr, which Jupyter shows in its server log; stdout is
/// never used, as some launchers treat it as the learner's.
public enum KernelLog {
    private static let lock = NSLock()

    public static func write(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardError.write(Data("[latent kernel] \(text)\n".utf8))
    }
}
