using System.Globalization;
using System.Net.Http.Headers;
using MediatR;
using RetirementBridge.StandardWebhooks;

namespace RetirementBridge.Deleters.Webhook;

/// <summary>
/// POSTs a signed retirement event to the integrator's endpoint (Standard Webhooks headers) and maps the status:
/// 2xx deleted, 404/410 gone, 408/425/429/5xx transient, other answers permanent.
/// </summary>
internal sealed class WebhookDeleter(WebhookDeleterOptions options, IHttpClientFactory clients, TimeProvider clock) : IRequestHandler<EraseLearners, DeletionResults>
{
    public const string HttpClientName = "RetirementBridge.Deleters.Webhook";

    /// <summary>One signed request per learner: the event format carries one learner.</summary>
    public async Task<DeletionResults> Handle(EraseLearners request, CancellationToken cancellationToken)
    {
        var results = new DeletionResults();
        foreach (var item in request.Items)
            results.Set(item, await SendAsync(item, cancellationToken).ConfigureAwait(false));
        return results;
    }

    private async Task<DeletionOutcome> SendAsync(ErasureItem item, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var unixSeconds = now.ToUnixTimeSeconds();
        var body = RetirementEvent.Serialize(item, now);

        using var request = new HttpRequestMessage(HttpMethod.Post, options.RequestUri());
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        // The delivery id is stable across retries, so the receiver can recognise a repeat and answer 2xx again.
        request.Headers.Add(WebhookHeaders.Id, item.DeliveryId);
        request.Headers.Add(WebhookHeaders.Timestamp, unixSeconds.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookHeaders.Signature, WebhookSignature.Sign(options.SigningSecret(), item.DeliveryId, unixSeconds, body));

        using var response = await clients.CreateClient(HttpClientName)
            .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);
        return HttpOutcomes.FromResponse(response);
    }
}
