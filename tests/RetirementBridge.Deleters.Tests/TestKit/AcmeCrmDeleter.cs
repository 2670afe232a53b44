using System.Net.Http.Headers;
using System.Net.Http.Json;
using MediatR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RetirementBridge.Deleters.Tests.TestKit;

// The integrator's deleter from src/RetirementBridge.Deleters.Testing/README.md, kept here so the README's example
// is compiled and run. Change both together.

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

public sealed class AcmeCrmDeleter(IHttpClientFactory clients) : INotificationHandler<UserRetired>
{
    public async Task Handle(UserRetired notification, CancellationToken cancellationToken)
    {
        // The id, not the email, goes to the provider: nothing identifying ends up in a URL.
        using var response = await clients.CreateClient("acme-crm").PostAsJsonAsync(
            "/v1/erasures", new { user_id = notification.Learner.LmsUserId }, cancellationToken);
        notification.Report(HttpOutcomes.FromResponse(response));
    }
}

public static class AcmeCrmRegistration
{
    public static IServiceCollection AddAcmeCrmDeleter(this IServiceCollection services, IConfiguration deletersSection)
    {
        var options = services.AddDeleter<AcmeCrmDeleter, AcmeCrmOptions>("acme-crm", deletersSection.GetSection("AcmeCrm"));
        if (options is not null)
            services.AddHttpClient("acme-crm", client =>
            {
                client.BaseAddress = options.BaseUrl;
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
            });
        return services;
    }
}
