import Foundation
import Neural

/// The payload of a model file: a JSON header with what the session knows of the model, then
/// the engine's snapshot (weights, optimizer state, history) when the model has been built.
///
///     UInt32 little-endian header length, header JSON, snapshot bytes (possibly none)
///
/// This is format 1 of the file (`ModelFile.version`); the snapshot has its own format version.
struct SavedModel: Codable {
    /// The file formats this build reads, each with its step to the next (see FormatChain).
    static let formats = FormatChain(version: Int(ModelFile.version), read: SavedModel.init(bytes:))

    /// Reads a payload of file format `version`, migrated to the current one.
    static func read(_ payload: [UInt8], version: Int) throws -> SavedModel {
        try formats.read(payload, version: version)
    }

    struct Header: Codable {
        var name: String
        var specs: [LayerSpec]
        var seed: UInt64
        /// `Initializer`'s raw value; absent in files saved before `init` existed (glorot).
        var initializer: String?
        var settings: TrainSettings
        var epochsTrained: Double
        var trainedOnName: String?
        var savedBy: String
        var hasNetwork: Bool
        /// The source of the data it trained on (absent in files from before autosave):
        /// `restore` makes the data again from it.
        var trainedOn: DataSource?
    }

    var header: Header
    var snapshot: ModelSnapshot?

    func bytes() throws -> [UInt8] {
        // Keys in order: the same model gives the same bytes, whichever process writes it.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = [UInt8](try encoder.encode(header))
        var out = [UInt8]()
        withUnsafeBytes(of: UInt32(json.count).littleEndian) { out.append(contentsOf: $0) }
        out += json
        if let snapshot { out += try snapshot.bytes() }
        return out
    }

    /// Reads file format 1, today's. Throws `ModelError` with what does not fit.
    init(bytes: [UInt8]) throws {
        guard bytes.count >= 4 else { throw ModelError("the model data is empty") }
        let length = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
        guard length <= bytes.count - 4 else { throw ModelError("the model's header is cut short") }
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(bytes[4..<(4 + length)]))
        } catch {
            throw ModelError("the model's header cannot be read (\(error))")
        }
        let rest = Array(bytes[(4 + length)...])
        if header.hasNetwork {
            snapshot = try ModelSnapshot(bytes: rest)
        } else {
            guard rest.isEmpty else { throw ModelError("the file holds weights its header does not announce") }
            snapshot = nil
        }
    }

    init(header: Header, snapshot: ModelSnapshot?) {
        self.header = header
        self.snapshot = snapshot
    }
}

extension ModelEntry {
    /// What `save` and autosave write of this model. Autosave, during a `train`, gives the
    /// values that `train` will store when it ends: the epochs so far, the settings and data
    /// it trains with.
    func saved(
        network: Autoencoder?, settings: TrainSettings? = nil, epochsTrained: Double? = nil,
        trainedOn: (name: String?, source: DataSource?)? = nil
    ) -> SavedModel {
        let header = SavedModel.Header(
            name: name, specs: specs, seed: seed, initializer: initializer.rawValue,
            settings: settings ?? self.settings, epochsTrained: epochsTrained ?? self.epochsTrained,
            trainedOnName: trainedOn.map { $0.name } ?? trainedOnName, savedBy: "Latent \(LatentVersion.string)",
            hasNetwork: network != nil, trainedOn: trainedOn.map { $0.source } ?? trainedOnSource)
        return SavedModel(header: header, snapshot: network?.snapshot())
    }
}
