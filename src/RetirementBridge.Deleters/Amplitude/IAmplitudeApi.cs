using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;

namespace RetirementBridge.Deleters.Amplitude;

/// <summary>
/// The two calls of Amplitude's User Privacy API (v1, <c>/api/2/deletions/users</c>) the deleter needs. Both return an
/// <see cref="IApiResponse"/> so that status codes and transport failures come back as values to classify, and both
/// read the body as a <see cref="JsonElement"/>: Amplitude has answered a deletion with a list of jobs and (in older
/// documentation) with a single job, so the shape is checked by hand rather than trusted to a fixed model.
/// </summary>
internal interface IAmplitudeApi
{
    /// <summary>
    /// Schedules the users for deletion (200 with the job(s) they were added to). Buffered, so the request carries a
    /// Content-Length rather than a chunked body.
    /// </summary>
    [Post("/api/2/deletions/users")]
    [Headers("Accept: application/json")]
    Task<IApiResponse<JsonElement>> RequestDeletionAsync([Body(buffered: true)] AmplitudeDeletionRequest body, CancellationToken cancellationToken);

    /// <summary>The deletion jobs scheduled for days between <paramref name="startDay"/> and <paramref name="endDay"/> (YYYY-MM-DD).</summary>
    [Get("/api/2/deletions/users")]
    [Headers("Accept: application/json")]
    Task<IApiResponse<JsonElement>> ListJobsAsync(
        [AliasAs("start_day")] string startDay, [AliasAs("end_day")] string endDay, CancellationToken cancellationToken);
}

/// <summary>
/// The body of <c>POST /api/2/deletions/users</c>: <c>{"user_ids":[...],"ignore_invalid_id":"true","requester":"..."}</c>,
/// the request Open edX's own retirement pipeline sends (the LMS user id as a string user id).
/// </summary>
internal sealed class AmplitudeDeletionRequest
{
    [JsonPropertyName("user_ids")]
    public required IReadOnlyList<string> UserIds { get; init; }

    /// <summary>
    /// "true": ids Amplitude does not know are skipped instead of failing the whole request with 400 (a batch holds
    /// learners who never produced an event). A string, as Amplitude documents and Open edX sends it.
    /// </summary>
    [JsonPropertyName("ignore_invalid_id")]
    public string IgnoreInvalidId { get; init; } = "true";

    /// <summary>Who asked, for Amplitude's audit trail and the notice it emails to the account's admins.</summary>
    [JsonPropertyName("requester")]
    public required string Requester { get; init; }
}
