import ArgumentParser

@main
struct RestrackBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restrack-bench", abstract: "restrack's benchmarks.",
        subcommands: [FitBench.self, LedgerBench.self, LedgerWorker.self, DashboardBench.self, ProbeBench.self, MetricsBench.self,
                      PlacementBench.self])
}
