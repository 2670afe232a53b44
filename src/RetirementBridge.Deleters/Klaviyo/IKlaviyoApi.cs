using System.Text.Json.Serialization;
using Refit;

namespace RetirementBridge.Deleters.Klaviyo;

/// <summary>
/// The one Klaviyo call the deleter makes (Data Privacy API, "Request Profile Deletion"). It returns an
/// <see cref="IApiResponse"/> so that status codes and transport failures come back as values to classify, never as
/// exceptions. The email travels in the body, never in the URL.
/// </summary>
internal interface IKlaviyoApi
{
    /// <summary>
    /// Asks Klaviyo to delete every profile with this email. Klaviyo answers 202 with no body and deletes
    /// asynchronously; it returns no job id and documents no way to follow the deletion. Scope
    /// <c>data-privacy:write</c>; limits: burst 3/s, steady 60/min per account. Buffered, so the body goes with a
    /// Content-Length rather than chunked; the Content-Type is JSON:API's, without a charset parameter.
    /// </summary>
    [Post("/api/data-privacy-deletion-jobs")]
    [Headers("Accept: application/vnd.api+json", "Content-Type: application/vnd.api+json")]
    Task<IApiResponse> RequestProfileDeletionAsync(
        [Header("revision")] string revision,
        [Body(BodySerializationMethod.Serialized, buffered: true)] KlaviyoDeletionJobRequest body,
        CancellationToken cancellationToken);
}

/// <summary>
/// The JSON:API body of <c>POST /api/data-privacy-deletion-jobs</c>, by email:
/// <c>{"data":{"type":"data-privacy-deletion-job","attributes":{"profile":{"data":{"type":"profile","attributes":{"email":…}}}}}}</c>.
/// </summary>
internal sealed class KlaviyoDeletionJobRequest
{
    [JsonPropertyName("data")]
    public required KlaviyoDeletionJob Data { get; init; }

    public static KlaviyoDeletionJobRequest ForEmail(string email) => new()
    {
        Data = new KlaviyoDeletionJob
        {
            Attributes = new KlaviyoDeletionJobAttributes
            {
                Profile = new KlaviyoProfileReference { Data = new KlaviyoProfile { Attributes = new KlaviyoProfileAttributes { Email = email } } },
            },
        },
    };

    /// <summary>Redacted: the body holds the learner's email.</summary>
    public override string ToString() => "KlaviyoDeletionJobRequest(by email)";
}

internal sealed class KlaviyoDeletionJob
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = "data-privacy-deletion-job";

    [JsonPropertyName("attributes")]
    public required KlaviyoDeletionJobAttributes Attributes { get; init; }
}

internal sealed class KlaviyoDeletionJobAttributes
{
    [JsonPropertyName("profile")]
    public required KlaviyoProfileReference Profile { get; init; }
}

internal sealed class KlaviyoProfileReference
{
    [JsonPropertyName("data")]
    public required KlaviyoProfile Data { get; init; }
}

internal sealed class KlaviyoProfile
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = "profile";

    [JsonPropertyName("attributes")]
    public required KlaviyoProfileAttributes Attributes { get; init; }
}

/// <summary>Only <c>email</c>: Klaviyo refuses a request that names more than one identifier.</summary>
internal sealed class KlaviyoProfileAttributes
{
    [JsonPropertyName("email")]
    public required string Email { get; init; }
}

/// <summary>Klaviyo's JSON:API error document: <c>{"errors":[{"id","status","code","title","detail","source"}]}</c>.</summary>
internal sealed class KlaviyoErrorDocument
{
    [JsonPropertyName("errors")]
    public List<KlaviyoError>? Errors { get; set; }
}

/// <summary>
/// Only <c>code</c> is read (a constant such as <c>throttled</c> or <c>permission_denied</c>). <c>title</c>,
/// <c>detail</c> and <c>source</c> are not even bound: they are provider text, and <c>detail</c> can echo the email.
/// </summary>
internal sealed class KlaviyoError
{
    [JsonPropertyName("code")]
    public string? Code { get; set; }
}
