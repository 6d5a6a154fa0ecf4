import Datasets
import Foundation
import Neural

/// Keeps the session on the disk as it goes, so that a kernel that dies (out of memory, a
/// crash, "Restart kernel") loses at most the epoch it was in: `restore` in the next kernel
/// brings the rest back.
///
/// What is written, into this kernel's run folder (see `AutosaveLocation`):
/// - each model, in the format `save` writes (weights, optimizer state, loss history, settings,
///   and its training data by source), after every epoch (at most one write every
///   `minimumInterval` seconds, and rarer when writing is slow, so that writing costs at most
///   `costShare` of training), when a `train` ends or is interrupted, and whenever a statement
///   changed it (defined, loaded, restored);
/// - `session.json`, the names in order (datasets by their source), whenever they change.
///
/// The session thread only takes snapshots (copies on write, so cheap) and decides; encoding,
/// writing (temporary file, fsync, rename) and pruning happen on one writer thread. A newer
/// snapshot of a model replaces one still waiting to be written.
final class Autosaver: @unchecked Sendable {
    /// At most one write of a model every this many seconds during a `train`.
    static let minimumInterval: Double = 2
    /// A model is written again during a `train` only after training for this many times as
    /// long as its last write took: writing costs at most 1 / costFactor (2%) of training.
    static let costFactor: Double = 50
    static let defaultLimit = 500_000_000

    /// `minimumInterval` and `costFactor`, for this autosaver (tests write every epoch).
    var interval = Autosaver.minimumInterval
    var costShare = Autosaver.costFactor
    /// Set (to 1) in the environment, every model is written after every epoch, whatever it
    /// costs: for tests that kill a kernel, whose epochs may be shorter than `minimumInterval`.
    static let everyEpochVariable = "LATENT_AUTOSAVE_EVERY_EPOCH"

    // Settings and what was handed to the writer: the session's thread only.
    private(set) var location: AutosaveLocation
    private(set) var isOn = true
    private(set) var limit = Autosaver.defaultLimit
    private let started = Date()
    private var manifest: SessionManifest
    private var handedManifest: SessionManifest?
    /// Per model name, the state last handed to the writer.
    private var written: [String: Fingerprint] = [:]
    /// Per model name, when (monotonic seconds) a write during `train` was last handed over.
    private var lastTrainingWrite: [String: Double] = [:]
    /// Per model name, when (seconds since 1970) it was last handed over.
    private var savedTimes: [String: Double] = [:]
    /// Model writes handed to the writer (a newer one may replace a waiting one there).
    private(set) var handedModels = 0

    // Shared with the writer thread, under `lock`.
    private let queue = DispatchQueue(label: "latent-autosave")
    private let lock = NSLock()
    private var pendingModels: [String: ModelWrite] = [:]
    private var pendingManifest: (folder: String, bytes: [UInt8])?
    private var pendingRemovals: [String] = []
    private var draining = false
    private var writeCost: [String: Double] = [:]
    private var modelWrites = 0
    private var writeSeconds = 0.0
    private var writerCPUSeconds = 0.0
    /// Seconds the session's thread spent in autosave (snapshots, deciding, the list of names).
    private var sessionSeconds = 0.0
    private var notices: [String] = []
    private var noticed: Set<String> = []
    private var prunedBases: Set<String> = []
    private var pruneAgain = false
    private var sharedLimit = Autosaver.defaultLimit
    private var sharedRunFolder: String

    struct ModelWrite {
        var folder: String
        var file: String
        var name: String
        var model: SavedModel
        var limit: Int
    }

    /// What a model was when it was last written: another object, more steps, other settings
    /// or data mean it is written again.
    struct Fingerprint: Equatable {
        weak var entry: ModelEntry?
        var built: Bool
        var steps: Int
        var epochs: Double
        var settings: TrainSettings
        var trainedOnName: String?
        var source: DataSource?

        static func == (a: Fingerprint, b: Fingerprint) -> Bool {
            a.entry != nil && a.entry === b.entry && a.built == b.built && a.steps == b.steps && a.epochs == b.epochs
                && a.settings == b.settings && a.trainedOnName == b.trainedOnName && a.source == b.source
        }

