using System.Globalization;

namespace Scenarios;

/// <summary>A run's failure, said in one line (no learner data: the benchmark's learners are made up anyway).</summary>
internal sealed class BenchFailure(string message) : Exception(message);

/// <summary>The command line: which scenario, full or smoke, which store, where the JSON goes.</summary>
internal sealed record ScenarioOptions(string Scenario, bool Smoke, int PostgresPort, string? JsonPath)
{
    public bool OnPostgres => PostgresPort > 0;

    public string StoreName => OnPostgres ? "PostgreSQL" : "SQLite";

    public TimeSpan TimeLimit => Smoke ? TimeSpan.FromMinutes(3) : TimeSpan.FromMinutes(20);

    /// <summary>The command that reproduces this run, for the report.</summary>
    public string Command =>
        $"dotnet bench/Scenarios/bin/Release/net10.0/Scenarios.dll {Scenario}{(Smoke ? " --smoke" : "")}{(OnPostgres ? " --postgres-port $BENCH_PG_PORT" : "")}";

    public static ScenarioOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
            throw new BenchFailure("usage: Scenarios <drain|end-to-end|growth> [--smoke] [--postgres-port PORT] [--json FILE]");
        var smoke = false;
        var port = 0;
        string? json = null;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--smoke":
                    smoke = true;
                    break;
                case "--postgres-port" when i + 1 < args.Length:
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
                        throw new BenchFailure($"--postgres-port must be a TCP port (got '{args[i]}')");
                    break;
                case "--json" when i + 1 < args.Length:
                    json = args[++i];
                    break;
                default:
                    throw new BenchFailure($"unknown or incomplete argument '{args[i]}'");
            }
        }
        return new ScenarioOptions(args[0], smoke, port, json);
    }
}
