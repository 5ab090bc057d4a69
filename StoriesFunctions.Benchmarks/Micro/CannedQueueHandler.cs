using System.Net;
using System.Text;

namespace StoriesFunctions.Benchmarks.Micro;

/// <summary>
/// The queue service's answers without the network: the Azure SDK's real client builds, signs and sends every request
/// through its pipeline, and this handler, at the process boundary, answers as the service would (create: 201; send
/// message: 201 with the message's receipt). So the benchmark measures the production ingest code and its SDK calls,
/// not the storage service.
/// </summary>
internal sealed class CannedQueueHandler : HttpMessageHandler
{
    private const string Sent =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessagesList><QueueMessage><MessageId>00000000-0000-0000-0000-000000000000</MessageId>"
        + "<InsertionTime>Fri, 20 Nov 2026 14:05:02 GMT</InsertionTime><ExpirationTime>Fri, 31 Dec 9999 23:59:59 GMT</ExpirationTime>"
        + "<PopReceipt>AgAAAAMAAAAAAAAA</PopReceipt><TimeNextVisible>Fri, 20 Nov 2026 14:05:02 GMT</TimeNextVisible></QueueMessage></QueueMessagesList>";

    private static readonly byte[] SentBytes = Encoding.UTF8.GetBytes(Sent);

    public long Messages => Interlocked.Read(ref _messages);

    private long _messages;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null)
        {
            // The SDK streams the body: read it, as the service would.
            await request.Content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }

        if (request.Method == HttpMethod.Post)
        {
            Interlocked.Increment(ref _messages);
            return new HttpResponseMessage(HttpStatusCode.Created) { Content = new ByteArrayContent(SentBytes) { Headers = { ContentType = new("application/xml") } } };
        }

        return new HttpResponseMessage(HttpStatusCode.Created);
    }
}
