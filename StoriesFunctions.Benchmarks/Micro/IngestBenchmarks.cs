using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.Options;
using StoriesFunctions.Delivery;
using StoriesFunctions.Segment;
using StoriesFunctions.Storage;

namespace StoriesFunctions.Benchmarks.Micro;

/// <summary>
/// Figure 1: the CPU and allocations the production ingest (<see cref="WebhookIngest"/>, with the SDK's queue client
/// answered in memory) spends on an event, against the floor of merely parsing the same bytes with
/// <see cref="JsonDocument"/>.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class IngestBenchmarks
{
    public const string Single = "single event";
    public const string Array = "per event of a 4,000-event array";

    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 20, 14, 5, 2, TimeSpan.Zero);

    private readonly WebhookIngest _ingest;
    private readonly EventQueue _queue;
    private IReadOnlyList<BinaryData> _singleEnvelopes = [];
    private IReadOnlyList<BinaryData> _arrayEnvelopes = [];
    private ReadOnlyMemory<byte> _single;
    private string _singleSignature = string.Empty;
    private ReadOnlyMemory<byte> _array;
    private string _arraySignature = string.Empty;

    public IngestBenchmarks()
    {
        _ingest = ProductionIngest.Create(out _queue);
    }

    public const string ReadyMadeWrites = "ready-made writes";

    public static int SingleEventBytes { get; } = SampleEvents.SingleBody("micro", 1).Length;

    [GlobalSetup]
    public void Setup()
    {
        _single = SampleEvents.SingleBody("micro", 1);
        _singleSignature = SampleEvents.Sign(_single.Span);
        _array = SampleEvents.ArrayBody("micro", SampleEvents.BatchSize);
        _arraySignature = SampleEvents.Sign(_array.Span);
        _singleEnvelopes = Load.ReadyEnvelopes.Pack(_single.ToArray());
        _arrayEnvelopes = Load.ReadyEnvelopes.Pack(_array.ToArray());
    }

    [Benchmark(Baseline = true, Description = "JsonDocument.Parse")]
    [BenchmarkCategory(Single)]
    public int ParseSingle() => ParseOnly(_single);

    [Benchmark(Description = "ingest")]
    [BenchmarkCategory(Single)]
    public int IngestSingle() => Ingest(_single, _singleSignature);

    /// <summary>The same envelopes, packed beforehand, through the same queue client: the I/O any ingest must do.</summary>
    [Benchmark(Description = ReadyMadeWrites)]
    [BenchmarkCategory(Single)]
    public int WritesSingle() => Write(_singleEnvelopes);

    [Benchmark(Baseline = true, Description = "JsonDocument.Parse", OperationsPerInvoke = SampleEvents.BatchSize)]
    [BenchmarkCategory(Array)]
    public int ParseArray() => ParseOnly(_array);

    [Benchmark(Description = "ingest", OperationsPerInvoke = SampleEvents.BatchSize)]
    [BenchmarkCategory(Array)]
    public int IngestArray() => Ingest(_array, _arraySignature);

    [Benchmark(Description = ReadyMadeWrites, OperationsPerInvoke = SampleEvents.BatchSize)]
    [BenchmarkCategory(Array)]
    public int WritesArray() => Write(_arrayEnvelopes);

    private int Write(IReadOnlyList<BinaryData> envelopes)
    {
        _queue.SendAsync(envelopes, null, CancellationToken.None).GetAwaiter().GetResult();
        return envelopes.Count;
    }

    private static int ParseOnly(ReadOnlyMemory<byte> body)
    {
        using var document = JsonDocument.Parse(body);
        return (int)document.RootElement.ValueKind;
    }

    /// <summary>
    /// The production <see cref="WebhookIngest"/>, end to end: read the body, verify, validate, pack, and write the
    /// envelopes with the Azure SDK's queue client, answered by <see cref="CannedQueueHandler"/> instead of the network.
    /// Its logs go through a real logger at the worker's default level (Information) to a sink that formats them.
    /// </summary>
    private int Ingest(ReadOnlyMemory<byte> body, string signature)
    {
        using var stream = new MemoryStream(body.ToArray(), writable: false);
        var result = _ingest.IngestAsync(stream, body.Length, signature, CancellationToken.None).GetAwaiter().GetResult();
        if (result.StatusCode != 200)
        {
            throw new InvalidOperationException($"ingest answered {result.StatusCode}: {result.Error}");
        }

        return result.Queued;
    }
}