        init(_ entry: ModelEntry) {
            self.entry = entry
            built = entry.network != nil
            steps = entry.network?.stepsTrained ?? 0
            epochs = entry.epochsTrained
            settings = entry.settings
            trainedOnName = entry.trainedOnName
            source = entry.trainedOnSource
        }
    }

    init(location: AutosaveLocation, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.location = location
        if environment[Autosaver.everyEpochVariable] == "1" {
            interval = 0
            costShare = 0
        }
        sharedRunFolder = location.runFolder
        manifest = SessionManifest(
            notebook: location.notebook, kernel: location.kernel, started: started.timeIntervalSince1970,
            updated: started.timeIntervalSince1970, seed: 0, names: [])
    }

    // MARK: - Settings

    func turn(on: Bool) { isOn = on }

    func setLimit(_ bytes: Int) {
        limit = bytes
        lock.withLock {
            sharedLimit = bytes
            pruneAgain = true
        }
        schedule()
    }

    /// Writes from now on under `base`: everything is written there afresh at the next sync.
    func move(to base: String) {
        flush()
        location.base = base
        lock.withLock { sharedRunFolder = location.runFolder }
        written = [:]
        handedManifest = nil
        lastTrainingWrite = [:]
    }

    // MARK: - The session's side

    /// After every statement that succeeded: writes what changed.
    func sync(_ names: Namespace, seed: UInt64) {
        guard isOn else { return }
        let start = Self.monotonicSeconds()
        defer { sessionSeconds += Self.monotonicSeconds() - start }
        var entries = [SessionManifest.Name]()
        var removed = Set(written.keys)
        var handed = false
        for name in names.order {
            if names.data(name) != nil {
                entries.append(.init(name: name, kind: .data, source: names.source(of: name)))
            } else if let model = names.model(name) {
                removed.remove(name)
                let fingerprint = Fingerprint(model)
                if written[name] != fingerprint {
                    hand(model.saved(network: model.network), name: name)
                    written[name] = fingerprint
                    handed = true
                }
                entries.append(manifestEntry(name: name, model: model, epochs: model.epochsTrained))
            }
        }
        for name in removed {
            written[name] = nil
            lastTrainingWrite[name] = nil
            savedTimes[name] = nil
            let path = location.runFolder + "/" + AutosaveLocation.fileName(model: name)
            lock.withLock { pendingRemovals.append(path) }
        }
        manifest.seed = seed
        manifest.names = entries
        handManifest(force: handed)
        if !removed.isEmpty { schedule() }
    }

    /// At the end of every complete epoch of a `train`: hands the model over when the last
    /// write was long enough ago. `epochs`, `settings` and `trainedOn` are what `train` will
    /// store when it ends.
    func epochEnded(
        _ entry: ModelEntry, network: Autoencoder, epochs: Double, settings: TrainSettings,
        trainedOn: (name: String?, source: DataSource?)
    ) {
        guard isOn else { return }
        let now = Self.monotonicSeconds()
        defer { sessionSeconds += Self.monotonicSeconds() - now }
        let cost = lock.withLock { writeCost[entry.name] ?? 0 }
        if let last = lastTrainingWrite[entry.name],
            now - last < max(interval, costShare * cost)
        {
            return
        }
        lastTrainingWrite[entry.name] = now
        let saved = entry.saved(network: network, settings: settings, epochsTrained: epochs, trainedOn: trainedOn)
        hand(saved, name: entry.name)
        // What the entry will be if `train` ends here: then its end needs no write of its own.
        var fingerprint = Fingerprint(entry)
        fingerprint.built = true
        fingerprint.steps = network.stepsTrained
        fingerprint.epochs = epochs
        fingerprint.settings = settings
        fingerprint.trainedOnName = trainedOn.name
        fingerprint.source = trainedOn.source
        written[entry.name] = fingerprint
        var model = manifestEntry(name: entry.name, model: entry, epochs: epochs)
        model.trainedOnName = trainedOn.name
        if let index = manifest.names.firstIndex(where: { $0.name == entry.name }) {
            manifest.names[index] = model
        } else {
            manifest.names.append(model)
        }
        handManifest(force: true)
    }

