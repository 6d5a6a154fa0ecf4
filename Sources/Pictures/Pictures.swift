/// Pictures: PNG and animated PNG over zlib, digit grids, SVG charts, tables, embeddings.
public enum PicturesInfo {
    public static let version = 1
}
