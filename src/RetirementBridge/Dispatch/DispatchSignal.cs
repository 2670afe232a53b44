namespace RetirementBridge.Dispatch;

/// <summary>
/// Wakes the dispatcher: the webhook endpoint rings it after each commit (so work starts at once, with no polling
/// delay) and every finished attempt rings it (a deleter's slot came free). Rings while it is awake coalesce.
/// </summary>
public sealed class DispatchSignal
{
    private readonly SemaphoreSlim _rung = new(0, 1);

    // 1 while a ring is pending (released and not yet heard). Rings coalesce on this flag rather than on the
    // semaphore's SemaphoreFullException: every accepted notification rings, and an exception per request cost
    // more CPU than the rest of the ring (bench/README.md).
    private int _pending;

    public void Ring()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 0)
            _rung.Release();
    }

    /// <summary>Waits until rung (true) or until <paramref name="timeout"/> passes (false).</summary>
    /// <remarks>
    /// The flag is cleared as the ring is heard, before the caller looks for work: a ring that arrives between the
    /// wake-up and the clearing releases nothing, but its work was committed before it rang, so the look that follows
    /// finds it.
    /// </remarks>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!await _rung.WaitAsync(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout, cancellationToken))
            return false;
        Volatile.Write(ref _pending, 0);
        return true;
    }
}
