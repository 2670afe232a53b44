using System.Text.Json.Serialization;
using Refit;

namespace RetirementBridge.Deleters.Segment;

/// <summary>
/// The two Segment Public API calls the deleter needs (Deletion and Suppression). Every call returns an
/// <see cref="IApiResponse{T}"/>, so status codes and transport failures come back as values to classify, never as
/// exceptions (whose messages would carry the request URL).
/// </summary>
internal interface ISegmentApi
{
    /// <summary>
    /// Creates a workspace-scoped regulation: Segment suppresses the subjects and deletes their data from its own systems,
    /// warehouses and the destinations that support deletion. Answers 200 <c>{"data":{"regulateId":"..."}}</c>.
    /// The body holds usernames (Segment needs them as subject ids): it is sent, never logged.
    /// </summary>
    [Post("/regulations")]
    Task<IApiResponse<SegmentCreatedRegulationAnswer>> CreateWorkspaceRegulationAsync(
        [Body] SegmentCreateRegulationRequest body, CancellationToken cancellationToken);

    /// <summary>One regulation's status: 200 <c>{"data":{"regulation":{"id":...,"overallStatus":...}}}</c>.</summary>
    [Get("/regulations/{regulateId}")]
    Task<IApiResponse<SegmentRegulationAnswer>> GetRegulationAsync(string regulateId, CancellationToken cancellationToken);
}

/// <summary>The body of <c>POST /regulations</c> (CreateWorkspaceRegulationV1Input).</summary>
internal sealed class SegmentCreateRegulationRequest
{
    /// <summary>Suppress new data and delete existing data (internal systems, warehouses, supporting destinations).</summary>
    public const string SuppressWithDelete = "SUPPRESS_WITH_DELETE";

    public const string UserId = "USER_ID";

    [JsonPropertyName("regulationType")]
    public string RegulationType { get; init; } = SuppressWithDelete;

    [JsonPropertyName("subjectType")]
    public string SubjectType { get; init; } = UserId;

    [JsonPropertyName("subjectIds")]
    public required IReadOnlyList<string> SubjectIds { get; init; }

    public override string ToString() => $"SegmentCreateRegulationRequest(subjects={SubjectIds.Count})";
}

/// <summary>The answer to <c>POST /regulations</c>.</summary>
internal sealed class SegmentCreatedRegulationAnswer
{
    [JsonPropertyName("data")]
    public SegmentCreatedRegulation? Data { get; set; }
}

internal sealed class SegmentCreatedRegulation
{
    [JsonPropertyName("regulateId")]
    public string? RegulateId { get; set; }
}

/// <summary>The answer to <c>GET /regulations/{regulateId}</c>.</summary>
internal sealed class SegmentRegulationAnswer
{
    [JsonPropertyName("data")]
    public SegmentRegulationData? Data { get; set; }
}

internal sealed class SegmentRegulationData
{
    [JsonPropertyName("regulation")]
    public SegmentRegulation? Regulation { get; set; }
}

/// <summary>
/// The fields of a regulation the deleter reads. The per-destination <c>streamStatus</c> (whose <c>errString</c> is
/// provider text) is deliberately not read.
/// </summary>
internal sealed class SegmentRegulation
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    /// <summary>INITIALIZED, RUNNING, FINISHED, FAILED, PARTIAL_SUCCESS, INVALID or NOT_SUPPORTED.</summary>
    [JsonPropertyName("overallStatus")]
    public string? OverallStatus { get; set; }
}
