using System.Text.Json;
using System.Text.RegularExpressions;
using StoriesFunctions.Tests.Infra;
using static StoriesFunctions.Tests.Costs.RecordingBuilder;

namespace StoriesFunctions.Tests.Costs;

public partial class RecordingJsonTests
{
    private static readonly Recording Sample = Recording("batched") with
    {
        Scale = 4_320.5m,
        Events = 2_000,
        Invocations = [Http(0, 534.25), Queue(700, 8_012), Timer(60_000, 41), At("Import", Trigger.Blob, "i2", 5, 5)],
        Storage = new StorageOperations(QueueClass2: 110, TableTransactions: 6_020, BlobWrites: 1, BlobReads: 3),
        TelemetryBytes = 72_400,
        PeakMemoryMiB = 413,
    };

    [Test]
    public void Read_WhatWriteWrote_IsTheSameRecording()
    {
        var read = RecordingJson.Read(RecordingJson.Write(Sample));

        Assert.That((read with { Invocations = [] }, read.Invocations), Is.EqualTo((Sample with { Invocations = [] }, Sample.Invocations)));
    }

    [Test]
    public void Write_NamesTriggersAndFieldsInCamelCase()
    {
        var json = RecordingJson.Write(Sample);

        Assert.That(json, Does.Contain("\"trigger\": \"http\"").And.Contain("\"trigger\": \"blob\"").And.Contain("\"queueClass2\": 110")
            .And.Contain("\"duration\": \"00:00:00.5342500\"").And.Not.Contain("\"span\"").And.Not.Contain("\"end\""));
    }

    [Test]
    public void Write_TextWithApostrophesAndSigns_KeepsThemReadable()
    {
        var json = RecordingJson.Write(Sample with { Compression = "Stories' limit; scale = 730 h ÷ span, × 2" });

        Assert.That(json, Does.Contain("\"compression\": \"Stories' limit; scale = 730 h ÷ span, × 2\""));
    }

    [TestCase("\"scale\": 4320.5,", "", Description = "a missing field")]
    [TestCase("\"trigger\": \"http\"", "\"trigger\": \"webhook\"", Description = "a trigger that is not one")]
    [TestCase("\"events\": 2000,", "\"events\": 2000, \"evnets\": 1,", Description = "a misspelt field")]
    [TestCase("\"tenant\": \"batched\"", "\"tenant\": null", Description = "a null name")]
    public void Read_RecordingWith_Throws(string part, string replacement)
    {
        var json = RecordingJson.Write(Sample);
        Assume.That(json, Does.Contain(part));

        Assert.Throws<JsonException>(() => RecordingJson.Read(json.Replace(part, replacement, StringComparison.Ordinal)));
    }

    [Test]
    public void Read_TheExampleInTheModelDocs_IsAValidRecording()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "docs", "costs", "model.md"));

        var example = RecordingJson.Read(JsonBlock().Match(docs).Groups[1].Value);

        Assert.That((example.Tenant, example.Span, example.Invocations.Select(i => i.Trigger)),
            Is.EqualTo(("classic", TimeSpan.FromMinutes(10), new[] { Trigger.Http, Trigger.Queue, Trigger.Timer })));
    }

    [GeneratedRegex("```json\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
