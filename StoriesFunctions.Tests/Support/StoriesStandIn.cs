using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace StoriesFunctions.Tests.Support;

/// <summary>
/// A real HTTP/1.1 server on 127.0.0.1 that stands in for the Stories API in integration tests. It records
/// every request and answers like Stories (<c>POST /v1/events</c> 201, <c>POST /v1/users</c> 200, else 404,
/// always with <c>X-RateLimit-Limit: 300</c>) unless a test scripted otherwise with <see cref="Enqueue"/>
/// or <see cref="FailAll"/>. Connections are kept alive, as the real API does.
/// </summary>
public sealed partial class StoriesStandIn : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly List<RecordedRequest> requests = [];
    private readonly List<StoriesReply> script = [];
    private readonly List<(int Count, TaskCompletionSource<RecordedRequest> Done)> waiters = [];
    private readonly List<Task> connections = [];
    private readonly StoriesDefaultAnswers defaults = new();
    private readonly Task acceptLoop;
    private StoriesReply? outage;

    private StoriesStandIn(TcpListener listener)
    {
        this.listener = listener;
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        BaseUrl = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/v1/"));
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>When set, answers that were not scripted go through this limit first, as Stories' throttle would.</summary>
    public LaravelWindow? RateLimit { get; set; }

    /// <summary>
    /// Runs for each request after it is recorded and before it is answered (the answer waits for it): for faults that
    /// must land between Stories accepting a post and the caller learning so.
    /// </summary>
    public Func<RecordedRequest, Task>? BeforeAnswer { get; set; }

    /// <summary>The API root to configure the client with, <c>http://127.0.0.1:{port}/v1/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The <c>user_id</c>s the stand-in holds now (created by upserts and events, removed by deletes).</summary>
    public IReadOnlyCollection<string> Users => defaults.Users;

    /// <summary>A snapshot of the requests received so far, in arrival order (dropped ones included).</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (gate)
            {
                return [.. requests];
            }
        }
    }

    /// <summary>Starts listening on a free port.</summary>
    public static Task<StoriesStandIn> StartAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return Task.FromResult(new StoriesStandIn(listener));
    }

    /// <summary>Queues a reply for the next request it matches; unmatched requests get the default answers.</summary>
    public void Enqueue(StoriesReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        lock (gate)
        {
            script.Add(reply);
        }
    }

    /// <summary>Answers every matching request with <paramref name="reply"/> (ahead of the script) until <see cref="Recover"/>.</summary>
    public void FailAll(StoriesReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        lock (gate)
        {
            outage = reply;
        }
    }

    /// <summary>Ends the outage started by <see cref="FailAll"/>.</summary>
    public void Recover()
    {
        lock (gate)
        {
            outage = null;
        }
    }

    /// <summary>
    /// Waits until at least <paramref name="count"/> requests have arrived and returns the
    /// <paramref name="count"/>-th; throws <see cref="TimeoutException"/> listing what did arrive.
    /// </summary>
    public async Task<RecordedRequest> WaitForRequestsAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var done = new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            if (requests.Count >= count)
            {
                return requests[count - 1];
            }

            waiters.Add((count, done));
        }

        try
        {
            return await done.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            IReadOnlyList<RecordedRequest> seen = Requests;
            throw new TimeoutException(
                $"Stories stand-in received {seen.Count} of {count} expected requests within {timeout}: [{string.Join(", ", seen)}]");
        }
    }

    /// <summary>Stops listening and closes every connection; replies still waiting out a delay are abandoned.</summary>
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        listener.Stop();
        await acceptLoop.ConfigureAwait(false);
        Task[] open;
        lock (gate)
        {
            open = [.. connections];
        }

        await Task.WhenAll(open).ConfigureAwait(false);
        listener.Dispose();
        stopping.Dispose();
    }

    private void Record(RecordedRequest request)
    {
        lock (gate)
        {
            requests.Add(request);
            foreach (var waiter in waiters.Where(w => requests.Count >= w.Count).ToList())
            {
                waiters.Remove(waiter);
                waiter.Done.TrySetResult(requests[waiter.Count - 1]);
            }
        }
    }

    private StoriesReply? Choose(string path)
    {
        lock (gate)
        {
            if (outage is not null && outage.Matches(path))
            {
                return outage;
            }

            StoriesReply? next = script.Find(r => r.Matches(path));
            if (next is not null)
            {
                script.Remove(next);
            }

            return next;
        }
    }
}
