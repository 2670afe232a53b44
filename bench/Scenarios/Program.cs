using Scenarios;

// bench/Scenarios: the benchmark scenarios that need a running bridge and provider fakes (bench/Scenarios/README.md).
//   dotnet bench/Scenarios/bin/Release/net10.0/Scenarios.dll <drain|end-to-end|growth> [--smoke] [--postgres-port PORT] [--json FILE]
// Exit 0 when the scenario ran (targets not met are reported, not failures); otherwise 1 and one line on stderr.
try
{
    var options = ScenarioOptions.Parse(args);
    // Every run stops by itself: a scenario that hangs is a failure, not a stuck CI job.
    using var limit = new CancellationTokenSource(options.TimeLimit);
    var report = options.Scenario switch
    {
        "drain" => await DrainScenario.RunAsync(options, limit.Token),
        "end-to-end" => await EndToEndScenario.RunAsync(options, limit.Token),
        "growth" => await GrowthScenario.RunAsync(options, limit.Token),
        _ => throw new BenchFailure($"unknown scenario '{options.Scenario}' (drain, end-to-end, growth)"),
    };
    report.Print();
    if (options.JsonPath is { } json)
        report.WriteJson(json);
    return 0;
}
catch (BenchFailure failure)
{
    Console.Error.WriteLine($"scenarios: FAILED: {failure.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("scenarios: FAILED: the time limit was reached");
    return 1;
}
