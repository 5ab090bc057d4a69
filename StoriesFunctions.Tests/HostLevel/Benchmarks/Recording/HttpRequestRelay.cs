using System.Globalization;
using System.Text;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

/// <summary>
/// Copies HTTP/1.1 requests from a client stream to an upstream stream byte for byte, and hands each request's head to
/// the caller as it passes: bodies by <c>Content-Length</c> or chunked, requests one after the other on a kept-alive
/// connection (the Azure SDKs do not pipeline).
/// </summary>
internal sealed class HttpRequestRelay(Stream client, Stream upstream)
{
    private const int MaxHeadLength = 64 * 1024;

    private readonly byte[] buffer = new byte[16 * 1024];
    private int position;
    private int filled;

    /// <summary>Relays requests until the client ends its side between two requests.</summary>
    public async Task RunAsync(Action<string> onHead, CancellationToken cancellationToken)
    {
        while (await ReadHeadAsync(cancellationToken) is { } head)
        {
            string text = Encoding.Latin1.GetString(head);
            onHead(text);
            await upstream.WriteAsync(head, cancellationToken);
            await CopyBodyAsync(text, cancellationToken);
            await upstream.FlushAsync(cancellationToken);
        }
    }

    private async Task CopyBodyAsync(string head, CancellationToken cancellationToken)
    {
        string? length = null;
        bool chunked = false;
        foreach (string line in head.Split("\r\n").Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            string name = colon < 0 ? line : line[..colon].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                length = line[(colon + 1)..].Trim();
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = line.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            }
        }

        if (chunked)
        {
            await CopyChunksAsync(cancellationToken);
        }
        else if (length is not null)
        {
            await CopyAsync(long.Parse(length, CultureInfo.InvariantCulture), cancellationToken);
        }
    }

    private async Task CopyChunksAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            byte[] sizeLine = await ReadLineAsync(cancellationToken);
            await upstream.WriteAsync(sizeLine, cancellationToken);
            string size = Encoding.Latin1.GetString(sizeLine).Split(';')[0].Trim();
            if (long.Parse(size, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) == 0)
            {
                // Trailers, up to the empty line that ends the message.
                byte[] trailer;
                do
                {
                    trailer = await ReadLineAsync(cancellationToken);
                    await upstream.WriteAsync(trailer, cancellationToken);
                }
                while (trailer.Length > 2);
                return;
            }

            await CopyAsync(long.Parse(size, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) + 2, cancellationToken);
        }
    }

    private async Task CopyAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (!await FillAsync(cancellationToken))
            {
                throw new IOException("Connection closed inside a request body.");
            }

            int n = (int)Math.Min(count, filled - position);
            await upstream.WriteAsync(buffer.AsMemory(position, n), cancellationToken);
            position += n;
            count -= n;
        }
    }

    /// <summary>The bytes up to and including the blank line after the headers; null when the client closed first.</summary>
    private async Task<byte[]?> ReadHeadAsync(CancellationToken cancellationToken)
    {
        using var head = new MemoryStream();
        while (await FillAsync(cancellationToken))
        {
            head.WriteByte(buffer[position++]);
            if (head.Length >= 4 && EndsWithBlankLine(head))
            {
                return head.ToArray();
            }

            if (head.Length > MaxHeadLength)
            {
                throw new InvalidDataException("Request head too long.");
            }
        }

        return head.Length == 0 ? null : throw new IOException("Connection closed inside a request head.");
    }

    private async Task<byte[]> ReadLineAsync(CancellationToken cancellationToken)
    {
        using var line = new MemoryStream();
        while (await FillAsync(cancellationToken))
        {
            byte b = buffer[position++];
            line.WriteByte(b);
            if (b == '\n')
            {
                return line.ToArray();
            }
        }

        throw new IOException("Connection closed inside a chunked body.");
    }

    private static bool EndsWithBlankLine(MemoryStream head)
    {
        byte[] bytes = head.GetBuffer();
        int end = (int)head.Length;
        return bytes[end - 4] == '\r' && bytes[end - 3] == '\n' && bytes[end - 2] == '\r' && bytes[end - 1] == '\n';
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (position < filled)
        {
            return true;
        }

        position = 0;
        filled = await client.ReadAsync(buffer, cancellationToken);
        return filled > 0;
    }
}
