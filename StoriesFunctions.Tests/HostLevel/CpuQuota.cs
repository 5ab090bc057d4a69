using System.Globalization;

namespace StoriesFunctions.Tests.HostLevel;

/// <summary>
/// A cgroup v1 <c>cpu</c> group with a CFS quota: the CPU share of one Flex Consumption instance, for the host and its
/// worker. A host started with it (<see cref="HostCluster.StartAsync"/>, <c>cpuQuota</c>) joins the group before
/// <c>func</c> runs, so the worker it starts later is in it too. .NET reads the quota at start-up
/// (<c>Environment.ProcessorCount</c>, the GC's heap count): change <see cref="Limit"/> between host lifetimes.
/// Disposing removes the group; stop the hosts first.
/// </summary>
public sealed class CpuQuota : IDisposable
{
    /// <summary>The kernel's default CFS period; the quota is a share of it.</summary>
    public const int PeriodMicroseconds = 100_000;

    private const string Root = "/sys/fs/cgroup/cpu";

    private CpuQuota(string directory) => Directory = directory;

    /// <summary>The group's folder under <c>/sys/fs/cgroup/cpu</c>.</summary>
    public string Directory { get; }

    /// <summary>The file a process writes its pid into to join the group.</summary>
    public string ProcsFile => Path.Combine(Directory, "cgroup.procs");

    /// <summary>Cores the group may use, averaged over each period.</summary>
    public double Cores { get; private set; }

    /// <summary>
    /// Creates the group <c>{name}-{pid of this process}</c> with <paramref name="cores"/>; ends the test as skipped
    /// ("skipped: …") where the cgroup v1 cpu controller is missing or not writable.
    /// </summary>
    public static CpuQuota CreateOrSkip(string name, double cores)
    {
        string directory = Path.Combine(Root, string.Create(CultureInfo.InvariantCulture, $"{name}-{Environment.ProcessId}"));
        try
        {
            if (!OperatingSystem.IsLinux() || !File.Exists(Path.Combine(Root, "cgroup.procs")))
            {
                Assert.Ignore($"skipped: no cgroup v1 cpu controller at {Root}");
            }

            System.IO.Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, "cpu.cfs_period_us"), PeriodMicroseconds.ToString(CultureInfo.InvariantCulture));
            var quota = new CpuQuota(directory);
            quota.Limit(cores);
            return quota;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Assert.Ignore($"skipped: the cgroup v1 cpu controller is not writable ({e.Message})");
            throw; // not reached: Assert.Ignore throws
        }
    }

    /// <summary>Sets the quota to <paramref name="cores"/> × the period; processes already in the group feel it at once.</summary>
    public void Limit(double cores)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cores);
        long quota = (long)Math.Round(cores * PeriodMicroseconds);
        File.WriteAllText(Path.Combine(Directory, "cpu.cfs_quota_us"), quota.ToString(CultureInfo.InvariantCulture));
        Cores = cores;
    }

    /// <summary>The pids in the group now: the host and its worker while one runs.</summary>
    public IReadOnlyList<int> Processes() =>
        File.ReadAllLines(ProcsFile).Select(line => int.Parse(line, CultureInfo.InvariantCulture)).ToList();

    /// <summary>The group's <c>cpu.stat</c>: periods run, periods throttled, and the time throttled.</summary>
    public CpuThrottling Throttling()
    {
        var stat = File.ReadAllLines(Path.Combine(Directory, "cpu.stat"))
            .Select(line => line.Split(' '))
            .ToDictionary(parts => parts[0], parts => long.Parse(parts[1], CultureInfo.InvariantCulture));
        return new CpuThrottling(stat["nr_periods"], stat["nr_throttled"], TimeSpan.FromTicks(stat["throttled_time"] / 100));
    }

    public void Dispose()
    {
        try
        {
            // A process left behind (a host that would not die) goes back to the root group, or rmdir fails.
            foreach (int pid in Processes())
            {
                File.AppendAllText(Path.Combine(Root, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
            }

            System.IO.Directory.Delete(Directory);
        }
        catch (IOException)
        {
            // Still busy: an empty cgroup costs nothing, and the name carries this process's id.
        }
    }
}

/// <summary>A reading of a group's <c>cpu.stat</c>; subtract two to get what happened in between.</summary>
public sealed record CpuThrottling(long Periods, long ThrottledPeriods, TimeSpan Throttled)
{
    public static CpuThrottling operator -(CpuThrottling after, CpuThrottling before) =>
        new(after.Periods - before.Periods, after.ThrottledPeriods - before.ThrottledPeriods, after.Throttled - before.Throttled);

    /// <summary>Share of the periods in which the group used up its quota.</summary>
    public double ThrottledShare => Periods == 0 ? 0 : ThrottledPeriods / (double)Periods;
}
