/// Decides where a request lands on a host (Nova's
/// `numa_fit_instance_to_host` plus `PciDeviceStats`). Pure: no I/O.
public enum Fitter {
    /// The decision for `request` on `host`. Never throws: an invalid request
    /// is a no-fit whose reason starts with "invalid request:".
    public static func fit(_ request: Request, on host: HostSnapshot) -> Decision {
        .noFit("fitting is not implemented yet")
    }
}
