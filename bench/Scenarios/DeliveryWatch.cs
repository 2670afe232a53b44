namespace Scenarios;

/// <summary>Waits on the bridge's own record of its deliveries, and reads when they finished.</summary>
internal static class DeliveryWatch
{
    // Indexed by (status, id): cheap even with a million finished rows beside them.
    private const string Unfinished =
        "SELECT COUNT(*) FROM deliveries WHERE status IN ('pending', 'in_progress', 'failed_will_retry', 'waiting_on_provider');";

    /// <summary>
    /// Until every delivery has succeeded. A dead delivery fails the run: a benchmark that loses a learner's erasure
    /// measured the wrong thing.
    /// </summary>
    public static async Task WaitAllSucceededAsync(BenchStore store, TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var dead = await store.CountAsync("SELECT COUNT(*) FROM deliveries WHERE status IN ('dead', 'closed');", cancellationToken);
            if (dead > 0)
                throw new BenchFailure($"{dead} deliveries went dead; see the bridge's log");
            if (await store.CountAsync(Unfinished, cancellationToken) == 0)
                return;
            if (DateTime.UtcNow > deadline)
                throw new BenchFailure($"deliveries still unfinished after {limit.TotalSeconds:0} s");
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>When the last delivery finished (Unix ms, the bridge's clock on this machine).</summary>
    public static async Task<long> LastCompletedAtAsync(BenchStore store, CancellationToken cancellationToken) =>
        await store.CountAsync("SELECT MAX(completed_at) FROM deliveries;", cancellationToken);
}
