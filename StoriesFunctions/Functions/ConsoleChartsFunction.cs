using System.Xml.Linq;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using StoriesFunctions.Charts;
using StoriesFunctions.Delivery;

namespace StoriesFunctions.Functions;

/// <summary>
/// <c>GET /api/console/charts</c>: the console's charts of the last day in 5-minute points (288 a series; 1,440 a
/// minute would triple the page's weight for detail a small chart cannot show), drawn here as SVG so that the page
/// only inserts them: <c>{"from", "to", "bucketMinutes", "charts": [{"id", "svg"}]}</c>. Operators only, like the console summary.
/// </summary>
public sealed class ConsoleChartsFunction(DeliveryHistory history, Operators.OperatorAccess operators)
{
    private static readonly TimeSpan Bucket = TimeSpan.FromMinutes(5);

    [Function("ConsoleCharts")]
    public async Task<HttpResponseData> Show(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/charts")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        if (await OperatorGate.RefuseAsync(operators, request, cancellationToken) is { } refused)
        {
            return refused;
        }

        var day = await history.ReadDayAsync(Bucket, cancellationToken);

        return await JsonResponses.WriteAsync(request, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("from"u8, day.From);
            writer.WriteString("to"u8, day.To);
            writer.WriteNumber("bucketMinutes"u8, day.Bucket.TotalMinutes);
            writer.WriteStartArray("charts"u8);
            foreach (var chart in ConsoleCharts.Of(day))
            {
                writer.WriteStartObject();
                writer.WriteString("id"u8, chart.Id);
                writer.WriteString("svg"u8, chart.ToSvg().ToString(SaveOptions.DisableFormatting));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }, cancellationToken);
    }
}
