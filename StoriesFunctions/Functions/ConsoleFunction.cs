using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using StoriesFunctions.Delivery;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Functions;

/// <summary>
/// <c>GET /api/console</c>: one small page, no dependencies, that shows the backlog, the last hour's and day's counts and
/// the dead letters, and starts replays, purges and erasures. The page holds no data and needs no sign-in to load: its
/// script signs the operator in with Entra ID and calls the operator endpoints with the access token in a header, never
/// a key in a URL. <c>GET /api/console/summary</c> is the backlog and counts it shows; it needs the operator role.
/// </summary>
public sealed class ConsoleFunction(
    Backlog backlog, DeliveryStats stats, Operators.OperatorAccess operators, Microsoft.Extensions.Options.IOptions<Operators.OperatorOptions> options)
{
    [Function("Console")]
    public async Task<HttpResponseData> Show(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        // What the page needs to sign operators in: nothing secret (a tenant, an app registration, where Entra is).
        var settings = options.Value;
        var mode = operators.IsLocal ? "local" : settings.IsConfigured ? "entra" : "closed";
        var signIn = JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["mode"] = mode, ["tenantId"] = settings.TenantId, ["clientId"] = settings.ClientId, ["instance"] = settings.Instance.AbsoluteUri,
        });
        var entra = mode == "entra" ? " " + settings.Instance.GetLeftPart(UriPartial.Authority) : string.Empty;

        var response = request.CreateResponse(HttpStatusCode.OK);
        response.Headers.Add("Content-Type", "text/html; charset=utf-8");
        response.Headers.Add("Cache-Control", "no-store");
        response.Headers.Add("Content-Security-Policy", ConsolePage.ContentSecurityPolicy(entra));
        response.Headers.Add("X-Content-Type-Options", "nosniff");
        response.Headers.Add("Referrer-Policy", "no-referrer");
        await response.WriteStringAsync(ConsolePage.Html.Replace("{{OPERATORS}}", System.Net.WebUtility.HtmlEncode(signIn), StringComparison.Ordinal), cancellationToken);
        return response;
    }

    [Function("ConsoleSummary")]
    public async Task<HttpResponseData> Summary(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/summary")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        if (await OperatorGate.RefuseAsync(operators, request, cancellationToken) is { } refused)
        {
            return refused;
        }

        var figures = await backlog.ReadAsync(cancellationToken);
        var (hour, day) = await stats.ReadAsync(cancellationToken);

        return await JsonResponses.WriteAsync(request, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("backlog"u8);
            writer.WriteNumber("messages"u8, figures.Messages);
            writer.WriteNumber("oldestAgeSeconds"u8, Math.Round(figures.OldestAge.TotalSeconds, 1));
            writer.WriteNumber("timeToDrainSeconds"u8, Math.Round(figures.TimeToDrain.TotalSeconds, 1));
            writer.WriteStartObject("rate"u8);
            writer.WriteNumber("limit"u8, figures.Rate.Limit);
            writer.WriteNumber("windowSeconds"u8, figures.Rate.Window.TotalSeconds);
            writer.WriteString("source"u8, figures.Rate.Source);
            writer.WriteEndObject();
            writer.WriteEndObject();
            WriteCounts(writer, "lastHour", hour);
            WriteCounts(writer, "lastDay", day);
            writer.WriteEndObject();
        }, cancellationToken);
    }

    private static void WriteCounts(Utf8JsonWriter writer, string name, DeliveryCounts counts)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("received"u8, counts.Received);
        writer.WriteNumber("delivered"u8, counts.Delivered);
        writer.WriteNumber("retried"u8, counts.Retried);
        writer.WriteNumber("deadLettered"u8, counts.DeadLettered);
        writer.WriteEndObject();
    }
}
