namespace RetirementBridge.Storage;

/// <summary>
/// Deletes the pseudonymous records of retirements finished longer ago than <c>Retention:FinishedRetirements</c>.
/// Unfinished retirements are never swept: dropping one would silently abandon an erasure.
/// </summary>
internal sealed partial class RetentionSweeper(
    IRetirementAdminStore store, RetentionOptions options, TimeProvider clock, ILogger<RetentionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (options.FinishedRetirements is not { } keep)
            return;
        using var timer = new PeriodicTimer(options.SweepInterval, clock);
        do
        {
            try
            {
                var deleted = await store.DeleteFinishedBeforeAsync(clock.GetUtcNow() - keep, stopping);
                if (deleted > 0)
                    LogSwept(deleted, keep);
            }
            catch (StoreUnavailableException ex)
            {
                LogStoreUnavailable(ex.Message);
            }
        }
        while (await WaitAsync(timer, stopping));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Count} retirements finished more than {Keep} ago")]
    private partial void LogSwept(int count, TimeSpan keep);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention sweep skipped, store unavailable ({Error:l}); it runs again at the next interval")]
    private partial void LogStoreUnavailable(string error);
}
