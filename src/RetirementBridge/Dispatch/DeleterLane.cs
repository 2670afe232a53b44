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
    private int _waitingForOwnCalls;

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

    public bool CanClaim(DateTimeOffset now) => FreeSlots > 0 && PausedUntil <= now && Volatile.Read(ref _waitingForOwnCalls) == 0;

    public void Started() => Interlocked.Increment(ref _running);

    public void Finished()
    {
        Interlocked.Decrement(ref _running);
        Interlocked.Exchange(ref _waitingForOwnCalls, 0);
    }

    /// <summary>
    /// Every slot of the deployment is taken: when some are this process's, the next of its own calls to finish frees
    /// one, and until then the lane claims nothing (looking again would spin on work that is due). False when none of
    /// its calls is running any more, so nothing here would wake it. The flag is set before the count is read (both
    /// full fences), so a call finishing in between either is seen or clears the flag after it was set.
    /// </summary>
    public bool TryWaitForOwnCalls()
    {
        Interlocked.Exchange(ref _waitingForOwnCalls, 1);
        if (Volatile.Read(ref _running) > 0)
            return true;
        Interlocked.Exchange(ref _waitingForOwnCalls, 0);
        return false;
    }

    public void PauseUntil(DateTimeOffset until)
    {
        if (until > PausedUntil)
            PausedUntil = until;
    }
}
