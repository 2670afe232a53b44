namespace RetirementBridge.Deleters;

/// <summary>
/// What every deleter's configuration section (<c>Deleters:{Name}</c>) has. A deleter's own options class derives
/// from this, adds its provider's settings, and sets its provider's documented limits as defaults in its constructor
/// (operators override them under the same section); <see cref="Validate"/> lists what is wrong, one short phrase each,
/// naming the key and never echoing a secret.
/// </summary>
public class DeleterOptions
{
    /// <summary>Off by default: a deleter runs only when the operator turns it on.</summary>
    public bool Enabled { get; set; }

    /// <summary>Overrides the provider's API address (tests, proxies, EU data centres).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>How many calls of this deleter may run at once (providers limit concurrent connections).</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>How long one call may take before it counts as a transient timeout.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many learners one call carries: at most <see cref="MaxBatchSize"/>, the provider's own limit.</summary>
    public int BatchSize { get; set; } = 1;

    /// <summary>The largest batch the provider takes in one request (1: one learner per call).</summary>
    public virtual int MaxBatchSize => 1;

    /// <summary>The provider's request rate limit for the whole account; every HTTP request the deleter makes counts.</summary>
    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Record what would be sent (method, path template, batch size; no PII) and call nothing.</summary>
    public bool DryRun { get; set; }

    /// <summary>What one call sends, for dry runs and operators: methods and path templates, never values.</summary>
    public virtual string RequestShape => "HTTP requests to the provider";

    /// <summary>For asynchronous providers: how long a job may stay unfinished before its delivery goes dead.</summary>
    public TimeSpan JobDeadline { get; set; } = TimeSpan.FromDays(30);

    /// <summary>For asynchronous providers: how long to wait between status checks when the provider does not say.</summary>
    public TimeSpan JobCheckInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Problems with this configuration, each naming its key relative to the section (e.g. "ApiKey is required").</summary>
    public virtual IEnumerable<string> Validate()
    {
        if (MaxConcurrency is < 1 or > 64)
            yield return "MaxConcurrency must be between 1 and 64";
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(10))
            yield return "Timeout must be between 00:00:00.001 and 00:10:00";
        if (BaseUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)))
            yield return "BaseUrl must be an absolute http(s) URL";
        if (BatchSize < 1 || BatchSize > MaxBatchSize)
            yield return MaxBatchSize == 1
                ? "BatchSize must be 1 (the provider takes one learner per request)"
                : $"BatchSize must be between 1 and {MaxBatchSize} (the provider's limit)";
        foreach (var problem in RateLimit.Validate())
            yield return problem;
        if (JobDeadline <= TimeSpan.Zero)
            yield return "JobDeadline must be positive";
        if (JobCheckInterval <= TimeSpan.Zero)
            yield return "JobCheckInterval must be positive";
    }
}

/// <summary><c>Deleters:{Name}:RateLimit</c>: at most <see cref="Requests"/> HTTP requests per <see cref="Per"/>.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Null: no limit of the bridge's own (the provider's 429 still slows the deleter down).</summary>
    public int? Requests { get; set; }

    public TimeSpan Per { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<string> Validate()
    {
        if (Requests is < 1)
            yield return "RateLimit:Requests must be at least 1";
        if (Per <= TimeSpan.Zero || Per > TimeSpan.FromDays(1))
            yield return "RateLimit:Per must be between 00:00:00.001 and 1.00:00:00";
    }

    public override string ToString() => Requests is { } n ? $"{n} requests per {Per}" : "no limit";
}
