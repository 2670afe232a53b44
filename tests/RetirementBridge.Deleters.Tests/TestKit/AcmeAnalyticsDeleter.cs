// The asynchronous, batching deleter that docs/adding-a-deleter.md quotes ("An asynchronous provider"), compiled and
// run here in the integrator's own namespace. DocumentationTests fails when the doc's code differs from this file:
// change them together. Acme Analytics is made up: POST /v2/deletion-jobs erases up to 100 users by LMS id as a job
// that finishes days later; GET /v2/deletion-jobs/{job_id} says how it is doing.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using MediatR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters;

namespace AcmeAnalytics;

/// <summary>Configuration section <c>Deleters:AcmeAnalytics</c>; Acme's documented limits are the defaults.</summary>
public sealed class AcmeAnalyticsOptions : DeleterOptions
{
    public AcmeAnalyticsOptions()
    {
        BaseUrl = new Uri("https://api.acme-analytics.example");
        BatchSize = 100;
        RateLimit = new RateLimitOptions { Requests = 60, Per = TimeSpan.FromMinutes(1) };
        JobCheckInterval = TimeSpan.FromHours(1);
        JobDeadline = TimeSpan.FromDays(14); // Acme promises to finish a job within 7 days
    }

    public string? ApiKey { get; set; }

    /// <summary>Acme takes at most 100 user ids in one deletion job.</summary>
    public override int MaxBatchSize => 100;

    public override string RequestShape =>
        "POST /v2/deletion-jobs {\"user_ids\":[LMS user id per learner]}; job checks: GET /v2/deletion-jobs/{job_id}";

    public override IEnumerable<string> Validate()
    {
        foreach (var problem in base.Validate())
            yield return problem;
        if (string.IsNullOrWhiteSpace(ApiKey))
            yield return "ApiKey is required";
    }
}

public sealed class AcmeAnalyticsDeleter(IHttpClientFactory clients)
    : IRequestHandler<EraseLearners, DeletionResults>, IRequestHandler<CheckErasureJobs, DeletionResults>
{
    /// <summary>One request for the whole batch: each learner Acme took is Pending on the job it names.</summary>
    public async Task<DeletionResults> Handle(EraseLearners request, CancellationToken cancellationToken)
    {
        using var response = await clients.CreateClient("acme-analytics").PostAsJsonAsync("/v2/deletion-jobs",
            new { user_ids = request.Items.Select(item => item.Learner.LmsUserId) }, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
            return DeletionResults.ForAll(request.Items, NotAnAnswer(response));
        // A body that is not Acme's JSON throws here, and the pipeline records every learner of the call as Transient.
        var job = await response.Content.ReadFromJsonAsync<JobAccepted>(cancellationToken);
        if (job?.JobId is not { Length: > 0 } jobId)
            return DeletionResults.ForAll(request.Items, DeletionOutcome.Transient("HTTP 202 without a job id"));
        // Acme refuses an id it cannot take on its own, with an error code such as "invalid_user_id", and takes the others.
        var refused = (job.Rejected ?? []).ToDictionary(rejected => rejected.UserId, rejected => rejected.Error);
        return DeletionResults.Each(request.Items, item => refused.TryGetValue(item.Learner.LmsUserId, out var error)
            ? DeletionOutcome.Permanent($"refused by Acme: {error}")
            : DeletionOutcome.Pending(jobId));
    }

    /// <summary>One status request per job (the learners of one batch share it); every outcome keeps the job id.</summary>
    public async Task<DeletionResults> Handle(CheckErasureJobs request, CancellationToken cancellationToken)
    {
        var results = new DeletionResults();
        foreach (var job in request.Items.GroupBy(item => item.ProviderReference!))
        {
            using var response = await clients.CreateClient("acme-analytics").GetAsync(
                $"/v2/deletion-jobs/{Uri.EscapeDataString(job.Key)}", cancellationToken);
            var outcome = response.StatusCode == HttpStatusCode.OK
                ? JobOutcome(job.Key, await response.Content.ReadFromJsonAsync<JobStatus>(cancellationToken))
                : NotAnAnswer(response, job.Key);
            foreach (var item in job)
                results.Set(item, outcome);
        }
        return results;
    }

    private static DeletionOutcome JobOutcome(string jobId, JobStatus? job) => job?.Status switch
    {
        "queued" or "running" => DeletionOutcome.Pending(jobId, status: job.Status),
        "done" => DeletionOutcome.Deleted(jobId),
        "failed" => DeletionOutcome.Permanent("job failed", jobId),
        _ => DeletionOutcome.Transient("job status not understood", providerReference: jobId), // asked again at the next check
    };

    /// <summary>
    /// Anything but Acme's own answer. Acme takes any id, so it never says "no such person": a 404 means a wrong
    /// BaseUrl or an unknown job, never Gone. Another 2xx (a proxy's or a maintenance page's 200) is not an erasure.
    /// </summary>
    private static DeletionOutcome NotAnAnswer(HttpResponseMessage response, string? jobId = null)
    {
        var code = (int)response.StatusCode;
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            return DeletionOutcome.Permanent($"HTTP {code}: no such path or job (check BaseUrl)", jobId);
        if (response.IsSuccessStatusCode)
            return DeletionOutcome.Transient($"unexpected answer (HTTP {code})", providerReference: jobId);
        return HttpOutcomes.FromResponse(response, jobId);
    }

    private sealed record JobAccepted(
        [property: JsonPropertyName("job_id")] string? JobId,
        [property: JsonPropertyName("rejected")] List<RejectedId>? Rejected);

    private sealed record RejectedId(
        [property: JsonPropertyName("user_id")] long UserId,
        [property: JsonPropertyName("error")] string Error);

    private sealed record JobStatus([property: JsonPropertyName("status")] string? Status);
}

public static class AcmeAnalyticsRegistration
{
    public static IServiceCollection AddAcmeAnalyticsDeleter(this IServiceCollection services, IConfiguration deletersSection)
    {
        // The handler also handles CheckErasureJobs, so AddDeleter registers it for job checks too.
        var options = services.AddDeleter<AcmeAnalyticsDeleter, AcmeAnalyticsOptions>(
            "acme-analytics", deletersSection.GetSection("AcmeAnalytics"));
        if (options is not null)
            services.AddDeleterHttpClient("acme-analytics", options, client =>
                client.DefaultRequestHeaders.Add("X-Api-Key", options.ApiKey));
        return services;
    }
}
