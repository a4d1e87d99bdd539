using System.CommandLine;
using Sonde.Profiles.Errors;
using Sonde.Store;

namespace Sonde.Cli.History;

/// <summary>
/// <c>--store</c>, <c>--no-store</c> and <c>--name</c>, for every verb that records (record, trace, mem):
/// <c>var history = HistoryOptions.AddTo(command);</c> then <c>history.Bind(result)</c> in its action.
/// </summary>
internal sealed class HistoryOptions
{
    private HistoryOptions()
    {
    }

    public Option<string?> Store { get; } = StoreOption();

    public Option<bool> NoStore { get; } = new("--no-store") { Description = "Don't save this recording in the history" };

    public Option<string?> Name { get; } = new("--name") { Description = "Save it in the history under this name, to find again as @NAME" };

    public static HistoryOptions AddTo(Command command)
    {
        var options = new HistoryOptions();
        command.Add(options.Store);
        command.Add(options.NoStore);
        command.Add(options.Name);
        return options;
    }

    /// <summary>The <c>--store</c> option alone, for verbs that read the history.</summary>
    public static Option<string?> StoreOption() => new("--store")
    {
        Description = $"The history store: a directory, a .db file, or postgresql://USER@HOST/DB (default ${StoreLocation.EnvironmentVariable} or ~/.local/share/sonde)",
        HelpName = "PATH|URL",
    };

    /// <exception cref="UsageException">The name can't be found again with @NAME, or --name came with --no-store.</exception>
    public HistoryChoice Bind(ParseResult result)
    {
        var name = result.GetValue(Name);
        var noStore = result.GetValue(NoStore);
        if (name is not null)
        {
            if (noStore) throw new UsageException("--name names the recording in the history, so it can't go with --no-store");
            ProfileReference.ValidateName(name);
        }
        return new HistoryChoice(!noStore, result.GetValue(Store), name);
    }
}
