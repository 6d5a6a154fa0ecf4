import Foundation

/// An output sink for a terminal (`latent run`): text is printed; each picture in a bundle
/// (PNG, SVG) is written to a folder as a numbered file; of a display that updates in place
/// (training's progress) only the last state's text line is printed, before what comes next.
public final class TerminalSink: OutputSink {
    public let pictureDirectory: String?
    public private(set) var picturesWritten: [String] = []
    private let write: (String, StreamName) -> Void
    /// The text of the last update of a display, printed once something else is.
    private var pendingLine: String?

    /// `write` receives everything meant for the terminal (defaults to stdout/stderr).
    public init(pictureDirectory: String?, write: ((String, StreamName) -> Void)? = nil) {
        self.pictureDirectory = pictureDirectory
        self.write =
            write ?? { text, stream in
                FileHandle(fileDescriptor: stream == .stdout ? 1 : 2).write(Data(text.utf8))
            }
    }

    public func stream(_ text: String, on stream: StreamName) {
        flushLine()
        write(text, stream)
    }

    public func display(_ bundle: MimeBundle, id: String?) {
        // A progress display (one with an id) shows only its final state, from `update`.
        if id != nil { return }
        show(bundle)
    }

    public func update(_ bundle: MimeBundle, id: String) {
        pendingLine = bundle.text
    }

    /// Prints the last state of a display that was updating, once.
    public func flushLine() {
        guard let line = pendingLine else { return }
        pendingLine = nil
        write(line + "\n", .stdout)
    }

    /// A terminal shows text: `train` draws no live pictures for it.
    public var showsLivePictures: Bool { false }

    public func show(_ bundle: MimeBundle) {
        flushLine()
        var text = bundle.text
        if let dir = pictureDirectory {
            for (mime, ext) in [("image/png", "png"), ("image/svg+xml", "svg")] {
                guard let content = bundle.data[mime] else { continue }
                let bytes: Data? = mime == "image/png" ? Data(base64Encoded: content) : Data(content.utf8)
                guard let bytes else { continue }
                let file = String(format: "%@/%03d.%@", dir, picturesWritten.count + 1, ext)
                do {
                    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                    try bytes.write(to: URL(fileURLWithPath: file))
                    picturesWritten.append(file)
                    text += "\n(picture written to \(file))"
                } catch {
                    write("cannot write \(file): \(error.localizedDescription)\n", .stderr)
                }
            }
        }
        write(text + "\n", .stdout)
    }
}

/// Runs a whole script as one cell: all its syntax mistakes are reported before anything
/// runs; then statements run in order and the first failure stops the script.
public enum ScriptRunner {
    /// Returns the exit status: 0 on success, 1 when a statement failed.
    public static func run(_ source: String, session: LessonSession, sink: TerminalSink) -> Int32 {
        let outcome = session.execute(source, output: sink)
        sink.flushLine()
        switch outcome {
        case .ok(let result):
            if let result { sink.show(result) }
            return 0
        case .error(let name, _, let traceback):
            sink.stream(name + ": " + traceback.joined(separator: "\n") + "\n", on: .stderr)
            return 1
        }
    }
}

extension ScriptRunner {
    /// A script's text, or nil when the file cannot be read.
    public static func readScript(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }
}
