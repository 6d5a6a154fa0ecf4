import Foundation
import XCTest

@testable import Datasets

/// How many times a cache was made from its source.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func add() { lock.withLock { count += 1 } }
}

/// What concurrent loads returned.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [LabelledImages] = []
    var all: [LabelledImages] { lock.withLock { kept } }
    func add(_ images: LabelledImages) { lock.withLock { kept.append(images) } }
}

final class ImageCacheTests: XCTestCase {
    var folder: String!

    override func setUp() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-cache-\(UUID().uuidString)").path
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// `count` images of 3x2 pixels whose bytes count up from `first`, labelled i % 10.
    static func arrays(count: Int, first: Int = 0) -> (IDXArray, IDXArray) {
        let pixels = (0..<(count * 6)).map { UInt8(truncatingIfNeeded: first + $0) }
        let images = try! IDXArray(parsing: [0, 0, 8, 3, 0, 0, 0, UInt8(count), 0, 0, 0, 3, 0, 0, 0, 2] + pixels)
        let labels = try! IDXArray(parsing: [0, 0, 8, 1, 0, 0, 0, UInt8(count)] + (0..<count).map { UInt8($0 % 10) })
        return (images, labels)
    }

    func load(source: String = "test 1", count: Int = 50, first: Int = 0, in dir: String? = nil, reads: Counter? = nil)
        throws -> LabelledImages
    {
        try ImageCache.images(named: "set", source: source, directory: dir ?? folder) {
            reads?.add()
            let (images, labels) = Self.arrays(count: count, first: first)
            return (images, labels, "images", "labels")
        }
    }

    var cachePath: String { folder + "/set.images" }

    /// The images `load` gives, held in memory.
    var expected: LabelledImages {
        let (images, labels) = Self.arrays(count: 50)
        return LabelledImages(bytes: images.bytes, labels: labels.bytes, height: 3, width: 2)
    }

