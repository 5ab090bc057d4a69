using StoriesFunctions.Benchmarks.Load;
using StoriesFunctions.Benchmarks.Micro;

// "all": every figure (micro, then load; --quick makes both smoke runs); "micro": BenchmarkDotNet (further
// arguments go to it, e.g. --job short); "load": the load driver.
return args.FirstOrDefault() switch
{
    "all" => await AllAsync(args.Contains("--quick")),
    "micro" => MicroRun.Run(args[1..]),
    "load" => await LoadDriver.RunAsync(args[1..]),
    _ => Usage(),
};

static async Task<int> AllAsync(bool quick)
{
    var micro = MicroRun.Run(quick ? ["--job", "short"] : []);
    return micro != 0 ? micro : await LoadDriver.RunAsync(quick ? ["--quick"] : []);
}

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project StoriesFunctions.Benchmarks -- all [--quick] | micro [--job short] | load [--quick] [--delivery-only]");
    return 2;
}
