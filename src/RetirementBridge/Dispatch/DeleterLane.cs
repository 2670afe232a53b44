using RetirementBridge.Deleters;

namespace RetirementBridge.Dispatch;

/// <summary>
/// One deleter's share of the dispatcher: its own concurrency slots and its own pause. Lanes never wait for each
/// other, so a slow or failing provider only ever holds up its own deliveries.
/// </summary>
internal sealed class DeleterLane(DeleterRegistration registration)
{
    private int _running;

    public string Name => registration.Name;

    public TimeSpan Timeout => registration.Timeout;

    /// <summary>Longer than an attempt can run, so a live attempt's lease never lapses under it.</summary>
    public TimeSpan Lease => registration.Timeout + TimeSpan.FromMinutes(1);

    /// <summary>Set when the provider asked us to wait (Retry-After): the whole lane waits, not just one learner,
    /// because a rate limit applies to the account.</summary>
    public DateTimeOffset PausedUntil { get; private set; }

    public int FreeSlots => registration.MaxConcurrency - Volatile.Read(ref _running);

    public bool CanClaim(DateTimeOffset now) => FreeSlots > 0 && PausedUntil <= now;

    public void Started() => Interlocked.Increment(ref _running);

    public void Finished() => Interlocked.Decrement(ref _running);

    public void PauseUntil(DateTimeOffset until)
    {
        if (until > PausedUntil)
            PausedUntil = until;
    }
}
