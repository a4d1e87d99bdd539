using Sonde.Profiles.Errors;
using Sonde.Profiles.Views;

namespace Sonde.Profiles.Diff;

/// <summary>
/// What a diff compares in both profiles: time (in nanoseconds, from a time weight or from sample counts times the
/// sampling interval), bytes, or a plain count; read from the same weight in both, or from exact call graphs.
/// </summary>
/// <param name="WeightName">The sample weight read in both profiles; null to read each profile's time as <see cref="TimeScale"/> finds it.</param>
/// <param name="Unit"><c>nanoseconds</c>, <c>bytes</c>, or what a count counts (<c>samples</c>).</param>
/// <param name="Exact">True when the values were measured rather than sampled, so no sampling error applies.</param>
/// <param name="Description">How the values were obtained, e.g. <c>cpu time, sampled</c>.</param>
public sealed record DiffMeasure(string? WeightName, string Unit, bool Exact, string Description)
{
    public bool IsTime => Unit == "nanoseconds";

    /// <summary>
    /// Chooses the measure for two profiles, or says in one line why they can't be compared. <paramref name="weight"/>
    /// names a weight both must have; by default a sampled pair is compared by CPU time when both recorded it (it does
    /// not grow while a busy machine keeps the program waiting for a CPU), else by their time.
    /// </summary>
    /// <exception cref="UsageException">The profiles were made in different ways, or measure different things.</exception>
    public static DiffMeasure Choose(Profile baseProfile, string baseName, Profile newProfile, string newName, string? weight)
    {
        var mode = baseProfile.Metadata.Mode;
        if (newProfile.Metadata.Mode != mode)
            throw new UsageException($"BASE '{baseName}' is {Describe(mode)} but NEW '{newName}' is {Describe(newProfile.Metadata.Mode)}; " +
                                     "compare two profiles made the same way (two recordings, two traces or two cProfile files)");

        if (weight is not null)
        {
            var baseType = WeightTypeOf(baseProfile, baseName, weight);
            var newType = WeightTypeOf(newProfile, newName, weight);
            if (baseType.Unit != newType.Unit)
                throw new UsageException($"--weight {weight} counts {baseType.Unit} in BASE but {newType.Unit} in NEW; choose another weight");
            return new DiffMeasure(weight, baseType.Unit, mode != ProfileMode.Sampling, $"{weight}, {HowMade(mode)}");
        }

        if (mode == ProfileMode.Memory)
        {
            var bytes = FirstBytesWeight(baseProfile) ?? throw new UsageException($"BASE '{baseName}' is a memory profile with no bytes weight; give --weight");
            if (newProfile.WeightIndex(bytes) < 0)
                throw new UsageException($"NEW '{newName}' has no '{bytes}' weight to compare with BASE; give --weight");
            return new DiffMeasure(bytes, "bytes", true, $"{bytes}, measured");
        }

        if (baseProfile.CallGraph is not null && newProfile.CallGraph is not null)
            return new DiffMeasure(null, "nanoseconds", true, "time, measured by call tracing");

        var exact = mode != ProfileMode.Sampling;
        if (HasCpu(baseProfile) && HasCpu(newProfile))
            return new DiffMeasure(WeightType.CpuTime.Name, "nanoseconds", exact, $"cpu time, {HowMade(mode)}");
        var baseTime = TimeScale.Of(baseProfile);
        var newTime = TimeScale.Of(newProfile);
        if (baseTime is not null && newTime is not null)
            return new DiffMeasure(null, "nanoseconds", exact, $"{TimeName(baseProfile, baseTime, newProfile, newTime)}, {HowMade(mode)}");
        if (baseTime is null && newTime is null)
        {
            var name = baseProfile.WeightTypes[0].Name;
            if (newProfile.WeightIndex(name) < 0)
                throw new UsageException($"BASE '{baseName}' counts {name} but NEW '{newName}' has no such weight; give --weight");
            return new DiffMeasure(name, baseProfile.WeightTypes[0].Unit == "count" ? name : baseProfile.WeightTypes[0].Unit, exact, $"{name}, {HowMade(mode)}");
        }
        var (timed, untimed) = baseTime is null ? (newName, baseName) : (baseName, newName);
        throw new UsageException($"'{timed}' has times but '{untimed}' only counts (no sampling rate is known); " +
                                 "compare it with a profile that counts the same way, or give --weight samples");
    }

    /// <summary>The weight column this measure reads in <paramref name="profile"/>.</summary>
    public int WeightIndexIn(Profile profile)
    {
        if (WeightName is not null) return profile.WeightIndex(WeightName);
        return TimeScale.Of(profile)?.WeightIndex ?? 0;
    }

    /// <summary>The measure's unit per unit of the weight it reads: the sampling interval when time is estimated from samples.</summary>
    public double UnitsPerWeightIn(Profile profile)
    {
        if (WeightName is not null || !IsTime) return 1;
        return TimeScale.Of(profile)?.NanosecondsPerUnit ?? 1;
    }

    private static string TimeName(Profile baseProfile, TimeScale baseTime, Profile newProfile, TimeScale newTime)
    {
        var baseName = baseProfile.WeightTypes[baseTime.WeightIndex].Name;
        var newName = newProfile.WeightTypes[newTime.WeightIndex].Name;
        if (baseTime.Estimated || newTime.Estimated) return "time estimated from sample counts";
        return baseName == newName ? $"{baseName} time" : $"{baseName} time against {newName} time";
    }

    private static bool HasCpu(Profile profile)
    {
        var index = profile.WeightIndex(WeightType.CpuTime.Name);
        return index >= 0 && profile.WeightTypes[index].IsTime && profile.TotalWeight(index) > 0;
    }

    private static string? FirstBytesWeight(Profile profile) => profile.WeightTypes.FirstOrDefault(w => w.Unit == "bytes")?.Name;

    private static WeightType WeightTypeOf(Profile profile, string name, string weight)
    {
        var index = profile.WeightIndex(weight);
        if (index < 0)
            throw new UsageException($"--weight {weight}: '{name}' has no such weight; it has {string.Join(", ", profile.WeightTypes.Select(w => w.Name))}");
        return profile.WeightTypes[index];
    }

    private static string Describe(ProfileMode mode) => mode switch
    {
        ProfileMode.Sampling => "a sampled CPU profile",
        ProfileMode.Tracing => "an exact trace (call counts and times)",
        ProfileMode.Memory => "a memory profile",
        _ => mode.ToString(),
    };

    private static string HowMade(ProfileMode mode) => mode == ProfileMode.Sampling ? "sampled" : "measured";
}
