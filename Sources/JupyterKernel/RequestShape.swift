/// What a request's header and content must hold, checked before it is handled. A field that
/// is present and not null must have the type the messaging spec gives it; the few a request
/// cannot do without (the code of an execute request, a comm's id) must be there. A request
/// that fails is refused: one log line, no reply, no status, as for a bad signature; nothing
/// past this point sees a number where the spec says string.
enum RequestShape {
    enum Kind: String {
        case string, boolean, integer, object

        func admits(_ value: JSONValue) -> Bool {
            switch (self, value) {
            case (.string, .string), (.boolean, .bool), (.object, .object): return true
            case (.integer, _): return value.intValue != nil
            default: return false
            }
        }
    }

    struct Field {
        let name: String
        let kind: Kind
        var required = false
    }

    static let header: [Field] = ["msg_id", "msg_type", "session", "username", "date", "version"].map {
        Field(name: $0, kind: .string)
    }

    /// Per request type, the content fields the kernel reads (and those a comm carries).
    static let content: [String: [Field]] = [
        "execute_request": [
            Field(name: "code", kind: .string, required: true), Field(name: "silent", kind: .boolean),
            Field(name: "store_history", kind: .boolean), Field(name: "user_expressions", kind: .object),
            Field(name: "allow_stdin", kind: .boolean), Field(name: "stop_on_error", kind: .boolean),
        ],
        "complete_request": [
            Field(name: "code", kind: .string, required: true), Field(name: "cursor_pos", kind: .integer),
        ],
        "inspect_request": [
            Field(name: "code", kind: .string, required: true), Field(name: "cursor_pos", kind: .integer),
            Field(name: "detail_level", kind: .integer),
        ],
        "is_complete_request": [Field(name: "code", kind: .string, required: true)],
        "history_request": [
            Field(name: "output", kind: .boolean), Field(name: "raw", kind: .boolean),
            Field(name: "hist_access_type", kind: .string), Field(name: "session", kind: .integer),
            Field(name: "start", kind: .integer), Field(name: "stop", kind: .integer),
            Field(name: "n", kind: .integer), Field(name: "pattern", kind: .string),
            Field(name: "unique", kind: .boolean),
        ],
        "comm_info_request": [Field(name: "target_name", kind: .string)],
        "shutdown_request": [Field(name: "restart", kind: .boolean)],
        "comm_open": [
            Field(name: "comm_id", kind: .string, required: true),
            Field(name: "target_name", kind: .string, required: true), Field(name: "data", kind: .object),
        ],
        "comm_msg": [Field(name: "comm_id", kind: .string, required: true), Field(name: "data", kind: .object)],
        "comm_close": [Field(name: "comm_id", kind: .string, required: true), Field(name: "data", kind: .object)],
    ]

    /// Why `request` cannot be handled, or nil when its header and content have the right shape.
    static func problem(with request: Message) -> String? {
        if let problem = check(request.header, against: header, part: "header") { return problem }
        return check(request.content, against: content[request.msgType] ?? [], part: "content")
    }

    private static func check(_ object: JSONValue, against fields: [Field], part: String) -> String? {
        for field in fields {
            switch object[field.name] {
            case nil, .null?:
                if field.required { return "\(part).\(field.name) is missing" }
            case let value?:
                if !field.kind.admits(value) {
                    return "\(part).\(field.name) is \(describe(value)), not \(article(field.kind))"
                }
            }
        }
        return nil
    }

    private static func article(_ kind: Kind) -> String {
        kind == .integer || kind == .object ? "an \(kind.rawValue)" : "a \(kind.rawValue)"
    }

    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
