/// The version of Latent, shown in `kernel_info`, `--version` and saved model files.
public enum LatentVersion {
    public static let string = "0.1.0"
}
