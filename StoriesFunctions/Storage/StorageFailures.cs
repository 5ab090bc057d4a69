using System.Net.Sockets;
using Azure;

namespace StoriesFunctions.Storage;

/// <summary>
/// Storage conditions, named once so that callers read like prose. The SDK reports a failure as a
/// <see cref="RequestFailedException"/>, or, after its own retries, as an <see cref="AggregateException"/> of them:
/// both are unwrapped here.
/// </summary>
internal static class StorageFailures
{
    /// <summary>409: the entity (a claim) already exists.</summary>
    public static bool IsConflict(this Exception ex) => Status(ex) == 409;

    /// <summary>412: the entity changed since we read it (someone else moved first).</summary>
    public static bool IsPreconditionFailed(this Exception ex) => Status(ex) == 412;

    public static bool IsNotFound(this Exception ex) => Status(ex) == 404;

    /// <summary>
    /// Any failure of a storage call that is not our own cancellation: what "the write did not happen (or we cannot
    /// tell)" looks like, however the SDK reports it. That includes a bare <see cref="SocketException"/>: when a
    /// connection is reset while it is being opened, .NET's connection pool can throw it unwrapped ("Transport endpoint
    /// is not connected"), past the SDK's retries; seen under the real host with tables cut, where it failed the
    /// invocation instead of deferring the message.
    /// </summary>
    public static bool IsStorageFailure(this Exception ex, CancellationToken cancellationToken) =>
        ex switch
        {
            OperationCanceledException => !cancellationToken.IsCancellationRequested,
            RequestFailedException or AggregateException or IOException or SocketException or TimeoutException or HttpRequestException => true,
            _ => false,
        };

    private static int? Status(Exception ex) => ex switch
    {
        RequestFailedException failed => failed.Status,
        AggregateException aggregate => aggregate.Flatten().InnerExceptions.OfType<RequestFailedException>().LastOrDefault()?.Status,
        _ => null,
    };
}
