import Foundation

/// Installs the Latent kernelspec (kernel.json with this binary's absolute path, and the logos)
/// where Jupyter looks for kernels, or removes it.
public struct KernelspecInstaller {
    public enum Destination: Equatable, Sendable {
        /// The user's Jupyter data directory: $JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter or
        /// ~/.local/share/jupyter (~/Library/Jupyter on macOS).
        case user
        /// The running Python's prefix: $VIRTUAL_ENV if set, else `python3 -c 'import sys; print(sys.prefix)'`.
        case sysPrefix
        /// `P/share/jupyter`, as `jupyter kernelspec install --prefix P` does.
        case prefix(String)
    }

    public enum Problem: Error, CustomStringConvertible {
        case noPython(String)
        case notLatent(path: String)
        case io(String)

        public var description: String {
            switch self {
            case .noPython(let detail): return "cannot find the Python prefix for --sys-prefix: \(detail)"
            case .notLatent(let path): return "\(path) holds a kernelspec that is not Latent's; left alone"
            case .io(let detail): return detail
            }
        }
    }

    public static let kernelName = "latent"
    public static let logoFiles = ["logo-32x32.png", "logo-64x64.png", "logo-svg.svg"]

    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The `kernels/latent` directory for a destination.
    public func kernelDirectory(_ destination: Destination) throws(Problem) -> URL {
        let jupyterDir: URL
        switch destination {
        case .user:
            if let dir = environment["JUPYTER_DATA_DIR"], !dir.isEmpty {
                jupyterDir = URL(fileURLWithPath: dir)
            } else {
                let home = URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory())
                #if os(macOS)
                    jupyterDir = home.appendingPathComponent("Library/Jupyter")
                #else
                    if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
                        jupyterDir = URL(fileURLWithPath: xdg).appendingPathComponent("jupyter")
                    } else {
                        jupyterDir = home.appendingPathComponent(".local/share/jupyter")
                    }
                #endif
            }
        case .sysPrefix:
            jupyterDir = URL(fileURLWithPath: try pythonPrefix()).appendingPathComponent("share/jupyter")
        case .prefix(let prefix):
            jupyterDir = URL(fileURLWithPath: prefix).appendingPathComponent("share/jupyter")
        }
        return jupyterDir.appendingPathComponent("kernels").appendingPathComponent(Self.kernelName)
    }

    /// An active virtual environment wins (as `pip` and `jupyter` see it); otherwise the
    /// `python3` on PATH is asked for its `sys.prefix`.
    func pythonPrefix() throws(Problem) -> String {
        if let venv = environment["VIRTUAL_ENV"], !venv.isEmpty { return venv }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sys; print(sys.prefix)"]
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        do {
            try process.run()
        } catch {
            throw .noPython(error.localizedDescription)
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let prefix = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, prefix.hasPrefix("/") else {
            throw .noPython("python3 exited with \(process.terminationStatus)")
        }
        return prefix
    }

    /// kernel.json for the binary at `executable`: Jupyter starts `latent kernel --connection-file F`,
    /// interrupts by message, and may encrypt the transport with CurveZMQ.
    public static func kernelJSON(executable: String) -> JSONValue {
        [
            "argv": [.string(executable), "kernel", "--connection-file", "{connection_file}"],
            "display_name": "Latent",
            "language": "latent",
            "interrupt_mode": "message",
            "metadata": ["supported_encryption": ["curve"]],
        ]
    }

    /// Writes kernel.json and copies the logos found in `logos` (the source tree's
    /// Kernelspec/latent); returns the directory written.
    @discardableResult
    public func install(to destination: Destination, executable: String, logos: URL?) throws(Problem) -> URL {
        let directory = try kernelDirectory(destination)
        let files = FileManager.default
        do {
            try files.createDirectory(at: directory, withIntermediateDirectories: true)
            var json = Self.kernelJSON(executable: executable).encoded()
            json.append(UInt8(ascii: "\n"))
            try Data(json).write(to: directory.appendingPathComponent("kernel.json"), options: .atomic)
            if let logos {
                for name in Self.logoFiles {
                    let source = logos.appendingPathComponent(name)
                    let target = directory.appendingPathComponent(name)
                    guard files.fileExists(atPath: source.path) else { continue }
                    try? files.removeItem(at: target)
                    try files.copyItem(at: source, to: target)
                }
            }
        } catch {
            throw .io("cannot write \(directory.path): \(error.localizedDescription)")
        }
        return directory
    }

    /// Removes the kernelspec, but only one whose kernel.json says it is Latent's. Returns the
    /// directory removed, or nil when there was none.
    @discardableResult
    public func uninstall(from destination: Destination) throws(Problem) -> URL? {
        let directory = try kernelDirectory(destination)
        let spec = directory.appendingPathComponent("kernel.json")
        guard FileManager.default.fileExists(atPath: directory.path) else { return nil }
        if let data = try? Data(contentsOf: spec), let json = try? JSONValue.decode(Array(data)),
            json["language"]?.stringValue != "latent"
        {
            throw .notLatent(path: directory.path)
        }
        do {
            try FileManager.default.removeItem(at: directory)
        } catch {
            throw .io("cannot remove \(directory.path): \(error.localizedDescription)")
        }
        return directory
    }

    /// The source tree's Kernelspec/latent, found by walking up from the executable (the binary
    /// lives in .build/<triple>/release inside the checkout), or from $LATENT_KERNELSPEC_DIR.
    public func findLogos(executable: String) -> URL? {
        if let dir = environment["LATENT_KERNELSPEC_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = folder.appendingPathComponent("Kernelspec/latent")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("logo-64x64.png").path) {
                return candidate
            }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }

    /// The absolute, symlink-free path of the running binary.
    public static func currentExecutable() -> String {
        #if os(Linux)
            if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
                return path
            }
        #endif
        let argument = CommandLine.arguments[0]
        let url =
            argument.hasPrefix("/")
            ? URL(fileURLWithPath: argument)
            : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(argument)
        return url.standardizedFileURL.resolvingSymlinksInPath().path
    }
}
