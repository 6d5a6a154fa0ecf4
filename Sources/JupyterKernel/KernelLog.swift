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

    /// A value from a message, fit for one log line: quoted, control characters escaped, and cut
    /// to `limit` characters, so a hostile message can neither flood the log nor forge lines.
    public static func quoted(_ text: String, limit: Int = 80) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                out += "…"
                break
            }
            count += 1
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f || (0x80..<0xa0).contains(scalar.value):
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return "\"\(out)\""
    }
}
