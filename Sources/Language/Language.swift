/// The lesson language: lexer, parser, syntax tree with source ranges, diagnostics.
public enum LanguageInfo {
    public static let name = "latent"
    public static let fileExtension = ".latent"
}
