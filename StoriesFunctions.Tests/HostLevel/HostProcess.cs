using System.Diagnostics;
using System.Runtime.InteropServices;

namespace StoriesFunctions.Tests.HostLevel;

/// <summary>
/// One <c>func start</c> process and its worker. Where <c>setsid</c> exists it runs in a process group of its
/// own, so that a worker the host failed to stop (a host that crashed, or hung while shutting down) dies with it.
/// </summary>
internal sealed class HostProcess : IDisposable
{
    private const int SigKill = 9;
    private const int SigTerm = 15;

    private readonly Process process;
    private readonly bool ownGroup;

    private HostProcess(Process process, bool ownGroup)
    {
        this.process = process;
        this.ownGroup = ownGroup;

        // A test run that ends without disposing (a crash, a kill of the test host) must not leave hosts behind.
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>
    /// Starts <paramref name="func"/>; with <paramref name="cpuQuota"/>, a shell joins its group first and then becomes
    /// func, so that host and worker (forked later) are in the group from their first instruction.
    /// </summary>
    public static HostProcess Start(
        string func, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, HostOutput output, CpuQuota? cpuQuota = null)
    {
        string? setsid = OperatingSystem.IsWindows() ? null : new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

        // bash -c SCRIPT $0 $1...: $0 is the group's procs file, "$@" the command to become. Not sh: dash drops variables
        // whose names are no shell identifiers, such as AzureWebJobs.DeliverEvents.Disabled; bash passes them on.
        string[] joinQuota = cpuQuota is null ? [] : ["/bin/bash", "-c", "echo $$ > \"$0\" && exec \"$@\"", cpuQuota.ProcsFile];
        string[] command = [.. joinQuota, func, .. arguments];

        // A child of this process is never a process-group leader, so setsid execs in place (same pid = pgid), and so do
        // the shell, func and its run-host.sh: the process started here is the host.
        var info = new ProcessStartInfo(setsid ?? command[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (string argument in setsid is null ? command.Skip(1) : command)
        {
            info.ArgumentList.Add(argument);
        }

        HostEnvironment.Apply(info.Environment, environment);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new HostProcess(process, ownGroup: setsid is not null);
    }

    /// <summary>SIGTERM (the host then stops its listeners and its worker), then a kill once <paramref name="grace"/> is over.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!process.HasExited && !OperatingSystem.IsWindows() && Kill(process.Id, SigTerm) == 0)
        {
            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Hung in shutdown: seen when the worker failed to start. Killed below.
            }
        }

        KillAll();
    }

    /// <summary>
    /// SIGKILL to host and worker at once, the whole process group, with no chance to shut down: what an instance whose
    /// machine died leaves behind. Returns the pids that were in the group (the host first).
    /// </summary>
    public IReadOnlyList<int> KillAtOnce()
    {
        if (!ownGroup)
        {
            // No group of its own (no setsid): the tree, one process after the other, is the nearest thing.
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5_000);
            return [process.Id];
        }

        var group = GroupMembers(process.Id);
        _ = Kill(-process.Id, SigKill);
        process.WaitForExit(5_000);
        return group;
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        KillAll();
        process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);

    /// <summary>The processes whose group is <paramref name="groupId"/>, from <c>/proc/*/stat</c> (Linux).</summary>
    private static List<int> GroupMembers(int groupId)
    {
        var members = new List<int> { groupId };
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out int pid) || pid == groupId)
            {
                continue;
            }

            try
            {
                // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so read after the last ')'.
                string stat = File.ReadAllText(Path.Combine(directory, "stat"));
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.TryParse(fields[2], out int group) && group == groupId)
                {
                    members.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        return members;
    }

    private void OnProcessExit(object? sender, EventArgs e) => KillAll();

    private void KillAll()
    {
        if (ownGroup)
        {
            // Whatever is left of the group, including a worker whose host is already gone; no-op when empty.
            _ = Kill(-process.Id, SigKill);
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit(5_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
