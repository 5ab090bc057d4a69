using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using StoriesFunctions;

var builder = FunctionsApplication.CreateBuilder(args);

builder.AddApplicationInsights();
builder.AddOtlpExport();
builder.AddStoriesForwarder();

builder.Build().Run();
