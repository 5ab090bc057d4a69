using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using StoriesFunctions.Stories;

namespace StoriesFunctions.Tests.Stories;

public class StoriesClientTests
{
    /// <summary>Stands in for the network: records the request, answers what it is told.</summary>
    private sealed class RecordingHandler(Func<HttpResponseMessage> answer) : HttpMessageHandler
    {
        public HttpRequestMessage? Request { get; private set; }

        public string? Body { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Request = request;
            Body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            return answer();
        }
    }

    private static (StoriesClient Client, RecordingHandler Handler) Create(string baseUrl, Func<HttpResponseMessage>? answer = null)
    {
        var handler = new RecordingHandler(answer ?? (() => new HttpResponseMessage(HttpStatusCode.Created)));
        var http = new HttpClient(handler) { BaseAddress = StoriesResilience.WithTrailingSlash(new Uri(baseUrl)) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", "key-123");
        return (new StoriesClient(http, Microsoft.Extensions.Options.Options.Create(new StoriesOptions())), handler);
    }

    [TestCase("https://api.getstories.io/v1/", "https://api.getstories.io/v1/events")]
    [TestCase("https://api.getstories.io/v1", "https://api.getstories.io/v1/events")]
    [TestCase("http://127.0.0.1:5000/stories/v1", "http://127.0.0.1:5000/stories/v1/events")]
    public async Task SendAsync_JoinsBaseUrlAndPath(string baseUrl, string expected)
    {
        var (client, handler) = Create(baseUrl);

        await client.SendAsync(new StoriesCall(StoriesEndpoint.Events, "{}"u8.ToArray()), CancellationToken.None);

        Assert.That(handler.Request!.RequestUri!.AbsoluteUri, Is.EqualTo(expected));
    }

    [Test]
    public async Task SendAsync_PostsJsonWithBearerKey()
    {
        var (client, handler) = Create("https://api.getstories.io/v1/");

        var response = await client.SendAsync(new StoriesCall(StoriesEndpoint.Users, "{\"user_id\":\"u\"}"u8.ToArray()), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(response.IsSuccess, Is.True);
            Assert.That(handler.Request!.Method, Is.EqualTo(HttpMethod.Post));
            Assert.That(handler.Request.RequestUri!.AbsolutePath, Is.EqualTo("/v1/users"));
            Assert.That(handler.Request.Headers.Authorization!.ToString(), Is.EqualTo("Bearer key-123"));
            Assert.That(handler.Request.Content!.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
            Assert.That(handler.Body, Is.EqualTo("{\"user_id\":\"u\"}"));
        });
    }

    [Test]
    public async Task SendAsync_ErrorAnswer_KeepsStatusRetryAfterAndShortExcerpt()
    {
        var (client, _) = Create("https://x/v1/", () =>
        {
            var r = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent(new string('e', 5000), Encoding.UTF8) };
            r.Headers.RetryAfter = new(TimeSpan.FromSeconds(42));
            return r;
        });

        var response = await client.SendAsync(new StoriesCall(StoriesEndpoint.Events, "{}"u8.ToArray()), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(response.Failure, Is.EqualTo(FailureKind.Transient));
            Assert.That(response.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(42)));
            Assert.That(response.Excerpt!.Length, Is.EqualTo(StoriesResponse.MaxExcerptChars));
        });
    }

    [Test]
    public async Task SendAsync_NetworkError_IsNoAnswerAndTransient()
    {
        var (client, _) = Create("https://x/v1/", () => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused"));

        var response = await client.SendAsync(new StoriesCall(StoriesEndpoint.Events, "{}"u8.ToArray()), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.Null);
            Assert.That(response.Failure, Is.EqualTo(FailureKind.Transient));
            Assert.That(response.Reason, Does.Contain("ConnectionError"));
        });
    }

    [Test]
    public async Task SendAsync_ConnectionResetWhileOpening_IsNoAnswerAndTransient()
    {
        // .NET's connection pool can throw this unwrapped when the peer resets a connection as it opens.
        var (client, _) = Create("https://x/v1/", () => throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.NotConnected));

        var response = await client.SendAsync(new StoriesCall(StoriesEndpoint.Events, "{}"u8.ToArray()), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.Null);
            Assert.That(response.Failure, Is.EqualTo(FailureKind.Transient));
            Assert.That(response.Reason, Does.Contain("NotConnected"));
        });
    }

    [Test]
    public void Validator_MissingApiKey_NamesTheSetting()
    {
        var result = new StoriesOptionsValidator().Validate(null, new StoriesOptions());

        Assert.That(result.FailureMessage, Does.Contain("Stories__ApiKey"));
    }
}
