using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.Testing.Conformance;
using RetirementBridge.StandardWebhooks;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using static RetirementBridge.Deleters.Tests.Webhook.WebhookReceiver;

namespace RetirementBridge.Deleters.Tests.Webhook;

/// <summary>The conformance kit against an integrator's receiver at the configured Url's path.</summary>
public sealed class WebhookConformanceTests : DeleterConformanceTests
{
    protected override string DeleterName => "webhook";

    protected override string SectionName => "Webhook";

    protected override void Register(IServiceCollection services, IConfiguration configuration) =>
        BuiltIn.Deleters(services, configuration);

    protected override IDictionary<string, string?> ProviderSettings() =>
        new Dictionary<string, string?> { ["Url"] = Url, ["Secret"] = Secret };

    /// <summary>The webhook contract (Standard Webhooks): any 2xx is success, whatever the receiver's body (a framework's
    /// default "OK" page is text/html).</summary>
    protected override bool AnySuccessStatusMeansErased => true;

    protected override void ArrangeErased(IReadOnlyList<ErasureItem> items)
    {
        foreach (var item in items)
            ForLearner(item).RespondWith(Response.Create().WithStatusCode(204));
    }

    /// <summary>A receiver that does not know the learner answers 404 or 410 (the deleter's documented mapping).</summary>
    protected override bool ArrangeNotThere(IReadOnlyList<ErasureItem> items)
    {
        foreach (var item in items)
            ForLearner(item).RespondWith(Response.Create().WithStatusCode(404));
        return true;
    }

    protected override void ArrangeRateLimited(TimeSpan? wait)
    {
        var tooMany = Response.Create().WithStatusCode(429);
        if (wait is { } delay)
            tooMany = tooMany.WithHeader("Retry-After", $"{delay.TotalSeconds:0}");
        Provider.Given(Request.Create().UsingPost().WithPath(ReceiverPath)).RespondWith(tooMany);
    }

    /// <summary>One signed event per learner, to the Url's path and query, named by the learner's delivery id.</summary>
    private WireMock.Server.IRespondWithAProvider ForLearner(ErasureItem item) =>
        Provider.Given(Request.Create().UsingPost().WithPath(ReceiverPath).WithParam("tenant", "7")
            .WithHeader(WebhookHeaders.Id, item.DeliveryId)
            .WithHeader("Content-Type", "application/json"));
}
