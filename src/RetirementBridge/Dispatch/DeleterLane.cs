using RetirementBridge.Deleters;

namespace RetirementBridge.Dispatch;

/// <summary>
/// One deleter's share of the dispatcher: its own concurrency slots (one slot is one call, of up to a batch of
/// deliveries) and its own pause. Lanes never wait for each other, so a slow or failing provider only ever holds up
/// its own deliveries. Its request rate limit is enforced on every HTTP request of its calls (DeleterHttpHandler).
/// </summary>
internal sealed class DeleterLane(DeleterRegistration registration)
{
    private int _running;

    public string Name => registration.Name;

    public TimeSpan Timeout => registration.Timeout;

    public int BatchSize => registration.BatchSize;

    public DeleterOptions Options => registration.Options;

    public int MaxConcurrency => registration.MaxConcurrency;

    /// <summary>Set when the provider asked us to wait (Retry-After): the whole lane waits, not just one learner,
    /// because a rate limit applies to the account. Also set briefly when other replicas hold all its call slots.</summary>
    public DateTimeOffset PausedUntil { get; private set; }

    /// <summary>Calls of this deleter running in this process.</summary>
    public int Running => Volatile.Read(ref _running);

    public int FreeSlots => registration.MaxConcurrency - Running;

    public bool CanClaim(DateTimeOffset now) => FreeSlots > 0 && PausedUntil <= now;

    public void Started() => Interlocked.Increment(ref _running);

    public void Finished() => Interlocked.Decrement(ref _running);

    public void PauseUntil(DateTimeOffset until)
    {
        if (until > PausedUntil)
            PausedUntil = until;
    }
}
