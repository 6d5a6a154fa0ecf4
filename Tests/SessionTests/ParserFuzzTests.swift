import Foundation
import Support
import XCTest

@testable import Language
@testable import Session

/// Mutates the golden scripts and the sketch's examples (seeded, bounded in count and time) and
/// checks that the parser never crashes or hangs, and that every diagnostic lies inside the source
/// with line and column agreeing with its offset.
final class ParserFuzzTests: XCTestCase {

    static let pieces: [String] =
        [
            "\"", ":", "[", "]", ".", "=", "-", "#", "\n", "    ", "\t", "0", "1e-", "9999999999999999999999", "é", "😀",
            "“", "\\",
            "\r\n", ",", "(", ")", " ",
        ] + StatementTable.lesson.words + Vocabulary.layerKinds + Vocabulary.activations
        + ["on", "epochs", "label", "kl", "weight", "gaussian", "test", "train"]

    func corpus() throws -> [String] {
        let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("scripts").standardized
        var texts = SketchExamples.all + (try LessonCells.all())
        for file in try FileManager.default.contentsOfDirectory(atPath: scripts.path) where file.hasSuffix(".latent") {
            texts.append(try String(contentsOf: scripts.appendingPathComponent(file), encoding: .utf8))
        }
        return texts
    }

    func mutate(_ text: String, _ g: inout SplitMix64) -> String {
        var s = Array(text.unicodeScalars)
        for _ in 0..<(1 + g.below(4)) {
            let at = g.below(s.count + 1)
            switch g.below(6) {
            case 0 where !s.isEmpty: s.remove(at: min(at, s.count - 1))
            case 1: s.insert(contentsOf: Self.pieces[g.below(Self.pieces.count)].unicodeScalars, at: at)
            case 2 where s.count > 1:
                let i = min(at, s.count - 2)
                s.swapAt(i, i + 1)
            case 3: s = Array(s[0..<at])
            case 4 where !s.isEmpty:
                let lo = g.below(s.count), hi = min(s.count, lo + g.below(40))
                s.insert(contentsOf: s[lo..<hi], at: at)
            default:
                s.insert(contentsOf: (0..<g.below(5)).map { _ in Unicode.Scalar(UInt8(32 + g.below(95))) }, at: at)
            }
        }
        var v = String.UnicodeScalarView()
        v.append(contentsOf: s)
        return String(v)
    }

    func testMutatedScriptsNeverCrashOrHangAndRangesStayInside() throws {
        let texts = try corpus()
        // SplitMix64: small and seedable, so a failure can be replayed.
        var g = SplitMix64(seed: 20_261_123)
        let deadline = Date().addingTimeInterval(5)
        var runs = 0
        while runs < 3000 && Date() < deadline {
            let source = mutate(texts[g.below(texts.count)], &g)
            let started = Date()
            let (_, diagnostics) = Parser(source).parse()
            _ = Parser.completeness(of: source)
            XCTAssertLessThan(Date().timeIntervalSince(started), 1.0, "parsing took too long:\n\(source)")
            check(diagnostics, in: source)
            _ = DiagnosticRenderer(source: source).render(diagnostics)
            runs += 1
        }
        print("parser fuzz: \(runs) mutated cells parsed")
        XCTAssertGreaterThan(runs, 200)
    }

    func check(_ diagnostics: [Diagnostic], in source: String) {
        let scalars = Array(source.unicodeScalars)
        // The (line, column) of every offset, including the end.
        var positions = [(Int, Int)]()
        var line = 1, column = 1
        for c in scalars {
            positions.append((line, column))
            if c == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        positions.append((line, column))
        for d in diagnostics {
            let r = d.range
            XCTAssertTrue(
                0 <= r.start.offset && r.start.offset <= r.end.offset && r.end.offset <= scalars.count,
                "\(d.message) at \(r) outside 0...\(scalars.count):\n\(source)")
            guard r.start.offset <= scalars.count, r.end.offset <= scalars.count else { continue }
            XCTAssertTrue(
                positions[r.start.offset] == (r.start.line, r.start.column),
                "\(d.message): \(r.start) does not match offset \(r.start.offset):\n\(source)")
            XCTAssertTrue(positions[r.end.offset] == (r.end.line, r.end.column), "\(d.message): end \(r.end)")
        }
    }
}

extension SplitMix64 {
    /// Uniform in 0..<n (0 when n is not positive).
    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
}
