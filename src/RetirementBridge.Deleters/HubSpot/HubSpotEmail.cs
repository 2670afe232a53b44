namespace RetirementBridge.Deleters.HubSpot;

/// <summary>The address as HubSpot keys contacts: HubSpot stores the <c>email</c> property in lower case.</summary>
internal static class HubSpotEmail
{
    /// <summary>The trimmed, lower-cased address; null when there is none.</summary>
    public static string? Normalize(string? email) =>
        string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();
}
