#!/usr/bin/env bash
# Builds a copy of the app with the ASP.NET Core integration for isolated HTTP triggers
# (Microsoft.Azure.Functions.Worker.Extensions.Http.AspNetCore: ConfigureFunctionsWebApplication, the host proxying
# HTTP to the worker's Kestrel instead of passing it over gRPC), with the benchmark's bare enqueue function, and prints
# the build output folder. The repository's app is not changed. Used by the host-level ingest benchmark:
#   BENCH_APP_DIR="$(StoriesFunctions.Benchmarks/aspnetcore-variant.sh)" PATH="$PWD/../shared/functions-host/bin:$PATH" \
#     dotnet test StoriesFunctions.Tests -c Release --filter "FullyQualifiedName~IngestUnderHostBenchmark" --logger "console;verbosity=detailed"
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d -t stories-aspnetcore-XXXXXX)"
cp -r "$root/StoriesFunctions" "$root/Directory.Build.props" "$root/Directory.Packages.props" "$root/host.json" \
  "$root/global.json" "$root/.editorconfig" "$work/"
rm -rf "$work/StoriesFunctions/bin" "$work/StoriesFunctions/obj" "$work/StoriesFunctions/local.settings.json"
sed -i 's#<PackageReference Include="Microsoft.Azure.Functions.Worker.Extensions.Http" />#&<PackageReference Include="Microsoft.Azure.Functions.Worker.Extensions.Http.AspNetCore" VersionOverride="2.1.1" />#' \
  "$work/StoriesFunctions/StoriesFunctions.csproj"
sed -i 's#^var builder = FunctionsApplication.CreateBuilder(args);#&\nbuilder.ConfigureFunctionsWebApplication();#' "$work/StoriesFunctions/Program.cs"
grep -q ConfigureFunctionsWebApplication "$work/StoriesFunctions/Program.cs"
grep -q Http.AspNetCore "$work/StoriesFunctions/StoriesFunctions.csproj"
dotnet build "$work/StoriesFunctions/StoriesFunctions.csproj" -c Release -p:HostBenchmarkBaseline=true \
  --output "$work/app" -nologo -v q >&2
rm -f "$work/app/local.settings.json"
echo "$work/app"
