using System.Diagnostics;

namespace StoriesFunctions.Tests.Infra;

/// <summary>
/// The Bicep CLI that the test project restores from NuGet (PackageDownload Azure.Bicep.CommandLine.linux-x64),
/// so the infra tests need nothing installed by hand.
/// </summary>
internal static class BicepCli
{
    private const string Package = "azure.bicep.commandline.linux-x64";
    private const string Version = "0.49.2";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static readonly Lazy<string> Executable = new(Locate);

    public static async Task<BicepRun> RunAsync(
        string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo(Executable.Value)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)
            ?? throw new InvalidOperationException($"Could not start {info.FileName}.");
        using var timeout = new CancellationTokenSource(Timeout);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        Task<string> stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        return new BicepRun(process.ExitCode, await stdout, await stderr);
    }

    private static string Locate()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(packages, Package, Version, "tools", "bicep");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"Bicep CLI {Version} not found at {path}; restore StoriesFunctions.Tests to download it.", path);
        }

        if (!OperatingSystem.IsWindows())
        {
            EnsureExecutable(path);
        }

        return path;
    }

    // NuGet does not keep the executable bit on every extraction.
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void EnsureExecutable(string path)
    {
        const UnixFileMode Execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        var mode = File.GetUnixFileMode(path);
        if ((mode & Execute) != Execute)
        {
            File.SetUnixFileMode(path, mode | Execute);
        }
    }
}

/// <summary>What one Bicep CLI run printed.</summary>
internal sealed record BicepRun(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Diagnostic lines ("file(line,col) : Warning|Error code: message") from either stream.</summary>
    public IReadOnlyList<string> Diagnostics =>
        $"{StandardOutput}\n{StandardError}"
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.Contains(" : Warning ", StringComparison.Ordinal)
                || line.Contains(" : Error ", StringComparison.Ordinal))
            .ToList();

    public override string ToString() =>
        $"exit code {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}
