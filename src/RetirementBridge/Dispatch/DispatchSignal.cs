namespace RetirementBridge.Dispatch;

/// <summary>
/// Wakes the dispatcher: the webhook endpoint rings it after each commit (so work starts at once, with no polling
/// delay) and every finished attempt rings it (a deleter's slot came free). Rings while it is awake coalesce.
/// </summary>
public sealed class DispatchSignal
{
    private readonly SemaphoreSlim _rung = new(0, 1);

    public void Ring()
    {
        try
        {
            _rung.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already rung and not yet heard: one wake-up covers both.
        }
    }

    /// <summary>Waits until rung or until <paramref name="timeout"/> passes.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _rung.WaitAsync(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout, cancellationToken);
}
