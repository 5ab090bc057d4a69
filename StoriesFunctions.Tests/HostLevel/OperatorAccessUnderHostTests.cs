using System.Net;
using System.Net.Http.Headers;
using System.Text;
using StoriesFunctions.Tests.Support;

namespace StoriesFunctions.Tests.HostLevel;

/// <summary>
/// Operator access under the real host, sign-in required (local development off), Entra's metadata and keys served on
/// loopback: what each caller gets from an operator endpoint, and the console page, which holds no data, for anyone.
/// </summary>
[Category("Host")]
public class OperatorAccessUnderHostTests
{
    [Test]
    [CancelAfter(180_000)]
    public async Task OperatorEndpoints_UnderTheHost_AnswerOnlyAnOperatorsToken(CancellationToken cancellationToken)
    {
        using var entra = new EntraStandIn();
        entra.Serve();
        await using var cluster = await HostCluster.StartAsync(1, entra.HostSettings(), cancellationToken: cancellationToken);
        var forged = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"auth_typ\":\"aad\",\"claims\":[{\"typ\":\"roles\",\"val\":\"Operator\"}]}"));

        async Task<HttpStatusCode> GetAsync(string path, Action<HttpRequestHeaders>? headers = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            headers?.Invoke(request.Headers);
            using var response = await cluster[0].Http.SendAsync(request, cancellationToken);
            return response.StatusCode;
        }

        var anonymous = await GetAsync("api/dead-letters/count");
        var forgedHeader = await GetAsync("api/dead-letters/count", h =>
        {
            h.Add("X-MS-CLIENT-PRINCIPAL", forged);
            h.Add("X-MS-CLIENT-PRINCIPAL-NAME", "mallory@example.org");
        });
        var withoutRole = await GetAsync("api/dead-letters/count", h => h.Authorization = new("Bearer", entra.Token(roles: [])));
        var operatorToken = await GetAsync("api/dead-letters/count", h => h.Authorization = new("Bearer", entra.Token()));
        var page = await GetAsync("api/console");

        Assert.Multiple(() =>
        {
            Assert.That(anonymous, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(forgedHeader, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(withoutRole, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(operatorToken, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page, Is.EqualTo(HttpStatusCode.OK));
        });
    }
}
