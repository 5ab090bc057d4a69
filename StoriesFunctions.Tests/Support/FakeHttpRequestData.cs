using System.Collections.Specialized;
using System.Globalization;
using System.Security.Claims;
using System.Web;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace StoriesFunctions.Tests.Support;

/// <summary>An <see cref="HttpRequestData"/> as the Functions host would hand it to an HTTP-triggered function.</summary>
public sealed class FakeHttpRequestData : HttpRequestData
{
    /// <param name="context">Usually a <see cref="FakeFunctionContext"/>.</param>
    /// <param name="method">HTTP method, e.g. <c>POST</c>.</param>
    /// <param name="url">Full request URL; its query string fills <see cref="Query"/>.</param>
    /// <param name="body">Request body bytes; null for none.</param>
    /// <param name="headers">Request headers; Content-Length (or Transfer-Encoding) is added unless given.</param>
    /// <param name="chunked">
    /// True to send the body as a chunked request would arrive: no Content-Length, and a non-seekable stream
    /// that yields a few bytes per read, so code relying on Length or on a single Read fails here.
    /// </param>
    public FakeHttpRequestData(
        FunctionContext context, string method, Uri url, byte[]? body, IDictionary<string, string>? headers = null, bool chunked = false)
        : base(context)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(url);
        Method = method;
        Url = url;
        body ??= [];
        Body = chunked ? new TrickleStream(body) : new MemoryStream(body, writable: false);
        Headers = new HttpHeadersCollection(headers ?? new Dictionary<string, string>());
        if (chunked && !Headers.Contains("Transfer-Encoding"))
        {
            Headers.TryAddWithoutValidation("Transfer-Encoding", "chunked");
        }
        else if (!chunked && body.Length > 0 && !Headers.Contains("Content-Length"))
        {
            Headers.TryAddWithoutValidation("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture));
        }

        Query = HttpUtility.ParseQueryString(url.Query);
    }

    /// <inheritdoc />
    public override Stream Body { get; }

    /// <inheritdoc />
    public override HttpHeadersCollection Headers { get; }

    /// <inheritdoc />
    public override IReadOnlyCollection<IHttpCookie> Cookies { get; } = [];

    /// <inheritdoc />
    public override Uri Url { get; }

    /// <inheritdoc />
    public override IEnumerable<ClaimsIdentity> Identities { get; } = [];

    /// <inheritdoc />
    public override string Method { get; }

    /// <inheritdoc />
    public override NameValueCollection Query { get; }

    /// <inheritdoc />
    public override HttpResponseData CreateResponse() => new FakeHttpResponseData(FunctionContext);

    /// <summary>A read-only, non-seekable stream that hands out at most a few bytes per read.</summary>
    private sealed class TrickleStream(byte[] content) : Stream
    {
        private const int MaxBytesPerRead = 7;
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException("A chunked body has no length.");

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(Math.Min(buffer.Length, MaxBytesPerRead), content.Length - position);
            content.AsSpan(position, n).CopyTo(buffer);
            position += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer, offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
