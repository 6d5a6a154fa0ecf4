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
/// a new session numbered one past the highest in the file's last lines.
///
/// Start-up reads only the file's tail (for that number), so it costs the same with 10,000
/// entries as with none; the entries themselves are read on the first `history_request`. Only
/// the shell thread uses it.
public final class HistoryStore: @unchecked Sendable {
    /// Entries a query sees: the newest this many.
    public static let capacity = 10_000
    /// Bytes of code and output one entry may store: 36 times the longest cell of the lessons
    /// (454 bytes), so no real cell is cut, while a pasted megabyte cannot make every later
    /// history_request read it again. Longer output is cut; longer code is kept as a note.
    public static let entryLimit = 16 * 1024
    /// The file is rewritten to its newest `capacity` entries when it grows past twice this.
    public static let fileBudget = 8 * 1024 * 1024
    /// Bytes read from the end of the file at start-up to find the session number: dozens of
    /// typical entries (kernels running side by side interleave theirs).
    static let tailChunk = 8 * 1024

    public let file: URL?
    public let session: Int
    /// Every entry, read from the file on first use; nil until then.
    private(set) var loaded: [HistoryEntry]?
    /// This session's entries, kept in memory too so a file that cannot be written loses nothing.
    private var current: [HistoryEntry] = []
    private var warned = false

    /// `file` nil keeps history in memory only.
    public init(file: URL?) {
        self.file = file
        guard let file, let handle = try? FileHandle(forReadingFrom: file) else {
            session = 1
            loaded = []
            return
        }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()).map(Int.init) ?? 0
        session = (Self.highestSession(in: handle, size: size) ?? 0) + 1
        // Rewriting is rare (once per `fileBudget` of cells) and keeps the file bounded.
        if size > 2 * Self.fileBudget {
            let all = Self.read(file)
            loaded = Self.newest(all)
            rewrite(loaded!)
        }
    }

    /// The highest session among the complete lines of the file's tail, reading further back
    /// only when the tail holds no whole entry (a torn last line, or an old oversized one).
    static func highestSession(in handle: FileHandle, size: Int) -> Int? {
        var chunk = tailChunk
        while true {
            let start = max(0, size - chunk)
            guard (try? handle.seek(toOffset: UInt64(start))) != nil,
                let data = try? handle.read(upToCount: size - start)
            else { return nil }
            var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            // The first line of a chunk that starts mid-file may be a part of a line.
            if start > 0, !lines.isEmpty { lines.removeFirst() }
            let decoder = JSONDecoder()
            let sessions = lines.compactMap { try? decoder.decode(SessionOnly.self, from: Data($0)).session }
            if let highest = sessions.max() { return highest }
            if start == 0 { return nil }
            chunk *= 4
        }
    }

    /// The one field of an entry start-up needs.
    private struct SessionOnly: Decodable { var session: Int }

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
        let entry = Self.capped(HistoryEntry(session: session, line: line, input: input, output: output))
        current.append(entry)
        if current.count > Self.capacity { current.removeFirst(current.count - Self.capacity) }
        if loaded != nil {
            loaded!.append(entry)
            if loaded!.count > Self.capacity { loaded!.removeFirst(loaded!.count - Self.capacity) }
        }
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

    /// `entry` within `entryLimit`: output cut to what the code leaves, code over the limit
    /// replaced by a comment saying so (a cut cell would run differently if recalled).
    static func capped(_ entry: HistoryEntry) -> HistoryEntry {
        var entry = entry
        let inputBytes = entry.input.utf8.count
        if inputBytes > entryLimit {
            entry.input = "# a cell of \(inputBytes) bytes, over history's limit of \(entryLimit), is not kept"
        }
        if let output = entry.output, output.utf8.count > entryLimit - entry.input.utf8.count {
            let room = max(0, entryLimit - entry.input.utf8.count)
            entry.output = String(decoding: output.utf8.prefix(room), as: UTF8.self) + "…"
        }
        return entry
    }

    /// All entries, newest `capacity`, oldest first (read from the file on first use).
    public var entries: [HistoryEntry] {
        if let loaded { return loaded }
        let fromFile = file.map(Self.read) ?? []
        // This session's entries come from memory: the file may have failed to take them.
        let all = Self.newest(fromFile.filter { $0.session != session } + current)
        loaded = all
        return all
    }

    /// The entries of `file`, skipping a torn or hand-edited line rather than losing the rest.
    static func read(_ file: URL) -> [HistoryEntry] {
        guard let data = try? Data(contentsOf: file) else { return [] }
        let decoder = JSONDecoder()
        return data.split(separator: UInt8(ascii: "\n")).compactMap { line in
            try? decoder.decode(HistoryEntry.self, from: Data(line))
        }
    }

    static func newest(_ entries: [HistoryEntry]) -> [HistoryEntry] {
        Array(entries.suffix(capacity))
    }

    /// The last `n` entries, oldest first.
    public func tail(_ n: Int) -> [HistoryEntry] {
        Array(entries.suffix(max(0, n)))
    }

    /// Entries of one session with `start <= line < stop` (no stop: to the end). A session of 0
    /// or below counts back from the current one, as IPython's does.
    public func range(session requested: Int, start: Int, stop: Int?) -> [HistoryEntry] {
        let target = requested <= 0 ? session + requested : requested
        let source = target == session ? current : entries
        return source.filter { entry in
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

    /// Writes the newest of `kept` that fit in `fileBudget` bytes, replacing the file whole.
    private func rewrite(_ kept: [HistoryEntry]) {
        guard let file else { return }
        let encoder = JSONEncoder()
        var lines: [Data] = []
        var total = 0
        for entry in kept.reversed() {
            guard var line = try? encoder.encode(entry) else { continue }
            line.append(UInt8(ascii: "\n"))
            total += line.count
            if total > Self.fileBudget { break }
            lines.append(line)
        }
        do {
            try lines.reversed().reduce(into: Data()) { $0.append($1) }.write(to: file, options: .atomic)
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
