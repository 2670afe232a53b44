using Microsoft.Extensions.Diagnostics.HealthChecks;
using RetirementBridge.Webhooks;
using RetirementBridge.Storage;

namespace RetirementBridge.Hosting;

/// <summary>Ready means: the store answers and a webhook secret is configured, so a notification would be accepted.</summary>
internal sealed class ReadinessCheck(IStoreLifecycle store, WebhookKeys keys) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!keys.HasSecrets)
            return HealthCheckResult.Unhealthy("no Webhook:Secrets configured");
        try
        {
            return await store.PingAsync(cancellationToken) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("store did not answer");
        }
        catch (StoreUnavailableException ex)
        {
            return HealthCheckResult.Unhealthy($"store unavailable: {ex.Message}");
        }
    }

    /// <summary>"Healthy", or "Unhealthy: " and the reason, so a probe's answer says what to fix (no PII in any reason).</summary>
    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "text/plain; charset=utf-8";
        var reasons = report.Entries.Values.Select(e => e.Description).OfType<string>().ToList();
        return http.Response.WriteAsync(reasons.Count == 0 || report.Status == HealthStatus.Healthy
            ? report.Status.ToString()
            : $"{report.Status}: {string.Join("; ", reasons)}");
    }
}
