namespace RetirementBridge.Deleters.Segment;

/// <summary>Which Segment region the workspace lives in.</summary>
public enum SegmentRegion
{
    /// <summary><c>https://api.segmentapis.com</c>.</summary>
    US,

    /// <summary><c>https://eu1.api.segmentapis.com</c>.</summary>
    EU,
}

/// <summary>
/// Configuration section <c>Deleters:Segment</c>: the Segment Public API (not the legacy Config API), which erases a
/// learner by creating a <c>SUPPRESS_WITH_DELETE</c> workspace regulation and finishes it asynchronously.
/// </summary>
public sealed class SegmentOptions : DeleterOptions
{
    /// <summary>Segment takes at most 5,000 subject ids in one <c>POST /regulations</c>.</summary>
    public const int MaxSubjectIdsPerRequest = 5000;

    /// <summary>Each learner is sent as two subject ids: the LMS user id and the original username (as Open edX does).</summary>
    public const int SubjectIdsPerLearner = 2;

    /// <summary>Segment keeps a regulation 90 days; after that <c>GET /regulations/{id}</c> answers 404.</summary>
    public static readonly TimeSpan RegulationRetention = TimeSpan.FromDays(90);

    public static readonly Uri UsBaseUrl = new("https://api.segmentapis.com");

    public static readonly Uri EuBaseUrl = new("https://eu1.api.segmentapis.com");

    public SegmentOptions()
    {
        // One call is one POST whatever its size; 1,000 learners (2,000 subject ids) keeps a refused batch small
        // enough to look into while using few of the workspace's requests.
        BatchSize = 1000;
        // Segment documents a per-token, per-IP limit "based on complexity" without a number; 5 requests/s
        // (300/min) stays well below the 600/min a workspace is commonly reported to get, and leaves room for
        // other tools using the same workspace. A 429 still pauses the deleter for the wait Segment gives.
        RateLimit = new RateLimitOptions { Requests = 5, Per = TimeSpan.FromSeconds(1) };
        // Two concurrent calls × MaxRegulationChecksPerCall (50) GETs at 5/s fit in the 30 s Timeout.
        MaxConcurrency = 2;
        Timeout = TimeSpan.FromSeconds(30);
        // Segment's SLA for a deletion is 30 days; most finish sooner, and a check is one cheap GET.
        JobCheckInterval = TimeSpan.FromMinutes(15);
        // The 30-day SLA plus slack (Segment does not promise it past 110,000 users in 30 days), well inside the
        // 90 days Segment keeps a regulation.
        JobDeadline = TimeSpan.FromDays(45);
    }

    /// <summary>A Public API token of the workspace (Settings > Access Management > Tokens) allowed to create regulations.</summary>
    public string? Token { get; set; }

    /// <summary>The workspace's region; <see cref="DeleterOptions.BaseUrl"/> overrides it.</summary>
    public SegmentRegion Region { get; set; } = SegmentRegion.US;

    /// <summary>
    /// At most this many regulations are looked up (<c>GET /regulations/{id}</c>) in one job-check call. Learners of
    /// the other regulations in that call stay pending and are checked again a minute later, so a check call holding
    /// many small regulations cannot outrun <see cref="DeleterOptions.Timeout"/> under the rate limit.
    /// </summary>
    public int MaxRegulationChecksPerCall { get; set; } = 50;

    /// <summary>2,500 learners: 5,000 subject ids, two per learner.</summary>
    public override int MaxBatchSize => MaxSubjectIdsPerRequest / SubjectIdsPerLearner;

    /// <summary><see cref="DeleterOptions.BaseUrl"/>, or the region's Public API address.</summary>
    public Uri EffectiveBaseUrl => BaseUrl ?? (Region == SegmentRegion.EU ? EuBaseUrl : UsBaseUrl);

    public override string RequestShape =>
        "POST /regulations (SUPPRESS_WITH_DELETE, USER_ID; subject ids: LMS user id and username of each learner) once per call;" +
        " GET /regulations/{regulateId} once per distinct regulation when checking";

    public override IEnumerable<string> Validate()
    {
        foreach (var problem in base.Validate())
            yield return problem;

        // Never echo the token: these messages end up in start-up logs.
        if (string.IsNullOrWhiteSpace(Token))
            yield return "Token is required";
        else if (Token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            yield return "Token must not contain spaces or line breaks";

        if (!Enum.IsDefined(Region))
            yield return "Region must be US or EU";
        if (MaxRegulationChecksPerCall is < 1 or > 1000)
            yield return "MaxRegulationChecksPerCall must be between 1 and 1000";
        if (JobDeadline > RegulationRetention)
            yield return "JobDeadline must be at most 90.00:00:00 (Segment keeps a regulation 90 days)";
    }
}
