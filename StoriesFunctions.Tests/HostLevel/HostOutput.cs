namespace StoriesFunctions.Tests.HostLevel;

/// <summary>
/// What a host wrote to stdout and stderr, line by line in arrival order, kept across restarts. Thread-safe;
/// tests wait on it for a log line and put it in failure messages.
/// </summary>
public sealed partial class HostOutput
{
    // A chatty host writes a few thousand lines a minute; the cap only guards against a runaway loop.
    private const int MaxLines = 200_000;

    private readonly Lock gate = new();
    private readonly List<string> lines = [];
    private readonly List<DateTimeOffset> arrivals = [];
    private readonly List<(string Text, int After, TaskCompletionSource<string> Found)> waiters = [];

    /// <summary>A snapshot of every line so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (gate)
            {
                return [.. lines];
            }
        }
    }

    /// <summary>Lines so far: pass it to <see cref="WaitForAsync"/> as <c>after</c> to see only later lines.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return lines.Count;
            }
        }
    }

    /// <summary>
    /// Waits for a line at index <paramref name="after"/> or later that contains <paramref name="text"/> (ordinal) and
    /// returns it; throws <see cref="TimeoutException"/> with the output's tail when none comes in time.
    /// </summary>
    public async Task<string> WaitForAsync(string text, TimeSpan timeout, int after = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            string? seen = lines.Skip(after).FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal));
            if (seen is not null)
            {
                return seen;
            }

            waiters.Add((text, after, found));
        }

        try
        {
            return await found.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No host output line contained '{text}' within {timeout}. Last lines:{Environment.NewLine}{Tail()}");
        }
        finally
        {
            lock (gate)
            {
                waiters.RemoveAll(w => w.Found == found);
            }
        }
    }

    /// <summary>True when a line so far contains <paramref name="text"/> (ordinal).</summary>
    public bool Contains(string text)
    {
        lock (gate)
        {
            return lines.Exists(line => line.Contains(text, StringComparison.Ordinal));
        }
    }

    /// <summary>The last <paramref name="count"/> lines, one per line, for failure messages.</summary>
    public string Tail(int count = 150)
    {
        lock (gate)
        {
            return lines.Count == 0 ? "(no output)" : string.Join(Environment.NewLine, lines.Skip(Math.Max(0, lines.Count - count)));
        }
    }

    /// <summary>
    /// Writes every line to <c>host-logs/{test}-{name}.log</c> under NUnit's work directory and names the file in
    /// the test's output: a failed host-level test is read from there.
    /// </summary>
    public string SaveForTest(string name)
    {
        string directory = Path.Combine(TestContext.CurrentContext.WorkDirectory, "host-logs");
        Directory.CreateDirectory(directory);
        string test = string.Concat(TestContext.CurrentContext.Test.Name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_'));
        string file = Path.Combine(directory, $"{test}-{name}.log");
        File.WriteAllLines(file, Lines);
        TestContext.Out.WriteLine($"host output: {file}");
        TestContext.Out.WriteLine(Digest());
        return file;
    }

    /// <summary>
    /// The host's warnings and failures, grouped by their first message line with numbers and ids masked, most
    /// frequent first: what a failed run in CI (whose log files are gone) needs to be diagnosed from its output alone.
    /// </summary>
    public string Digest(int top = 12)
    {
        var all = Lines;
        var groups = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < all.Count; i++)
        {
            string level = all[i].TrimStart();
            if (!level.StartsWith("fail:", StringComparison.Ordinal) && !level.StartsWith("warn:", StringComparison.Ordinal))
            {
                continue;
            }

            string message = Masked().Replace(all[i + 1].Trim(), "#");
            string key = $"{level[..5]} {level[5..].Trim()} {(message.Length > 160 ? message[..160] : message)}";
            groups[key] = groups.GetValueOrDefault(key) + 1;
        }

        return groups.Count == 0
            ? "  host warnings: none"
            : "  host warnings and failures (count, level, category, message):" + Environment.NewLine + string.Join(Environment.NewLine,
                groups.OrderByDescending(g => g.Value).Take(top).Select(g => $"    {g.Value,5} {g.Key}"));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+(\.\d+)?")]
    private static partial System.Text.RegularExpressions.Regex Masked();

    /// <summary>
    /// The invocations of function <paramref name="name"/> that ended so far, from the host's
    /// <c>Executed 'Functions.{name}' (…, Duration=…ms)</c> lines: each ends when its line arrived and began its duration
    /// earlier. Needs the host's <c>Function</c> category at Information (<see cref="HostCluster.CommonSettings"/>).
    /// </summary>
    public Support.InvocationTime Invocations(string name)
    {
        var executed = $"Executed 'Functions.{name}' (";
        lock (gate)
        {
            var ended = lines.Select((line, i) => (Line: line, At: arrivals[i]))
                .Where(l => l.Line.Contains(executed, StringComparison.Ordinal))
                .Select(l => (Instance: 0, Start: l.At - Duration(l.Line), End: l.At));
            return Support.InvocationTime.Of(ended);
        }
    }

    private static TimeSpan Duration(string line)
    {
        var at = line.LastIndexOf("Duration=", StringComparison.Ordinal) + "Duration=".Length;
        var end = line.IndexOf("ms", at, StringComparison.Ordinal);
        return TimeSpan.FromMilliseconds(double.Parse(line.AsSpan(at, end - at), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(Environment.NewLine, Lines);

    internal void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            if (lines.Count >= MaxLines)
            {
                return;
            }

            lines.Add(line);
            arrivals.Add(DateTimeOffset.UtcNow);
            int index = lines.Count - 1;
            foreach (var waiter in waiters.Where(w => index >= w.After && line.Contains(w.Text, StringComparison.Ordinal)))
            {
                waiter.Found.TrySetResult(line);
            }
        }
    }
}
