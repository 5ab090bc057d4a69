namespace StoriesFunctions.Tests.Costs;

/// <summary>Billable storage operations, by the class each is priced in.</summary>
/// <param name="QueueClass2">Queue message operations: put, get (also an empty poll), delete, peek.</param>
/// <param name="TableTransactions">Table Storage transactions: every read, insert, upsert, merge, delete, query page.</param>
/// <param name="BlobWrites">Blob write-class operations (put block, put blob, list).</param>
/// <param name="BlobReads">Blob read-class operations (get blob, get properties).</param>
public sealed record StorageOperations(decimal QueueClass2, decimal TableTransactions, decimal BlobWrites = 0, decimal BlobReads = 0)
{
    public static StorageOperations None { get; } = new(0, 0);

    public static StorageOperations operator +(StorageOperations a, StorageOperations b) =>
        new(a.QueueClass2 + b.QueueClass2, a.TableTransactions + b.TableTransactions, a.BlobWrites + b.BlobWrites, a.BlobReads + b.BlobReads);

    public StorageOperations Scaled(decimal factor) =>
        new(QueueClass2 * factor, TableTransactions * factor, BlobWrites * factor, BlobReads * factor);

    /// <summary>What is left after taking <paramref name="other"/> away, never below zero in any class.</summary>
    public StorageOperations Less(StorageOperations other) =>
        new(Math.Max(0, QueueClass2 - other.QueueClass2), Math.Max(0, TableTransactions - other.TableTransactions),
            Math.Max(0, BlobWrites - other.BlobWrites), Math.Max(0, BlobReads - other.BlobReads));
}
