namespace RetirementBridge.Deleters;

/// <summary>
/// What every deleter's configuration section (<c>Deleters:{Name}</c>) has. A deleter's own options class derives
/// from this and adds its provider's settings; <see cref="Validate"/> lists what is wrong, one short phrase each,
/// naming the key and never echoing a secret.
/// </summary>
public class DeleterOptions
{
    /// <summary>Off by default: a deleter runs only when the operator turns it on.</summary>
    public bool Enabled { get; set; }

    /// <summary>Overrides the provider's API address (tests, proxies, EU data centres).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>How many deliveries of this deleter may run at once (providers limit concurrent connections).</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>How long one attempt may take before it counts as a transient timeout.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Problems with this configuration, each naming its key relative to the section (e.g. "ApiKey is required").</summary>
    public virtual IEnumerable<string> Validate()
    {
        if (MaxConcurrency is < 1 or > 64)
            yield return "MaxConcurrency must be between 1 and 64";
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(10))
            yield return "Timeout must be between 00:00:00.001 and 00:10:00";
        if (BaseUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)))
            yield return "BaseUrl must be an absolute http(s) URL";
    }
}
