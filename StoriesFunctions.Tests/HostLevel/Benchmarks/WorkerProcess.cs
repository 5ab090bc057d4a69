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

    /// <summary>Whether this is the host (<c>Microsoft.Azure.WebJobs.Script.WebHost.dll</c>) rather than a worker.</summary>
    public bool IsHost => File.ReadAllText($"/proc/{Pid}/cmdline").Contains("Microsoft.Azure.WebJobs.Script.WebHost.dll", StringComparison.Ordinal);

    /// <summary>User plus system CPU time since the process started (<c>/proc/PID/stat</c>, in the kernel's 100 Hz ticks).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            // "pid (comm) state ...": comm may hold spaces, so count fields after the last ')'; utime and stime are 14 and 15.
            string stat = File.ReadAllText($"/proc/{Pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromMilliseconds(ticks * 10);
        }
    }

    /// <summary>
    /// "server GC, N heaps" or "workstation GC", from the runtime's thread names: server GC runs one <c>.NET Server GC</c>
    /// thread per heap. Shows what the runtime chose under a CPU quota, whatever the configuration asked for.
    /// </summary>
    public string GcMode
    {
        get
        {
            int heaps = Directory.EnumerateDirectories($"/proc/{Pid}/task").Count(task => ThreadName(task).StartsWith(".NET Server GC", StringComparison.Ordinal));
            return heaps == 0 ? "workstation GC" : string.Create(CultureInfo.InvariantCulture, $"server GC, {heaps} heaps");
        }
    }

    /// <summary>Current resident set, bytes.</summary>
    public long ResidentBytes => Status("VmRSS:");

    /// <summary>Peak resident set since the process started, bytes.</summary>
    public long PeakResidentBytes => Status("VmHWM:");

    /// <summary>
    /// Resident bytes per mapped file (<c>/proc/PID/smaps</c>): the runtime's own files are mapped by host and worker
    /// alike, and a memory cgroup charges those pages once where a sum of RSS counts them twice.
    /// </summary>
    public Dictionary<string, long> ResidentByFile()
    {
        var files = new Dictionary<string, long>(StringComparer.Ordinal);
        string? file = null;
        foreach (var line in File.ReadLines($"/proc/{Pid}/smaps"))
        {
            if (line.Length > 0 && char.IsAsciiHexDigit(line[0]) && line.Contains('-', StringComparison.Ordinal))
            {
                // "start-end perms offset dev inode [path]": a file mapping's path starts with '/'.
                int slash = line.IndexOf(" /", StringComparison.Ordinal);
                file = slash < 0 ? null : line[(slash + 1)..];
            }
            else if (file is not null && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                files[file] = files.GetValueOrDefault(file) + (long.Parse(line[4..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024);
            }
        }

        return files;
    }

    private static string ThreadName(string taskDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(taskDirectory, "comm"));
        }
        catch (IOException)
        {
            return string.Empty; // the thread ended while we looked
        }
    }

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
