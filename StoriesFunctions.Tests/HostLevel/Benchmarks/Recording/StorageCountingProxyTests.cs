using Azure.Data.Tables;
using Azure.Storage.Queues;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

/// <summary>Through the counting pass-through, the SDKs work as against Azurite itself, and every request is counted once.</summary>
[CancelAfter(60_000)]
public class StorageCountingProxyTests
{
    [Test]
    public async Task Requests_SdkCallsThroughTheProxy_EachCountedOnceByOperation(CancellationToken cancellationToken)
    {
        var azurite = await Azurite.EnsureStartedAsync();
        await using var storage = CountedStorage.Start(azurite);
        var queue = new QueueClient(storage.ConnectionString, Azurite.UniqueQueueName("counted"));
        var table = new TableClient(storage.ConnectionString, "counted" + Guid.NewGuid().ToString("N")[..8]);
        string large = new('x', 30_000);

        await queue.CreateAsync(cancellationToken: cancellationToken);
        await queue.SendMessageAsync("one", cancellationToken);
        await queue.SendMessageAsync("two", cancellationToken);
        var received = (await queue.ReceiveMessagesAsync(maxMessages: 2, cancellationToken: cancellationToken)).Value;
        foreach (var message in received)
        {
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }

        await table.CreateAsync(cancellationToken);
        await table.AddEntityAsync(new TableEntity("p", "r") { ["A"] = large, ["B"] = large, ["C"] = large, ["D"] = large, ["E"] = large }, cancellationToken);
        var entity = (await table.GetEntityAsync<TableEntity>("p", "r", cancellationToken: cancellationToken)).Value;

        var operations = storage.Requests.Select(r => $"{r.Service} {r.Operation}").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(received.Select(m => m.MessageText), Is.EquivalentTo(new[] { "one", "two" }));
            Assert.That(entity.GetString("E"), Is.EqualTo(large), "a body many times the relay's buffer arrives whole");
            Assert.That(operations, Is.EquivalentTo(new[]
            {
                "Queue CreateQueue", "Queue PutMessage", "Queue PutMessage", "Queue GetMessages", "Queue DeleteMessage", "Queue DeleteMessage",
                "Table CreateTable", "Table InsertEntity", "Table QueryEntities",
            }));
        });
    }
}
