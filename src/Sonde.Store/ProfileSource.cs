using Sonde.Formats;
using Sonde.Profiles;

namespace Sonde.Store;

/// <summary>
/// The one place verbs turn a command-line argument into a profile: a file of any format Sonde reads, or a stored
/// recording (<c>@last</c>, <c>@last~N</c>, <c>@ID</c>, <c>@NAME</c>). A file whose name starts with '@' is read as
/// <c>./@name</c>.
/// </summary>
public static class ProfileSource
{
    /// <param name="store">The <c>--store</c> setting, if the verb has one; else <c>SONDE_STORE</c> or the default store.</param>
    public static Profile Read(string fileOrReference, string? store = null)
    {
        if (!ProfileReference.LooksLikeReference(fileOrReference)) return FormatRegistry.ReadFile(fileOrReference);
        var reference = ProfileReference.Parse(fileOrReference);
        var opened = ProfileStore.Open(StoreLocation.Resolve(store));
        return opened.Load(opened.Find(reference));
    }

    /// <summary>Reads several, as <see cref="Read"/> does, opening the store at most once.</summary>
    public static IReadOnlyList<Profile> ReadAll(IEnumerable<string> filesOrReferences, string? store = null)
    {
        ProfileStore? opened = null;
        var profiles = new List<Profile>();
        foreach (var item in filesOrReferences)
        {
            if (!ProfileReference.LooksLikeReference(item))
            {
                profiles.Add(FormatRegistry.ReadFile(item));
                continue;
            }
            opened ??= ProfileStore.Open(StoreLocation.Resolve(store));
            profiles.Add(opened.Load(opened.Find(ProfileReference.Parse(item))));
        }
        return profiles;
    }
}
