using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using StoriesFunctions.Stories;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Budget;

/// <summary>
/// The budget row in table <c>storiesbudget</c>, one per Stories API key (a fingerprint of it, never the key): every
/// instance of a deployment shares it, and Stories counts per key. One conditional write per group of slots granted.
/// </summary>
public sealed class BudgetTable(TableServiceClient service, IOptions<StoriesOptions> stories) : IBudgetStore
{
    public const string TableName = "storiesbudget";
    private const string Partition = "budget";

    private readonly TableClient _table = service.GetTableClient(TableName);
    private readonly string _row = Fingerprint(stories.Value.ApiKey);
    private Task? _created;

    public async Task<(BudgetState State, string Version)> ReadAsync(CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        for (var tries = 0; ; tries++)
        {
            var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, _row, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (found.HasValue && found.Value is { } entity)
            {
                return (FromEntity(entity), entity.ETag.ToString());
            }

            try
            {
                var created = await _table.AddEntityAsync(ToEntity(BudgetState.Empty), cancellationToken).ConfigureAwait(false);
                return (BudgetState.Empty, created.Headers.ETag?.ToString() ?? string.Empty);
            }
            catch (RequestFailedException ex) when (ex.IsConflict() && tries < 3)
            {
                // Another instance created it first: read theirs.
            }
        }
    }

    public async Task<string?> TryWriteAsync(BudgetState state, string version, CancellationToken cancellationToken)
    {
        try
        {
            var written = await _table.UpdateEntityAsync(ToEntity(state), new ETag(version), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return written.Headers.ETag?.ToString();
        }
        catch (RequestFailedException ex) when (ex.IsPreconditionFailed() || ex.IsNotFound())
        {
            return null;
        }
    }

    private Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        var created = _created;
        if (created is null || created.IsFaulted || created.IsCanceled)
        {
            created = _created = _table.CreateIfNotExistsAsync(cancellationToken);
        }

        return created;
    }

    private TableEntity ToEntity(BudgetState state) => new(Partition, _row)
    {
        ["LearnedLimit"] = state.LearnedLimit,
        ["Granted"] = state.Granted.ToString(),
        ["Round"] = Stored(state.Round),
        ["Held"] = state.Held,
        ["Queued"] = state.Queued,
        ["PausedUntil"] = Stored(state.PausedUntil),
        ["Marks"] = state.Marks.ToString(),
        ["OpeningAt"] = Stored(state.OpeningAt),
        ["OpeningAnswered"] = state.OpeningAnswered,
        ["NextSlot"] = Stored(state.NextSlot),
    };

    // A row written before the burst budget reads as one with nothing granted or reserved (its NextSlot still paces a
    // short span): its waiting messages come back when they were told, and go first as scheduled ones.
    private static BudgetState FromEntity(TableEntity entity) => new(
        entity.GetInt32("LearnedLimit"),
        GrantLog.Parse(entity.GetString("Granted")),
        entity.GetDateTimeOffset("Round") ?? DateTimeOffset.MinValue,
        entity.GetInt32("Held") ?? 0,
        entity.GetInt32("Queued") ?? 0,
        entity.GetDateTimeOffset("PausedUntil") ?? DateTimeOffset.MinValue,
        BacklogMarks.Parse(entity.GetString("Marks")),
        entity.GetDateTimeOffset("OpeningAt") ?? DateTimeOffset.MinValue,
        entity.GetBoolean("OpeningAnswered") ?? false,
        entity.GetDateTimeOffset("NextSlot") ?? DateTimeOffset.MinValue);

    // Table storage keeps dates from 1601 on; the empty state's MinValue is stored as that.
    private static DateTimeOffset Stored(DateTimeOffset at) =>
        at < new DateTimeOffset(1601, 1, 1, 0, 0, 0, TimeSpan.Zero) ? new DateTimeOffset(1601, 1, 1, 0, 0, 0, TimeSpan.Zero) : at;

    internal static string Fingerprint(string apiKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)))[..32];
}