    /// Waits (at most `timeout` seconds) until everything handed over is on the disk.
    @discardableResult
    func flush(timeout: Double = 10) -> Bool {
        let done = DispatchSemaphore(value: 0)
        queue.async {
            self.drain()
            done.signal()
        }
        return done.wait(timeout: .now() + timeout) == .success
    }

    /// What autosave has cost so far: for the benchmark.
    var statistics: AutosaveStatistics {
        let session = sessionSeconds
        return lock.withLock {
            AutosaveStatistics(
                writes: modelWrites, writeSeconds: writeSeconds, writerCPUSeconds: writerCPUSeconds,
                sessionSeconds: session)
        }
    }

    /// What the writer has to say (a model over the limit, a folder that cannot be written),
    /// each once.
    func takeNotices() -> [String] {
        lock.withLock {
            defer { notices = [] }
            return notices
        }
    }

    /// Bytes that the runs in the base folder take, this one's included.
    func totalSize() -> Int {
        flush()
        let fm = FileManager.default
        guard let keys = try? fm.contentsOfDirectory(atPath: location.base) else { return 0 }
        return keys.reduce(0) { total, key in
            total + SessionRun.list(in: location.base + "/" + key).reduce(0) { $0 + $1.size }
        }
    }

    /// What the manifest says of this run now (for `autosave`).
    var currentNames: [SessionManifest.Name] { manifest.names }

    /// Runs of this notebook (or kernel) other than this kernel's, newest first.
    func previousRuns() -> [SessionRun] {
        SessionRun.list(in: location.keyFolder, excluding: location.run)
    }

    // MARK: - Handing over

    private func manifestEntry(name: String, model: ModelEntry, epochs: Double) -> SessionManifest.Name {
        SessionManifest.Name(
            name: name, kind: .model, source: nil, file: AutosaveLocation.fileName(model: name),
            kindText: model.kindText, epochs: epochs, trainedOnName: model.trainedOnName, saved: savedTimes[name])
    }

    private func hand(_ model: SavedModel, name: String) {
        handedModels += 1
        savedTimes[name] = Date().timeIntervalSince1970
        let write = ModelWrite(
            folder: location.runFolder, file: AutosaveLocation.fileName(model: name), name: name, model: model,
            limit: limit)
        lock.withLock { pendingModels[name] = write }
        schedule()
    }

    /// Hands the manifest over when it says something new (or `force`, after a model write).
    private func handManifest(force: Bool) {
        // A kernel that never named anything leaves no folder behind.
        if handedManifest == nil && manifest.names.isEmpty { return }
        guard force || manifest.names != handedManifest?.names || manifest.seed != handedManifest?.seed else { return }
        manifest.updated = Date().timeIntervalSince1970
        handedManifest = manifest
        let bytes = manifest.bytes()
        let folder = location.runFolder
        lock.withLock { pendingManifest = (folder, bytes) }
        schedule()
    }

    private func schedule() {
        let start = lock.withLock { () -> Bool in
            if draining { return false }
            draining = true
            return true
        }
        if start { queue.async { self.drain() } }
    }

    // MARK: - The writer thread

