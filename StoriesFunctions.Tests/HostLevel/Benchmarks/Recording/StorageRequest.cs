namespace StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

/// <summary>The three storage services a function app talks to, each billed by its own meter.</summary>
internal enum StorageService
{
    Blob,
    Queue,
    Table,
}

/// <summary>The price class a storage request is billed in: the billing model's <c>StorageOperations</c>.</summary>
internal enum StorageMeter
{
    QueueClass2,
    TableTransaction,
    BlobWrite,
    BlobRead,
}

/// <summary>
/// One HTTP request a host sent to storage, as read from the wire: when it went up, to which service, its method,
/// path (account included) and query, and for a blob lease call its <c>x-ms-lease-action</c>.
/// </summary>
internal sealed record StorageRequest(DateTimeOffset At, StorageService Service, string Method, string Path, string Query, string? LeaseAction)
{
    /// <summary>Reads a request head (request line and headers, as ASCII text) seen at <paramref name="at"/>.</summary>
    public static StorageRequest Parse(StorageService service, string head, DateTimeOffset at)
    {
        string[] lines = head.Split("\r\n");
        string[] requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3)
        {
            throw new InvalidDataException($"Malformed request line '{lines[0]}'.");
        }

        string target = requestLine[1];
        int query = target.IndexOf('?', StringComparison.Ordinal);
        string? leaseAction = lines.Skip(1)
            .Where(line => line.StartsWith("x-ms-lease-action:", StringComparison.OrdinalIgnoreCase))
            .Select(line => line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim().ToLowerInvariant())
            .FirstOrDefault();
        return new StorageRequest(
            at, service, requestLine[0].ToUpperInvariant(), query < 0 ? target : target[..query], query < 0 ? string.Empty : target[(query + 1)..], leaseAction);
    }

    /// <summary>The operation's name in the storage REST API's terms, e.g. <c>GetMessages</c>, <c>RenewLease</c>.</summary>
    public string Operation => StorageOperation.Name(this);

    /// <summary>The price class it is billed in.</summary>
    public StorageMeter Meter => StorageOperation.Meter(this);
}
