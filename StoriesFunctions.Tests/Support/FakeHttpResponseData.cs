using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace StoriesFunctions.Tests.Support;

/// <summary>The response an HTTP-triggered function built, kept in memory for assertions.</summary>
public sealed class FakeHttpResponseData(FunctionContext context) : HttpResponseData(context)
{
    /// <inheritdoc />
    public override HttpStatusCode StatusCode { get; set; } = HttpStatusCode.OK;

    /// <inheritdoc />
    public override HttpHeadersCollection Headers { get; set; } = [];

    /// <inheritdoc />
    public override Stream Body { get; set; } = new MemoryStream();

    /// <inheritdoc />
    public override HttpCookies Cookies { get; } = new FakeHttpCookies();

    /// <summary>The body written so far, decoded as UTF-8.</summary>
    public string ReadBody()
    {
        if (Body is MemoryStream memory)
        {
            return Encoding.UTF8.GetString(memory.ToArray());
        }

        Body.Position = 0;
        using var reader = new StreamReader(Body, Encoding.UTF8, leaveOpen: true);
        return reader.ReadToEnd();
    }

    /// <summary>The body parsed as JSON; dispose the document.</summary>
    public JsonDocument ReadJson() => JsonDocument.Parse(ReadBody());

    /// <summary>The values of header <paramref name="name"/> joined with ", ", or null when absent.</summary>
    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    private sealed class FakeHttpCookies : HttpCookies
    {
        public List<IHttpCookie> Appended { get; } = [];

        public override void Append(string name, string value) => Appended.Add(new HttpCookie(name, value));

        public override void Append(IHttpCookie cookie) => Appended.Add(cookie);

        public override IHttpCookie CreateNew() => new HttpCookie(string.Empty, string.Empty);
    }
}
