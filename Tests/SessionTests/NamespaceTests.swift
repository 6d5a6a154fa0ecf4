import XCTest

@testable import Session

/// One place binds, replaces and deletes names, and says what a replacement loses.
final class NamespaceTests: XCTestCase {
    func testReplacingSaysWhatWasThereAndKeepsOneEntryPerName() throws {
        let t = try TestSession()
        t.run("small = mnist train 100 test 10")
        t.run("model ae:\n    dense 8 relu\n    latent 2\n    dense 784 sigmoid")
        t.run("train ae on small epochs 1 batch 50")
        XCTAssertEqual(t.session.names.order, ["small", "ae"])
        let dataOverModel = t.run("ae = mnist train 20 test 5")
        XCTAssertTrue(dataOverModel.contains("(replaces the model ae, trained 1 epochs)"), dataOverModel)
        XCTAssertNil(t.session.names.model("ae"))
        XCTAssertEqual(t.session.names.data("ae")?.trainImages.count, 20)
        let modelOverData = t.run("model small:\n    dense 8 relu\n    latent 2\n    dense 784 sigmoid")
        XCTAssertTrue(modelOverData.contains("(replaces the data small)"), modelOverData)
        XCTAssertEqual(t.session.names.order, ["ae", "small"], "a replaced name moves to the end")
        let dataOverData = t.run("ae = mnist train 30 test 5")
        XCTAssertTrue(dataOverData.contains("(replaces the earlier ae: 20 train / 5 test images)"), dataOverData)
        t.run("delete ae small")
        XCTAssertTrue(t.session.names.isEmpty)
    }

    func testLoadingOverANameSaysWhatItReplaces() throws {
        let t = try TestSession()
        t.run("small = mnist train 100 test 10")
        t.run("model ae:\n    dense 8 relu\n    latent 2\n    dense 784 sigmoid")
        t.run("train ae on small epochs 2 batch 50")
        t.run("save ae \"ae.model\"")
        let loaded = t.run("load ae \"ae.model\"")
        XCTAssertTrue(loaded.contains("(replaces the earlier ae, trained 2 epochs)"), loaded)
        XCTAssertEqual(t.session.names.modelNames, ["ae"])
        XCTAssertEqual(t.session.names.dataNames, ["small"])
    }
}
