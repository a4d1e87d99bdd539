using Sonde.Profiles.Errors;
using Sonde.Profiles.Views;

namespace Sonde.Store.Tests;

/// <summary>The store against real SQLite and a real PostgreSQL server, the same tests for both.</summary>
public sealed class ProfileStoreTests(StoreBackends backends) : IClassFixture<StoreBackends>
{
    public static TheoryData<string> Kinds => StoreBackends.Kinds;

    [Theory, MemberData(nameof(Kinds))]
    public void A_saved_profile_comes_back_whole_with_its_summary(string kind)
    {
        var store = ProfileStore.Open(backends.Fresh(kind));
        var profile = TestProfiles.Sampled("parse", hotSamples: 30, otherSamples: 10);

        var id = store.Save(profile, "baseline");

        var recording = Assert.Single(store.List());
        Assert.Equal(id, recording.Id);
        Assert.Equal("baseline", recording.Name);
        Assert.Equal("python3 app.py", recording.Command);
        Assert.Equal("sampling", recording.Mode);
        Assert.Equal(40, recording.Samples);
        Assert.Equal(1.5, recording.DurationSeconds, 6);
        Assert.Equal("0123456789abcdef", recording.GitCommit);
        Assert.Equal("parse (/app/work.py:10)", recording.TopFunction);
        Assert.Equal(0.75, recording.TopShare!.Value, 6);
        Assert.Equal("3.12.4", recording.PythonVersion);
        Assert.Equal(4242, recording.ProcessId);
        Assert.Equal(profile.Metadata.StartTime, recording.StartedAt);

        var loaded = store.Load(recording);
        Assert.Equal(40, loaded.SampleCount);
        var functions = FunctionTable.Build(loaded).ToDictionary(f => f.Function.Function, f => f.Own);
        Assert.Equal(30, functions["parse"]);
        Assert.Equal(10, functions["other"]);
        Assert.Equal(recording.ProfileBytes, StoreBackends.Scalar(store.Location, $"SELECT LENGTH(profile) FROM sonde_recordings WHERE id = {id}") is { } length ? Convert.ToInt64(length) : -1);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void References_find_the_last_an_id_and_the_newest_of_a_name(string kind)
    {
        var store = ProfileStore.Open(backends.Fresh(kind));
        var first = store.Save(TestProfiles.Sampled("a", 5, 1));
        var second = store.Save(TestProfiles.Sampled("b", 5, 1), "nightly");
        var third = store.Save(TestProfiles.Sampled("c", 5, 1), "nightly");
        var fourth = store.Save(TestProfiles.Sampled("d", 5, 1));

        Assert.Equal(fourth, store.Find(ProfileReference.Parse("@last")).Id);
        Assert.Equal(third, store.Find(ProfileReference.Parse("@last~1")).Id);
        Assert.Equal(first, store.Find(ProfileReference.Parse("@last~3")).Id);
        Assert.Equal(third, store.Find(ProfileReference.Parse("@nightly")).Id);
        Assert.Equal(second, store.Find(ProfileReference.Parse($"@{second}")).Id);
        Assert.Equal("b (/app/work.py:10)", store.Find(ProfileReference.Parse($"@{second}")).TopFunction);

        var missing = Assert.Throws<BadInputException>(() => store.Find(ProfileReference.Parse("@last~4")));
        Assert.Contains("no recording @last~4", missing.Message);
        Assert.Throws<BadInputException>(() => store.Find(ProfileReference.Parse("@weekly")));
        Assert.Throws<BadInputException>(() => store.Find(ProfileReference.Parse("@999")));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Retention_keeps_the_newest_within_count_and_size(string kind)
    {
        var location = backends.Fresh(kind);
        var byCount = ProfileStore.Open(location, new RetentionPolicy(KeepLast: 3, MaxBytes: long.MaxValue));
        var ids = Enumerable.Range(0, 5).Select(i => byCount.Save(TestProfiles.Sampled($"f{i}", 5, 1))).ToList();
        Assert.Equal(ids[^3..].AsEnumerable().Reverse(), byCount.List().Select(r => r.Id));

        var size = byCount.List()[0].ProfileBytes;
        var bySize = ProfileStore.Open(location, new RetentionPolicy(KeepLast: 100, MaxBytes: size * 2 + size / 2));
        var newest = bySize.Save(TestProfiles.Sampled("f5", 5, 1));
        Assert.Equal([newest, ids[4]], bySize.List().Select(r => r.Id));

        // The newest recording stays even when it alone is over the limit.
        var tiny = ProfileStore.Open(location, new RetentionPolicy(KeepLast: 100, MaxBytes: 1));
        var last = tiny.Save(TestProfiles.Sampled("f6", 5, 1));
        Assert.Equal([last], tiny.List().Select(r => r.Id));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void A_store_with_a_newer_schema_is_refused_and_left_alone(string kind)
    {
        var location = backends.Fresh(kind);
        var store = ProfileStore.Open(location);
        store.Save(TestProfiles.Sampled("kept", 5, 1));
        StoreBackends.Scalar(location, $"INSERT INTO sonde_schema (version) VALUES ({StoreSchema.Latest + 7})");

        var error = Assert.Throws<StoreException>(() => ProfileStore.Open(location));
        Assert.Contains($"schema version {StoreSchema.Latest + 7}, newer than this Sonde knows ({StoreSchema.Latest})", error.Message);
        Assert.Contains("upgrade Sonde", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(1L, Convert.ToInt64(StoreBackends.Scalar(location, "SELECT COUNT(*) FROM sonde_recordings")));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void An_older_schema_is_migrated_and_keeps_its_recordings(string kind)
    {
        var location = backends.Fresh(kind);
        var old = ProfileStore.Open(location, RetentionPolicy.Default, schemaVersion: 1);
        var id = old.Save(TestProfiles.Sampled("old", 5, 1));
        Assert.Equal(1, Convert.ToInt32(StoreBackends.Scalar(location, "SELECT MAX(version) FROM sonde_schema")));

        var store = ProfileStore.Open(location);

        Assert.Equal(StoreSchema.Latest, Convert.ToInt32(StoreBackends.Scalar(location, "SELECT MAX(version) FROM sonde_schema")));
        Assert.Equal("old (/app/work.py:10)", store.Find(ProfileReference.Parse($"@{id}")).TopFunction);
        Assert.Equal(6, store.Load(store.Find(ProfileReference.Parse("@last"))).SampleCount);
    }

    [Fact]
    public void A_sqlite_store_that_cannot_be_created_gives_one_line()
    {
        var file = Path.GetTempFileName();
        try
        {
            var error = Assert.Throws<StoreException>(() => ProfileStore.Open(StoreLocation.Resolve(Path.Combine(file, "below-a-file"))));
            Assert.Contains(file, error.Message);
            Assert.Contains("--no-store", error.Message);
            Assert.DoesNotContain('\n', error.Message);
            Assert.Equal(ExitCodes.BadInput, error.ExitCode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_file_that_is_not_a_store_is_refused()
    {
        var file = Path.Combine(Path.GetTempPath(), $"sonde-not-a-store-{Guid.NewGuid():N}.db");
        File.WriteAllText(file, new string('x', 4096));
        try
        {
            var error = Assert.Throws<StoreException>(() => ProfileStore.Open(StoreLocation.Resolve(file)));
            Assert.Contains("not a Sonde history", error.Message);
            Assert.Equal(new string('x', 4096), File.ReadAllText(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_postgresql_server_that_is_down_gives_one_line_without_the_password()
    {
        var server = backends.Postgres;
        var url = $"postgresql://sonde:secret@127.0.0.1:{server.Port + 1}/postgres";
        var error = Assert.Throws<StoreException>(() => ProfileStore.Open(StoreLocation.Resolve(url)));
        Assert.Contains("can't reach the PostgreSQL history store", error.Message);
        Assert.Contains("sonde:***@127.0.0.1", error.Message);
        Assert.DoesNotContain("secret", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
