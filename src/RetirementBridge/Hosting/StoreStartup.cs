using RetirementBridge.Deleters;
using RetirementBridge.Dispatch;
using RetirementBridge.StandardWebhooks;
using RetirementBridge.Storage;
using RetirementBridge.Webhooks;

namespace RetirementBridge.Hosting;

/// <summary>
/// Runs before the server listens and before the dispatcher starts: prepares the store, gives unfinished
/// retirements a delivery for each newly enabled deleter, and says in a few log lines what this bridge will do.
/// </summary>
internal sealed partial class StoreStartup(
    IRetirementStore store,
    IEnumerable<DeleterRegistration> deleters,
    WebhookVerifier verifier,
    DispatchOptions dispatch,
    TimeProvider clock,
    ILogger<StoreStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        var names = deleters.Select(d => d.Name).ToList();
        var now = clock.GetUtcNow();
        var added = await store.AddMissingDeliveriesAsync(names, now, now + dispatch.RetryDeadline, cancellationToken);
        if (added > 0)
            LogAddedDeliveries(added);
        foreach (var (deleter, count) in await store.CountOrphanedDeliveriesAsync(names, cancellationToken))
            LogOrphaned(count, deleter);

        if (names.Count == 0)
            LogNoDeleters();
        else
            LogDeleters(string.Join(", ", names));
        if (!verifier.HasSecrets)
            LogNoSecrets(WebhookEndpoint.Path);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Added {Count} deliveries for newly enabled deleters to unfinished retirements")]
    private partial void LogAddedDeliveries(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} unfinished deliveries belong to deleter {Deleter}, which is not enabled: they wait until it is")]
    private partial void LogOrphaned(int count, string deleter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No deleter is enabled (Deleters:<Name>:Enabled): notifications are recorded and delivered once one is")]
    private partial void LogNoDeleters();

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleters enabled: {Deleters}")]
    private partial void LogDeleters(string deleters);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not accepting notifications at {Path}: set Webhook:Secrets (a whsec_ secret shared with the LMS plugin), e.g. Webhook__Secrets__0=whsec_...")]
    private partial void LogNoSecrets(string path);
}
