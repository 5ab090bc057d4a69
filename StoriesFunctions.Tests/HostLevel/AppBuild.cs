using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace StoriesFunctions.Tests.HostLevel;

/// <summary>
/// The function app built once per test run, the way <c>func start</c> serves it: <c>dotnet build --output</c> into a
/// temporary folder holding <c>functions.metadata</c>, <c>worker.config.json</c> and <c>.azurefunctions/</c> (or a copy
/// of the solution's build of it, when that is the build the tests reference).
/// Same configuration (Debug or Release) as this test assembly.
/// </summary>
public static class AppBuild
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private static readonly Lazy<string> Root = new(() => Directory.CreateTempSubdirectory("stories-host-app-").FullName);
    private static readonly Lazy<Task<string>> Built = new(() => CopyOfSolutionBuild("app") ?? BuildAsync("app"), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<Task<string>> BuiltWithBaseline =
        new(() => BuildAsync("app-baseline", "-p:HostBenchmarkBaseline=true"), LazyThreadSafetyMode.ExecutionAndPublication);

    // Set by the dotnet CLI for the build that launched the tests; a nested build must choose its own.
    private static readonly string[] InheritedMsBuildVariables =
        ["MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly"];

    /// <summary>The configuration this test assembly was built in.</summary>
    public static string Configuration =>
        typeof(AppBuild).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The folder holding <c>StoriesFunctions.sln</c>, found by walking up from the test assembly.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "StoriesFunctions.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException($"No StoriesFunctions.sln above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>The app's build output folder; the first call builds (thread-safe, once per run, also when it fails).</summary>
    public static Task<string> OutputAsync(CancellationToken cancellationToken = default) => Built.Value.WaitAsync(cancellationToken);

    /// <summary>
    /// The app built with the benchmark's bare enqueue function (<c>StoriesFunctions/Baseline</c>), into a folder of its
    /// own; the first call builds.
    /// </summary>
    /// <remarks><c>BENCH_APP_DIR</c> names another build output to serve instead (a variant of the app, built by
    /// <c>StoriesFunctions.Benchmarks/aspnetcore-variant.sh</c>).</remarks>
    public static Task<string> OutputWithBaselineAsync(CancellationToken cancellationToken = default) =>
        Environment.GetEnvironmentVariable("BENCH_APP_DIR") is { Length: > 0 } variant
            ? Task.FromResult(variant)
            : BuiltWithBaseline.Value.WaitAsync(cancellationToken);

    /// <summary>Deletes the build output; for the end of the run.</summary>
    public static void DeleteOutput()
    {
        if (Root.IsValueCreated && Directory.Exists(Root.Value))
        {
            Directory.Delete(Root.Value, recursive: true);
        }
    }

    /// <summary>
    /// The app's own build output (<c>StoriesFunctions/bin/&lt;configuration&gt;/net10.0</c>), copied into
    /// <paramref name="folder"/>, when it is the build this test assembly was built against: its
    /// <c>StoriesFunctions.dll</c> is byte for byte the one beside this assembly. A solution's <c>dotnet test</c> has just
    /// written it, so a second build would only repeat it (about 12 s at the start of the host-level lane). Null otherwise.
    /// </summary>
    private static Task<string>? CopyOfSolutionBuild(string folder)
    {
        var built = new DirectoryInfo(Path.Combine(RepositoryRoot, "StoriesFunctions", "bin", Configuration, "net10.0"));
        string app = Path.Combine(built.FullName, "StoriesFunctions.dll");
        string referenced = Path.Combine(AppContext.BaseDirectory, "StoriesFunctions.dll");
        if (!File.Exists(Path.Combine(built.FullName, "functions.metadata")) || !File.Exists(app) || !File.Exists(referenced)
            || !File.ReadAllBytes(app).AsSpan().SequenceEqual(File.ReadAllBytes(referenced)))
        {
            return null;
        }

        string output = Path.Combine(Root.Value, folder);
        foreach (var file in built.EnumerateFiles("*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(output, Path.GetRelativePath(built.FullName, file.FullName));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            file.CopyTo(target);
        }

        // As after a build: a developer's local.settings.json must not leak in.
        File.Delete(Path.Combine(output, "local.settings.json"));
        return Task.FromResult(output);
    }

    private static async Task<string> BuildAsync(string folder, params string[] properties)
    {
        string output = Path.Combine(Root.Value, folder);
        string project = Path.Combine(RepositoryRoot, "StoriesFunctions", "StoriesFunctions.csproj");

        // No reusable MSBuild nodes or compiler server: they would outlive the build and hold its output pipes open.
        string[] arguments =
        [
            "build", project, "-c", Configuration, "--output", output, "-nologo", "-v", "q",
            "-nodeReuse:false", "-p:UseSharedCompilation=false", .. properties,
        ];
        var (exitCode, log) = await RunDotnetAsync(arguments).ConfigureAwait(false);
        if (exitCode != 0 || !File.Exists(Path.Combine(output, "functions.metadata")))
        {
            throw new InvalidOperationException(
                $"'dotnet {string.Join(' ', arguments)}' {(exitCode == 0 ? "wrote no functions.metadata" : $"failed with exit code {exitCode}")}:{Environment.NewLine}{log}");
        }

        // func applies local.settings.json over anything the test did not set: a developer's copy must not leak in.
        File.Delete(Path.Combine(output, "local.settings.json"));
        return output;
    }

    private static async Task<(int ExitCode, string Log)> RunDotnetAsync(string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (string name in InheritedMsBuildVariables)
        {
            info.Environment.Remove(name);
        }

        var log = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(BuildTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"(timed out after {BuildTimeout.TotalMinutes:0} min){Environment.NewLine}{Text(log)}");
        }

        return (process.ExitCode, Text(log));
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }

    private static string Text(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }
}
