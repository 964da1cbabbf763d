/// The version of this Enclave build.
public enum EnclaveVersion {
    /// Semantic version of the binary; the installer compares these.
    public static let current = "0.1.0"
}
