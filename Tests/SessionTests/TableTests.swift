import FoundationXML
import XCTest

@testable import Session

/// The one table renderer: plain text with aligned columns and rules, HTML with the title in a
/// block above the table, right-aligned columns marked, cells escaped, the footer in tfoot.
final class TableTests: XCTestCase {
    let table = Table(
        title: "ae on data <train>",
        columns: [("epoch", .left), ("train loss", .right), ("note", .left)],
        rows: [["1", "0.0812", "first"], ["10", "0.031", "<best>"]],
        footer: [["total", "0.1122", ""]])

    func testPlainTextAlignsColumns() {
        XCTAssertEqual(
            table.plainText,
            """
            ae on data <train>
            epoch  train loss  note
            -------------------------
            1          0.0812  first
            10          0.031  <best>
            -------------------------
            total      0.1122
            """)
    }

    func testHTMLPutsTheTitleAboveAndEscapes() throws {
        XCTAssertEqual(
            table.html,
            "<div class=\"latent-table-title\">ae on data &lt;train&gt;</div><table class=\"latent-table\">"
                + "<thead><tr><th>epoch</th><th style=\"text-align:right\">train loss</th><th>note</th></tr></thead>"
                + "<tbody><tr><td>1</td><td style=\"text-align:right\">0.0812</td><td>first</td></tr>"
                + "<tr><td>10</td><td style=\"text-align:right\">0.031</td><td>&lt;best&gt;</td></tr></tbody>"
                + "<tfoot><tr><th>total</th><th style=\"text-align:right\">0.1122</th><th></th></tr></tfoot></table>")
        XCTAssertNoThrow(try XMLDocument(xmlString: "<root>\(table.html)</root>", options: []))
        XCTAssertEqual(table.bundle.data["text/plain"], table.plainText)
    }
}
