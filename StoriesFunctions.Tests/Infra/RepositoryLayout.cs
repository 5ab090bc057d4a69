using NUnit.Framework;

namespace StoriesFunctions.Tests.Infra;

/// <summary>Paths in the repository, found from the test output folder so no test depends on the working directory.</summary>
internal static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    public static string Infra => Path.Combine(Root, "infra");

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "StoriesFunctions.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No folder above {TestContext.CurrentContext.TestDirectory} holds StoriesFunctions.sln.");
    }
}
