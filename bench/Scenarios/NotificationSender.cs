using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using RetirementBridge.StandardWebhooks;

namespace Scenarios;

/// <summary>
/// Sends signed retirement notifications the way the LMS plugin does (Standard Webhooks headers, a new webhook-id
/// each), for made-up learners numbered by the caller: each number is one learner with its own id, username and
/// example.invalid address.
/// </summary>
internal sealed class NotificationSender : IDisposable
{
    public const string Secret = "whsec_YmVuY2gtc2NlbmFyaW9zLXNlY3JldC0wMTIzNDU2Nzg5YWI=";

    private static readonly WebhookSecret Key = WebhookSecret.Parse(Secret);
    private readonly HttpClient _client;

    public NotificationSender(Uri bridge)
    {
        _client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = bridge, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Sends learner <paramref name="number"/>; returns the retirement id and when the 202 arrived.</summary>
    public async Task<Accepted> SendAsync(long number, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(
            $"{{\"type\":\"user.retire_lms_misc\",\"timestamp\":\"{DateTimeOffset.UtcNow:O}\",\"data\":{{\"lms_user_id\":{number}," +
            $"\"username\":\"bench_learner_{number}\",\"email\":\"bench.learner.{number}@example.invalid\",\"site\":\"bench.example.edu\"}}}}");
        var id = $"msg_bench_{number}";
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/webhooks/user-retired") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(WebhookHeaders.Id, id);
        request.Headers.Add(WebhookHeaders.Timestamp, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookHeaders.Signature, WebhookSignature.Sign(Key, id, timestamp, body));
        using var response = await _client.SendAsync(request, cancellationToken);
        var answeredAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new BenchFailure($"the bridge answered {(int)response.StatusCode} to a notification");
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
        return new Accepted(answer.RootElement.GetProperty("retirement_id").GetString()!, answeredAt);
    }

    /// <summary>Sends learners <paramref name="first"/> .. first + count - 1, <paramref name="concurrency"/> at a time.</summary>
    public Task SendManyAsync(long first, int count, int concurrency, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, ct) => await SendAsync(first + i, ct));

    public void Dispose() => _client.Dispose();
}

internal sealed record Accepted(string RetirementId, long AnsweredAtMs);