    private func drain() {
        while true {
            let (models, manifest, removals, prune) = lock.withLock {
                () -> ([ModelWrite], (folder: String, bytes: [UInt8])?, [String], Bool) in
                let taken = (Array(pendingModels.values), pendingManifest, pendingRemovals, pruneAgain)
                pendingModels = [:]
                pendingManifest = nil
                pendingRemovals = []
                pruneAgain = false
                if taken.0.isEmpty && taken.1 == nil && taken.2.isEmpty && !taken.3 { draining = false }
                return taken
            }
            if models.isEmpty && manifest == nil && removals.isEmpty && !prune { return }
            let cpuStart = Self.threadCPUSeconds()
            defer {
                let cpu = Self.threadCPUSeconds() - cpuStart
                lock.withLock { writerCPUSeconds += cpu }
            }
            if let folder = models.first?.folder ?? manifest?.folder {
                do {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                } catch {
                    notice(
                        "folder:\(folder)",
                        "autosave cannot write into \(folder): \(Self.whyNotMade(folder, error)); nothing is autosaved (autosave folder \"PATH\" chooses another)"
                    )
                    continue
                }
            }
            // Old runs go before the first write of a kernel (or of a folder), and when the limit changes.
            let (run, limit) = lock.withLock { (sharedRunFolder, sharedLimit) }
            let base = URL(fileURLWithPath: run).deletingLastPathComponent().deletingLastPathComponent().path
            let first = !models.isEmpty && lock.withLock { prunedBases.insert(base).inserted }
            if first || prune { SessionPruning.prune(base: base, keeping: run, limit: limit) }
            for write in models { writeModel(write) }
            if let manifest {
                do {
                    try ModelFile.writeAtomically(manifest.bytes, to: manifest.folder + "/" + SessionManifest.fileName)
                } catch {
                    notice("manifest:\(manifest.folder)", "autosave cannot write the session's list of names: \(error)")
                }
            }
            for path in removals { try? FileManager.default.removeItem(atPath: path) }
        }
    }

    private func writeModel(_ write: ModelWrite) {
        let start = Self.monotonicSeconds()
        let path = write.folder + "/" + write.file
        do {
            let bytes = ModelFile.encode(try write.model.bytes())
            let others =
                SessionRun.size(of: write.folder)
                - ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
            guard others + bytes.count <= write.limit else {
                notice(
                    "limit:\(write.name)",
                    "autosave: \(write.name) (\(Self.megabytes(bytes.count))) is not autosaved: this session would go over the limit of \(Self.megabytes(write.limit)) (autosave limit N MB raises it)"
                )
                return
            }
            try ModelFile.writeAtomically(bytes, to: path)
        } catch {
            notice("model:\(write.name)", "autosave could not write \(write.name): \(error)")
            return
        }
        let cost = Self.monotonicSeconds() - start
        lock.withLock {
            writeCost[write.name] = cost
            modelWrites += 1
            writeSeconds += cost
        }
    }

    private func notice(_ key: String, _ text: String) {
        lock.withLock {
            if noticed.insert(key).inserted { notices.append(text) }
        }
    }

    static func megabytes(_ bytes: Int) -> String {
        let mb = Double(bytes) / 1_000_000
        return mb >= 10 ? "\(Int(mb.rounded())) MB" : String(format: "%.1f MB", mb)
    }

    /// CPU time of the calling thread.
    /// Why `folder` could not be made, in the system's words: Foundation's own message is often
    /// a generic one ("error 512"), so the first part of the path that is there says why.
    static func whyNotMade(_ folder: String, _ error: Error) -> String {
        if let reason = systemReason(error) { return reason }
        var path = URL(fileURLWithPath: folder)
        while path.path != "/" {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path.path, isDirectory: &isFolder) {
                if !isFolder.boolValue { return "\(path.path) is a file, not a folder" }
                return access(path.path, W_OK) == 0
                    ? (error as NSError).localizedDescription : "\(path.path) is not writable"
            }
            path.deleteLastPathComponent()
        }
        return (error as NSError).localizedDescription
    }

    static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    static func monotonicSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}

/// What autosave has cost: model files written, the writer's time on them (wall clock, mostly
/// waiting for the disk, and CPU), and the session thread's time in autosave.
public struct AutosaveStatistics: Sendable {
    public var writes = 0
    public var writeSeconds = 0.0
    public var writerCPUSeconds = 0.0
    public var sessionSeconds = 0.0

    public init(writes: Int = 0, writeSeconds: Double = 0, writerCPUSeconds: Double = 0, sessionSeconds: Double = 0) {
        self.writes = writes
        self.writeSeconds = writeSeconds
        self.writerCPUSeconds = writerCPUSeconds
        self.sessionSeconds = sessionSeconds
    }
}
