/// How a saved format is read across releases. Each version N of a format knows how to read its
/// own bytes and how to turn what it read into version N+1; bytes of version N are read by N's
/// reader and then taken through every step up to the newest version this build knows. A newer
/// version is refused with a message that says to update Latent.
///
/// `Oldest` is the type the oldest version reads into; `Current` is the newest's. To change a
/// format: freeze today's type and reader under the old version's name (e.g. `ModelSnapshotV1`),
/// give the current type the new layout and a reader for it, and write the one step from the
/// frozen type to the new one:
///
///     FormatChain(version: 2, read: ModelSnapshot.readFormat2)
///         .preceded(by: 1, read: ModelSnapshotV1.read, migrate: ModelSnapshotV1.migrated)
public struct FormatChain<Oldest, Current>: Sendable {
    public let oldestVersion: Int
    public let newestVersion: Int
    /// Version -> its reader followed by its steps up to the newest version.
    private let readers: [Int: @Sendable ([UInt8]) throws -> Current]
    /// The steps from the oldest version's value to the newest's.
    private let upgrade: @Sendable (Oldest) throws -> Current

    private init(
        oldest: Int, newest: Int, readers: [Int: @Sendable ([UInt8]) throws -> Current],
        upgrade: @escaping @Sendable (Oldest) throws -> Current
    ) {
        oldestVersion = oldest
        newestVersion = newest
        self.readers = readers
        self.upgrade = upgrade
    }

    /// A chain of one version, the newest: its bytes are read as they are.
    public init(version: Int, read: @escaping @Sendable ([UInt8]) throws -> Current) where Oldest == Current {
        self.init(oldest: version, newest: version, readers: [version: read], upgrade: { $0 })
    }

    /// This chain with the version before its oldest: how to read that version's bytes, and the
    /// one step that turns its value into the value of the version after it.
    public func preceded<Older>(
        by version: Int, read: @escaping @Sendable ([UInt8]) throws -> Older,
        migrate: @escaping @Sendable (Older) throws -> Oldest
    ) -> FormatChain<Older, Current> {
        precondition(version == oldestVersion - 1, "format \(version) does not come just before \(oldestVersion)")
        let upgrade = self.upgrade
        let upgradeOlder: @Sendable (Older) throws -> Current = { try upgrade(migrate($0)) }
        var readers = self.readers
        readers[version] = { try upgradeOlder(read($0)) }
        return FormatChain<Older, Current>(
            oldest: version, newest: newestVersion, readers: readers, upgrade: upgradeOlder)
    }

    /// Reads bytes saved in `version` and brings them up to the newest version.
    public func read(_ bytes: [UInt8], version: Int) throws -> Current {
        guard version <= newestVersion else {
            throw FormatVersionError.newer(found: version, newest: newestVersion)
        }
        guard let reader = readers[version] else {
            throw FormatVersionError.unknown(found: version, oldest: oldestVersion, newest: newestVersion)
        }
        return try reader(bytes)
    }
}

/// A saved model whose format version this build cannot read.
public enum FormatVersionError: Error, Equatable, CustomStringConvertible {
    /// Written by a later Latent than this one.
    case newer(found: Int, newest: Int)
    /// Older than the oldest this build reads (no Latent has written one: versions start at 1).
    case unknown(found: Int, oldest: Int, newest: Int)

    public var description: String {
        switch self {
        case .newer(let found, let newest):
            return
                "this model was saved by a newer Latent (format \(found)); this one reads formats up to \(newest): update Latent"
        case .unknown(let found, let oldest, let newest):
            let range = oldest == newest ? "format \(newest)" : "formats \(oldest) to \(newest)"
            return "this model is in format \(found), which this Latent does not read (it reads \(range))"
        }
    }
}
