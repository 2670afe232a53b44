using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.Segment;
using RetirementBridge.Deleters.Testing.Conformance;

namespace RetirementBridge.Deleters.Tests.Segment;

/// <summary>
/// The conformance kit against Segment's fake. Segment accepts any subject id (no "gone") and cannot say which of a
/// regulation's subjects it refused (no "one refused"); every erasure is a regulation, followed until it finishes.
/// </summary>
public sealed class SegmentConformanceTests : DeleterConformanceTests
{
    private SegmentFake Segment => new(Provider);

    protected override string DeleterName => SegmentRegistration.Name;

    protected override string SectionName => "Segment";

    protected override void Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddSegmentDeleter(configuration.GetSection("Deleters:Segment"));

    protected override IDictionary<string, string?> ProviderSettings() =>
        new Dictionary<string, string?> { ["Token"] = SegmentFake.Token };

    protected override bool IsAsynchronous => true;

    protected override string JobReference => SegmentFake.RegulateId;

    protected override void ArrangeErased(IReadOnlyList<ErasureItem> items) =>
        Segment.CreatesRegulation(items.SelectMany(item => new[] { $"{item.Learner.LmsUserId}", item.Learner.Username }).ToList(), JobReference);

    protected override void ArrangeRateLimited(TimeSpan? wait) =>
        Segment.CreateAnswers(SegmentFake.TooManyRequests(wait));

    protected override void ArrangeJob(string reference, JobState state) =>
        Segment.Regulation(reference, state switch
        {
            JobState.Running => "RUNNING",
            JobState.Finished => "FINISHED",
            _ => "FAILED",
        });
}
