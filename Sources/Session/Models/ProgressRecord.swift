import Datasets
import Neural

/// Fixed test digits reconstructed as a model trains, for `progress`: the inputs are chosen
/// once (the first 10 test images of the data it first trains on, or training images without a
/// test part); a frame is captured before the first epoch and after each complete epoch.
struct ProgressRecord {
    static let digits = 10
    /// At most this many frames are kept: the first, then evenly thinned.
    static let frameLimit = 60

    var inputs: [Float] = []
    var labels: [UInt8] = []
    var height = 0
    var width = 0
    var channels = 1
    var frames: [(epoch: Int, pixels: [Float])] = []

    var count: Int { labels.count }

    mutating func start(network: Autoencoder, data: DataValue) {
        guard inputs.isEmpty else { return }
        let source = data.testImages.flatMap { $0.count > 0 ? $0 : nil } ?? data.trainImages
        let chosen = source.slice(0..<min(Self.digits, source.count))
        guard chosen.count > 0 else { return }
        inputs = chosen.pixels
        labels = chosen.labels
        (height, width, channels) = (chosen.height, chosen.width, chosen.channels)
        capture(network: network, epoch: network.epochsTrained)
    }

    /// Reconstructs the fixed digits now (evaluation mode; a failure just skips the frame).
    mutating func capture(network: Autoencoder, epoch: Int) {
        guard count > 0,
            let out = try? network.reconstruct(Tensor(checkedShape: [count, height, width, channels], data: inputs))
        else { return }
        frames.removeAll { $0.epoch == epoch }
        frames.append((epoch, out.data))
        if frames.count > Self.frameLimit {
            // Keep the first and last, drop every other one in between.
            frames = frames.enumerated().filter {
                $0.offset == 0 || $0.offset == frames.count - 1 || $0.offset % 2 == 0
            }
            .map(\.element)
        }
    }
}
