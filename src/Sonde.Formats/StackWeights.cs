using Sonde.Profiles;
using Sonde.Profiles.Errors;

namespace Sonde.Formats;

/// <summary>What the aggregating writers start from: the samples summed per distinct stack.</summary>
internal static class StackWeights
{
    /// <summary>
    /// Totals per stack, or per (thread, stack) when <paramref name="byThread"/>, ordered by thread then stack id.
    /// Samples with no frames and stacks that sum to zero are left out, as <see cref="Profile.TotalsByStack"/> does.
    /// </summary>
    public static List<StackWeight> Collect(Profile profile, int weightIndex, bool byThread)
    {
        CheckWeightIndex(profile, weightIndex);
        var result = new List<StackWeight>();
        if (!byThread)
        {
            var totals = profile.TotalsByStack(weightIndex);
            for (var s = 0; s < totals.Length; s++)
                if (totals[s] != 0) result.Add(new StackWeight(-1, s, totals[s]));
            return result;
        }

        var byKey = new Dictionary<long, long>();
        for (var i = 0; i < profile.SampleCount; i++)
        {
            var stack = profile.StackIdOf(i);
            if (stack < 0) continue;
            var key = ((long)profile.ThreadIndexOf(i) << 32) | (uint)stack;
            byKey[key] = byKey.GetValueOrDefault(key) + profile.WeightOf(i, weightIndex);
        }
        var keys = new long[byKey.Count];
        byKey.Keys.CopyTo(keys, 0);
        Array.Sort(keys);
        foreach (var key in keys)
        {
            var weight = byKey[key];
            if (weight != 0) result.Add(new StackWeight((int)(key >> 32), (int)(uint)key, weight));
        }
        return result;
    }

    /// <summary>Rejects a weight column the profile does not have, naming the ones it has.</summary>
    public static void CheckWeightIndex(Profile profile, int weightIndex)
    {
        if (weightIndex >= 0 && weightIndex < profile.WeightTypes.Count) return;
        var names = new string[profile.WeightTypes.Count];
        for (var i = 0; i < names.Length; i++) names[i] = profile.WeightTypes[i].Name;
        throw new UsageException($"weight #{weightIndex} does not exist; this profile has: {string.Join(", ", names)}");
    }
}
