namespace RetirementBridge.Webhooks;

/// <summary>
/// Paces the warning for notifications refused because no secret is configured: the first refusal is logged at once,
/// later ones at most every <see cref="Interval"/>, with how many were refused meanwhile. An LMS retrying every few
/// seconds must not bury every other line (nor raise an Error per request).
/// </summary>
public sealed class NotConfiguredNotice(TimeProvider clock)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    private readonly object _gate = new();
    private DateTimeOffset _lastLogged = DateTimeOffset.MinValue;
    private int _refusedSinceLast;

    /// <summary>Counts one refusal; true when this one should be logged, with the refusals since the last line.</summary>
    public bool ShouldLog(out int refused)
    {
        lock (_gate)
        {
            _refusedSinceLast++;
            var now = clock.GetUtcNow();
            refused = _refusedSinceLast;
            if (now - _lastLogged < Interval)
                return false;
            _lastLogged = now;
            _refusedSinceLast = 0;
            return true;
        }
    }
}
