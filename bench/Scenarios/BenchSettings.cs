namespace Scenarios;

/// <summary>The settings every scenario's bridge starts with: the store, the shared secret, quiet logs.</summary>
internal static class BenchSettings
{
    public const string AdminToken = "bench-admin-token-0123456789abcdef";

    public static Dictionary<string, string> For(BenchStore store, IReadOnlyDictionary<string, string> deleters)
    {
        var settings = new Dictionary<string, string>(store.Settings)
        {
            ["Webhook:Secrets:0"] = NotificationSender.Secret,
            ["Admin:Tokens:0"] = AdminToken,
            // One line per accepted notification is the shipped level; the figures here are the pipeline's, and the
            // ingest benchmark measures the log's cost.
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in deleters)
            settings[key] = value;
        return settings;
    }
}
