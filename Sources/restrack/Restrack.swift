import ArgumentParser

struct Restrack: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restrack",
        abstract: "Track and hand out a compute host's NUMA cells, pinned CPUs, hugepages and PCI/SR-IOV devices.",
        version: RestrackVersion.current,
        subcommands: [
            DashboardCommand.self,
            SnapshotCommand.self,
            FitCommand.self,
            ClaimCommand.self,
            ConfirmCommand.self,
            ReleaseCommand.self,
            AbortCommand.self,
            ListCommand.self,
            AuditCommand.self,
            CheckCommand.self,
            ObserveCommand.self,
            CaptureCommand.self,
            MetricsCommand.self,
            PlacementCommand.self,
        ],
        defaultSubcommand: DashboardCommand.self
    )
}
