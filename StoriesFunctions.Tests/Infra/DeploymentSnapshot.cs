using System.Text.Json.Nodes;

namespace StoriesFunctions.Tests.Infra;

/// <summary>
/// The resources `bicep snapshot` predicts for infra/main.bicepparam, for a made-up subscription. Values
/// only known at deployment time (a principal id, a connection string) stay ARM expressions.
/// <see cref="SharedAsync"/> is the default deployment, on Flex Consumption; <see cref="ConsumptionAsync"/> the same
/// parameters on the Windows Consumption plan. Both name the plan, so a HOSTING_PLAN in the caller's environment
/// changes neither; ParameterFilesTests checks that the default is Flex.
/// </summary>
internal sealed class DeploymentSnapshot
{
    public const string SubscriptionId = "00000000-0000-0000-0000-000000000001";
    public const string TenantId = "00000000-0000-0000-0000-000000000002";
    public const string Location = "westeurope";
    public const string EnvironmentName = "snapshot";
    public const string ResourceGroupId = $"/subscriptions/{SubscriptionId}/resourceGroups/rg-{EnvironmentName}";

    /// <summary>The environment variables that main.bicepparam reads; the secrets are made up and must never show.</summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        ["AZURE_ENV_NAME"] = EnvironmentName,
        ["STORIES_API_KEY"] = "stories-key-4f1c9e",
        ["SEGMENT_SHARED_SECRET"] = "segment-secret-7b2d0a",
        ["ERASURE_HASH_KEY"] = "erasure-hash-key-5e8a31c0d94b27f6a1e3",
        ["ALERT_EMAIL"] = "ops@example.com",
    };

    /// <summary>The <c>queuePollingInterval</c> the Consumption snapshot is made with; the Flex one keeps the default.</summary>
    public const string ConsumptionQueuePolling = "00:00:02";

    private static readonly Lazy<Task<DeploymentSnapshot>> SharedSnapshot = new(() => CreateAsync("flex"));

    private static readonly Lazy<Task<DeploymentSnapshot>> ConsumptionSnapshot = new(() => CreateAsync("consumption"));

    private DeploymentSnapshot(string text, JsonObject root)
    {
        Text = text;
        Resources = root["predictedResources"]!.AsArray().Select(node => node!.AsObject()).ToList();
        Outputs = root["outputs"]!.AsObject();
    }

    public string Text { get; }

    public IReadOnlyList<JsonObject> Resources { get; }

    public JsonObject Outputs { get; }

    /// <summary>One snapshot for the whole run: every fixture reads the same prediction.</summary>
    public static Task<DeploymentSnapshot> SharedAsync() => SharedSnapshot.Value;

    /// <summary>The deployment on the Windows Consumption plan, also made once for the whole run.</summary>
    public static Task<DeploymentSnapshot> ConsumptionAsync() => ConsumptionSnapshot.Value;

    /// <summary>Copies infra/ to a temporary folder, since the CLI writes the snapshot next to the parameters file.</summary>
    private static async Task<DeploymentSnapshot> CreateAsync(string hostingPlan)
    {
        // The Consumption snapshot also takes the polling lever, so that both ways of a host.json override are seen.
        var environment = new Dictionary<string, string>(Environment) { ["HOSTING_PLAN"] = hostingPlan };
        if (hostingPlan == "consumption")
        {
            environment["QUEUE_POLLING_INTERVAL"] = ConsumptionQueuePolling;
        }

        string folder = Directory.CreateTempSubdirectory("infra-snapshot-").FullName;
        try
        {
            CopyFolder(RepositoryLayout.Infra, folder);
            BicepRun run = await BicepCli.RunAsync(
                folder,
                environment,
                "snapshot", "main.bicepparam", "--mode", "overwrite",
                "--subscription-id", SubscriptionId, "--tenant-id", TenantId, "--location", Location);
            string path = Path.Combine(folder, "main.snapshot.json");
            if (run.ExitCode != 0 || !File.Exists(path))
            {
                throw new InvalidOperationException($"bicep snapshot failed: {run}");
            }

            string text = await File.ReadAllTextAsync(path);
            return new DeploymentSnapshot(text, JsonNode.Parse(text)!.AsObject());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public IEnumerable<JsonObject> OfType(string type) =>
        Resources.Where(resource => (string?)resource["type"] == type);

    public JsonObject Single(string type) => OfType(type).Single();

    public JsonObject Single(string type, string nameEnd) =>
        OfType(type).Single(resource => ((string)resource["name"]!).EndsWith(nameEnd, StringComparison.Ordinal));

    public JsonObject AppSettings => Single("Microsoft.Web/sites/config", "/appsettings")["properties"]!.AsObject();

    public string ResourceId(string type) => (string)Single(type)["id"]!;

    private static void CopyFolder(string source, string target)
    {
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }
}
