import Datasets
import Neural

/// Images as the engine takes them (train, evaluate).
extension LabelledImages {
    /// (count, height, width, channels), as the engine takes images. Checked rather than
    /// trusted: images come from files a learner chose, and a trap would kill the kernel.
    var tensor: Tensor {
        get throws { try Tensor(checkedShape: [count, height, width, channels], data: pixels) }
    }

    var sampleShape: [Int] { [height, width, channels] }
}
