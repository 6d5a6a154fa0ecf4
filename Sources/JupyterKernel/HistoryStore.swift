import Foundation

/// One stored cell: the kernel session (one per kernel start) and execution count it ran with,
/// its code and the text of its result, if any.
public struct HistoryEntry: Codable, Sendable, Equatable {
    public var session: Int
    public var line: Int
    public var input: String
    public var output: String?

    public init(session: Int, line: Int, input: String, output: String?) {
        self.session = session
        self.line = line
        self.input = input
        self.output = output
    }
}

/// The cells a learner ran, kept across kernel restarts in a JSON-lines file (one entry a line,
/// appended as cells run, so a crash loses at most the cell that crashed). Each kernel start is
/// a new session numbered one past the highest in the file. Only the shell thread uses it.
public final class HistoryStore: @unchecked Sendable {
    /// Entries kept in memory and in the file; older ones are dropped when the file is rewritten.
    public static let capacity = 10_000

    public let file: URL?
    public let session: Int
    private(set) public var entries: [HistoryEntry]
    private var warned = false

    /// `file` nil keeps history in memory only.
    public init(file: URL?) {
        self.file = file
        var loaded: [HistoryEntry] = []
        var lineCount = 0
        if let file, let data = try? Data(contentsOf: file) {
            let decoder = JSONDecoder()
            for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
                lineCount += 1
                // A torn or hand-edited line is skipped rather than losing the whole history.
                if let entry = try? decoder.decode(HistoryEntry.self, from: Data(line)) { loaded.append(entry) }
            }
        }
        if loaded.count > Self.capacity { loaded.removeFirst(loaded.count - Self.capacity) }
        entries = loaded
        session = (loaded.map(\.session).max() ?? 0) + 1
        if lineCount > 2 * Self.capacity || lineCount > loaded.count + 100 { rewrite() }
    }

    /// Where history lives: $LATENT_HISTORY_FILE (empty: memory only), else
    /// $XDG_DATA_HOME/latent/history.jsonl, else ~/.local/share/latent/history.jsonl.
    public static func defaultFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let path = environment["LATENT_HISTORY_FILE"] {
            return path.isEmpty ? nil : URL(fileURLWithPath: path)
        }
        let dataHome: URL
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            dataHome = URL(fileURLWithPath: xdg)
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            dataHome = URL(fileURLWithPath: home).appendingPathComponent(".local/share")
        }
        return dataHome.appendingPathComponent("latent/history.jsonl")
    }

    public func append(line: Int, input: String, output: String?) {
        let entry = HistoryEntry(session: session, line: line, input: input, output: output)
        entries.append(entry)
        if entries.count > Self.capacity { entries.removeFirst(entries.count - Self.capacity) }
        guard let file, var bytes = try? JSONEncoder().encode(entry) else { return }
        bytes.append(UInt8(ascii: "\n"))
        do {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: file.path) {
                _ = FileManager.default.createFile(atPath: file.path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: file)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: bytes)
        } catch {
            warnOnce("cannot write history to \(file.path): \(error.localizedDescription)")
        }
    }

    /// The last `n` entries, oldest first.
    public func tail(_ n: Int) -> [HistoryEntry] {
        Array(entries.suffix(max(0, n)))
    }

    /// Entries of one session with `start <= line < stop` (no stop: to the end). A session of 0
    /// or below counts back from the current one, as IPython's does.
    public func range(session requested: Int, start: Int, stop: Int?) -> [HistoryEntry] {
        let target = requested <= 0 ? session + requested : requested
        return entries.filter { entry in
            entry.session == target && entry.line >= start && (stop.map { entry.line < $0 } ?? true)
        }
    }

    /// Entries whose whole input matches the glob `pattern` (`*`, `?`, `[...]`), the last `n`
    /// of them, oldest first; `unique` keeps only the latest run of each input.
    public func search(pattern: String, n: Int?, unique: Bool) -> [HistoryEntry] {
        let glob = GlobPattern(pattern)
        var found: [HistoryEntry] = []
        var seen = Set<String>()
        for entry in entries.reversed() where glob.matches(entry.input) {
            if unique {
                guard seen.insert(entry.input).inserted else { continue }
            }
            found.append(entry)
            if let n, n > 0, found.count == n { break }
        }
        return found.reversed()
    }

    private func rewrite() {
        guard let file else { return }
        let encoder = JSONEncoder()
        var bytes = Data()
        for entry in entries {
            guard let line = try? encoder.encode(entry) else { continue }
            bytes.append(line)
            bytes.append(UInt8(ascii: "\n"))
        }
        do {
            try bytes.write(to: file, options: .atomic)
        } catch {
            warnOnce("cannot rewrite history \(file.path): \(error.localizedDescription)")
        }
    }

    private func warnOnce(_ text: String) {
        guard !warned else { return }
        warned = true
        KernelLog.write(text)
    }
}
