using System.Globalization;
using Azure.Data.Tables;

namespace StoriesFunctions.DeadLetters;

/// <summary>
/// The <c>messageId</c>s a job was given, kept apart from its row because 10,000 of them do not fit in one: each as its
/// dead letter's row key (<see cref="DeadLetterStore.KeyOf"/>, at most 200 characters however long the id), 160 to a
/// column and 15 columns to a row of <c>deadletterjobs</c> (partition <c>ids</c>, row <c>{job}-{n}</c>). A piece reads
/// only the columns it needs. See <see cref="WorstCaseEntityBytes"/> for why that fits.
/// </summary>
public sealed class DeadLetterJobIds(TableServiceClient tables)
{
    /// <summary>Table service limits: a string property holds 64 KiB (32,768 UTF-16 characters), an entity 1 MiB.</summary>
    public const int MaxStringChars = 32 * 1024;
    public const int MaxEntityBytes = 1024 * 1024;

    public const int KeysPerColumn = 160;
    public const int ColumnsPerRow = 15;
    public const int KeysPerRow = KeysPerColumn * ColumnsPerRow;

    private const string Partition = "ids";
    private const char Separator = '\n'; // never in a key: keys are plain characters or a hash

    private readonly TableClient _table = tables.GetTableClient(DeadLetterJobs.TableName);

    /// <summary>The longest column: <see cref="KeysPerColumn"/> keys of the longest kind, each with its separator.</summary>
    public static int WorstCaseColumnChars => KeysPerColumn * (DeadLetterStore.MaxKeyLength + 1);

    /// <summary>
    /// The largest row, by the service's own formula: 4 bytes, plus 2 per character of the keys, plus for each string
    /// property 8 bytes, 2 per character of its name, and 4 + 2 per character of its value.
    /// </summary>
    public static int WorstCaseEntityBytes =>
        4 + (2 * (Partition.Length + RowKey(new string('x', 40), 99).Length))
        + (ColumnsPerRow * (8 + (2 * Column(ColumnsPerRow - 1).Length) + 4 + (2 * WorstCaseColumnChars)));

    /// <summary>Keeps <paramref name="messageIds"/> for job <paramref name="jobId"/>; the table exists already.</summary>
    public async Task WriteAsync(string jobId, IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        var keys = messageIds.Select(DeadLetterStore.KeyOf).ToList();
        for (var row = 0; row * KeysPerRow < keys.Count; row++)
        {
            var entity = new TableEntity(Partition, RowKey(jobId, row));
            var inRow = keys.Skip(row * KeysPerRow).Take(KeysPerRow).ToList();
            for (var column = 0; column * KeysPerColumn < inRow.Count; column++)
            {
                entity[Column(column)] = string.Join(Separator, inRow.Skip(column * KeysPerColumn).Take(KeysPerColumn));
            }

            await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The dead-letter row keys of ids <paramref name="from"/> to <paramref name="from"/> + <paramref name="count"/> of <paramref name="job"/>.</summary>
    public async Task<IReadOnlyList<string>> ReadAsync(DeadLetterJob job, int from, int count, CancellationToken cancellationToken)
    {
        if (count <= 0)
        {
            return [];
        }

        if (job.LegacyMessageIds is { } inline)
        {
            return [.. inline.Skip(from).Take(count).Select(DeadLetterStore.KeyOf)];
        }

        var (keys, end) = (new List<string>(count), from + count);
        for (var row = from / KeysPerRow; row * KeysPerRow < end; row++)
        {
            var (first, last) = (Math.Max(from, row * KeysPerRow), Math.Min(end, (row + 1) * KeysPerRow) - 1);
            var (firstColumn, lastColumn) = (first % KeysPerRow / KeysPerColumn, last % KeysPerRow / KeysPerColumn);
            var names = Enumerable.Range(firstColumn, lastColumn - firstColumn + 1).Select(Column).ToList();
            var entity = (await _table.GetEntityAsync<TableEntity>(Partition, RowKey(job.Id, row), names, cancellationToken).ConfigureAwait(false)).Value;
            var values = names.SelectMany(name => entity.GetString(name)?.Split(Separator) ?? []);
            var offset = (row * KeysPerRow) + (firstColumn * KeysPerColumn);
            keys.AddRange(values.Skip(first - offset).Take(last - first + 1));
        }

        return keys;
    }

    private static string RowKey(string jobId, int row) => string.Create(CultureInfo.InvariantCulture, $"{jobId}-{row:D2}");

    private static string Column(int column) => string.Create(CultureInfo.InvariantCulture, $"K{column:D2}");
}
