using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using StoriesFunctions.Delivery;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Functions;

/// <summary>
/// <c>GET /api/console</c>: one small page, no dependencies, that shows the backlog, the last hour's and day's counts and
/// the dead letters, and starts replays and purges. The page holds no data: its script calls the Admin endpoints with
/// the key it was opened with (<c>?code=</c>), so it shows nothing personal until one dead letter is opened.
/// <c>GET /api/console/summary</c> is the backlog and counts it shows. Admin level, like the endpoints it calls.
/// </summary>
public sealed class ConsoleFunction(Backlog backlog, DeliveryStats stats)
{
    [Function("Console")]
    public async Task<HttpResponseData> Show(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "console")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        var response = request.CreateResponse(HttpStatusCode.OK);
        response.Headers.Add("Content-Type", "text/html; charset=utf-8");
        response.Headers.Add("Cache-Control", "no-store");
        response.Headers.Add("Content-Security-Policy", ConsolePage.ContentSecurityPolicy);
        response.Headers.Add("X-Content-Type-Options", "nosniff");
        response.Headers.Add("Referrer-Policy", "no-referrer");
        await response.Body.WriteAsync(ConsolePage.Bytes, cancellationToken);
        return response;
    }

    [Function("ConsoleSummary")]
    public async Task<HttpResponseData> Summary(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "console/summary")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
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
