import Datasets
import Foundation
import Language

/// The datasets that need no path: the bundled MNIST and, where Debian's package is installed,
/// Fashion-MNIST.
enum BuiltinData {
    static let fashionFiles = [
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ]

    static func load(_ which: BuiltinDataset, range: SourceRange) throws -> TrainTestSplit {
        switch which {
        case .mnist:
            do {
                return try MNIST.load()
            } catch let e as DataFileError {
                throw Diagnostic("MNIST could not be loaded: \(e)", range: range, kind: .file)
            }
        case .fashion:
            guard let dir = fashionDirectory() else {
                throw Diagnostic(
                    "Fashion-MNIST is not installed on this machine", range: range, kind: .file,
                    expected:
                        "Debian's package dataset-fashion-mnist (sudo apt-get install dataset-fashion-mnist), or LATENT_FASHION_DIR set to a folder with its four .gz files",
                    notes: ["mnist works everywhere: data = mnist"])
            }
            let paths = fashionFiles.map { dir + "/" + $0 }
            do {
                return TrainTestSplit(
                    train: try LabelledImages.load(images: paths[0], labels: paths[1]),
                    test: try LabelledImages.load(images: paths[2], labels: paths[3]))
            } catch let e as DataFileError {
                throw Diagnostic("Fashion-MNIST could not be loaded: \(e)", range: range, kind: .file)
            }
        }
    }

    /// `mnist train N test M`: the dataset cut to the counts given, each checked against what it has.
    static func split(_ which: BuiltinDataset, train: Located<Int>?, test: Located<Int>?, range: SourceRange) throws
        -> TrainTestSplit
    {
        var split = try load(which, range: range)
        for (count, isTrain) in [(train, true), (test, false)] {
            guard let count else { continue }
            let available = isTrain ? split.train.count : split.test.count
            guard count.value <= available else {
                throw Diagnostic(
                    "\(which.rawValue) has \(grouped(available)) \(isTrain ? "train" : "test") images, not \(grouped(count.value))",
                    range: count.range, kind: .value, expected: "a number from 1 to \(available)")
            }
            if isTrain {
                split.train = split.train.slice(0..<count.value)
            } else {
                split.test = split.test.slice(0..<count.value)
            }
        }
        return split
    }

    /// $LATENT_FASHION_DIR, else the folder where `dpkg -L dataset-fashion-mnist` put the files.
    static func fashionDirectory() -> String? {
        let fm = FileManager.default
        func holdsAll(_ dir: String) -> Bool { fashionFiles.allSatisfy { fm.fileExists(atPath: dir + "/" + $0) } }
        if let env = ProcessInfo.processInfo.environment["LATENT_FASHION_DIR"], !env.isEmpty {
            return holdsAll(env) ? env : nil
        }
        for path in dpkgFiles("dataset-fashion-mnist") where path.hasSuffix("/" + fashionFiles[0]) {
            let dir = String(path.dropLast(fashionFiles[0].count + 1))
            if holdsAll(dir) { return dir }
        }
        return nil
    }

    /// The files a Debian package installed (empty when it is not installed or dpkg is absent).
    static func dpkgFiles(_ package: String) -> [String] {
        let dpkg = "/usr/bin/dpkg"
        guard FileManager.default.isExecutableFile(atPath: dpkg) else { return [] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: dpkg)
        process.arguments = ["-L", package]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return [] }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// `idx "images" "labels" [test "images" "labels"]`, every file checked.
    static func loadIDX(
        trainImages: Located<String>, trainLabels: Located<String>, testImages: Located<String>?,
        testLabels: Located<String>?
    ) throws -> DataValue {
        func load(_ images: Located<String>, _ labels: Located<String>) throws -> LabelledImages {
            let loaded: LabelledImages
            do {
                loaded = try ImageCache.images(ofFiles: images.value, labels.value)
            } catch let e as DataFileError {
                throw diagnostic(e, images: images, labels: labels)
            }
            // An image of no pixels can be neither drawn nor learned from.
            if loaded.imageSize == 0 {
                throw Diagnostic(
                    "\"\(images.value)\" holds images of \(loaded.height)x\(loaded.width)\(loaded.channels == 1 ? "" : "x\(loaded.channels)") pixels",
                    range: images.range, kind: .file, expected: "images at least 1x1 pixels")
            }
            return loaded
        }
        let train = try load(trainImages, trainLabels)
        guard let testImages, let testLabels else { return .images(train) }
        let test = try load(testImages, testLabels)
        guard test.height == train.height, test.width == train.width, test.channels == train.channels else {
            throw Diagnostic(
                "the test images are \(test.height)x\(test.width)x\(test.channels) but the training images are \(train.height)x\(train.width)x\(train.channels)",
                range: testImages.range, kind: .data, expected: "test images of the same size as the training images")
        }
        return .split(TrainTestSplit(train: train, test: test))
    }

    static let expectation = "an IDX file of unsigned bytes (gzip or not), images with 3 dimensions and labels with 1"

    /// A file's error as a diagnostic at the path it concerns (the labels for a count mismatch).
    private static func diagnostic(_ e: DataFileError, images: Located<String>, labels: Located<String>)
        -> Diagnostic
    {
        let blamed: Located<String>
        switch e {
        case .missing(let p), .unreadable(let p, _), .notGzip(let p, _), .notIDX(let p, _),
            .checksumMismatch(let p, _, _):
            blamed = p == images.value ? images : labels
        case .mismatchedLengths, .bundleNotFound:
            blamed = labels
        }
        if case .missing = e {
            let cwd = FileManager.default.currentDirectoryPath
            return Diagnostic(
                "\(e)", range: blamed.range, kind: .file, expected: "the path of an existing file",
                notes: blamed.value.hasPrefix("/") ? [] : ["(relative paths start from \(cwd))"])
        }
        if case .mismatchedLengths = e {
            return Diagnostic("\(e)", range: blamed.range, kind: .file, expected: "as many labels as images")
        }
        return Diagnostic("\(e)", range: blamed.range, kind: .file, expected: expectation)
    }
}

extension BuiltinData {
    /// Bytes that loading `which` takes at most: unpacking it into the shared cache (the images
    /// and labels unpacked, the cache file's copy of them, and the compressed files), as the
    /// first kernel on a machine does; a kernel that maps the cache needs far less (nothing
    /// for MNIST once this process holds it).
    static func loadCost(_ which: BuiltinDataset) -> Int {
        if which == .mnist && MNIST.isLoaded { return 0 }
        return 70_000 * 785 * 2 + 12_000_000
    }

    /// The same for IDX files: a gzip file's uncompressed size is in its last four bytes.
    /// Anything but a regular file costs nothing here: reading it fails with its own message.
    static func idxCost(_ paths: [String]) -> Int {
        paths.reduce(0) { total, path in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                attributes[.type] as? FileAttributeType == .typeRegular,
                let size = (attributes[.size] as? NSNumber)?.intValue, size > 0,
                let handle = FileHandle(forReadingAtPath: path)
            else { return total }
            defer { try? handle.close() }
            var raw = size
            let magic = (try? handle.read(upToCount: 2)).map { [UInt8]($0) } ?? []
            if magic == [0x1f, 0x8b], size >= 4, (try? handle.seek(toOffset: UInt64(size - 4))) != nil,
                let tail = try? handle.read(upToCount: 4), tail.count == 4
            {
                raw = tail.reversed().reduce(0) { $0 << 8 | Int($1) }
            }
            return total + raw * 5 + size
        }
    }
}
