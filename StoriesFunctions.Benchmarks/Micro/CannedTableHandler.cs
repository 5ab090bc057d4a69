using System.Net;
using System.Text;

namespace StoriesFunctions.Benchmarks.Micro;

/// <summary>
/// The table service's answers without the network, for the list of erased users ingest reads every 10 s: the table
/// exists (204 to its creation) and holds nobody (an empty page), as in a deployment with no erasure.
/// </summary>
internal sealed class CannedTableHandler : HttpMessageHandler
{
    private static readonly byte[] EmptyPage = Encoding.UTF8.GetBytes("{\"value\":[]}");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null)
        {
            await request.Content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }

        return request.Method == HttpMethod.Get
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(EmptyPage) { Headers = { ContentType = new("application/json") } } }
            : new HttpResponseMessage(HttpStatusCode.NoContent);
    }
}
