namespace RetirementBridge.Dispatch;

/// <summary><c>Dispatch</c>: how deliveries are retried. One policy for every deleter.</summary>
public sealed class DispatchOptions
{
    /// <summary>Off runs an accept-only bridge: notifications are recorded, nothing is sent (maintenance).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The first retry comes this soon: a provider's blip must not delay an erasure by hours.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retry gaps double up to this.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(6);

    /// <summary>After this long since a delivery was created (or replayed), a failure makes it dead.</summary>
    public TimeSpan RetryDeadline { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Each retry gap is scaled by a random factor in [1 - Jitter, 1 + Jitter], so retries of many
    /// deliveries that failed together do not hit the provider together again.</summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>The longest the dispatcher sleeps without looking at the store (a safety net; commits and
    /// finished attempts wake it at once).</summary>
    public TimeSpan IdlePoll { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a claimed delivery (and a deleter's call slot) stays leased without a heartbeat. A running call
    /// renews its leases every third of this, so only a process that died (or lost the store) lets them lapse; then
    /// another replica, or this one after a restart, takes the work over. Shorter recovers sooner; each renewal is one
    /// write per running call.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<string> Validate()
    {
        if (FirstRetryDelay <= TimeSpan.Zero)
            yield return "Dispatch:FirstRetryDelay must be positive";
        if (MaxRetryDelay < FirstRetryDelay)
            yield return "Dispatch:MaxRetryDelay must be at least Dispatch:FirstRetryDelay";
        if (RetryDeadline <= TimeSpan.Zero)
            yield return "Dispatch:RetryDeadline must be positive";
        if (Jitter is < 0 or >= 1)
            yield return "Dispatch:Jitter must be at least 0 and below 1";
        if (IdlePoll <= TimeSpan.Zero)
            yield return "Dispatch:IdlePoll must be positive";
        if (Lease < TimeSpan.FromSeconds(1) || Lease > TimeSpan.FromHours(1))
            yield return "Dispatch:Lease must be between 00:00:01 and 01:00:00";
    }
}
