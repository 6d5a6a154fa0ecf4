/// A model definition or call that cannot be carried out (shape problems are `ShapeError`).
public struct ModelError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
