import Datasets
import Language
import Neural

/// What the picture handlers (and train/evaluate) share: images as the engine's tensors, and a
/// model's network once it has met data.
extension LessonSession {
    /// The model's network; a model that has not met data yet is explained, not built blindly.
    func builtNetwork(_ id: Identifier) throws -> (entry: ModelEntry, network: Autoencoder) {
        let entry = try lookUpModel(id)
        guard let network = entry.network else {
            throw Diagnostic(
                "\(entry.name) has not met data yet, so it has no weights to look at", range: id.range, kind: .value,
                expected: "train \(entry.name) on DATA first")
        }
        return (entry, network)
    }
}

extension LabelledImages {
    /// (count, height, width, channels), as the engine takes images.
    var tensor: Tensor {
        Tensor(shape: [count, height, width, channels], data: pixels)
    }

    var sampleShape: [Int] { [height, width, channels] }
}