    func inode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as! NSNumber).intValue
    }

    func testFirstUseWritesTheCacheAndLaterOnesMapIt() throws {
        let reads = Counter()
        let first = try load(reads: reads)
        XCTAssertEqual(first.bytes.mappedPath, cachePath)
        XCTAssertNil(first.bytes.note)
        XCTAssertEqual(first.count, 50)
        XCTAssertEqual(Array(first.imageBytes(2)), [12, 13, 14, 15, 16, 17])
        XCTAssertEqual(first.labels[13], 3)
        let size = try FileManager.default.attributesOfItem(atPath: cachePath)[.size] as! Int
        XCTAssertEqual(size, ImageCache.headerSize + 50 * 6 + 50)
        let node = try inode(cachePath)
        let second = try load(reads: reads)
        XCTAssertEqual(reads.value, 1, "the second load reads no source file")
        XCTAssertEqual(try inode(cachePath), node)
        XCTAssertEqual(second, first)
        XCTAssertEqual(second.bytes.mappedPath, cachePath)
        let permissions = try FileManager.default.attributesOfItem(atPath: cachePath)[.posixPermissions] as! Int
        XCTAssertEqual(permissions & 0o444, 0o444, "every user of a shared folder can read it")
    }

    // A kernel that mapped the file sees it change in place (this is why it is written 0644,
    // by one user, and only ever replaced by a rename): the tests compare with fresh images.
    func testADamagedCacheIsRebuilt() throws {
        XCTAssertEqual(try load(), expected)
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: cachePath))
        try handle.seek(toOffset: UInt64(ImageCache.headerSize + 100))
        try handle.write(contentsOf: Data([0xFF, 0xFE]))
        try handle.close()
        let reads = Counter()
        let rebuilt = try load(reads: reads)
        XCTAssertEqual(reads.value, 1)
        XCTAssertEqual(rebuilt, expected)
        XCTAssertEqual(Array(rebuilt.imageBytes(16)), [96, 97, 98, 99, 100, 101])
    }

    func testATruncatedCacheIsRebuilt() throws {
        XCTAssertEqual(try load(), expected)
        XCTAssertEqual(truncate(cachePath, off_t(ImageCache.headerSize + 10)), 0)
        let reads = Counter()
        XCTAssertEqual(try load(reads: reads), expected)
        XCTAssertEqual(reads.value, 1)
        XCTAssertEqual(truncate(cachePath, 7), 0)
        XCTAssertEqual(try load(reads: reads), expected)
        XCTAssertEqual(reads.value, 2)
    }

    func testAStaleCacheIsRebuiltFromTheNewSource() throws {
        let old = try load(source: "test 1")
        let new = try load(source: "test 2", count: 40, first: 5)
        XCTAssertEqual(new.count, 40)
        XCTAssertEqual(Array(new.imageBytes(0)), [5, 6, 7, 8, 9, 10])
        XCTAssertEqual(old.count, 50, "a kernel that mapped the old file keeps its images")
        XCTAssertEqual(Array(old.imageBytes(0)), [0, 1, 2, 3, 4, 5])
    }

    func testAnUnwritableFolderFallsBackToMemoryWithANote() throws {
        // A folder under a regular file cannot be made, even by root.
        let blocker = folder + "-file"
        XCTAssertTrue(FileManager.default.createFile(atPath: blocker, contents: Data()))
        defer { try? FileManager.default.removeItem(atPath: blocker) }
        let images = try load(in: blocker + "/cache")
        XCTAssertNil(images.bytes.mappedPath)
        let note = try XCTUnwrap(images.bytes.note)
        XCTAssertTrue(note.contains("cannot be written") && note.contains(blocker + "/cache"), note)
        XCTAssertEqual(Array(images.imageBytes(1)), [6, 7, 8, 9, 10, 11])
    }

    func testBadSourceFilesAreErrorsNotCaches() throws {
        XCTAssertThrowsError(
            try ImageCache.images(named: "set", source: "s", directory: folder) {
                let (images, _) = Self.arrays(count: 5)
                let (_, labels) = Self.arrays(count: 4)
                return (images, labels, "i", "l")
            }
        ) {
            XCTAssertEqual(
                $0 as? DataFileError, .mismatchedLengths(images: "i", labels: "l", imageCount: 5, labelCount: 4))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: cachePath))
    }

    func testKernelsLoadingAtOnceBuildItOnce() throws {
        let reads = Counter()
        let results = Results()
        let folder = self.folder!
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let images = try? ImageCache.images(named: "set", source: "test 1", directory: folder) {
                reads.add()
                let (images, labels) = ImageCacheTests.arrays(count: 50)
                return (images, labels, "images", "labels")
            }
            if let images { results.add(images) }
        }
        let all = results.all
        XCTAssertEqual(all.count, 8)
        XCTAssertEqual(reads.value, 1)
        XCTAssertTrue(all.allSatisfy { $0 == all[0] && $0.bytes.mappedPath == cachePath })
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [])
    }

    func testIDXFilesAreCachedByPathSizeAndTime() throws {
        let (images, labels) = Self.arrays(count: 12)
        let dir = folder + "-src"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func idx(_ a: IDXArray) -> Data {
            var header: [UInt8] = [0, 0, 8, UInt8(a.dimensions.count)]
            for d in a.dimensions { header += [0, 0, 0, UInt8(d)] }
            return Data(header + a.bytes)
        }
        try idx(images).write(to: URL(fileURLWithPath: dir + "/i.idx"))
        try idx(labels).write(to: URL(fileURLWithPath: dir + "/l.idx"))
        let first = try ImageCache.images(ofFiles: dir + "/i.idx", dir + "/l.idx", directory: folder)
        XCTAssertEqual(first.bytes.mappedPath?.hasPrefix(folder + "/idx-"), true)
        XCTAssertEqual(
            try ImageCache.images(ofFiles: dir + "/i.idx", dir + "/l.idx", directory: folder).bytes.mappedPath,
            first.bytes.mappedPath)
        // The learner changes a file: the cache follows.
        let (changed, _) = Self.arrays(count: 12, first: 100)
        try idx(changed).write(to: URL(fileURLWithPath: dir + "/i.idx"))
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: dir + "/i.idx")
        let second = try ImageCache.images(ofFiles: dir + "/i.idx", dir + "/l.idx", directory: folder)
        XCTAssertEqual(Array(second.imageBytes(0)), [100, 101, 102, 103, 104, 105])
        XCTAssertThrowsError(try ImageCache.images(ofFiles: dir + "/none.idx", dir + "/l.idx", directory: folder)) {
            XCTAssertEqual($0 as? DataFileError, .missing(path: dir + "/none.idx"))
        }
    }

    func testSlicesAndLabelsAreViewsOfTheSameBytes() throws {
        let all = try load()
        let slice = all.slice(10..<30)
        XCTAssertTrue(slice.bytes === all.bytes)
        XCTAssertNil(slice.rows)
        XCTAssertEqual(Array(slice.imageBytes(0)), Array(all.imageBytes(10)))
        let threes = all.subset(all.labels.indices.filter { all.labels[$0] == 3 })
        XCTAssertTrue(threes.bytes === all.bytes)
        XCTAssertEqual(threes.rows, [3, 13, 23, 33, 43])
        let inner = threes.slice(1..<3).slice(1..<2)
        XCTAssertEqual(Array(inner.imageBytes(0)), Array(all.imageBytes(23)))
        XCTAssertEqual(slice.slice(5..<6).storage.base, all.storage.base + 15 * 6)
        XCTAssertEqual(slice.pixels, Array(all.pixels[60..<180]))
    }

    /// The Float32 pixels are the bytes times the same single-precision 1/255 as always.
    func testPixelsAreTheBytesOver255AsBefore() throws {
        let bytes = (0..<256).map { UInt8($0) }
        let images = LabelledImages(bytes: bytes, labels: [UInt8](repeating: 0, count: 64), height: 2, width: 2)
        let scale: Float = 1.0 / 255.0
        XCTAssertEqual(images.pixels, bytes.map { Float($0) * scale })
        XCTAssertEqual(images.pixels[255], 1)
        XCTAssertEqual(images.pixelRange?.lowest, 0)
        XCTAssertEqual(images.pixelRange?.highest, 1)
    }
}
