using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;

namespace RetirementBridge.Deleters.Braze;

/// <summary>
/// The one Braze REST call the deleter needs. It returns an <see cref="IApiResponse{T}"/> so that status codes and
/// transport failures come back as values to classify, never as exceptions.
/// </summary>
internal interface IBrazeApi
{
    /// <summary>
    /// Deletes up to 50 user profiles by external id (Braze queues the deletion and answers with how many it queued).
    /// Buffered, so the body goes with a Content-Length rather than chunked.
    /// </summary>
    [Post("/users/delete")]
    Task<IApiResponse<BrazeDeleteAnswer>> DeleteUsersAsync(
        [Body(BodySerializationMethod.Serialized, buffered: true)] BrazeDeleteRequest request, CancellationToken cancellationToken);
}

/// <summary>The body of <c>POST /users/delete</c>: only <c>external_ids</c> (Braze takes one kind of identifier per request).</summary>
internal sealed class BrazeDeleteRequest
{
    [JsonPropertyName("external_ids")]
    public required IReadOnlyList<string> ExternalIds { get; init; }
}

/// <summary>
/// Braze's answer: <c>{"deleted": N, "message": "success"}</c> (N: user ids queued for deletion); during maintenance
/// 202 <c>{"message": "queued"}</c>; with non-fatal errors, <c>"errors": [...]</c> beside the message.
/// </summary>
internal sealed class BrazeDeleteAnswer
{
    [JsonPropertyName("deleted")]
    public long? Deleted { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    /// <summary>Never read for its text (it is provider text that could name a user); only counted.</summary>
    [JsonPropertyName("errors")]
    public JsonElement? Errors { get; set; }
}
