// The profiling tests compare CPU shares; tests running side by side on two cores would distort them.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
