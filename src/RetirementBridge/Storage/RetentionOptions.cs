namespace RetirementBridge.Storage;

/// <summary><c>Retention</c>: how long the pseudonymous record of a finished retirement is kept.</summary>
public sealed class RetentionOptions
{
    /// <summary>Finished retirements (every delivery succeeded or was closed; identity already purged) older than this
    /// are deleted. Null, the default, keeps them: they are the proof of what was erased when.</summary>
    public TimeSpan? FinishedRetirements { get; set; }

    /// <summary>How often the sweep runs.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<string> Validate()
    {
        if (FinishedRetirements is { } keep && keep <= TimeSpan.Zero)
            yield return "Retention:FinishedRetirements must be positive, or empty to keep finished retirements";
        if (SweepInterval <= TimeSpan.Zero)
            yield return "Retention:SweepInterval must be positive";
    }
}
