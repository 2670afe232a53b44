using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.Amplitude;
using RetirementBridge.Deleters.Testing.Conformance;

namespace RetirementBridge.Deleters.Tests.Amplitude;

/// <summary>The conformance kit against the Amplitude fake: an asynchronous provider whose job is known by its day.</summary>
public sealed class AmplitudeConformanceTests : DeleterConformanceTests
{
    private AmplitudeFake? _fake;

    private AmplitudeFake Fake => _fake ??= new AmplitudeFake(Provider);

    protected override string DeleterName => AmplitudeRegistration.Name;

    protected override string SectionName => "Amplitude";

    protected override void Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddAmplitudeDeleter(configuration.GetSection("Deleters:Amplitude"));

    protected override IDictionary<string, string?> ProviderSettings() => new Dictionary<string, string?>
    {
        ["ApiKey"] = AmplitudeFake.ApiKey,
        ["SecretKey"] = AmplitudeFake.SecretKey,
        // Amplitude's 1 request/s would make each scenario wait between its calls; the default is tested on its own.
        ["RateLimit:Requests"] = "1000",
    };

    protected override void ArrangeErased(IReadOnlyList<ErasureItem> items) => Fake.AcceptsDeletions();

    // No ArrangeNotThere: with ignore_invalid_id Amplitude accepts unknown ids into the job, so "gone" never comes back.
    // No ArrangeOneRefused: a request is accepted or refused as a whole.

    protected override void ArrangeRateLimited(TimeSpan? wait) => Fake.RateLimited(wait);

    protected override bool IsAsynchronous => true;

    protected override string JobReference => $"amplitude job {AmplitudeFake.JobDay}";

    protected override void ArrangeJob(string reference, JobState state)
    {
        Assert.Equal(JobReference, reference);
        switch (state)
        {
            case JobState.Running:
                Fake.SetJob(AmplitudeFake.JobDay, "submitted");
                break;
            case JobState.Finished:
                Fake.SetJob(AmplitudeFake.JobDay, "done");
                break;
            case JobState.Failed:
                // Amplitude has no failed status: a job that fails the learner is one that no longer lists them.
                Fake.RemoveJob(AmplitudeFake.JobDay);
                break;
        }
        Fake.ListsJobs();
    }
}
