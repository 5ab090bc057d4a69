using System.Globalization;

namespace StoriesFunctions.Tests.HostLevel.Benchmarks;

/// <summary>
/// The isolated worker the host started (<c>dotnet …/StoriesFunctions.dll</c>), read from <c>/proc</c>: its resident
/// memory now and its peak (<c>VmRSS</c>, <c>VmHWM</c>). Only one host runs during the benchmark, so the first worker
/// found of <paramref name="appDirectory"/> is the one.
/// </summary>
internal sealed record WorkerProcess(int Pid)
{
    /// <summary>The host process (<c>Microsoft.Azure.WebJobs.Script.WebHost.dll</c>): its memory counts on the instance too.</summary>
    public static WorkerProcess? FindHost() =>
        Find((_, commandLine) => commandLine.Contains("Microsoft.Azure.WebJobs.Script.WebHost.dll", StringComparison.Ordinal));

    public static WorkerProcess? Find(string appDirectory) =>
        Find((directory, commandLine) => commandLine.Contains("StoriesFunctions.dll", StringComparison.Ordinal)
            && (commandLine.Contains(appDirectory, StringComparison.Ordinal)
                || new DirectoryInfo(Path.Combine(directory, "cwd")).ResolveLinkTarget(false)?.FullName.TrimEnd('/') == appDirectory.TrimEnd('/')));

    private static WorkerProcess? Find(Func<string, string, bool> matches)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            try
            {
                string commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                if (matches(directory, commandLine))
                {
                    return new WorkerProcess(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return null;
    }

    /// <summary>Current resident set, bytes.</summary>
    public long ResidentBytes => Status("VmRSS:");

    /// <summary>Peak resident set since the process started, bytes.</summary>
    public long PeakResidentBytes => Status("VmHWM:");

    private long Status(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}
