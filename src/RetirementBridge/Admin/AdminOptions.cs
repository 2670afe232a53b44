namespace RetirementBridge.Admin;

/// <summary><c>Admin</c>: who may read statuses and replay deliveries.</summary>
public sealed class AdminOptions
{
    /// <summary>Bearer tokens, any of which opens the admin API (several, so one can be rotated). None: the admin
    /// API answers 401 to everyone.</summary>
    public string[] Tokens { get; set; } = [];

    public const int MinimumTokenLength = 16;
}
