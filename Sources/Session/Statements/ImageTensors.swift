import Datasets
import Neural

/// Images as the engine takes them (train, evaluate).
extension LabelledImages {
    /// (count, height, width, channels) as Float32, copied: for a few images (to draw them,
    /// inspect a model). Checked rather than trusted: images come from files a learner chose,
    /// and a trap would kill the kernel.
    var tensor: Tensor {
        get throws { try Tensor(checkedShape: [count, height, width, channels], data: pixels) }
    }

    /// The images as a set the engine gathers batches from, converting each batch's bytes to
    /// Float32 as it goes: a whole dataset is never copied.
    var samples: ByteSamples {
        let (base, rows) = storage
        return ByteSamples(base: base, rows: rows, count: count, sampleShape: sampleShape, owner: bytes)
    }

    var sampleShape: [Int] { [height, width, channels] }
}
