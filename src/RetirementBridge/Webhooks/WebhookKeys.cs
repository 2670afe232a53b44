using RetirementBridge.StandardWebhooks;

namespace RetirementBridge.Webhooks;

/// <summary>
/// The verifier in force for the webhook endpoint. Replaced whole when <c>Webhook:Secrets</c> changes, so a key
/// rotation (add the new secret, move the LMS to it, remove the old one) needs no restart.
/// </summary>
public sealed class WebhookKeys(IReadOnlyList<WebhookSecret> secrets, TimeSpan tolerance, TimeProvider clock)
{
    private volatile WebhookVerifier _verifier = new(secrets, tolerance, clock);
    private volatile int _count = secrets.Count;

    public WebhookVerifier Verifier => _verifier;

    public int Count => _count;

    public bool HasSecrets => _verifier.HasSecrets;

    public void Replace(IReadOnlyList<WebhookSecret> secrets)
    {
        _verifier = new WebhookVerifier(secrets, tolerance, clock);
        _count = secrets.Count;
    }
}
