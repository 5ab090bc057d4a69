using System.Net.Sockets;
using Azure;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Tests.Storage;

public class StorageFailuresTests
{
    private static IEnumerable<TestCaseData> Failures()
    {
        yield return new TestCaseData(new RequestFailedException(503, "busy")).SetName("a status from storage");
        yield return new TestCaseData(new AggregateException(new RequestFailedException("reset"))).SetName("the SDK's retries exhausted");
        yield return new TestCaseData(new IOException("reset")).SetName("an I/O error");
        yield return new TestCaseData(new HttpRequestException("refused")).SetName("a refused connection");
        yield return new TestCaseData(new TimeoutException()).SetName("a timeout");
        yield return new TestCaseData(new OperationCanceledException()).SetName("a cancellation not ours");

        // Thrown unwrapped by the connection pool when a connection is reset while it opens (tables cut under the
        // real host): it failed the invocation before it counted.
        yield return new TestCaseData(new SocketException((int)SocketError.NotConnected)).SetName("a bare socket error");
    }

    [TestCaseSource(nameof(Failures))]
    public void IsStorageFailure_WhatStorageThrowsWhenItFails_IsAStorageFailure(Exception failure) =>
        Assert.That(failure.IsStorageFailure(CancellationToken.None), Is.True);

    [Test]
    public void IsStorageFailure_OurOwnCancellation_IsNot()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.That(new OperationCanceledException(cancelled.Token).IsStorageFailure(cancelled.Token), Is.False);
    }

    [Test]
    public void IsStorageFailure_AProgrammingError_IsNot() =>
        Assert.That(new ArgumentException("bad").IsStorageFailure(CancellationToken.None), Is.False);
}
