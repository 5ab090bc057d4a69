using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace StoriesFunctions.Tests.Support;

/// <summary>
/// The process boundary to Tables, with a hand in it: before each request that <paramref name="when"/> picks goes out,
/// <paramref name="before"/> runs, to play another writer at that moment or to throw a storage fault. It sits before
/// the SDK's retries, so a fault thrown here is what the app sees after them.
/// </summary>
internal sealed partial class TableRequestHook(Func<Request, bool> when, Func<Request, ValueTask> before) : HttpPipelinePolicy
{
    /// <summary>The app's <see cref="TableServiceClient"/> on <paramref name="connectionString"/>, through this hook.</summary>
    public Action<IHostApplicationBuilder> Install(string connectionString) => builder =>
    {
        var options = new TableClientOptions();
        options.AddPolicy(this, HttpPipelinePosition.PerCall);
        builder.Services.AddSingleton(new TableServiceClient(connectionString, options));
    };

    /// <summary>The row key a request to one entity addresses, e.g. <c>deadletters(PartitionKey='p',RowKey='k')</c>.</summary>
    public static string? RowKey(Request request) =>
        RowKeyPattern().Match(Uri.UnescapeDataString(request.Uri.ToUri().AbsolutePath)) is { Success: true } match
            ? match.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal)
            : null;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("the app calls Tables asynchronously");

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (when(message.Request))
        {
            await before(message.Request);
        }

        await ProcessNextAsync(message, pipeline);
    }

    [GeneratedRegex("RowKey='([^']*(?:''[^']*)*)'")]
    private static partial Regex RowKeyPattern();
}
