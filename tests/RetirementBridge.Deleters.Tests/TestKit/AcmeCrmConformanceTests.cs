// The conformance class shown whole in docs/adding-a-deleter.md: change them together.
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters;
using RetirementBridge.Deleters.Testing.Conformance;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace AcmeCrm.Tests;

/// <summary>Every scenario of the conformance kit, against Acme's own path, body and status codes.</summary>
public sealed class AcmeCrmConformanceTests : DeleterConformanceTests
{
    protected override string DeleterName => "acme-crm";

    protected override string SectionName => "AcmeCrm";

    protected override void Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddAcmeCrmDeleter(configuration.GetSection("Deleters"));

    protected override IDictionary<string, string?> ProviderSettings() =>
        new Dictionary<string, string?> { ["Token"] = "test-token" };

    protected override void ArrangeErased(IReadOnlyList<ErasureItem> items)
    {
        foreach (var item in items)
            ForLearner(item).RespondWith(Response.Create().WithStatusCode(202));
    }

    protected override bool ArrangeNotThere(IReadOnlyList<ErasureItem> items)
    {
        foreach (var item in items)
            ForLearner(item).RespondWith(Response.Create().WithStatusCode(404));
        return true;
    }

    protected override void ArrangeRateLimited(TimeSpan? wait)
    {
        var tooMany = Response.Create().WithStatusCode(429);
        if (wait is { } seconds)
            tooMany = tooMany.WithHeader("X-RateLimit-Reset", $"{seconds.TotalSeconds:0}");
        Provider.Given(Request.Create().UsingPost().WithPath("/v1/erasures")).RespondWith(tooMany);
    }

    /// <summary>Acme's erasure request for this learner exactly: its path, its token, its body.</summary>
    private WireMock.Server.IRespondWithAProvider ForLearner(ErasureItem item) =>
        Provider.Given(Request.Create().UsingPost().WithPath("/v1/erasures")
            .WithHeader("Authorization", "Bearer test-token")
            .WithBody($$"""{"user_id":{{item.Learner.LmsUserId}}}"""));
}
