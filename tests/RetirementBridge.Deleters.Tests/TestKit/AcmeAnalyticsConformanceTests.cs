// The conformance class of the asynchronous example (see AcmeAnalyticsDeleter.cs): change it with the doc.
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters;
using RetirementBridge.Deleters.Testing.Conformance;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace AcmeAnalytics.Tests;

public sealed class AcmeAnalyticsConformanceTests : DeleterConformanceTests
{
    protected override string DeleterName => "acme-analytics";

    protected override string SectionName => "AcmeAnalytics";

    protected override void Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddAcmeAnalyticsDeleter(configuration.GetSection("Deleters"));

    protected override IDictionary<string, string?> ProviderSettings() =>
        new Dictionary<string, string?> { ["ApiKey"] = "test-key" };

    protected override bool IsAsynchronous => true;

    protected override void ArrangeErased(IReadOnlyList<ErasureItem> items) =>
        JobFor(items).RespondWith(Accepted(new { job_id = JobReference, rejected = Array.Empty<object>() }));

    protected override bool ArrangeOneRefused(IReadOnlyList<ErasureItem> items, ErasureItem bad)
    {
        JobFor(items).RespondWith(Accepted(new
        {
            job_id = JobReference,
            rejected = new[] { new { user_id = bad.Learner.LmsUserId, error = "invalid_user_id" } },
        }));
        return true;
    }

    protected override void ArrangeRateLimited(TimeSpan? wait)
    {
        var tooMany = Response.Create().WithStatusCode(429);
        if (wait is { } delay)
            tooMany = tooMany.WithHeader("Retry-After", $"{delay.TotalSeconds:0}");
        Provider.Given(Request.Create().UsingPost().WithPath("/v2/deletion-jobs")).RespondWith(tooMany);
    }

    protected override void ArrangeJob(string reference, JobState state) =>
        Provider.Given(Request.Create().UsingGet().WithPath($"/v2/deletion-jobs/{reference}").WithHeader("X-Api-Key", "test-key"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(JsonSerializer.Serialize(new
                {
                    status = state switch { JobState.Running => "running", JobState.Finished => "done", _ => "failed" },
                })));

    /// <summary>One deletion job for exactly these learners' LMS ids, in this order.</summary>
    private WireMock.Server.IRespondWithAProvider JobFor(IReadOnlyList<ErasureItem> items) =>
        Provider.Given(Request.Create().UsingPost().WithPath("/v2/deletion-jobs").WithHeader("X-Api-Key", "test-key")
            .WithBody(JsonSerializer.Serialize(new { user_ids = items.Select(item => item.Learner.LmsUserId) })));

    private static IResponseBuilder Accepted(object body) =>
        Response.Create().WithStatusCode(202).WithHeader("Content-Type", "application/json").WithBody(JsonSerializer.Serialize(body));
}
