import Foundation
import Language

/// How much memory the kernel may use, and whether a statement's work fits in what is left.
/// A statement weighs its work before allocating it and is refused, with the estimate, the limit
/// and what to change, rather than the kernel being killed by the out-of-memory killer.
struct MemoryBudget {
    /// Bytes the kernel may use in all, and where that figure comes from.
    let limit: Int
    let source: String
    /// Resident bytes of the process now (read each time: it changes as the session grows).
    var resident: () -> Int = MemoryBudget.residentBytes

    /// The limit the kernel runs under: `LATENT_MEMORY_LIMIT` (bytes, or with K, M or G), else
    /// `MEM_LIMIT` as JupyterHub's spawners set it, else its cgroup's (v2 `memory.max`, v1
    /// `memory.limit_in_bytes`), else the machine's memory.
    static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, cgroupRoot: String = "/sys/fs/cgroup",
        ownCgroups: String? = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)
    ) -> MemoryBudget {
        if let text = environment["LATENT_MEMORY_LIMIT"], let bytes = parseBytes(text) {
            return MemoryBudget(limit: bytes, source: "LATENT_MEMORY_LIMIT")
        }
        if let text = environment["MEM_LIMIT"], let bytes = parseBytes(text) {
            return MemoryBudget(limit: bytes, source: "MEM_LIMIT")
        }
        if let (bytes, file) = cgroupLimit(root: cgroupRoot, ownCgroups: ownCgroups ?? "") {
            return MemoryBudget(limit: bytes, source: "the cgroup (\(file))")
        }
        return MemoryBudget(limit: Int(ProcessInfo.processInfo.physicalMemory), source: "the machine's memory")
    }

    /// `512M`, `2G`, `1.5G`, `300000000`.
    static func parseBytes(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [(String, Double)] = [
            ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("K", 1024), ("M", 1_048_576), ("G", 1_073_741_824),
        ]
        for (suffix, scale) in units where t.hasSuffix(suffix) {
            guard let v = Double(t.dropLast(suffix.count)), v > 0 else { return nil }
            return Int(v * scale)
        }
        guard let v = Int(t), v > 0 else { return nil }
        return v
    }

    /// The memory limit of this process's cgroup, if one is set (v2 first, then v1's memory
    /// controller); "max" and v1's huge "unlimited" figure mean none.
    static func cgroupLimit(root: String, ownCgroups: String) -> (Int, String)? {
        for line in ownCgroups.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            let path = String(parts[2])
            let candidates: [String]
            if parts[0] == "0" && parts[1].isEmpty {
                candidates = [root + path + "/memory.max", root + "/unified" + path + "/memory.max"]
            } else if parts[1].split(separator: ",").contains("memory") {
                candidates = [root + "/memory" + path + "/memory.limit_in_bytes"]
            } else {
                continue
            }
            for file in candidates {
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
                let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if let bytes = Int(value), bytes > 0, bytes < 1 << 60 { return (bytes, file) }
            }
        }
        return nil
    }

    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Bytes left before the limit, keeping a margin for the kernel's own work (messages,
    /// pictures, the allocator's slack).
    var available: Int { max(0, limit - resident() - Self.margin) }
    static let margin = 32 << 20

    /// Refuses `bytes` of new work when they do not fit, saying what would need how much, the
    /// limit and where it comes from, and what to change.
    func check(_ bytes: Int, for what: String, at range: SourceRange, instead: String) throws {
        guard bytes > available else { return }
        throw Diagnostic(
            "\(what) would need about \(Self.text(bytes)) of memory, and this kernel has \(Self.text(available)) left",
            range: range, kind: .value, expected: instead,
            notes: ["the kernel may use \(Self.text(limit)) (from \(source)); it holds \(Self.text(resident())) now"])
    }

    /// "1.2 GB", "350 MB".
    static func text(_ bytes: Int) -> String {
        let mb = Double(bytes) / 1e6
        return mb >= 1000 ? String(format: "%.1f GB", mb / 1000) : String(format: "%.0f MB", mb)
    }
}
