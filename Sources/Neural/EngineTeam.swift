import CBLAS
import Support

extension ComputeTeam {
    /// The engine's team: the shared one, with OpenBLAS held at one thread per call from the
    /// first use on, for every caller in the process.
    ///
    /// Why not OpenBLAS's own threads: for the products of a training step (a few hundred rows
    /// and columns) OpenBLAS hands work to its threads through `sched_yield` loops and sometimes
    /// runs slower on two threads than on one; a 200x320x16 product measured 20 GFLOP/s on two
    /// threads against 81 on one. The engine splits a product into single-threaded OpenBLAS
    /// calls run side by side on this team instead.
    static let engine: ComputeTeam = {
        openblas_set_num_threads(1)
        return .shared
    }()

    /// Starts the engine's team now rather than at the first job: from then on OpenBLAS runs
    /// each call on one thread, for every caller in the process.
    public static func startEngine() { _ = engine.threads }
}
