/// What can go wrong while drawing or projecting; every case names the offending values so the
/// session can show a learner exactly what was asked for.
public enum PicturesError: Error, Equatable, CustomStringConvertible {
    case emptyInput(what: String)
    case badSize(what: String, expected: Int, actual: Int)
    case badDimensions(width: Int, height: Int)
    case unsupportedChannels(Int)
    case compressionFailed(code: Int32)
    case invalidOption(name: String, value: String, reason: String)
    case linearAlgebraFailed(routine: String, info: Int32)

    public var description: String {
        switch self {
        case .emptyInput(let what): return "there is nothing to draw: \(what) is empty"
        case .badSize(let what, let expected, let actual):
            return "\(what) has \(actual) values but \(expected) were expected"
        case .badDimensions(let w, let h): return "an image must be at least 1x1 pixels, not \(w)x\(h)"
        case .unsupportedChannels(let c):
            return "images have 1 (grey), 3 (RGB) or 4 (RGBA) channels, not \(c)"
        case .compressionFailed(let code): return "zlib could not compress the image (code \(code))"
        case .invalidOption(let name, let value, let reason): return "\(name) \(value): \(reason)"
        case .linearAlgebraFailed(let routine, let info): return "LAPACK \(routine) failed (info \(info))"
        }
    }
}
