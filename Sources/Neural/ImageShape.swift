/// A per-sample image shape (height, width, channels), channels last as Keras stores images.
struct ImageShape: Equatable, Sendable {
    let height: Int
    let width: Int
    let channels: Int

    var count: Int { height * width * channels }
    var dimensions: [Int] { [height, width, channels] }

    init(height: Int, width: Int, channels: Int) {
        self.height = height
        self.width = width
        self.channels = channels
    }

    /// Reads a per-sample shape that must be an image; `layer` names the asking layer in the error.
    init(_ shape: [Int], for layer: String) throws {
        guard shape.count == 3, shape.allSatisfy({ $0 > 0 }) else {
            throw ShapeError(
                "\(layer) needs an image of shape (height, width, channels) but got \(shapeInParentheses(shape))"
                    + (shape.count == 1 ? "; add `reshape` before it (e.g. reshape 28 28 1)" : ""))
        }
        self.init(height: shape[0], width: shape[1], channels: shape[2])
    }
}

/// "(28x28x1)": `Tensor.describe` in parentheses, as the layers' error messages quote shapes.
func shapeInParentheses(_ shape: [Int]) -> String {
    "(" + Tensor.describe(shape) + ")"
}

/// Checks that a batch tensor carries the per-sample shape the layer was built for.
func checkBatchShape(_ tensor: Tensor, expected: [Int], layer: String, what: String = "input") throws {
    guard tensor.shape.count == expected.count + 1, Array(tensor.shape.dropFirst()) == expected else {
        throw ShapeError(
            "\(layer) was built for \(what) samples of shape \(shapeInParentheses(expected)) but got a batch of shape "
                + shapeInParentheses(tensor.shape))
    }
}
