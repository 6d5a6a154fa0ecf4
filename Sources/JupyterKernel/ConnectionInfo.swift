import Foundation

/// What Jupyter's connection file says: where to bind each socket, the signing key, and the
/// optional CurveZMQ keys (jupyter_client >= 8.10 `transport_encryption`, Z85 text).
public struct ConnectionInfo: Sendable, Equatable {
    public var transport: String
    public var ip: String
    public var shellPort: Int
    public var iopubPort: Int
    public var stdinPort: Int
    public var controlPort: Int
    public var heartbeatPort: Int
    public var key: String
    public var signatureScheme: String
    public var curvePublicKey: String?
    public var curveSecretKey: String?

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case notJSON(path: String)
        case missing(field: String)
        case unsupportedTransport(String)
        case unsupportedSignatureScheme(String)
        case badCurveKey(field: String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): return "cannot read connection file \(path): \(reason)"
            case .notJSON(let path): return "connection file \(path) is not a JSON object"
            case .missing(let field): return "connection file has no \(field)"
            case .unsupportedTransport(let name): return "transport \(name) is not supported (tcp or ipc)"
            case .unsupportedSignatureScheme(let name):
                return "signature scheme \(name) is not supported (hmac-sha256 only)"
            case .badCurveKey(let field): return "\(field) is not a 40-character Z85 CurveZMQ key"
            }
        }
    }

    public static func load(path: String) throws(Problem) -> ConnectionInfo {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        guard let json = try? JSONValue.decode(Array(data)), json.objectValue != nil else {
            throw .notJSON(path: path)
        }
        return try parse(json)
    }

    public static func parse(_ json: JSONValue) throws(Problem) -> ConnectionInfo {
        func port(_ name: String) throws(Problem) -> Int {
            guard let value = json[name]?.intValue else { throw .missing(field: name) }
            return value
        }
        let transport = json["transport"]?.stringValue ?? "tcp"
        guard transport == "tcp" || transport == "ipc" else { throw .unsupportedTransport(transport) }
        let scheme = json["signature_scheme"]?.stringValue ?? "hmac-sha256"
        guard scheme == "hmac-sha256" else { throw .unsupportedSignatureScheme(scheme) }
        let info = ConnectionInfo(
            transport: transport,
            ip: json["ip"]?.stringValue ?? "127.0.0.1",
            shellPort: try port("shell_port"), iopubPort: try port("iopub_port"),
            stdinPort: try port("stdin_port"), controlPort: try port("control_port"),
            heartbeatPort: try port("hb_port"),
            key: json["key"]?.stringValue ?? "",
            signatureScheme: scheme,
            curvePublicKey: json["curve_publickey"]?.stringValue,
            curveSecretKey: json["curve_secretkey"]?.stringValue)
        for (field, key) in [("curve_publickey", info.curvePublicKey), ("curve_secretkey", info.curveSecretKey)] {
            if let key, key.utf8.count != 40 { throw .badCurveKey(field: field) }
        }
        return info
    }

    /// CurveZMQ is on when the file carries the server's secret key.
    public var usesCurve: Bool { curveSecretKey != nil }

    /// The ZeroMQ endpoint for a port: `tcp://ip:port`, or `ipc://ip-port` as jupyter_client names it.
    public func endpoint(port: Int) -> String {
        if transport == "ipc" { return "ipc://\(ip)-\(port)" }
        let host = ip.contains(":") && !ip.hasPrefix("[") ? "[\(ip)]" : ip
        return "tcp://\(host):\(port)"
    }
}
