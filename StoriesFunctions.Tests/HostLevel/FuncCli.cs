// Not "StoriesFunctions.Tests.Host", the folder's name: that namespace would hide Microsoft.Extensions.Hosting.Host
// from every test under StoriesFunctions.Tests (Host.CreateApplicationBuilder would no longer compile).
namespace StoriesFunctions.Tests.HostLevel;

/// <summary>
/// Finds Azure Functions Core Tools' <c>func</c> on PATH. Host-level tests need nothing else from it than
/// <c>func start --port N --script-root DIR</c>, and are reported skipped where it is not installed.
/// </summary>
public static class FuncCli
{
    private static readonly Lazy<string?> Found = new(Find);

    /// <summary>Full path of <c>func</c>, or null when no PATH entry holds an executable of that name.</summary>
    public static string? Executable => Found.Value;

    /// <summary>Returns the path of <c>func</c>; without one, ends the current test (or fixture set-up) as skipped.</summary>
    public static string RequireOrSkip()
    {
        string? found = Found.Value;
        if (found is null)
        {
            Assert.Ignore("skipped: func not found");
        }

        return found!;
    }

    private static string? Find()
    {
        // npm installs Core Tools as func.cmd on Windows; elsewhere it is a plain executable.
        string[] names = OperatingSystem.IsWindows() ? ["func.exe", "func.cmd"] : ["func"];
        string[] directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return directories
            .SelectMany(directory => names.Select(name => Path.Combine(directory.Trim('"'), name)))
            .FirstOrDefault(IsExecutable);
    }

    private static bool IsExecutable(string file)
    {
        if (!File.Exists(file))
        {
            return false;
        }

        const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & AnyExecute) != 0;
    }
}
