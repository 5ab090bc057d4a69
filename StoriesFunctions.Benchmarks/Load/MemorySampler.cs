using System.Diagnostics;

namespace StoriesFunctions.Benchmarks.Load;

/// <summary>
/// Samples the process working set every few milliseconds while running, because
/// <see cref="Process.PeakWorkingSet64"/> is a lifetime peak that cannot be reset between runs.
/// </summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly Process _process = Process.GetCurrentProcess();
    private readonly Thread _thread;
    private volatile bool _stopped;

    private MemorySampler()
    {
        _process.Refresh();
        Baseline = _process.WorkingSet64;
        Peak = Baseline;
        _thread = new Thread(Sample) { IsBackground = true, Name = "working set sampler" };
        _thread.Start();
    }

    public long Baseline { get; }

    public long Peak { get; private set; }

    public long AboveBaseline => Peak - Baseline;

    public static MemorySampler Start() => new();

    public void Dispose()
    {
        _stopped = true;
        _thread.Join();
        _process.Dispose();
    }

    private void Sample()
    {
        while (!_stopped)
        {
            _process.Refresh();
            Peak = Math.Max(Peak, _process.WorkingSet64);
            Thread.Sleep(5);
        }
    }
}
