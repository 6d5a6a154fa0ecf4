import Foundation

/// Where a kernel keeps its autosaves, and which notebook (or kernel) they belong to:
///
///     <base>/<key>/<run>/session.json     the names, in order, with each dataset's source
///     <base>/<key>/<run>/NAME.model       each model, in the format `save` writes
///
/// `base` is `$XDG_DATA_HOME/latent/sessions` (else `~/.local/share/latent/sessions`) or the
/// folder `autosave folder` gives. `key` names the notebook when the frontend says which one it
/// is (JupyterLab and VS Code set `JPY_SESSION_NAME` in the kernel's environment), else the
/// kernel's connection file (which a restart from the same frontend keeps), else the process.
/// Every kernel process writes a `run` of its own (when it started, and its pid), so a new
/// kernel never overwrites what the last one left before the learner has restored it.
public struct AutosaveLocation: Sendable, Equatable {
    public var base: String
    /// The notebook's path as the frontend gave it, if it did.
    public var notebook: String?
    /// The connection file's name, if there is one.
    public var kernel: String?
    public var key: String
    public var run: String

    public init(base: String, notebook: String?, kernel: String?, pid: Int32 = getpid(), started: Date = Date()) {
        self.base = base
        self.notebook = notebook.flatMap { $0.isEmpty ? nil : $0 }
        self.kernel = kernel.flatMap { $0.isEmpty ? nil : $0 }
        if let notebook = self.notebook {
            key = "notebook-" + Self.readable(notebook) + "-" + Self.hash(notebook)
        } else if let kernel = self.kernel {
            key = "kernel-" + Self.readable(kernel) + "-" + Self.hash(kernel)
        } else {
            key = "process-\(pid)"
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        run = formatter.string(from: started) + "-\(pid)"
    }

    /// The kernel's own: the frontend's notebook, the connection file, the user's data folder.
    public static func forKernel(connectionFile: String?, environment: [String: String]) -> AutosaveLocation {
        AutosaveLocation(
            base: defaultBase(environment: environment), notebook: environment["JPY_SESSION_NAME"],
            kernel: connectionFile.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent })
    }

    /// `$XDG_DATA_HOME/latent/sessions`, else `~/.local/share/latent/sessions`.
    public static func defaultBase(environment: [String: String]) -> String {
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { return xdg + "/latent/sessions" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/share/latent/sessions"
    }

    /// This notebook's (or kernel's) folder, holding one folder per kernel run.
    var keyFolder: String { base + "/" + key }
    /// This kernel's own folder.
    var runFolder: String { keyFolder + "/" + run }

    /// The last part of a path, in letters, digits, `.`, `-` and `_` only, at most 40 of them.
    static func readable(_ text: String) -> String {
        let last = text.split(separator: "/").last.map(String.init) ?? text
        let kept = last.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar))
                ? Character(scalar) : "_"
        }
        return String(String(kept).prefix(40))
    }

    /// 64-bit FNV-1a of the whole text, in hex: two notebooks of one name in two folders differ.
    static func hash(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        return String(h, radix: 16)
    }

    /// A model's file in a run: its name, with anything but ASCII letters, digits and `_`
    /// written as `%XX` bytes.
    static func fileName(model: String) -> String {
        var out = ""
        for byte in model.utf8 {
            let c = Character(UnicodeScalar(byte))
            if byte < 128 && (c.isLetter || c.isNumber || c == "_") {
                out.append(c)
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out + ".model"
    }
}
