using StoriesFunctions.Tests.Costs;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

/// <summary>
/// Names a storage request by its REST API operation, from its method, path and query alone: what the summary counts
/// by, so that a polling rate or a lease renewal rate can be read off a recording; and gives the price class the
/// recording counts it in.
/// </summary>
internal static class StorageOperation
{
    public static string Name(StorageRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);

        // The path starts with the account (/devstoreaccount1/...); what follows addresses the resource.
        string[] segments = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(Uri.UnescapeDataString).ToArray();
        var query = Query(request.Query);
        return request.Service switch
        {
            StorageService.Queue => Queue(request.Method, segments, query),
            StorageService.Blob => Blob(request.Method, segments, query, request.LeaseAction),
            StorageService.Table => Table(request.Method, segments),
        };
    }

    /// <summary>
    /// The price class of a request. Every queue request is a class-2 operation and every table request one transaction.
    /// Blob requests follow Azure's table for general purpose v2
    /// (learn.microsoft.com/azure/storage/blobs/map-rest-apis-transaction-categories): lease calls and set-properties or
    /// set-metadata calls are "other", priced with the reads on the hot tier, and deletes are free (counted as reads here,
    /// a small upper bound); every list, and every other PUT or POST, is write-class; other GETs and HEADs are reads. The
    /// host's lease renewals are most of an idle instance's blob requests.
    /// </summary>
    public static StorageMeter Meter(StorageRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? comp = Query(request.Query).GetValueOrDefault("comp");
        bool other = comp is "lease" or "properties" or "metadata" || request.Method == "DELETE";
        return request.Service switch
        {
            StorageService.Queue => StorageMeter.QueueClass2,
            StorageService.Table => StorageMeter.TableTransaction,
            StorageService.Blob when comp == "list" => StorageMeter.BlobWrite,
            StorageService.Blob => other || request.Method is "GET" or "HEAD" ? StorageMeter.BlobRead : StorageMeter.BlobWrite,
        };
    }

    /// <summary>The requests counted by price class, as the billing model reads them.</summary>
    public static StorageOperations Count(IEnumerable<StorageRequest> requests)
    {
        var byMeter = requests.CountBy(r => r.Meter).ToDictionary();
        decimal Of(StorageMeter meter) => byMeter.GetValueOrDefault(meter);
        return new StorageOperations(
            Of(StorageMeter.QueueClass2), Of(StorageMeter.TableTransaction), Of(StorageMeter.BlobWrite), Of(StorageMeter.BlobRead));
    }

    private static string Queue(string method, string[] segments, Dictionary<string, string> query) => (method, segments.Length) switch
    {
        ("GET", 0) => "ListQueues",
        (_, 1) when query.ContainsKey("comp") => method is "GET" or "HEAD" ? "GetQueueMetadata" : "SetQueueMetadata",
        ("PUT", 1) => "CreateQueue",
        ("DELETE", 1) => "DeleteQueue",
        ("GET", 2) => query.TryGetValue("peekonly", out string? peek) && peek == "true" ? "PeekMessages" : "GetMessages",
        ("POST", 2) => "PutMessage",
        ("DELETE", 2) => "ClearMessages",
        ("DELETE", 3) => "DeleteMessage",
        ("PUT", 3) => "UpdateMessage",
        _ => $"queue {method}",
    };

    private static string Blob(string method, string[] segments, Dictionary<string, string> query, string? leaseAction)
    {
        query.TryGetValue("comp", out string? comp);
        if (comp == "lease")
        {
            string action = leaseAction ?? "unknown";
            return string.Concat(char.ToUpperInvariant(action[0]).ToString(), action[1..], segments.Length > 1 ? "Lease" : "ContainerLease");
        }

        return (method, segments.Length, comp) switch
        {
            ("GET", 0, "list") => "ListContainers",
            ("GET", 1, "list") => "ListBlobs",
            ("PUT", 1, null) => "CreateContainer",
            ("GET" or "HEAD", 1, _) => "GetContainerProperties",
            ("DELETE", 1, _) => "DeleteContainer",
            ("GET", > 1, null) => "GetBlob",
            ("HEAD", > 1, _) => "GetBlobProperties",
            ("GET", > 1, _) => $"GetBlob{Capitalized(comp)}",
            ("PUT", > 1, null) => "PutBlob",
            ("PUT", > 1, _) => $"SetBlob{Capitalized(comp)}",
            ("DELETE", > 1, _) => "DeleteBlob",
            _ => $"blob {method}",
        };
    }

    private static string Table(string method, string[] segments)
    {
        string resource = segments.Length == 0 ? string.Empty : segments[0];
        bool tables = resource.StartsWith("Tables", StringComparison.Ordinal);
        return (method, tables, resource) switch
        {
            ("POST", false, "$batch") => "EntityGroupTransaction",
            ("GET", true, _) => "QueryTables",
            ("POST", true, _) => "CreateTable",
            ("DELETE", true, _) => "DeleteTable",
            ("GET", false, _) => "QueryEntities",
            ("POST", false, _) => "InsertEntity",
            ("PUT", false, _) => "UpdateEntity",
            ("MERGE" or "PATCH", false, _) => "MergeEntity",
            ("DELETE", false, _) => "DeleteEntity",
            _ => $"table {method}",
        };
    }

    private static Dictionary<string, string> Query(string query) =>
        query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .GroupBy(pair => Uri.UnescapeDataString(pair[0]).ToLowerInvariant())
            .ToDictionary(group => group.Key, group => group.First() is { Length: 2 } pair ? Uri.UnescapeDataString(pair[1]).ToLowerInvariant() : string.Empty);

    private static string Capitalized(string? word) =>
        string.IsNullOrEmpty(word) ? string.Empty : string.Concat(char.ToUpperInvariant(word[0]).ToString(), word[1..]);
}
