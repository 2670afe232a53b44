namespace RetirementBridge.Webhooks;

/// <summary><c>Webhook</c>: the way in.</summary>
public sealed class WebhookOptions
{
    /// <summary><c>whsec_…</c> secrets; several during a key rotation (a signature matching any of them is accepted).
    /// None: the bridge runs but answers 503 to notifications until one is set.</summary>
    public string[] Secrets { get; set; } = [];

    /// <summary>A webhook-timestamp further than this from our clock, either way, is refused (replay protection).</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Bodies above this size are refused with 413.</summary>
    public const int MaxBodyBytes = 64 * 1024;
}
