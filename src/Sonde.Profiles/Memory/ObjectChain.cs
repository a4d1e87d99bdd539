namespace Sonde.Profiles.Memory;

/// <summary>
/// One reference chain to an instance of the type that grew the most: <see cref="Steps"/> run from a module's
/// globals (<c>module NAME</c>) through each holder and how it holds the next (<c>dict['kept']</c>, <c>list[12]</c>,
/// <c>Node.child</c>) to the type itself; empty when no chain was found within the search's budget.
/// </summary>
public sealed record ObjectChain(string Type, IReadOnlyList<string> Steps);
