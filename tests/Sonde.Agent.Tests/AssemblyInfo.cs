// Each test starts Python processes; on two cores, running them side by side only makes each slower.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
