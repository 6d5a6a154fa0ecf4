import Foundation

/// `session.json` in a run's folder: the session's names in order, each dataset by its source
/// and each model by its file, with when it was written. Rewritten atomically whenever a name
/// changes or a model is written.
struct SessionManifest: Codable, Equatable {
    static let fileName = "session.json"
    static let format = 1

    struct Name: Codable, Equatable {
        enum Kind: String, Codable { case data, model }
        var name: String
        var kind: Kind
        /// A dataset's source.
        var source: DataSource?
        /// A model's file in the run's folder, and what `restore list` says of it without
        /// reading it: its kind and epochs, the data it trained on, when it was written.
        var file: String?
        var kindText: String?
        var epochs: Double?
        var trainedOnName: String?
        var saved: Double?
    }

    var format = SessionManifest.format
    var notebook: String?
    var kernel: String?
    /// Seconds since 1970.
    var started: Double
    var updated: Double
    var seed: UInt64
    var names: [Name]

    var isEmpty: Bool { names.isEmpty }

    func bytes() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return [UInt8]((try? encoder.encode(self)) ?? Data())
    }
}

/// A kernel run's folder as found on the disk, its manifest read (or why it could not be).
struct SessionRun {
    var folder: String
    var run: String
    var manifest: SessionManifest?
    /// Why the manifest could not be read, in a learner's words.
    var damage: String?
    /// When it was last written: the manifest's time, else the folder's.
    var updated: Date

    /// The runs in `keyFolder`, newest first, leaving out `excluding` (the current kernel's).
    static func list(in keyFolder: String, excluding: String? = nil) -> [SessionRun] {
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: keyFolder) else { return [] }
        var runs = [SessionRun]()
        for run in entries where run != excluding && !run.hasPrefix(".") {
            let folder = keyFolder + "/" + run
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else { continue }
            runs.append(read(folder: folder, run: run))
        }
        return runs.sorted { $0.updated > $1.updated }
    }

    static func read(folder: String, run: String) -> SessionRun {
        let fm = FileManager.default
        let modified =
            (try? fm.attributesOfItem(atPath: folder)[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
        let path = folder + "/" + SessionManifest.fileName
        // A run killed before its first list of names was written holds nothing to restore.
        guard let data = fm.contents(atPath: path) else {
            return SessionRun(folder: folder, run: run, manifest: nil, damage: nil, updated: modified)
        }
        do {
            let manifest = try JSONDecoder().decode(SessionManifest.self, from: data)
            guard manifest.format <= SessionManifest.format else {
                return SessionRun(
                    folder: folder, run: run, manifest: nil,
                    damage: "it was written by a newer Latent (format \(manifest.format))", updated: modified)
            }
            return SessionRun(
                folder: folder, run: run, manifest: manifest, damage: nil,
                updated: Date(timeIntervalSince1970: manifest.updated))
        } catch {
            return SessionRun(
                folder: folder, run: run, manifest: nil,
                damage: "its \(SessionManifest.fileName) is damaged and cannot be read", updated: modified)
        }
    }

    /// Bytes its files take.
    var size: Int { Self.size(of: folder) }

    static func size(of folder: String) -> Int {
        let fm = FileManager.default
        guard let files = try? fm.contentsOfDirectory(atPath: folder) else { return 0 }
        return files.reduce(0) { total, file in
            total + ((try? fm.attributesOfItem(atPath: folder + "/" + file)[.size] as? Int) ?? 0)
        }
    }
}

/// Removing old runs: every run not written for `maximumAge`, then the oldest runs until all
/// of them (the current one counted) fit in `limit` bytes. The current run is never removed.
enum SessionPruning {
    static let maximumAge: TimeInterval = 30 * 24 * 3600

    /// Returns the runs removed (their folders).
    @discardableResult
    static func prune(base: String, keeping current: String, limit: Int, now: Date = Date()) -> [String] {
        let fm = FileManager.default
        guard let keys = try? fm.contentsOfDirectory(atPath: base) else { return [] }
        var runs = [SessionRun]()
        for key in keys where !key.hasPrefix(".") {
            runs += SessionRun.list(in: base + "/" + key)
        }
        var removed = [String]()
        var kept = [(run: SessionRun, size: Int)]()
        for run in runs {
            if run.folder != current && now.timeIntervalSince(run.updated) > maximumAge {
                if (try? fm.removeItem(atPath: run.folder)) != nil { removed.append(run.folder) }
            } else {
                kept.append((run, run.size))
            }
        }
        var total = kept.reduce(0) { $0 + $1.size }
        if !kept.contains(where: { $0.run.folder == current }) { total += SessionRun.size(of: current) }
        for (run, size) in kept.sorted(by: { $0.run.updated < $1.run.updated }) where total > limit {
            guard run.folder != current else { continue }
            if (try? fm.removeItem(atPath: run.folder)) != nil {
                removed.append(run.folder)
                total -= size
            }
        }
        // A notebook's folder left empty goes too.
        for key in keys where !key.hasPrefix(".") {
            let folder = base + "/" + key
            if let left = try? fm.contentsOfDirectory(atPath: folder), left.isEmpty, !current.hasPrefix(folder + "/") {
                try? fm.removeItem(atPath: folder)
            }
        }
        return removed
    }
}
