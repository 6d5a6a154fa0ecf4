/// How a convolution treats the border, as Keras names it.
/// - `same`: pad with zeros so that the output has ceil(input / stride) pixels a side; when the
///   total padding is odd, the extra row/column goes at the bottom/right (TensorFlow's rule).
/// - `valid`: no padding; only windows that fit inside the image.
public enum Padding: String, Sendable, CaseIterable {
    case same
    case valid
}
