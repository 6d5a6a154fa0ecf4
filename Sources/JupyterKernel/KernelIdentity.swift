import Foundation
import Session

/// What `kernel_info_reply` says about Latent.
public struct KernelIdentity: Sendable {
    public struct HelpLink: Sendable, Equatable {
        public var text: String
        public var url: String
        public init(text: String, url: String) {
            self.text = text
            self.url = url
        }
    }

    public var helpLinks: [HelpLink]

    public init(helpLinks: [HelpLink]) {
        self.helpLinks = helpLinks
    }

    public static let banner = """
        Latent \(LatentVersion.string): a small language for learning autoencoders.
        Try `help`, then `data = mnist`.
        """

    public var content: JSONValue {
        [
            "status": "ok",
            "protocol_version": .string(MessageFactory.protocolVersion),
            "implementation": "latent",
            "implementation_version": .string(LatentVersion.string),
            "language_info": [
                "name": "latent",
                "version": .string(LatentVersion.string),
                "mimetype": "text/x-latent",
                "file_extension": ".latent",
                // No lexer knows Latent: plain text exports cleanly everywhere, and the editor's
                // shell mode colours what Latent shares with it: # comments, "strings", numbers.
                "pygments_lexer": "text",
                "codemirror_mode": "shell",
            ],
            "banner": .string(Self.banner),
            "debugger": false,
            "help_links": .array(helpLinks.map { ["text": .string($0.text), "url": .string($0.url)] }),
        ]
    }
}

extension KernelIdentity {
    /// Help links to the lessons and the language reference: under $LATENT_DOCS_URL when set,
    /// else file URLs into the source tree the binary was built in (found by walking up).
    public static func standard(
        executable: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> KernelIdentity {
        if let base = environment["LATENT_DOCS_URL"], !base.isEmpty {
            let root = base.hasSuffix("/") ? base : base + "/"
            return KernelIdentity(helpLinks: [
                HelpLink(text: "Latent lessons", url: root + "Lessons/"),
                HelpLink(text: "Latent language reference", url: root + "docs/language.md"),
            ])
        }
        var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let reference = folder.appendingPathComponent("docs/language.md")
            if FileManager.default.fileExists(atPath: reference.path) {
                return KernelIdentity(helpLinks: [
                    HelpLink(text: "Latent lessons", url: folder.appendingPathComponent("Lessons").absoluteString),
                    HelpLink(text: "Latent language reference", url: reference.absoluteString),
                ])
            }
            folder = folder.deletingLastPathComponent()
        }
        return KernelIdentity(helpLinks: [])
    }
}
