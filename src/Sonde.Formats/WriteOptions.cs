namespace Sonde.Formats;

/// <summary>What a writer writes, beyond the profile itself.</summary>
/// <param name="WeightIndex">Which weight column of the samples sizes the stacks.</param>
/// <param name="ThreadRoots">Start every stack with a <c>thread NAME (TID)</c> frame for the sample's thread.</param>
/// <param name="Title">The title of the output; writers fall back to the recorded command.</param>
/// <param name="Lines">
/// Keep the executing line of each frame. When false, frames that differ only in their executing line merge
/// into one frame per function, labelled with the function's first line.
/// </param>
public sealed record WriteOptions(int WeightIndex = 0, bool ThreadRoots = false, string? Title = null, bool Lines = false)
{
    public static readonly WriteOptions Default = new();
}
