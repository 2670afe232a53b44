// The integrator's deleter that docs/adding-a-deleter.md shows whole, compiled and run here in the integrator's own
// namespace, so a missing using or a non-public API shows up. DocumentationTests fails when the doc's code differs
// from this file: change them together.
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MediatR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters;

namespace AcmeCrm;

/// <summary>Configuration section <c>Deleters:AcmeCrm</c>.</summary>
public sealed class AcmeCrmOptions : DeleterOptions
{
    public string? Token { get; set; }

    public override IEnumerable<string> Validate()
    {
        foreach (var problem in base.Validate())
            yield return problem;
        if (string.IsNullOrWhiteSpace(Token))
            yield return "Token is required";
        if (BaseUrl is null)
            yield return "BaseUrl is required";
    }
}

public sealed class AcmeCrmDeleter(IHttpClientFactory clients) : IRequestHandler<EraseLearners, DeletionResults>
{
    /// <summary>One call for the learners the bridge hands over (Acme takes one per request: BatchSize 1).</summary>
    public async Task<DeletionResults> Handle(EraseLearners request, CancellationToken cancellationToken)
    {
        var results = new DeletionResults();
        foreach (var item in request.Items)
        {
            // The id, not the email, goes to the provider: nothing identifying ends up in a URL.
            using var response = await clients.CreateClient("acme-crm").PostAsJsonAsync(
                "/v1/erasures", new { user_id = item.Learner.LmsUserId }, cancellationToken);
            results.Set(item, Outcome(response));
        }
        return results;
    }

    private static DeletionOutcome Outcome(HttpResponseMessage response)
    {
        // Acme answers an erasure with 202. Another 2xx (a proxy's or a maintenance page's 200) is not Acme's "erased".
        if (response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Accepted)
            return DeletionOutcome.Transient($"unexpected answer (HTTP {(int)response.StatusCode})");
        // Acme says "slow down" with 429 and X-RateLimit-Reset (seconds to wait) instead of Retry-After.
        if (response.StatusCode == HttpStatusCode.TooManyRequests
            && response.Headers.TryGetValues("X-RateLimit-Reset", out var values)
            && int.TryParse(values.First(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && seconds > 0)
            return DeletionOutcome.Transient("HTTP 429", TimeSpan.FromSeconds(seconds));
        // 2xx deleted; 404, 410 gone; 408, 425, 429, 5xx transient (honouring Retry-After); anything else permanent.
        return HttpOutcomes.FromResponse(response);
    }
}

public static class AcmeCrmRegistration
{
    public static IServiceCollection AddAcmeCrmDeleter(this IServiceCollection services, IConfiguration deletersSection)
    {
        // Binds and validates Deleters:AcmeCrm; returns null (registers nothing) unless Enabled is true.
        var options = services.AddDeleter<AcmeCrmDeleter, AcmeCrmOptions>("acme-crm", deletersSection.GetSection("AcmeCrm"));
        if (options is not null)
            // The name the handler creates: BaseAddress and Timeout from the options, no URL logging, no redirects.
            services.AddDeleterHttpClient("acme-crm", options, client =>
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token));
        return services;
    }
}
