import XCTest

@testable import JupyterKernel

final class JSONAndConnectionTests: XCTestCase {
    func testJSONKeepsIntegersBooleansAndFloatsApart() throws {
        let value = try JSONValue.decode(Array(#"{"a":1,"b":true,"c":1.5,"d":null,"e":["x"],"f":"/p"}"#.utf8))
        XCTAssertEqual(value["a"], .int(1))
        XCTAssertEqual(value["b"], .bool(true))
        XCTAssertEqual(value["c"], .double(1.5))
        XCTAssertEqual(value["d"], .null)
        XCTAssertEqual(value["e"], ["x"])
        XCTAssertEqual(try JSONValue.decode(value.encoded()), value)
        XCTAssertTrue(String(decoding: value.encoded(), as: UTF8.self).contains(#""/p""#))
        XCTAssertThrowsError(try JSONValue.decode(Array("{".utf8)))
    }

    let file: JSONValue = [
        "shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005,
        "ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "latent",
    ]

    func testParsesTCPAndIPCEndpoints() throws {
        let tcp = try ConnectionInfo.parse(file)
        XCTAssertEqual(tcp.endpoint(port: tcp.shellPort), "tcp://127.0.0.1:5001")
        XCTAssertFalse(tcp.usesCurve)
        var ipc = file.objectValue!
        ipc["transport"] = "ipc"
        ipc["ip"] = "/tmp/kernel-1"
        let info = try ConnectionInfo.parse(.object(ipc))
        XCTAssertEqual(info.endpoint(port: info.heartbeatPort), "ipc:///tmp/kernel-1-5005")
        var v6 = file.objectValue!
        v6["ip"] = "::1"
        XCTAssertEqual(try ConnectionInfo.parse(.object(v6)).endpoint(port: 1), "tcp://[::1]:1")
    }

    func testRejectsIncompleteOrUnsupportedFiles() {
        var missing = file.objectValue!
        missing["hb_port"] = nil
        XCTAssertThrowsError(try ConnectionInfo.parse(.object(missing))) {
            XCTAssertEqual($0 as? ConnectionInfo.Problem, .missing(field: "hb_port"))
        }
        var udp = file.objectValue!
        udp["transport"] = "udp"
        XCTAssertThrowsError(try ConnectionInfo.parse(.object(udp)))
        var md5 = file.objectValue!
        md5["signature_scheme"] = "hmac-md5"
        XCTAssertThrowsError(try ConnectionInfo.parse(.object(md5)))
        XCTAssertThrowsError(try ConnectionInfo.load(path: "/nonexistent/connection.json"))
    }

    func testReadsCurveKeys() throws {
        var curve = file.objectValue!
        curve["curve_publickey"] = .string(String(repeating: "a", count: 40))
        curve["curve_secretkey"] = .string(String(repeating: "b", count: 40))
        XCTAssertTrue(try ConnectionInfo.parse(.object(curve)).usesCurve)
        curve["curve_secretkey"] = "short"
        XCTAssertThrowsError(try ConnectionInfo.parse(.object(curve)))
    }
}
