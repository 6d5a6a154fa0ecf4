/// Controls a learner moves and a picture that follows them: what a statement such as `explore`
/// asks the frontend to show. The session describes the panel and answers changes; the kernel
/// turns it into Jupyter widgets (the session knows nothing of widgets or messages). Where no
/// frontend can show controls (`latent run`, a silent request) there is no `ControlHost`, and the
/// statement shows its still picture instead.

/// One control of a panel.
public struct Control: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A slider over real numbers.
        case slider(minimum: Double, maximum: Double, step: Double)
        /// A slider over whole numbers (a picker: which test digit to start from).
        case integerSlider(minimum: Int, maximum: Int)
    }

    public var kind: Kind
    public var label: String
    public var value: Double
    /// Whether the panel answers while the control is dragged (false: when it is let go, for
    /// work too slow to follow a drag).
    public var continuous: Bool

    public init(_ kind: Kind, label: String, value: Double, continuous: Bool = true) {
        self.kind = kind
        self.label = label
        self.value = value
        self.continuous = continuous
    }

    /// `value` brought into the control's range (and to a whole number for an integer slider);
    /// nil for what is not a finite number.
    public func accepted(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        switch kind {
        case .slider(let minimum, let maximum, _): return min(max(value, minimum), maximum)
        case .integerSlider(let minimum, let maximum): return Double(min(max(Int(value.rounded()), minimum), maximum))
        }
    }
}

/// A picture a panel shows: a PNG, or an SVG chart (kept as SVG so that the panel's picture is
/// the same as the still one, which is SVG too).
public struct PanelImage: Sendable, Equatable {
    public enum Format: String, Sendable, Equatable {
        case png
        case svg = "svg+xml"

        /// The MIME type of the picture (`image/` and the format's name).
        public var mimeType: String { "image/" + rawValue }
    }

    public var bytes: [UInt8]
    public var format: Format
    public var width: Int
    public var height: Int

    public init(png: [UInt8], width: Int, height: Int) {
        self.bytes = png
        self.format = .png
        self.width = width
        self.height = height
    }

    public init(svg: String, width: Int, height: Int) {
        self.bytes = Array(svg.utf8)
        self.format = .svg
        self.width = width
        self.height = height
    }
}

/// What a panel does when the learner moves its controls: new values for some controls (a picker
/// moves the sliders) and a new picture.
public struct PanelChange: Sendable, Equatable {
    public var values: [Int: Double]
    public var image: PanelImage?

    public init(values: [Int: Double] = [:], image: PanelImage?) {
        self.values = values
        self.image = image
    }
}

/// Controls above a picture. `respond` is called on the thread that runs cells, between cells,
/// with the indices of the controls that moved since the last call and every control's value;
/// it must not change the session (it reads what it captured when the statement ran).
public struct ControlPanel {
    public var title: String
    public var controls: [Control]
    public var image: PanelImage
    public var respond: (_ moved: Set<Int>, _ values: [Double]) throws -> PanelChange

    public init(
        title: String, controls: [Control], image: PanelImage,
        respond: @escaping (_ moved: Set<Int>, _ values: [Double]) throws -> PanelChange
    ) {
        self.title = title
        self.controls = controls
        self.image = image
        self.respond = respond
    }
}

/// Shows panels: the kernel's widgets.
public protocol ControlHost: AnyObject {
    /// Shows `panel` in place of the still `fallback`, which frontends without controls show.
    func show(_ panel: ControlPanel, fallback: MimeBundle)
}
