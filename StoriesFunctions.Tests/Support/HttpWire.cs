using System.Globalization;
using System.Net;
using System.Text;

namespace StoriesFunctions.Tests.Support;

/// <summary>
/// The server side of one HTTP/1.1 connection, just enough for <see cref="StoriesStandIn"/>: request line,
/// headers, Content-Length or chunked bodies, <c>Expect: 100-continue</c> and keep-alive.
/// </summary>
/// <remarks>
/// Hand-written because <see cref="HttpListener"/> cannot drop a connection on Linux: its Abort() still
/// sends an empty 200, and dropped-connection tests need the client to see no response at all.
/// </remarks>
internal sealed class HttpWire(Stream stream)
{
    private const int MaxLineLength = 16 * 1024;

    private readonly byte[] buffer = new byte[8192];
    private int position;
    private int filled;

    /// <summary>Reads the next request; null when the client closed the connection between requests.</summary>
    public async Task<(RecordedRequest Request, bool KeepAlive)?> ReadRequestAsync(CancellationToken cancellationToken)
    {
        string? requestLine = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (requestLine is null)
        {
            return null;
        }

        string[] parts = requestLine.Split(' ');
        if (parts.Length != 3)
        {
            throw new InvalidDataException($"Malformed request line '{requestLine}'.");
        }

        Dictionary<string, string> headers = await ReadHeadersAsync(cancellationToken).ConfigureAwait(false);
        if (headers.TryGetValue("Expect", out string? expect) && expect.Equals("100-continue", StringComparison.OrdinalIgnoreCase))
        {
            await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        }

        string body = await ReadBodyAsync(headers, cancellationToken).ConfigureAwait(false);
        string target = parts[1];
        int query = target.IndexOf('?', StringComparison.Ordinal);
        var request = new RecordedRequest(
            parts[0].ToUpperInvariant(), query < 0 ? target : target[..query], query < 0 ? string.Empty : target[query..], headers, body);
        bool keepAlive = parts[2] == "HTTP/1.1"
            && !(headers.TryGetValue("Connection", out string? connection) && connection.Contains("close", StringComparison.OrdinalIgnoreCase));
        return (request, keepAlive);
    }

    public async Task WriteResponseAsync(
        int status, IEnumerable<KeyValuePair<string, string>> headers, string? body, bool keepAlive, CancellationToken cancellationToken)
    {
        byte[] content = Encoding.UTF8.GetBytes(body ?? string.Empty);
        var head = new StringBuilder();
        string reason = Enum.IsDefined((HttpStatusCode)status) ? ((HttpStatusCode)status).ToString() : "Status";
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {reason}\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {content.Length}\r\n");
        head.Append(keepAlive ? "\r\n" : "Connection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<Dictionary<string, string>> ReadHeadersAsync(CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? line;
        while (!string.IsNullOrEmpty(line = await ReadLineAsync(cancellationToken).ConfigureAwait(false)))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new InvalidDataException($"Malformed header line '{line}'.");
            }

            string name = line[..colon].Trim();
            string value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out string? earlier) ? earlier + ", " + value : value;
        }

        return headers;
    }

    private async Task<string> ReadBodyAsync(Dictionary<string, string> headers, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        if (headers.TryGetValue("Transfer-Encoding", out string? encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            int size;
            while ((size = ParseChunkSize(await ReadLineAsync(cancellationToken).ConfigureAwait(false))) > 0)
            {
                await CopyAsync(size, body, cancellationToken).ConfigureAwait(false);
                await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }

            // Skip trailers up to the blank line that ends the message.
            while (!string.IsNullOrEmpty(await ReadLineAsync(cancellationToken).ConfigureAwait(false)))
            {
            }
        }
        else if (headers.TryGetValue("Content-Length", out string? length))
        {
            await CopyAsync(int.Parse(length, CultureInfo.InvariantCulture), body, cancellationToken).ConfigureAwait(false);
        }

        return Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
    }

    private static int ParseChunkSize(string? line) =>
        int.Parse(
            (line ?? throw new IOException("Connection closed inside a chunked body.")).Split(';')[0].Trim(),
            NumberStyles.AllowHexSpecifier,
            CultureInfo.InvariantCulture);

    private async Task CopyAsync(int count, MemoryStream into, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new IOException("Connection closed inside a request body.");
            }

            int n = Math.Min(count, filled - position);
            into.Write(buffer, position, n);
            position += n;
            count -= n;
        }
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        while (await FillAsync(cancellationToken).ConfigureAwait(false))
        {
            char c = (char)buffer[position++];
            if (c == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            if (line.Length == MaxLineLength)
            {
                throw new InvalidDataException("Request line or header too long.");
            }

            line.Append(c);
        }

        return line.Length == 0 ? null : throw new IOException("Connection closed inside a line.");
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (position < filled)
        {
            return true;
        }

        position = 0;
        filled = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return filled > 0;
    }
}
