using Sonde.Profiles;

namespace Sonde.Formats;

/// <summary>
/// The profile's stacks over <see cref="MergedFrames"/> ids, so stacks that differ only in executing lines
/// become one stack when lines are dropped.
/// </summary>
internal sealed class MergedStacks
{
    private readonly int[] _byProfileStack;

    public MergedStacks(Profile profile, MergedFrames frames)
    {
        _byProfileStack = new int[profile.Stacks.Count];
        // A stack's parent is interned before it, so its parent's id is lower and already mapped.
        for (var s = 0; s < _byProfileStack.Length; s++)
        {
            var parent = profile.Stacks.ParentOf(s);
            var mergedParent = parent == StackTable.Root ? StackTable.Root : _byProfileStack[parent];
            _byProfileStack[s] = Table.Intern(mergedParent, frames.OfProfileFrame(profile.Stacks.FrameOf(s)));
        }
    }

    /// <summary>The merged stacks; their frame ids are <see cref="MergedFrames"/> ids.</summary>
    public StackTable Table { get; } = new();

    /// <summary>The merged stack of a profile stack id; <see cref="StackTable.Root"/> stays the root.</summary>
    public int OfProfileStack(int stackId) => stackId == StackTable.Root ? StackTable.Root : _byProfileStack[stackId];
}
