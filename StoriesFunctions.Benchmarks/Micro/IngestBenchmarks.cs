using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.Options;
using StoriesFunctions.Delivery;
using StoriesFunctions.Segment;

namespace StoriesFunctions.Benchmarks.Micro;

/// <summary>
/// Figure 1: the CPU and allocations ingest spends on an event before any I/O (parse, signature, validation,
/// envelope packing), against the floor of merely parsing the same bytes with <see cref="JsonDocument"/>.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class IngestBenchmarks
{
    public const string Single = "single event";
    public const string Array = "per event of a 4,000-event array";

    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 20, 14, 5, 2, TimeSpan.Zero);

    private readonly SignatureVerifier _verifier = new(Options.Create(new SegmentOptions { SharedSecret = SampleEvents.SharedSecret }));
    private ReadOnlyMemory<byte> _single;
    private string _singleSignature = string.Empty;
    private ReadOnlyMemory<byte> _array;
    private string _arraySignature = string.Empty;

    public static int SingleEventBytes { get; } = SampleEvents.SingleBody("micro", 1).Length;

    [GlobalSetup]
    public void Setup()
    {
        _single = SampleEvents.SingleBody("micro", 1);
        _singleSignature = SampleEvents.Sign(_single.Span);
        _array = SampleEvents.ArrayBody("micro", SampleEvents.BatchSize);
        _arraySignature = SampleEvents.Sign(_array.Span);
    }

    [Benchmark(Baseline = true, Description = "JsonDocument.Parse")]
    [BenchmarkCategory(Single)]
    public int ParseSingle() => ParseOnly(_single);

    [Benchmark(Description = "ingest")]
    [BenchmarkCategory(Single)]
    public int IngestSingle() => Ingest(_single, _singleSignature);

    [Benchmark(Baseline = true, Description = "JsonDocument.Parse", OperationsPerInvoke = SampleEvents.BatchSize)]
    [BenchmarkCategory(Array)]
    public int ParseArray() => ParseOnly(_array);

    [Benchmark(Description = "ingest", OperationsPerInvoke = SampleEvents.BatchSize)]
    [BenchmarkCategory(Array)]
    public int IngestArray() => Ingest(_array, _arraySignature);

    private static int ParseOnly(ReadOnlyMemory<byte> body)
    {
        using var document = JsonDocument.Parse(body);
        return (int)document.RootElement.ValueKind;
    }

    /// <summary>What <see cref="WebhookIngest"/> does per body between reading it and writing to the queue.</summary>
    private int Ingest(ReadOnlyMemory<byte> body, string signature)
    {
        using var payload = SegmentPayload.TryParse(body, out _)!;
        if (_verifier.Verify(signature, body.Span, payload.FirstElementBytes) != SignatureCheck.Valid)
        {
            throw new InvalidOperationException("the sample's signature does not verify");
        }

        var packer = new EnvelopePacker();
        var sharedBytes = BatchMerge.SharedBytes(payload.SharedContext, payload.SharedIntegrations);
        foreach (var item in payload.Items)
        {
            var verdict = SegmentEventValidator.Validate(item, sharedBytes, payload.SharedIntegrations);
            if (verdict.Outcome == EventOutcome.Accepted)
            {
                packer.Add(verdict.MessageId!, ReceivedAt, item, payload.SharedContext, payload.SharedIntegrations);
            }
        }

        return packer.Complete().Count;
    }
}
