import Session

/// The Jupyter kernel: messaging over ZeroMQ, signing, threads, kernelspec install.
public enum KernelInfo {
    public static let protocolVersion = "5.4"
}
