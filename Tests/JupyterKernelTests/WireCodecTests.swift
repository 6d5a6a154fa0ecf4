import XCTest

@testable import JupyterKernel

final class WireCodecTests: XCTestCase {
    let codec = WireCodec(signer: MessageSigner(key: "secret-key"))

    func frames(signature: String, parts: [String], identities: [String] = ["id"]) -> [[UInt8]] {
        identities.map { Array($0.utf8) } + [WireCodec.delimiter, Array(signature.utf8)] + parts.map { Array($0.utf8) }
    }

    func testSignatureMatchesPythonHMAC() {
        // Reference: hmac.new(b"secret-key", digestmod=sha256) updated with the four parts.
        let parts = [#"{"msg_type":"kernel_info_request"}"#, "{}", "{}", "{}"].map { Array($0.utf8) }
        XCTAssertEqual(
            MessageSigner(key: "secret-key").signature(of: parts),
            "d17a518f90349ab4b45de23230479bdf374054dd63a38de80b2e81572e765d0f")
    }

    func testAcceptsCorrectlySignedFramesAndKeepsIdentitiesAndBuffers() throws {
        let parts = [#"{"msg_type":"kernel_info_request","msg_id":"a"}"#, "{}", "{}", #"{"n":1}"#]
        var wire = frames(signature: "d17a", parts: parts, identities: ["router-a", "router-b"])
        wire[3] = Array(codec.signer.signature(of: parts.map { Array($0.utf8) }).utf8)
        wire.append([1, 2, 3])
        let message = try codec.decode(wire).get()
        XCTAssertEqual(message.identities, [Array("router-a".utf8), Array("router-b".utf8)])
        XCTAssertEqual(message.msgType, "kernel_info_request")
        XCTAssertEqual(message.content["n"], .int(1))
        XCTAssertEqual(message.buffers, [[1, 2, 3]])
    }

    func testEncodeThenDecodeRoundTrips() throws {
        let factory = MessageFactory()
        let original = factory.message(
            type: "execute_reply", content: ["status": "ok", "execution_count": 3, "ratio": 0.5, "flag": true],
            parent: nil, identities: [Array("peer".utf8)])
        let decoded = try codec.decode(codec.encode(original)).get()
        XCTAssertEqual(decoded, original)
        XCTAssertEqual(decoded.content["execution_count"], .int(3))
        XCTAssertEqual(decoded.content["flag"], .bool(true))
    }

    func testRejectsBadSignatureUnsignedAndTamperedMessages() {
        let good = codec.encode(MessageFactory().message(type: "kernel_info_request", content: [:], parent: nil))
        var unsigned = good
        unsigned[1] = []
        XCTAssertEqual(codec.decode(unsigned).failure, .badSignature)
        var wrong = good
        wrong[1] = Array(String(repeating: "0", count: 64).utf8)
        XCTAssertEqual(codec.decode(wrong).failure, .badSignature)
        var notHex = good
        notHex[1] = Array(String(repeating: "z", count: 64).utf8)
        XCTAssertEqual(codec.decode(notHex).failure, .badSignature)
        var tampered = good
        tampered[5] = Array(#"{"code":"evil"}"#.utf8)
        XCTAssertEqual(codec.decode(tampered).failure, .badSignature)
        let otherKey = WireCodec(signer: MessageSigner(key: "other"))
        XCTAssertEqual(otherKey.decode(good).failure, .badSignature)
    }

    func testRejectsReplayedMessages() {
        let wire = codec.encode(MessageFactory().message(type: "kernel_info_request", content: [:], parent: nil))
        XCTAssertNotNil(try? codec.decode(wire).get())
        XCTAssertEqual(codec.decode(wire).failure, .duplicateSignature)
    }

    func testRejectsMalformedFrames() {
        XCTAssertEqual(codec.decode([Array("no delimiter".utf8)]).failure, .missingDelimiter)
        XCTAssertEqual(codec.decode([WireCodec.delimiter, [], Array("{}".utf8)]).failure, .tooFewFrames(2))
        XCTAssertEqual(codec.decode([]).failure, .missingDelimiter)
        let broken = ["{not json", "{}", "{}", "{}"]
        let signed = frames(signature: codec.signer.signature(of: broken.map { Array($0.utf8) }), parts: broken)
        XCTAssertEqual(codec.decode(signed).failure, .invalidJSON(part: "header"))
        let array = ["[]", "{}", "{}", "{}"]
        XCTAssertEqual(
            codec.decode(frames(signature: codec.signer.signature(of: array.map { Array($0.utf8) }), parts: array))
                .failure, .notAnObject(part: "header"))
        let untyped = [#"{"msg_id":"x"}"#, "{}", "{}", "{}"]
        XCTAssertEqual(
            codec.decode(frames(signature: codec.signer.signature(of: untyped.map { Array($0.utf8) }), parts: untyped))
                .failure, .missingMessageType)
    }

    func signedFrames(_ parts: [String], extra: [[UInt8]] = []) -> [[UInt8]] {
        frames(signature: codec.signer.signature(of: parts.map { Array($0.utf8) }), parts: parts) + extra
    }

    func testRejectsTooManyFramesAndTooManyBytesBeforeCheckingTheSignature() {
        let parts = [#"{"msg_type":"kernel_info_request"}"#, "{}", "{}", "{}"]
        let buffers = Array(repeating: [UInt8](), count: 300)
        XCTAssertEqual(codec.decode(signedFrames(parts, extra: buffers)).failure, .tooManyFrames(307, limit: 256))
        // Frames that are not even a message are counted first: nothing is parsed or hashed.
        XCTAssertEqual(
            codec.decode(Array(repeating: [0xff], count: 1000)).failure, .tooManyFrames(1000, limit: 256))
        let small = WireLimits(maxFrames: 20, maxBytes: 100)
        let big = signedFrames(parts, extra: [Array(repeating: 7, count: 64)])
        let size = big.reduce(0) { $0 + $1.count }  // every frame counts: identities and signature too
        XCTAssertEqual(codec.decode(big, limits: small).failure, .tooLarge(bytes: size, limit: 100))
        XCTAssertEqual(try codec.decode(big).get().buffers.first?.count, 64)
        XCTAssertEqual(WireError.tooManyFrames(307, limit: 256).description, "307 frames (at most 256)")
    }

    func testSignedButMalformedJSONIsRejectedNeverTrapped() {
        // Each is correctly signed, so only the JSON stands between it and the kernel.
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let cases: [(String, WireError)] = [
            (#"{"msg_type":"x","a":"\#u{0}"}"#, .invalidJSON(part: "header")),
            (deep, .invalidJSON(part: "header")),
            (#"{"msg_type":"x","n":NaN}"#, .invalidJSON(part: "header")),
            ("", .invalidJSON(part: "header")),
            ("null", .notAnObject(part: "header")),
            (#""msg_type""#, .notAnObject(part: "header")),
            (#"{"msg_type":7}"#, .missingMessageType),
            (#"{"msg_type":null}"#, .missingMessageType),
        ]
        for (header, expected) in cases {
            XCTAssertEqual(codec.decode(signedFrames([header, "{}", "{}", "{}"])).failure, expected, header)
        }
        var invalidUTF8 = signedFrames([#"{"msg_type":"kernel_info_request"}"#, "{}", "{}", "{}"])
        invalidUTF8[6] = Array(#"{""#.utf8) + [0xff, 0xfe] + Array(#"":1}"#.utf8)
        invalidUTF8[2] = Array(codec.signer.signature(of: Array(invalidUTF8[3...6])).utf8)
        XCTAssertEqual(codec.decode(invalidUTF8).failure, .invalidJSON(part: "content"))
        // Numbers past Int are kept as doubles; a huge exponent is not a crash either.
        let huge = try? codec.decode(
            signedFrames([#"{"msg_type":"x","n":123456789012345678901234567890,"m":1e400}"#, "{}", "{}", "{}"])
        ).get()
        XCTAssertNil(huge?.header["n"]?.intValue)
    }

    func testLogQuotesValuesOnOneShortLine() {
        XCTAssertEqual(KernelLog.quoted("execute_request"), #""execute_request""#)
        XCTAssertEqual(KernelLog.quoted("a\nb\"c"), #""a\u{a}b\"c""#)
        XCTAssertEqual(KernelLog.quoted(String(repeating: "x", count: 1000), limit: 5), #""xxxxx…""#)
    }

    func testEmptyKeyMeansNoSigning() throws {
        let open = WireCodec(signer: MessageSigner(key: ""))
        let wire = frames(signature: "", parts: [#"{"msg_type":"kernel_info_request"}"#, "{}", "{}", "{}"])
        XCTAssertEqual(try open.decode(wire).get().msgType, "kernel_info_request")
        XCTAssertEqual(open.encode(MessageFactory().message(type: "status", content: [:], parent: nil))[1], [])
    }

    func testHeaderHasEverythingTheSpecRequires() {
        let header = MessageFactory(session: "s").header(type: "status")
        for key in ["msg_id", "msg_type", "session", "username", "date", "version"] {
            XCTAssertNotNil(header[key]?.stringValue, key)
        }
        XCTAssertEqual(header["version"], "5.4")
        let date = header["date"]?.stringValue ?? ""
        XCTAssertTrue(
            date.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$"#, options: .regularExpression) != nil, date)
        XCTAssertNotEqual(MessageFactory().header(type: "a")["msg_id"], MessageFactory().header(type: "a")["msg_id"])
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
