namespace RetirementBridge.Deleters;

/// <summary>The deleter whose call is running on this async flow, so HTTP requests can be counted against its limit.</summary>
internal static class DeleterCall
{
    private static readonly AsyncLocal<DeleterRegistration?> Current = new();

    public static DeleterRegistration? Running => Current.Value;

    public static IDisposable Enter(DeleterRegistration registration)
    {
        var previous = Current.Value;
        Current.Value = registration;
        return new Exit(previous);
    }

    private sealed class Exit(DeleterRegistration? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
