import Datasets
import Neural

/// Images as the engine takes them (train, evaluate).
extension LabelledImages {
    /// (count, height, width, channels), as the engine takes images.
    var tensor: Tensor {
        Tensor(shape: [count, height, width, channels], data: pixels)
    }

    var sampleShape: [Int] { [height, width, channels] }
}
