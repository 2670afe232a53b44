using RetirementBridge.Admin;
using RetirementBridge.Deleters;
using RetirementBridge.Dispatch;
using RetirementBridge.Storage;
using RetirementBridge.Webhooks;

namespace RetirementBridge.Hosting;

/// <summary>
/// Runs before the server listens and before the dispatcher starts: prepares the store, gives unfinished
/// retirements a delivery for each newly enabled deleter, and says in a few log lines what this bridge will do.
/// Those lines are the only place the start-up state is described, so they cannot contradict each other.
/// </summary>
internal sealed partial class StoreStartup(
    IRetirementStore store,
    StoreOptions storeOptions,
    IEnumerable<DeleterRegistration> deleters,
    IEnumerable<DeleterSection> knownSections,
    IConfiguration configuration,
    WebhookKeys keys,
    AdminTokens adminTokens,
    DispatchOptions dispatch,
    TimeProvider clock,
    ILogger<StoreStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var schema = await store.MigrateAsync(storeOptions.ApplyMigrations, cancellationToken);
        if (schema.Applied)
            LogMigrated(store.Kind, schema.From, schema.To);
        var names = deleters.Select(d => d.Name).ToList();
        var now = clock.GetUtcNow();
        var added = await store.AddMissingDeliveriesAsync(names, now, now + dispatch.RetryDeadline, cancellationToken);
        if (added > 0)
            LogAddedDeliveries(added);
        var live = deleters.Where(d => !d.DryRun).Select(d => d.Name).ToList();
        if (await store.ReleaseDryRunsAsync(live, now, cancellationToken) is > 0 and var released)
            LogReleasedDryRuns(released);
        foreach (var (deleter, count) in await store.CountOrphanedDeliveriesAsync(names, cancellationToken))
            LogOrphaned(count, deleter);
        if (await store.CountDeadHoldingIdentityAsync(cancellationToken) is > 0 and var dead)
            LogDeadHoldingIdentity(dead);

        if (!keys.HasSecrets)
            LogNoSecrets(WebhookEndpoint.Path);
        if (adminTokens.IsEmpty)
            LogNoAdminTokens();
        if (names.Count == 0)
            LogNoDeleters();
        else if (!dispatch.Enabled)
            LogDispatchOff(string.Join(", ", names));
        else
            LogDeleters(string.Join("; ", deleters.Select(Describe)));
        WarnAboutUnknownSections();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>"braze (batch 50, 20000 requests per 00:01:00, 4 at once)", plus "DRY RUN" when nothing is sent.</summary>
    private static string Describe(DeleterRegistration deleter) =>
        $"{deleter.Name} (batch {deleter.BatchSize}, {deleter.Options.RateLimit}, {deleter.MaxConcurrency} at once{(deleter.DryRun ? ", DRY RUN: nothing is sent" : "")})";

    private void WarnAboutUnknownSections()
    {
        var known = knownSections.Select(s => s.Path[(s.Path.LastIndexOf(':') + 1)..]).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        foreach (var section in configuration.GetSection("Deleters").GetChildren())
        {
            if (!known.Contains(section.Key, StringComparer.OrdinalIgnoreCase))
                LogUnknownSection(section.Key, string.Join(", ", known.Order()));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind:l} schema migrated from version {From} to {To}")]
    private partial void LogMigrated(string kind, int from, int to);

    [LoggerMessage(Level = LogLevel.Information, Message = "Added {Count} deliveries for newly enabled deleters to unfinished retirements")]
    private partial void LogAddedDeliveries(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} deliveries left by a dry run are due now that their deleter runs for real")]
    private partial void LogReleasedDryRuns(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} unfinished deliveries belong to deleter {Deleter:l}, which is not enabled: they wait until it is, or until an operator closes them")]
    private partial void LogOrphaned(int count, string deleter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} retirements keep a learner's email and username because a delivery is dead: replay or close them (GET /v1/deliveries?status=dead)")]
    private partial void LogDeadHoldingIdentity(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not accepting notifications: no Webhook:Secrets configured, so {Path:l} answers 503 until one is set (a whsec_ secret shared with the LMS plugin)")]
    private partial void LogNoSecrets(string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Admin:Tokens configured: the admin API answers 401 until one is set")]
    private partial void LogNoAdminTokens();

    [LoggerMessage(Level = LogLevel.Warning, Message = "No deleter is enabled (Deleters:<Name>:Enabled): accepted notifications are kept and delivered once one is")]
    private partial void LogNoDeleters();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatch:Enabled is false: accepted notifications are kept, and nothing is sent to {Deleters:l} until it is true")]
    private partial void LogDispatchOff(string deleters);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleters enabled: {Deleters:l}")]
    private partial void LogDeleters(string deleters);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleters:{Section:l} names no known deleter, so it is ignored (known: {Known:l})")]
    private partial void LogUnknownSection(string section, string known);
}
